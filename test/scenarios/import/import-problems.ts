/** Shared by the import tests: the problems an import throws, as their printed lines. */
import { InputFileError } from '@pandasim/panda';

export function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InputFileError)
      return error.message
        .split('\n')
        .slice(1)
        .map((l) => l.trim());
    throw error;
  }
  throw new Error('no error thrown');
}
