/**
 * The worker most provider tests need: a pilot that runs one payload as soon as it starts and releases itself
 * when that payload ends, with what happened to it and when.
 */
import type { Simulation } from '../../../sim/engine.ts';
import type {
  FailureCause,
  Payload,
  PayloadOutcome,
  Provider,
  Worker,
  WorkerRequest,
} from '../../../models/provider/worker.ts';

export interface OnePayloadLog {
  worker: Worker;
  startedAt?: number;
  endedAt?: number;
  /** The cause the worker ended with. */
  cause?: FailureCause;
  outcome?: PayloadOutcome;
  doneAt?: number;
}

/** Submits the worker now; `payloadFor` makes its payload once it has started, after `onStart` has run. */
export function submitOnePayload(
  sim: Simulation,
  provider: Provider,
  request: WorkerRequest,
  payloadFor: (worker: Worker) => Payload,
  onStart?: () => void,
): OnePayloadLog {
  const log = {} as OnePayloadLog;
  log.worker = provider.submit(request, {
    started(worker) {
      log.startedAt = sim.now;
      onStart?.();
      provider.run(worker, payloadFor(worker), (outcome) => {
        log.outcome = outcome;
        log.doneAt = sim.now;
        provider.release(worker);
      });
    },
    ended(_worker, cause) {
      log.endedAt = sim.now;
      log.cause = cause;
    },
  });
  return log;
}
