/**
 * Sweeper (HSF/harvester `harvesterbody/sweeper.py`): each cycle sends up to `maxWorkers` pending kills to the
 * workers' plugins (`kill_workers`) across the provider hop. The monitor then sees the workers end.
 */
import type { AgentContext } from './agent-context.ts';
import type { WorkSpec, WorkerPlugin } from './plugin.ts';

export class Sweeper {
  constructor(private readonly h: AgentContext) {}

  readonly cycle = (): void => {
    const { sim, params, db, providerHop } = this.h;
    const byPlugin = new Map<WorkerPlugin, WorkSpec[]>();
    for (const worker of db.toKill.take(sim.now, params.sweeper.maxWorkers)) {
      const list = byPlugin.get(worker.queue.plugin);
      if (list === undefined) byPlugin.set(worker.queue.plugin, [worker.spec]);
      else list.push(worker.spec);
    }
    for (const [plugin, specs] of byPlugin) providerHop.send(() => plugin.killWorkers(specs));
  };
}
