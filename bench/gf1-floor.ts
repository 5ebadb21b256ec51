/**
 * GF-1 with no engine at all: the floor a general kernel is measured against (benchmarks.md quotes 0.65 s for
 * such a loop). Completions sit in a typed-array heap keyed by time; the next arrival is a single variable.
 * It draws from the same named streams in the same order as models/gridfarm/gf1.ts, so both must produce the
 * same waits — which makes it a check of the engine as well as a baseline.
 */
import { RandomStreams } from '../sim/random.ts';
import { GF1_DEFAULTS, gf1Slots } from '../models/gridfarm/gf1.ts';

export interface Gf1FloorResult {
  events: number;
  meanWait: number;
  lastArrival: number;
}

export function runGf1Floor(jobs: number, seed: number | string): Gf1FloorResult {
  const { sites: nSites, arrivalRate: rate, meanRuntime } = GF1_DEFAULTS;
  const streams = new RandomStreams(seed);
  const arrivals = streams.stream('gf1/arrivals');
  const runtimes = streams.stream('gf1/runtimes');
  const slots = Int32Array.from({ length: nSites }, (_, i) => gf1Slots(i));
  const running = new Int32Array(nSites);
  // One FIFO per site, as a linked list threaded through per-job arrays (job index = arrival order).
  const qHead = new Int32Array(nSites).fill(-1);
  const qTail = new Int32Array(nSites).fill(-1);
  const qLen = new Int32Array(nSites);
  const next = new Int32Array(jobs).fill(-1);
  const arrivalTime = new Float64Array(jobs);
  const runtime = new Float64Array(jobs);
  let heapT = new Float64Array(1024);
  let heapS = new Int32Array(1024);
  let heapN = 0;
  const push = (t: number, s: number): void => {
    if (heapN === heapT.length) {
      const t2 = new Float64Array(heapN * 2);
      t2.set(heapT);
      const s2 = new Int32Array(heapN * 2);
      s2.set(heapS);
      heapT = t2;
      heapS = s2;
    }
    let pos = heapN++;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (heapT[parent] <= t) break;
      heapT[pos] = heapT[parent];
      heapS[pos] = heapS[parent];
      pos = parent;
    }
    heapT[pos] = t;
    heapS[pos] = s;
  };
  const pop = (): void => {
    const t = heapT[--heapN];
    const s = heapS[heapN];
    let pos = 0;
    while (true) {
      let child = 2 * pos + 1;
      if (child >= heapN) break;
      if (child + 1 < heapN && heapT[child + 1] < heapT[child]) child++;
      if (t <= heapT[child]) break;
      heapT[pos] = heapT[child];
      heapS[pos] = heapS[child];
      pos = child;
    }
    heapT[pos] = t;
    heapS[pos] = s;
  };

  let events = 0;
  let waitSum = 0;
  let arrived = 0;
  const meanInterArrival = 1 / rate;
  let nextArrival = -meanInterArrival * Math.log(1 - arrivals.next());
  let lastArrival = 0;
  while (arrived < jobs || heapN > 0) {
    if (arrived < jobs && (heapN === 0 || nextArrival < heapT[0])) {
      const now = nextArrival;
      events++;
      const job = arrived++;
      arrivalTime[job] = now;
      runtime[job] = -meanRuntime * Math.log(1 - runtimes.next());
      let best = 0;
      let bestWeight = -1;
      for (let i = 0; i < nSites; i++) {
        const w = (running[i] + 1) / (qLen[i] + 10);
        if (w > bestWeight) {
          bestWeight = w;
          best = i;
        }
      }
      if (running[best] < slots[best]) {
        running[best]++;
        push(now + runtime[job], best);
      } else {
        if (qTail[best] < 0) qHead[best] = job;
        else next[qTail[best]] = job;
        qTail[best] = job;
        qLen[best]++;
      }
      if (arrived < jobs) nextArrival = now - meanInterArrival * Math.log(1 - arrivals.next());
      else lastArrival = now;
    } else {
      const now = heapT[0];
      const site = heapS[0];
      pop();
      events++;
      running[site]--;
      const job = qHead[site];
      if (job >= 0) {
        qHead[site] = next[job];
        if (qHead[site] < 0) qTail[site] = -1;
        qLen[site]--;
        waitSum += now - arrivalTime[job];
        running[site]++;
        push(now + runtime[job], site);
      }
    }
  }
  return { events, meanWait: jobs > 0 ? waitSum / jobs : 0, lastArrival };
}
