/**
 * Every output file is written to a temporary name beside it and renamed into place, so an interrupted or
 * failed run never leaves a half-written file behind (rename is atomic within a file system).
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/** The temporary name beside `path` that it is written under (its directory is made). */
function tempBeside(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = tempBeside(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * A file written piece by piece as a run goes (event logs, job records), too large to hold whole: the pieces
 * are buffered, appended to the temporary file, and renamed into place on `close`; `discard` removes them.
 */
export class AtomicFileStream {
  private readonly temp: string;
  private readonly fd: number;
  private buffer: string[] = [];

  constructor(private readonly path: string) {
    this.temp = tempBeside(path);
    this.fd = openSync(this.temp, 'w');
  }

  write(text: string): void {
    this.buffer.push(text);
    // One write system call per 10 000 pieces rather than per piece.
    if (this.buffer.length >= 10_000) this.flush();
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.temp, this.path);
  }

  /** The run failed: what was written goes. */
  discard(): void {
    closeSync(this.fd);
    rmSync(this.temp, { force: true });
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
  }
}
