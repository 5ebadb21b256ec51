/**
 * File grouping before a bulk Globus transfer, as Harvester's go_bulk_preparator / go_bulk_stager do
 * (`GlobusBulkStager.check_status`, HSF/harvester pandaharvester/harvesterstager/go_bulk_stager.py; providers.md
 * §1.8): files waiting for the same route join one group, and the group is submitted as one transfer task
 * once at least `maxFiles` files wait or the group is older than `maxAge`.
 *
 * Harvester evaluates these conditions when it checks a job (every stager/preparator `checkInterval`, 180 s,
 * providers.md §1.6); here they are evaluated the moment they become true, the 10th file flushing at once and
 * an older group at its age limit exactly. A model of the agent's cycles adds its own polling delay on top.
 */
import type { Simulation } from '../../sim/engine.ts';

export interface BulkGroupingParams {
  /** Flush when this many files wait. 10 [S: go_bulk_stager.py, `len(fileSpecs) >= 10`]. */
  maxFiles: number;
  /** Flush when the group is this old, s. 600 [S: go_bulk_stager.py, `timedelta(minutes=10)`]. */
  maxAge: number;
}

export const DEFAULT_BULK_GROUPING: Readonly<BulkGroupingParams> = { maxFiles: 10, maxAge: 600 };

interface Group<T> {
  items: T[];
  timer: number;
}

export class BulkGrouper<T> {
  private readonly groups = new Map<string, Group<T>>();
  private readonly params: BulkGroupingParams;

  /** `flush(key, items)` receives each group when it is due, e.g. to submit one transfer task. */
  constructor(
    private readonly sim: Simulation,
    private readonly flush: (key: string, items: T[]) => void,
    params: Partial<BulkGroupingParams> = {},
  ) {
    this.params = { ...DEFAULT_BULK_GROUPING, ...params };
    if (!(Number.isInteger(this.params.maxFiles) && this.params.maxFiles >= 1))
      throw new RangeError(`maxFiles must be an integer >= 1, got ${this.params.maxFiles}`);
    if (!(this.params.maxAge >= 0)) throw new RangeError(`maxAge must be >= 0, got ${this.params.maxAge}`);
  }

  /** Adds a file to the group of `key` (e.g. the source and destination endpoints), starting one if none. */
  add(key: string, item: T): void {
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { items: [], timer: -1 };
      this.groups.set(key, group);
      group.timer = this.sim.schedule(this.params.maxAge, () => this.release(key));
    }
    group.items.push(item);
    if (group.items.length >= this.params.maxFiles) {
      this.sim.cancel(group.timer);
      this.release(key);
    }
  }

  /** Files waiting in the group of `key`. */
  waiting(key: string): number {
    return this.groups.get(key)?.items.length ?? 0;
  }

  private release(key: string): void {
    const group = this.groups.get(key) as Group<T>;
    this.groups.delete(key);
    this.flush(key, group.items);
  }
}
