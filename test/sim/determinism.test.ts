import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exponential, lognormal } from '../../sim/distributions.ts';
import { Simulation } from '../../sim/engine.ts';
import { timeout } from '../../sim/process.ts';
import { RandomStreams } from '../../sim/random.ts';
import { Resource } from '../../sim/resources.ts';
import { startArrivals } from '../support/arrivals.ts';

/** A small world (two pools of slots, jobs choosing the shorter queue) whose every event is written to a trace. */
function traceOf(seed: number | string, jobs = 3000): string {
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const pools = [new Resource(sim, 4), new Resource(sim, 6, 'priority')];
  const lines: string[] = [];
  const log = (text: string) => lines.push(`${sim.now.toFixed(9)} ${text}`);
  const interArrival = exponential({ mean: 2 });
  const runtime = lognormal({ median: 20, sigma: 0.8 });
  const arrivals = streams.stream('arrivals');
  const runtimes = streams.stream('runtimes');
  const priorities = streams.stream('priorities');

  function* job(id: number) {
    const pool = pools[0].queueLength <= pools[1].queueLength ? 0 : 1;
    const req = pools[pool].request(1, Math.floor(priorities.next() * 3));
    log(`job ${id} queued at pool ${pool}`);
    yield req;
    log(`job ${id} started`);
    yield timeout(sim, runtime.sample(runtimes));
    pools[pool].release(req);
    log(`job ${id} finished`);
  }
  startArrivals(sim, interArrival, arrivals, jobs, job);
  sim.run();
  lines.push(`events ${sim.eventsProcessed}`);
  return lines.join('\n');
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('determinism', () => {
  it('the same seed gives a byte-identical event trace', () => {
    const a = traceOf(42);
    const b = traceOf(42);
    expect(a.split('\n').length).toBeGreaterThan(9000);
    expect(sha(a)).toBe(sha(b));
  });

  it('another seed gives another trace', () => {
    expect(sha(traceOf(42))).not.toBe(sha(traceOf(43)));
  });
});
