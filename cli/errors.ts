import { InputFileError } from '@pandasim/panda';

/** Exit codes of every pandasim command: 0 done, 1 the run failed, 2 bad input (nothing was written). */
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** Bad input from the user: the message names the file, the field and what was expected. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Loads an input file; its problems become an `InputError` (exit 2, nothing on stdout). */
export function loadInputFile<T>(load: (path: string) => T, file: string): T {
  try {
    return load(file);
  } catch (error) {
    if (error instanceof InputFileError) throw new InputError(error.message);
    throw error;
  }
}
