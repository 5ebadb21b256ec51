/**
 * A binary min-heap of items ordered by a numeric key, FIFO among equal keys. Used where the items are objects
 * (requests waiting for a resource); the engine's event set has its own typed-array heap for speed.
 */
export class PriorityQueue<T> {
  private keys: number[] = [];
  private seqs: number[] = [];
  private items: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  push(item: T, key: number): void {
    let pos = this.items.length;
    const seq = this.nextSeq++;
    this.keys.push(key);
    this.seqs.push(seq);
    this.items.push(item);
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!this.before(key, seq, parent)) break;
      this.move(parent, pos);
      pos = parent;
    }
    this.place(pos, key, seq, item);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0];
    const key = this.keys.pop() as number;
    const seq = this.seqs.pop() as number;
    const item = this.items.pop() as T;
    if (n > 1) this.siftDown(0, key, seq, item);
    return top;
  }

  /** Removes one item (linear search: withdrawals are rare next to grants). */
  remove(item: T): boolean {
    const i = this.items.indexOf(item);
    if (i < 0) return false;
    const key = this.keys.pop() as number;
    const seq = this.seqs.pop() as number;
    const last = this.items.pop() as T;
    if (i === this.items.length) return true;
    // Re-insert the former last element at the hole, sifting whichever way restores order.
    let pos = i;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!this.before(key, seq, parent)) break;
      this.move(parent, pos);
      pos = parent;
    }
    if (pos === i) this.siftDown(i, key, seq, last);
    else this.place(pos, key, seq, last);
    return true;
  }

  private siftDown(pos: number, key: number, seq: number, item: T): void {
    const n = this.items.length;
    while (true) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(this.keys[child + 1], this.seqs[child + 1], child)) child++;
      if (!this.before(this.keys[child], this.seqs[child], -1, key, seq)) break;
      this.move(child, pos);
      pos = child;
    }
    this.place(pos, key, seq, item);
  }

  /** Whether (key, seq) orders before the entry at `at` (or before (k2, s2) when `at` is -1). */
  private before(key: number, seq: number, at: number, k2 = this.keys[at], s2 = this.seqs[at]): boolean {
    return key < k2 || (key === k2 && seq < s2);
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from];
    this.seqs[to] = this.seqs[from];
    this.items[to] = this.items[from];
  }

  private place(pos: number, key: number, seq: number, item: T): void {
    this.keys[pos] = key;
    this.seqs[pos] = seq;
    this.items[pos] = item;
  }
}
