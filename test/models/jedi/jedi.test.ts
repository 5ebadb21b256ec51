import { describe, expect, it } from 'vitest';
import { jediThrottle } from '@pandasim/panda';
import type { NewJob } from '../../../models/server/panda-server.ts';
import type { ServerJobStatus } from '../../../models/server/job-states.ts';
import type { GeneratedJob, JediTaskHandle } from '../../../models/jedi/jedi-task.ts';
import { ANALYSIS, FakeExecutor, lab, PROD, spec, task, type Lab } from './jedi-world.ts';

/** Every job inserted into the server (first attempts and retries) and every move, in order. */
function record(l: Lab) {
  const inserts: { job: NewJob; attemptNr: number; to: ServerJobStatus; now: number }[] = [];
  const moves: { PandaID: number; from: ServerJobStatus; to: ServerJobStatus; now: number }[] = [];
  l.server.observe((t) => {
    if (t.from === null) inserts.push({ job: t.job.spec, attemptNr: t.job.attemptNr, to: t.to, now: t.now });
    else moves.push({ PandaID: t.job.PandaID, from: t.from, to: t.to, now: t.now });
  });
  return { inserts, moves, firsts: () => inserts.filter((i) => i.attemptNr === 1) };
}

describe('scouts', () => {
  it('generates the 10 scouts first and the rest only once one scout finished (fraction 0)', () => {
    const l = lab(1, { scoutAvalancheFraction: 0 });
    const r = record(l);
    new FakeExecutor(l.sim, l.server);
    // Scout 0 takes 100 s, every other job 5000 s.
    const h = l.jedi.submit(task(spec(1), 50, (i) => (i === 0 ? 100 : 5000)));
    l.sim.run(1);
    expect(h.status).toBe('scouting');
    expect(h.counters.generated).toBe(10);
    // Scouts get max(901, task priority + 1) (JobGenerator.doGenerate).
    expect(r.firsts().map((i) => i.job.currentPriority)).toEqual(Array(10).fill(901));
    // The executor takes the scouts at 30 s; scout 0 ends at 130 s, seen by the cycle at 180 s.
    l.sim.run(179);
    expect(h.counters.generated).toBe(10);
    const firstFinish = r.moves.find((m) => m.to === 'finished')!.now;
    expect(firstFinish).toBe(130);
    l.sim.run(180);
    expect(h.status).toBe('running');
    expect(h.counters.generated).toBe(50);
    const rest = r.firsts().slice(10);
    expect(rest.every((i) => i.now > firstFinish && i.job.currentPriority === 500)).toBe(true);
  });

  it('by default waits for half of the scouts (early avalanche, minSuccessScouts = 5 of 10)', () => {
    const l = lab(2);
    const r = record(l);
    new FakeExecutor(l.sim, l.server);
    // Scouts 0-3 take 100 s, 4-9 take 1000 s: four successes at 130 s, the fifth at 1030 s.
    const h = l.jedi.submit(task(spec(2), 40, (i) => (i < 4 ? 100 : i < 10 ? 1000 : 3000)));
    l.sim.run(1);
    expect(h.counters.generated).toBe(10);
    const finishes = () => r.moves.filter((m) => m.to === 'finished').map((m) => m.now);
    l.sim.run(1029);
    expect(finishes()).toEqual([130, 130, 130, 130]);
    expect(h.status).toBe('scouting');
    expect(h.counters.generated).toBe(10);
    l.sim.run(1100);
    const fifth = finishes()[4];
    expect(fifth).toBe(1030);
    expect(h.counters.generated).toBe(40);
    expect(r.firsts()[10].now).toBeGreaterThanOrEqual(fifth);
  });

  it('breaks a task whose every scout failed and generates nothing more', () => {
    const l = lab(3, {}, 1);
    new FakeExecutor(l.sim, l.server, 20, () => true);
    let ended = 0;
    const h = l.jedi.submit(task(spec(3), 30, () => 100, { onEnd: () => ended++ }));
    l.sim.run(3600);
    expect(h.status).toBe('broken');
    expect(h.counters).toEqual({ generated: 10, finished: 0, failed: 10, live: 0 });
    expect(ended).toBe(1);
    expect(l.jedi.activeTasks).toBe(0);
  });
});

describe('job accounting', () => {
  function run(seed: number) {
    const l = lab(seed);
    const r = record(l);
    // PandaIDs ≡ 3 (mod 7) fail every attempt: 2 attempts, then failed for good.
    new FakeExecutor(l.sim, l.server, 20, (job) => job.PandaID % 7 === 3);
    const ends: JediTaskHandle[] = [];
    const finished: GeneratedJob[] = [];
    const payloadCalls = new Map<number, number>();
    const input = task(spec(10), 120, (i) => 300 + 10 * i, {
      onEnd: (t) => ends.push(t),
      onJobFinished: (j) => finished.push(j),
    });
    const payload = input.payload;
    input.payload = (i, q) => {
      payloadCalls.set(i, (payloadCalls.get(i) ?? 0) + 1);
      return payload(i, q);
    };
    const h = l.jedi.submit(input);
    const balanced: boolean[] = [];
    const check = () => {
      const c = h.counters;
      balanced.push(c.generated === c.finished + c.failed + c.live && c.live === l.jedi.liveJobs);
      if (h.end === null) l.sim.schedule(97, check);
    };
    l.sim.schedule(1, check);
    l.sim.run(48 * 3600);
    return { l, r, h, ends, finished, payloadCalls, balanced };
  }

  it('generates every job exactly once, follows retries, and ends the task once', () => {
    const { l, r, h, ends, finished, payloadCalls, balanced } = run(7);
    expect(ends).toEqual([h]);
    expect([...payloadCalls.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    const ids = r.firsts().map((i) => i.job.PandaID);
    expect(new Set(ids).size).toBe(120);
    const failing = ids.filter((id) => id % 7 === 3).length;
    // Each failing job was brokered again by JEDI (attemptNr 2, same PandaID) and then failed for good; the
    // payload is asked once per attempt, at the queue the attempt was brokered to.
    const retries = r.inserts.filter((i) => i.attemptNr === 2);
    expect(retries.length).toBe(failing);
    expect(retries.every((i) => i.job.PandaID % 7 === 3 && ids.includes(i.job.PandaID))).toBe(true);
    expect([...payloadCalls.values()].filter((n) => n === 2).length).toBe(failing);
    expect([...payloadCalls.values()].filter((n) => n === 1).length).toBe(120 - failing);
    expect(h.counters).toEqual({ generated: 120, finished: 120 - failing, failed: failing, live: 0 });
    expect(finished.length).toBe(120 - failing);
    expect(h.status).toBe('finished');
    expect(balanced.length).toBeGreaterThan(10);
    expect(balanced.every(Boolean)).toBe(true);
    expect(l.jedi.liveJobs).toBe(0);
    expect(l.jedi.activeTasks).toBe(0);
    expect(l.server.size).toBe(0);
    expect(h.nucleus).toMatch(/^SITE_[AB]$/);
    expect([...h.jobsPerSite.values()].reduce((a, b) => a + b, 0)).toBe(120);
    expect(h.firstStart).not.toBeNull();
    expect(h.end).toBeGreaterThan(h.firstStart as number);
    l.server.checkInvariants();
  });

  it('makes identical job-to-site assignments under the same seed', () => {
    const sites = (seed: number) =>
      run(seed)
        .r.firsts()
        .map((i) => `${i.job.PandaID}@${i.job.computingSite}`);
    const a = sites(7);
    expect(sites(7)).toEqual(a);
    expect(new Set(a.map((s) => s.split('@')[1])).size).toBeGreaterThan(1);
    expect(sites(8)).not.toEqual(a);
  });

  it('ends a task whose jobs all succeed as done', () => {
    const l = lab(4);
    new FakeExecutor(l.sim, l.server);
    const h = l.jedi.submit(task(spec(4), 25));
    l.sim.run(24 * 3600);
    expect(h.status).toBe('done');
    expect(h.counters).toEqual({ generated: 25, finished: 25, failed: 0, live: 0 });
  });
});

describe('placement', () => {
  it('puts a task pinned with includedSite only on its queue, and still gives it a nucleus', () => {
    const l = lab(5);
    const r = record(l);
    new FakeExecutor(l.sim, l.server);
    const h = l.jedi.submit(task(spec(5, { includedSite: ['C*'] }), 60));
    l.sim.run(24 * 3600);
    expect(h.status).toBe('done');
    expect(new Set(r.firsts().map((i) => i.job.computingSite))).toEqual(new Set(['C']));
    expect(h.nucleus).toMatch(/^SITE_[AB]$/);
    expect([...h.jobsPerSite]).toEqual([['C', 60]]);
  });

  it('refuses a task pinned to no known queue', () => {
    const l = lab(5);
    expect(() => l.jedi.submit(task(spec(5, { includedSite: ['Z*'] }), 1))).toThrow(
      'Jedi: task 5: includedSite Z* names no queue',
    );
  });

  it('records why a chunk found no queue and retries on the next cycle', () => {
    const l = lab(6);
    // No pilots ever asked for jobs: every queue fails the pilot check.
    const h = l.jedi.submit(task(spec(6), 5));
    l.sim.run(600);
    expect(h.counters.generated).toBe(0);
    expect(h.lastBrokerageFailure).toMatch(/^task brokerage: no candidates/);
    new FakeExecutor(l.sim, l.server);
    l.sim.run(1200);
    expect(h.nucleus).not.toBeNull();
    expect(h.counters.generated).toBe(5);
  });
});

describe('throttling', () => {
  // Ten queued Prod SCORE jobs at priority 900 and nothing running: with NQUEUELIMIT 5 the throttler's rule A
  // ("no running and enough queued") holds, and no task of priority 500 may bypass it (fairshare.md §2.2).
  function constrained(gshare: string) {
    const l = lab(9, { throttle: { config: { [`NQUEUELIMIT_${PROD}`]: 5 } } });
    for (let id = 1000; id < 1010; id++) {
      l.server.submit({
        PandaID: id,
        jediTaskID: 999,
        attemptNr: 1,
        computingSite: 'A',
        prodSourceLabel: 'managed',
        coreCount: 1,
        minRamCount: 900,
        maxWalltime: 0,
        prodUserName: 'other',
        payload: { id, cpuWork: 0, gpuWork: 0, cores: 1, gpus: 0, fixedTime: 60 },
        gshare: PROD,
        currentPriority: 900,
        resource_type: 'SCORE',
      });
    }
    // Pilots that ask for nothing: the queues count as served without dispatching the queued jobs.
    const poke = () => {
      for (const site of ['A', 'B', 'C']) l.server.getJobs({ siteName: site, nJobs: 0, harvesterID: 'idle' });
      l.sim.schedule(300, poke);
    };
    poke();
    const h = l.jedi.submit(task(spec(20, { gshare }), 30));
    l.sim.run(3600);
    return h;
  }

  it('uses a state the package throttler refuses', () => {
    const d = jediThrottle({
      queueName: PROD,
      throttled: true,
      resourceType: 'SCORE',
      prodSourceLabel: 'managed',
      jobStats: { activated: { SCORE: 10 } },
      highestPrioWaiting: 500,
      highestPrioInPandaDB: 900,
      nNotRunHighestPrio: 10,
      totalWalltime: null,
      config: { [`NQUEUELIMIT_${PROD}`]: 5 },
    });
    expect(d.mergeOnly).toBe(true);
    expect(d.rule).toBe('noRunning');
  });

  it('generates nothing for a throttled share', () => {
    const h = constrained(PROD);
    expect(h.nucleus).not.toBeNull();
    expect(h.counters.generated).toBe(0);
    expect(h.status).toBe('defined');
  });

  it('generates for another share in the same state', () => {
    expect(constrained(ANALYSIS).counters.generated).toBe(10);
  });

  it('asks the throttler again before each task, counting the jobs just generated', () => {
    // Queue caps out of the way (NQUEUELIMITSITE), share queue limit 30: the first task's chunk of 100 jobs
    // (max(100, maxNumJobs + 10) files, capped by its input) leaves 100 queued and nothing running.
    const generated = (secondPriority: number) => {
      const l = lab(10, {
        nScouts: 0,
        throttle: { config: { [`NQUEUELIMIT_${PROD}`]: 30 } },
        jobBrokerage: { NQUEUELIMITSITE: { [PROD]: 1000 } },
      });
      for (const site of ['A', 'B', 'C']) l.server.getJobs({ siteName: site, nJobs: 0, harvesterID: 'idle' });
      const first = l.jedi.submit(task(spec(21, { currentPriority: 600 }), 100));
      const second = l.jedi.submit(task(spec(22, { currentPriority: secondPriority }), 100));
      l.sim.run(1);
      return [first.counters.generated, second.counters.generated];
    };
    // Rule A (no running, 100 queued > 30) stops the lower-priority task ...
    expect(generated(500)).toEqual([100, 0]);
    // ... but not one at the queued jobs' priority while fewer than 500 sit there (highPrioQueued).
    expect(generated(600)).toEqual([100, 100]);
  });
});

describe('stage-in and stage-out', () => {
  it('holds jobs assigned until their input arrived, and counts them finished once outputs arrived', () => {
    const stagedIn: GeneratedJob[] = [];
    const stagedOut: { job: GeneratedJob; at: number }[] = [];
    const l = lab(11, {
      nScouts: 0,
      stageIn: (job, done) => {
        stagedIn.push(job);
        l.sim.schedule(300, done);
      },
      stageOut: (job, done) => {
        stagedOut.push({ job, at: l.sim.now });
        l.sim.schedule(120, done);
      },
    });
    const r = record(l);
    new FakeExecutor(l.sim, l.server);
    const finishedAt: number[] = [];
    const h = l.jedi.submit(
      task(spec(11), 8, () => 200, { onJobFinished: () => finishedAt.push(l.sim.now) }),
    );
    l.sim.run(1);
    expect(r.inserts.map((i) => i.to)).toEqual(Array(8).fill('assigned'));
    expect(stagedIn.map((j) => j.PandaID)).toEqual(r.inserts.map((i) => i.job.PandaID));
    expect(stagedIn.every((j) => j.inputBytes === 2e9 && j.nucleus === h.nucleus)).toBe(true);
    l.sim.run(299);
    expect(r.moves.length).toBe(0);
    l.sim.run(300);
    expect(r.moves.filter((m) => m.from === 'assigned').map((m) => [m.to, m.now])).toEqual(
      Array(8).fill(['activated', 300]),
    );
    l.sim.run(3600);
    expect(stagedOut.length).toBe(8);
    expect(finishedAt).toEqual(stagedOut.map((s) => s.at + 120));
    expect(h.end).toBe(Math.max(...finishedAt));
    expect(h.status).toBe('done');
  });
});
