import { describe, expect, it } from 'vitest';
import type { JobSpec } from '../../../models/harvester/panda-server-api.ts';
import type { GeneratedJob } from '../../../models/jedi/jedi-task.ts';
import type { JobTransition } from '../../../models/server/panda-server.ts';
import { FakeExecutor, lab, PROD, spec, task, type Lab } from './jedi-world.ts';

/** Every insert and every failure the server saw, in order. */
function record(l: Lab) {
  const inserts: { PandaID: number; attemptNr: number; site: string; now: number }[] = [];
  const failures: { PandaID: number; attemptNr: number; site: string; now: number; retried: boolean }[] = [];
  l.server.observe((t: JobTransition) => {
    const row = { PandaID: t.job.PandaID, attemptNr: t.job.attemptNr, site: t.job.computingSite, now: t.now };
    if (t.from === null) inserts.push(row);
    else if (t.to === 'failed') failures.push({ ...row, retried: t.retried });
  });
  return { inserts, failures, retries: () => inserts.filter((i) => i.attemptNr === 2) };
}

/** The first attempt of every job that ran at queue A fails; every other attempt succeeds. */
const failsFirstAtA = (job: JobSpec) => job.computingSite === 'A' && job.attemptNr === 1;

describe('retries brokered by JEDI', () => {
  it('sends the retries of jobs that failed at a queue gone offline to the other queues', () => {
    const stagedIn: GeneratedJob[] = [];
    const l = lab(21, {
      stageIn: (job, done) => {
        stagedIn.push(job);
        l.sim.schedule(120, done);
      },
    });
    const r = record(l);
    new FakeExecutor(l.sim, l.server, 20, failsFirstAtA);
    // CRIC sets A offline as soon as a job fails there: the brokerage drops it from its next cycle on.
    l.server.observe((t) => {
      if (t.to === 'failed' && t.job.computingSite === 'A') l.jedi.setQueueStatus(['A'], 'offline');
    });
    const h = l.jedi.submit(task(spec(21), 60, () => 400));
    l.sim.run(24 * 3600);

    const failedAtA = r.failures.filter((f) => f.site === 'A');
    expect(failedAtA.length).toBeGreaterThan(0);
    expect(failedAtA.every((f) => f.attemptNr === 1 && f.retried)).toBe(true);
    const retries = r.retries();
    expect(retries.map((i) => i.PandaID).sort()).toEqual(failedAtA.map((f) => f.PandaID).sort());
    for (const retry of retries) {
      expect(['B', 'C']).toContain(retry.site);
      // Not re-inserted by the server at once: JEDI brokered it in its next cycle (every 60 s in this lab).
      const failed = failedAtA.find((f) => f.PandaID === retry.PandaID)!;
      expect(retry.now).toBeGreaterThan(failed.now);
      expect(retry.now - failed.now).toBeLessThanOrEqual(60);
      expect(retry.now % 60).toBe(0);
      // Its input was staged in again at the new queue, under the same PandaID and attemptNr 2.
      const staged = stagedIn.filter((j) => j.PandaID === retry.PandaID);
      expect(staged.map((j) => [j.computingSite, j.job.attemptNr])).toEqual([
        ['A', 1],
        [retry.site, 2],
      ]);
    }
    expect(h.status).toBe('done');
    expect(h.counters).toEqual({ generated: 60, finished: 60, failed: 0, live: 0 });
    expect(r.inserts.length).toBe(60 + retries.length);
    expect(l.jedi.waitingRetries).toBe(0);
    expect(l.server.size).toBe(0);
    l.server.checkInvariants();
  });

  it('keeps the retries waiting while no queue takes them, and places them once one does', () => {
    const l = lab(22);
    const r = record(l);
    new FakeExecutor(l.sim, l.server, 20, failsFirstAtA);
    let downAt = Number.NaN;
    l.server.observe((t) => {
      if (t.to === 'failed' && Number.isNaN(downAt)) {
        downAt = t.now;
        l.jedi.setQueueStatus(['A', 'B', 'C'], 'offline');
      }
    });
    const h = l.jedi.submit(task(spec(22), 30, () => 400));
    l.sim.run(3 * 3600);
    const waiting = l.jedi.waitingRetries;
    expect(waiting).toBeGreaterThan(0);
    expect(r.retries().length).toBe(0);
    expect(h.lastBrokerageFailure).toMatch(/^job brokerage: /);
    // Waiting retries are live jobs of their task: it cannot end before they ran.
    expect(h.counters.live).toBeGreaterThanOrEqual(waiting);
    expect(h.end).toBeNull();
    l.jedi.setQueueStatus(['B'], 'online');
    l.sim.run(24 * 3600);
    expect(r.retries().length).toBe(waiting);
    expect(r.retries().every((i) => i.site === 'B' && i.now > 3 * 3600)).toBe(true);
    expect(l.jedi.waitingRetries).toBe(0);
    expect(h.status).toBe('done');
  });

  it('keeps the retries of a task pinned by includedSite on its queues', () => {
    const sitesOfRetries = (includedSite?: string[]) => {
      const l = lab(23);
      const r = record(l);
      new FakeExecutor(l.sim, l.server, 20, (job) => job.attemptNr === 1 && job.PandaID % 3 === 0);
      const h = l.jedi.submit(task(spec(23, includedSite ? { includedSite } : {}), 90, () => 400));
      l.sim.run(24 * 3600);
      expect(h.status).toBe('done');
      return new Set(r.retries().map((i) => i.site));
    };
    expect(sitesOfRetries()).toEqual(new Set(['A', 'B', 'C']));
    expect(sitesOfRetries(['A', 'B'])).toEqual(new Set(['A', 'B']));
  });

  it('leaves a job JEDI did not generate to the server, which retries it at once on its queue', () => {
    const l = lab(24);
    const r = record(l);
    new FakeExecutor(l.sim, l.server, 20, (job) => job.PandaID === 9000 && job.attemptNr === 1);
    l.server.submit({
      PandaID: 9000,
      jediTaskID: 900,
      attemptNr: 1,
      computingSite: 'C',
      prodSourceLabel: 'managed',
      coreCount: 1,
      minRamCount: 900,
      maxWalltime: 0,
      prodUserName: 'replay',
      payload: { id: 9000, cpuWork: 0, gpuWork: 0, cores: 1, gpus: 0, fixedTime: 100 },
      gshare: PROD,
      currentPriority: 500,
    });
    l.sim.run(3600);
    const failed = r.failures.find((f) => f.PandaID === 9000)!;
    expect(r.retries()).toEqual([{ PandaID: 9000, attemptNr: 2, site: 'C', now: failed.now }]);
    expect(l.server.status(9000)).toBeUndefined();
    expect(l.jedi.waitingRetries).toBe(0);
  });

  it('makes the same retries under the same seed', () => {
    const retries = (seed: number) => {
      const l = lab(seed);
      const r = record(l);
      new FakeExecutor(l.sim, l.server, 20, (job) => job.attemptNr === 1 && job.PandaID % 4 === 1);
      l.jedi.submit(task(spec(25), 80, (i) => 300 + 7 * i));
      l.sim.run(24 * 3600);
      return r.retries().map((i) => `${i.PandaID}@${i.site}@${i.now}`);
    };
    const a = retries(25);
    expect(a.length).toBe(20);
    expect(retries(25)).toEqual(a);
    expect(new Set(a.map((s) => s.split('@')[1])).size).toBeGreaterThan(1);
    expect(retries(26)).not.toEqual(a);
  });
});
