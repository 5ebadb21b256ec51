/**
 * A broken invariant of a run: the model's state contradicts itself (a job in two states, a link above its
 * capacity, the clock running backwards), so nothing measured after it can be trusted and the run stops.
 * Distinct from bad input (the user's mistake, reported before anything runs) and from a modelled fault (part
 * of the world being simulated): this one is a bug in the simulator or in a model.
 */
export class InvariantViolation extends Error {
  constructor(
    /** Which invariant, in a few words ("job table", "link capacity", ...). */
    readonly invariant: string,
    /** Simulated time of the check that found it, s. */
    readonly at: number,
    readonly detail: string,
  ) {
    super(`invariant "${invariant}" violated at simulated time ${at} s: ${detail}`);
    this.name = 'InvariantViolation';
  }
}

/** Runs `check`; an error it throws becomes an InvariantViolation of `invariant` at `at`. */
export function checkInvariant(invariant: string, at: number, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof InvariantViolation) throw error;
    throw new InvariantViolation(invariant, at, error instanceof Error ? error.message : String(error));
  }
}
