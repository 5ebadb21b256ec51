/**
 * How a Harvester agent picks its rows: those whose time column (`preparatorTime`, `modificationTime`,
 * `propagatorTime`...) is unset or older than the agent's interval, oldest first, up to a per-cycle maximum
 * (`get_jobs_in_sub_status`, `get_workers_to_update`, `get_jobs_to_propagate` in `harvestercore/db_proxy.py`).
 * A row pushed "now" has been triggered (`trigger_propagation` and the like set the column an hour back), so
 * it comes before every row that waited for its interval.
 *
 * Without a database: a FIFO of triggered rows and a list of rows sorted by due time. A row is in the list
 * at most once: a later push replaces the earlier entry, which is skipped when reached.
 */
import { TIME_SLACK } from './agent-loop.ts';

interface Entry<T> {
  readonly item: T;
  readonly ticket: number;
  readonly due: number;
}

class Fifo<T> {
  entries: Entry<T>[] = [];
  head = 0;

  get empty(): boolean {
    return this.head === this.entries.length;
  }

  peek(): Entry<T> {
    return this.entries[this.head];
  }

  shift(): Entry<T> {
    const entry = this.entries[this.head++];
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return entry;
  }
}

export class DueList<T> {
  private readonly tickets = new Map<T, number>();
  private readonly triggered = new Fifo<T>();
  private readonly waiting = new Fifo<T>();
  private nextTicket = 0;

  /** The row is due at once, before every row waiting for its time. */
  trigger(item: T): void {
    this.triggered.entries.push({ item, ticket: this.issue(item), due: -Infinity });
  }

  /** The row is due at `due`. */
  schedule(item: T, due: number): void {
    const entries = this.waiting.entries;
    const entry = { item, ticket: this.issue(item), due };
    // Rows arrive nearly in due order (now + a fixed interval; replies cross the hops in order), so the
    // place is found a few steps from the end.
    let at = entries.length;
    while (at > this.waiting.head && entries[at - 1].due > due) at--;
    if (at === entries.length) entries.push(entry);
    else entries.splice(at, 0, entry);
  }

  remove(item: T): void {
    this.tickets.delete(item);
  }

  /** Takes up to `max` rows due at `now`: the triggered ones first, then by due time. */
  take(now: number, max: number): T[] {
    const taken: T[] = [];
    for (const fifo of [this.triggered, this.waiting]) {
      while (taken.length < max && !fifo.empty && fifo.peek().due <= now + TIME_SLACK) {
        const { item, ticket } = fifo.shift();
        if (this.tickets.get(item) !== ticket) continue;
        this.tickets.delete(item);
        taken.push(item);
      }
    }
    return taken;
  }

  private issue(item: T): number {
    const ticket = this.nextTicket++;
    this.tickets.set(item, ticket);
    return ticket;
  }
}
