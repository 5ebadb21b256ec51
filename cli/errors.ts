import { InputFileError } from '@pandasim/panda';
import { ScenarioError } from '../scenarios/scenario-error.ts';

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

/** A loader's report of a bad file (scenario, sweep, catalog, brokerage world) as the CLI's bad input. */
function rethrowAsInput(error: unknown): never {
  if (error instanceof ScenarioError || error instanceof InputFileError) throw new InputError(error.message);
  throw error;
}

/** Runs `step`; the problems its loaders find in their files become an `InputError` (exit 2). */
export function asInput<T>(step: () => T): T {
  try {
    return step();
  } catch (error) {
    rethrowAsInput(error);
  }
}

/** `asInput` for a step that loads asynchronously. */
export async function asInputAsync<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    rethrowAsInput(error);
  }
}

/** Loads an input file; its problems become an `InputError` (exit 2, nothing on stdout). */
export function loadInputFile<T>(load: (path: string) => T, file: string): T {
  return asInput(() => load(file));
}
