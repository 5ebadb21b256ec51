/**
 * Ctrl-C and SIGTERM as a request to stop: while one is installed, the first signal aborts `signal` (the
 * command stops at its next look, writes what it has marked partial, and says so); a second one exits at once,
 * for a user who does not want to wait. Output files are written to a temporary name and renamed, so even then
 * none is left half-written.
 */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof EXIT_CODES;

export class Interrupt {
  private readonly controller = new AbortController();
  private received: StopSignal | undefined;
  private readonly handler = (name: StopSignal) => {
    if (this.received !== undefined) process.exit(EXIT_CODES[name]);
    this.received = name;
    process.stderr.write(`\npandasim: ${name} received: stopping (again to quit at once)\n`);
    this.controller.abort();
  };

  constructor() {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The signal received, for messages. */
  get signalName(): string {
    return this.received ?? 'nothing';
  }

  /** The shell's convention: 128 + the signal's number. */
  get exitCode(): number {
    return this.received === undefined ? 0 : EXIT_CODES[this.received];
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }
}
