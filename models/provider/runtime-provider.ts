/**
 * The part of the Provider contract that every provider built on a WorkerRuntime answers alike: its counts,
 * release and kill are the runtime's, and so are run and usage unless the provider adds to them (a payload's
 * stage-in or failure, a bill). A subclass creates its runtime in its constructor (where its `onEnd` hook can
 * see the subclass's own fields) and decides the rest: whether it takes a request, and where and when a worker
 * starts.
 */
import type {
  Payload,
  PayloadOutcome,
  Provider,
  ProviderUsage,
  Worker,
  WorkerEvents,
  WorkerRequest,
} from './worker.ts';
import type { ProviderWorker, WorkerRuntime } from './worker-runtime.ts';

export abstract class RuntimeProvider<W extends ProviderWorker> implements Provider {
  abstract readonly name: string;
  protected abstract readonly runtime: WorkerRuntime<W>;

  abstract submit(request: WorkerRequest, events: WorkerEvents): Worker;

  get queued(): number {
    return this.runtime.queued;
  }

  get running(): number {
    return this.runtime.running;
  }

  run(worker: Worker, payload: Payload, done: (outcome: PayloadOutcome) => void): void {
    this.runtime.run(this.runtime.own(worker, 'run'), payload, done);
  }

  release(worker: Worker): void {
    this.runtime.release(this.runtime.own(worker, 'release'));
  }

  kill(worker: Worker): void {
    this.runtime.kill(this.runtime.own(worker, 'kill'));
  }

  /** Cores and GPUs its running workers hold now. */
  get inUse(): { readonly cores: number; readonly gpus: number } {
    return this.runtime.inUse;
  }

  usage(now: number): ProviderUsage {
    return this.runtime.usage(now);
  }
}
