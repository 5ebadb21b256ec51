/**
 * One payload in a worker of its own, for owners that hold payloads rather than pilots (a user running on their
 * own cluster, a test): submit a worker, run the payload when it starts, release it when the payload ends.
 */
import type { Payload, PayloadOutcome, Provider, Worker, WorkerRequest } from './worker.ts';

/**
 * Runs `payload` on `provider` in a worker asked for with `request`. `done` is called once: with the payload's
 * outcome, or, if the worker ended before the payload could run, with a failure of wall time 0 and the worker's
 * cause (`cancelled` when it gave none). Returns the worker, whose placement says where the payload ran.
 */
export function runPayload(
  provider: Provider,
  request: WorkerRequest,
  payload: Payload,
  done: (outcome: PayloadOutcome, worker: Worker) => void,
): Worker {
  let reported = false;
  const report = (outcome: PayloadOutcome, worker: Worker) => {
    if (reported) return;
    reported = true;
    done(outcome, worker);
  };
  return provider.submit(request, {
    started(worker) {
      provider.run(worker, payload, (outcome) => {
        report(outcome, worker);
        provider.release(worker);
      });
    },
    ended(worker, cause) {
      report({ ok: false, wallTime: 0, cause: cause ?? 'cancelled' }, worker);
    },
  });
}
