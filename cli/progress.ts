/**
 * A one-line progress display on stderr — what is done, of how much, and the time left at the pace so far —
 * redrawn in place on a terminal and silent otherwise (CI logs, pipes) or with --quiet.
 */
export class Progress {
  private readonly start = performance.now();
  private readonly enabled: boolean;
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    quiet: boolean,
  ) {
    this.enabled = !quiet && process.stderr.isTTY === true;
  }

  /** `fraction` of the work is done; `detail` says what (e.g. "3/24 runs"). */
  update(fraction: number, detail: string): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && fraction < 1) return;
    this.lastDraw = now;
    const elapsed = (now - this.start) / 1000;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Number.NaN;
    const width = 24;
    const filled = Math.round(width * Math.min(1, Math.max(0, fraction)));
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    const left = Number.isFinite(eta) ? `, ${eta.toFixed(0)} s left` : '';
    process.stderr.write(`\r${this.label} [${bar}] ${detail}${left}   `);
  }

  done(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}
