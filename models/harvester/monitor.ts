/**
 * Monitor (HSF/harvester `harvesterbody/monitor.py`): each cycle takes up to `maxWorkers` workers not checked
 * for `checkInterval` (`get_workers_to_update`), asks their plugins across the provider hop, and applies what
 * comes back (local-db.ts). So Harvester learns of a worker's start or end only at the first monitor cycle
 * `checkInterval` after its previous check; with the default 600 s cycle every live worker is checked once
 * per cycle. A worker still queued `workerQueueTimeLimit` after submission is handed to the sweeper.
 */
import type { AgentContext } from './agent-context.ts';
import type { WorkerRecord } from './records.ts';
import type { WorkerCheck, WorkerPlugin } from './plugin.ts';

export class Monitor {
  constructor(private readonly h: AgentContext) {}

  readonly cycle = (): void => {
    const { sim, params, db, providerHop } = this.h;
    const byPlugin = new Map<WorkerPlugin, WorkerRecord[]>();
    for (const worker of db.toMonitor.take(sim.now, params.monitor.maxWorkers)) {
      const list = byPlugin.get(worker.queue.plugin);
      if (list === undefined) byPlugin.set(worker.queue.plugin, [worker]);
      else list.push(worker);
    }
    for (const [plugin, workers] of byPlugin) {
      providerHop.callAsync<WorkerCheck[]>(
        (respond) =>
          plugin.checkWorkers(
            workers.map((worker) => worker.spec),
            respond,
          ),
        (checks) => checks.forEach((check, i) => this.apply(workers[i], check)),
      );
    }
  };

  private apply(worker: WorkerRecord, check: WorkerCheck): void {
    const { sim, params, db } = this.h;
    const now = sim.now;
    db.applyCheck(worker, check, now);
    if (worker.final) return;
    const { workerQueueTimeLimit, checkInterval } = params.monitor;
    if (
      worker.status === 'submitted' &&
      now > worker.submitTime + workerQueueTimeLimit &&
      !worker.killRequested
    ) {
      worker.killRequested = true;
      db.stats.workersKilledInQueue++;
      db.toKill.trigger(worker);
    }
    db.toMonitor.schedule(worker, now + checkInterval);
  }
}
