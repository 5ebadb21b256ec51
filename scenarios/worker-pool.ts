/**
 * A pool of worker threads for runs: each thread loads the sources once (run-worker.mjs registers tsx there,
 * about a second and a half per thread on this machine) and then runs one request after another, so small
 * runs are not dominated by that start. A run that crashes its thread fails alone; the next run gets a fresh
 * thread.
 *
 * Reusing a thread relies on the simulator keeping no state between runs at module scope (today it holds only
 * constant tables there). The sweep tests would see a leak: their shards run the cells in other threads and
 * other orders than the full run, and the merged results must be equal.
 */
import { Worker } from 'node:worker_threads';
import type { RunSummary } from '../reports/summary.ts';
import type { RunReply, RunRequest } from './run-worker.ts';

/** The `workerData` that makes run-worker.ts serve requests until it is terminated. */
export const POOLED = 'pooled';

/** One thread, one run at a time. */
class PoolThread {
  private worker: Worker | undefined;
  private closed = false;

  private spawn(): Worker {
    const worker = new Worker(new URL('./run-worker.mjs', import.meta.url), { workerData: POOLED });
    // A thread that dies between runs is replaced at the next one (a run's own listeners report it during one).
    worker
      .on('error', () => undefined)
      .on('exit', () => {
        if (this.worker === worker) this.worker = undefined;
      });
    return worker;
  }

  run(request: RunRequest): Promise<RunSummary> {
    if (this.closed)
      return Promise.reject(new Error(`${request.policy}, seed ${request.seed}: the pool is closed`));
    this.worker ??= this.spawn();
    const worker = this.worker;
    const what = `${request.policy}, seed ${request.seed}`;
    return new Promise((resolve, reject) => {
      const settle = (lost: boolean) => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        if (lost) {
          this.worker = undefined;
          void worker.terminate();
        }
      };
      const onMessage = (reply: RunReply) => {
        settle(false);
        if (reply.ok) resolve(reply.summary);
        else reject(new Error(`${what}: ${reply.error}`));
      };
      const onError = (error: Error) => {
        settle(true);
        reject(new Error(`${what}: ${error.message}`));
      };
      const onExit = (code: number) => {
        settle(true);
        reject(new Error(`${what}: worker exited with code ${code}`));
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

/**
 * Calls `task` for each item, in order, as threads of the `size` come free; a task gets its thread's `run`.
 * Resolves when all tasks have (a task handles its own failures); the threads are then ended. When `signal`
 * aborts (Ctrl-C), no more items are taken and the threads end at once: the runs under way reject.
 */
export async function withRunPool<T>(
  items: readonly T[],
  size: number,
  task: (item: T, run: (request: RunRequest) => Promise<RunSummary>) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const threads = Array.from({ length: Math.max(1, Math.min(size, items.length)) }, () => new PoolThread());
  let next = 0;
  // Set when a task threw or the signal aborted: the threads take no more items.
  let stopped = signal?.aborted ?? false;
  const abort = () => {
    stopped = true;
    for (const thread of threads) void thread.close();
  };
  signal?.addEventListener('abort', abort, { once: true });
  try {
    await Promise.all(
      threads.map(async (thread) => {
        while (!stopped && next < items.length) await task(items[next++], (request) => thread.run(request));
      }),
    );
  } finally {
    signal?.removeEventListener('abort', abort);
    stopped = true;
    await Promise.all(threads.map((t) => t.close()));
  }
}
