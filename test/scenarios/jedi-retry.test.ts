/**
 * Retries through JEDI, end to end: a job killed by a scheduled downtime is brokered again and runs at the
 * other site instead of waiting for its own, a checkpointed GPU job resumes with its work left where it lands,
 * and the whole is reproducible under a seed.
 */
import { describe, expect, it } from 'vitest';
import { HpcMachine } from '../../models/hpc/hpc-machine.ts';
import { policyByName } from '../../scenarios/policies/index.ts';
import { World } from '../../scenarios/world/world.ts';
import type { JobTransition } from '../../models/server/panda-server.ts';
import type { RunSummary } from '../../reports/summary.ts';
import { GRID_PLATFORM, makespanHours, onlyFault, scenario, TEN_HOURS } from './faults-fixture.ts';

interface Row {
  time: number;
  PandaID: number;
  attemptNr: number;
  site: string;
  from: string;
  to: string;
  cause: string;
}

/** Runs under panda-brokerage and returns the summary with the event log of the workflow's jobs. */
function runLogged(s: ReturnType<typeof scenario>, seed = 1): { summary: RunSummary; rows: Row[] } {
  const rows: Row[] = [];
  const summary = new World({
    scenario: s,
    policy: policyByName('panda-brokerage'),
    seed,
    eventLog: (line) => {
      const [time, PandaID, attemptNr, , jobClass, site, , from, to, cause] = line.split(',');
      if (!jobClass.startsWith('workflow:')) return;
      rows.push({ time: +time, PandaID: +PandaID, attemptNr: +attemptNr, site, from, to, cause });
    },
  }).run();
  return { summary, rows };
}

/**
 * 10 jobs of 10 h over two 10-slot sites; SITE-B down (scheduled) from 2 h to 14 h. Not SITE-A: it is the
 * task's nucleus, and while its storage is down no satellite passes the brokerage's link check (brokerage.md
 * §2.2 step 3).
 */
const DOWNTIME = scenario({
  platform: GRID_PLATFORM,
  workflow: `      - { name: sim, gshare: Sim, nJobs: 10, cpuPerJob: 'constant(${TEN_HOURS})', walltime: 24h }`,
  faults: '  - { kind: site-downtime, site: SITE-B, at: 2h, for: 12h }',
});

describe('a retry brokered again by JEDI', () => {
  const { summary, rows } = runLogged(DOWNTIME);
  const killed = rows.filter((r) => r.to === 'failed' && r.cause === 'site-downtime');
  const retries = rows.filter((r) => r.from === '' && r.attemptNr === 2);

  it('runs the jobs killed at the site in downtime at the other site, not after the downtime', () => {
    const f = onlyFault(summary);
    expect(killed.length).toBeGreaterThan(0);
    expect(killed.every((r) => r.site.startsWith('SITE-B'))).toBe(true);
    expect(f.jobsKilled).toBe(killed.length);
    expect(f).toMatchObject({ jobsRetried: killed.length, jobsFailed: 0, jobsRecovered: killed.length });
    // Each killed job came back once, same PandaID, at SITE-A, in a JEDI pass after it failed.
    expect(retries.map((r) => r.PandaID).sort()).toEqual(killed.map((r) => r.PandaID).sort());
    for (const r of retries) {
      expect(r.site.startsWith('SITE-A')).toBe(true);
      const failedAt = killed.find((k) => k.PandaID === r.PandaID)!.time;
      expect(r.time).toBeGreaterThan(failedAt);
      expect(r.time - failedAt).toBeLessThanOrEqual(600);
      // Staged in at SITE-A before it was activated there.
      expect(r.to).toBe('assigned');
    }
    const t = summary.workflows[0].tasks[0];
    expect(t.nFinished).toBe(10);
    expect(t.jobsPerResource['SITE-A']).toBe(10);
    // Retried within minutes of the kill, the 10 h jobs end before SITE-B is back at 14 h (when they would
    // only have started again, had they waited there).
    expect(makespanHours(summary)).toBeLessThan(14);
  });

  it('keeps the counts balanced: every attempt ended or live, two attempts per killed job', () => {
    const c = summary.jobClasses.find((j) => j.name.startsWith('workflow:'))!;
    expect(c.counts).toMatchObject({ created: 10, finished: 10, failed: 0, cancelled: 0, live: 0 });
    const inserts = rows.filter((r) => r.from === '');
    expect(inserts.length).toBe(10 + killed.length);
    expect(rows.filter((r) => r.to === 'finished').length).toBe(10);
  });

  it('gives the same run under the same seed', () => {
    const again = runLogged(DOWNTIME);
    expect(again.rows).toEqual(rows);
    expect(again.summary.workflows).toEqual(summary.workflows);
  });
});

/** One GPU job checkpointing every 30 min over two LCF machines; the grid site is only the task's nucleus. */
const LCF = (name: string) =>
  `    - { name: ${name}, region: us, machine: polaris, nodes: 2, batchQueue: preemptable, uplink: 100Gb/s, ` +
  'source: test }\n';
const GPU = scenario({
  platform: `${GRID_PLATFORM.replace(/ {4}- \{ name: SITE-B.*\n/, '')}  hpc:\n${LCF('LCF-1')}${LCF('LCF-2')}`,
  workflow: [
    '      - name: train',
    '        kind: gpu',
    '        gshare: Sim',
    '        nJobs: 1',
    "        gpuPerJob: 'constant(4h)'",
    '        cpuPerGpuSecond: 1920',
    '        walltime: 12h',
    '        checkpointEvery: 30min',
    '        inputBytesPerJob: 1GB',
  ].join('\n'),
  horizon: '2d',
});

describe('a checkpointed GPU job retried elsewhere', () => {
  it('resumes at the other LCF with the work left after its last checkpoint', () => {
    const world = new World({ scenario: GPU, policy: policyByName('panda-brokerage'), seed: 3 });
    const seen: JobTransition[] = [];
    let killed = false;
    world.server.observe((t) => {
      if (!t.job.spec.payload.gpus) return;
      seen.push(t);
      // 1 h 45 min into its run, its LCF goes into downtime (queue offline, storage down: the task is pinned
      // to its route's queues, so only the storage keeps the brokerage away) and its node fails under it.
      if (t.to === 'running' && !killed) {
        killed = true;
        const site = t.job.computingSite;
        world.sim.schedule(6300, () => {
          world.jedi.setQueueStatus([site], 'offline');
          world.jedi.setEndpointDown(world.catalog.resources.find((r) => r.name === site)!.rse, true);
          const machine = world.platform.providers.get(site) as HpcMachine;
          machine.failNodes(machine.busyNodes());
        });
      }
    });
    const summary = world.run();
    const work = world.taskWork('wf', 'train')[0];
    const first = seen.filter((t) => t.job.attemptNr === 1);
    const second = seen.filter((t) => t.job.attemptNr === 2);
    const started = first.find((t) => t.to === 'running')!;
    const failed = first.find((t) => t.to === 'failed')!;
    expect(failed.cause).toBe('node-failure');
    expect(failed.retried).toBe(true);
    const insert = second.find((t) => t.from === null)!;
    expect(insert.job.PandaID).toBe(started.job.PandaID);
    expect(insert.job.computingSite).not.toBe(started.job.computingSite);
    // Whole 30-min checkpoints of the time it ran (an A100 at speed 1) are kept: the retry does the rest.
    const kept = Math.floor((failed.now - started.now) / 1800) * 1800;
    expect(kept).toBeGreaterThanOrEqual(3 * 1800);
    expect(insert.job.spec.payload.gpuWork).toBeCloseTo(work - kept, 6);
    expect(second.at(-1)!.to).toBe('finished');
    const t = summary.workflows[0].tasks[0];
    expect(t.nFinished).toBe(1);
    expect(t.jobsPerResource).toEqual({ [insert.job.computingSite]: 1 });
  });
});
