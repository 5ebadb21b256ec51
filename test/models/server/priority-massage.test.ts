import { describe, expect, it } from 'vitest';
import { buildShareTree, userBatchPriorities, type ShareTree } from '@pandasim/panda';
import { Simulation } from '../../../sim/engine.ts';
import type { ReportedJobStatus } from '../../../models/harvester/panda-server-api.ts';
import { PandaServer, type EntryState, type NewJob } from '../../../models/server/panda-server.ts';
import {
  MASSAGE_PERIOD_S,
  PriorityMassage,
  type ServerMassageOptions,
} from '../../../models/server/priority-massage.ts';

const TREE: ShareTree = buildShareTree([
  { name: 'Analysis', value: 30 },
  { name: 'Production', value: 70 },
]);

function userJob(PandaID: number, user: string, site: string, currentPriority: number): NewJob {
  return {
    PandaID,
    jediTaskID: 1,
    attemptNr: 1,
    computingSite: site,
    prodSourceLabel: 'user',
    coreCount: 1,
    minRamCount: 2000,
    maxWalltime: 3600,
    prodUserName: user,
    payload: { id: PandaID, cpuWork: 0, gpuWork: 0, cores: 1, gpus: 0, fixedTime: 600 },
    gshare: 'Analysis',
    currentPriority,
  };
}

function lab(options: ServerMassageOptions = {}) {
  const sim = new Simulation();
  // A draw of 0.5 is above the sloppy ratio: every request is served in share order (priority, then PandaID).
  const server = new PandaServer({ clock: sim, shareTree: TREE, rng: { next: () => 0.5 } });
  const massage = new PriorityMassage(server, sim, options);
  massage.start();
  const submit = (
    user: string,
    site: string,
    ids: readonly number[],
    prios: readonly number[],
    state?: EntryState,
  ) => ids.forEach((id, i) => server.submit(userJob(id, user, site, prios[i]), state));
  const dispatch = (site: string, nJobs: number) =>
    server
      .getJobs({ siteName: site, nJobs, harvesterID: 'h', prodSourceLabel: 'user' })
      .map((j) => j.PandaID);
  const report = (ids: readonly number[], jobStatus: ReportedJobStatus) =>
    server.updateJobs(
      ids.map((PandaID) => ({ PandaID, attemptNr: 1, jobStatus, from: 'pilot', harvesterID: 'h' })),
    );
  return { sim, server, massage, submit, dispatch, report };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * alice (t = 0): S2 jobs 1–6, S1 jobs 7–26, in one storeJobs batch; bob (t = 150): S1 101–110, S2 201–205.
 * alice runs 12 jobs at S1 and 4 at S2 and ends 9 of them; bob runs 2 at S1 and ends 1; all before t = 360.
 */
function twoUsers(options: ServerMassageOptions = {}) {
  const l = lab(options);
  const alice = userBatchPriorities(0, 26);
  const bob = userBatchPriorities(0, 15);
  // fairshare.md §3.1, Python 3: 1000 − serNum/5 truncated.
  expect(alice).toEqual([1000, ...[999, 998, 997, 996, 995].flatMap((p) => Array<number>(5).fill(p))]);
  expect(bob).toEqual([1000, 999, 999, 999, 999, 999, 998, 998, 998, 998, 998, 997, 997, 997, 997]);
  l.submit('alice', 'S2', range(1, 6), alice.slice(0, 6));
  l.submit('alice', 'S1', range(7, 26), alice.slice(6));
  l.sim.run(100);
  expect(l.dispatch('S1', 12)).toEqual(range(7, 18));
  expect(l.dispatch('S2', 4)).toEqual([1, 2, 3, 4]);
  l.sim.run(150);
  l.submit('bob', 'S1', range(101, 110), bob.slice(0, 10));
  l.submit('bob', 'S2', range(201, 205), bob.slice(10));
  l.sim.run(200);
  l.report([...range(7, 18), 1, 2, 3, 4], 'running');
  l.sim.run(250);
  expect(l.dispatch('S1', 2)).toEqual([101, 102]);
  l.sim.run(260);
  l.report([101, 102], 'running');
  l.sim.run(300);
  l.report([...range(7, 12), 1, 2, 101], 'finished');
  l.sim.run(320);
  l.report([13], 'failed');
  return l;
}

const cell = (
  prodUserName: string,
  computingSite: string,
  rundone: number,
  activated: number,
  running: number,
) => ({
  prodUserName,
  workingGroup: null,
  computingSite,
  rundone,
  activated,
  running,
  runcores: running,
});

describe('PriorityMassage on the PanDA server', () => {
  it('boosts the user under the average usage, site by site, with the arithmetic of fairshare.md §3.3', () => {
    const { sim, server, massage, dispatch } = twoUsers();
    sim.run(359);
    expect(massage.stats.massages).toBe(0);
    // alice S1: 8 activated (19–26), 5 running (14–18), 6 finished + 1 failed → rundone 12.
    // alice S2: 2 activated, 2 running, 2 finished → 4. bob S1: 8 activated, 1 running, 1 finished → 2. bob S2: 0.
    expect(massage.breakdown()).toEqual([
      cell('alice', 'S2', 4, 2, 2),
      cell('alice', 'S1', 12, 8, 5),
      cell('bob', 'S1', 2, 8, 1),
      cell('bob', 'S2', 0, 5, 0),
    ]);
    sim.run(360);
    // avg = 18 / 2 = 9; alice (16) is above it. bob (2): siteAvg S1 = 14/2 = 7 > 2, S2 = 4/2 = 2 > 0, both with
    // activated jobs → N = 7, n_site = int(7/2) = 3, n_site/5 = 0.6. S1: maxPrio 999, delta 1, jobs in
    // (998.4, 999] are 103–106 → the first 3. S2: maxPrio 998, delta 2, (997.4, 998] holds only 201.
    const result = massage.lastResult!;
    expect(result.globalAverageRunDone).toBe(9);
    expect(result.capActions).toEqual([]);
    expect(result.boosts).toEqual([
      {
        prodUserName: 'bob',
        workingGroup: null,
        computingSite: 'S1',
        nJobs: 3,
        maxPrio: 999,
        minPrio: 998.4,
        delta: 1,
        pandaIDs: [103, 104, 105],
      },
      {
        prodUserName: 'bob',
        workingGroup: null,
        computingSite: 'S2',
        nJobs: 3,
        maxPrio: 998,
        minPrio: 997.4,
        delta: 2,
        pandaIDs: [201],
      },
    ]);
    expect([103, 104, 105, 106, 107, 201, 202].map((id) => server.job(id)!.currentPriority)).toEqual([
      1000, 1000, 1000, 999, 998, 1000, 997,
    ]);
    expect(massage.stats).toEqual({ massages: 1, boostsApplied: 2, jobsBoosted: 4, capActionsSeen: 0 });
    // At S2 alice's 5 and 6 (999) came before bob's 201 (998); the boost puts 201 first.
    expect(dispatch('S2', 1)).toEqual([201]);

    // Second massage: 201 is now sent, so bob S2 has rundone 1 (siteAvg 2.5); avg 19/2 = 9.5, N = 6.5, n_site 3.
    // S1: maxPrio is 1000 now → delta 0, skipped. S2: maxPrio 997, delta 3, (996.4, 997] → 202, 203, 204.
    sim.run(720);
    expect(massage.lastResult!.globalAverageRunDone).toBe(9.5);
    expect(massage.lastResult!.boosts.map((b) => [b.computingSite, b.delta, b.pandaIDs])).toEqual([
      ['S2', 3, [202, 203, 204]],
    ]);
    expect([202, 203, 204, 205].map((id) => server.job(id)!.currentPriority)).toEqual([
      1000, 1000, 1000, 997,
    ]);
    expect(massage.stats).toEqual({ massages: 2, boostsApplied: 3, jobsBoosted: 7, capActionsSeen: 0 });
    server.checkInvariants();
  });

  it('dispatches in the unboosted order when no massage has run', () => {
    const { sim, dispatch } = twoUsers({ periodS: MASSAGE_PERIOD_S.documented });
    sim.run(360);
    expect(dispatch('S2', 1)).toEqual([5]);
  });

  it('counts cap actions but cannot throttle: the capped user keeps its activated jobs', () => {
    const { sim, server, massage } = twoUsers({ rules: { capRunningUserJobs: 5 } });
    sim.run(360);
    expect(massage.lastResult!.capActions).toEqual([
      {
        prodUserName: 'alice',
        workingGroup: null,
        action: 'throttle',
        running: 7,
        runcores: 7,
        maxRun: 5,
        maxCore: 10_000,
      },
    ]);
    expect(massage.stats).toEqual({ massages: 1, boostsApplied: 2, jobsBoosted: 4, capActionsSeen: 1 });
    expect(range(19, 26).map((id) => server.status(id))).toEqual(Array<string>(8).fill('activated'));
  });

  it('runs every period from start() until stop(): 6 min by default, 20 min as documented', () => {
    const lock = lab();
    const documented = lab({ periodS: MASSAGE_PERIOD_S.documented });
    expect(MASSAGE_PERIOD_S).toEqual({ lock: 360, documented: 1200 });
    lock.sim.run(3600);
    documented.sim.run(3600);
    expect([lock.massage.stats.massages, documented.massage.stats.massages]).toEqual([10, 3]);
    lock.massage.stop();
    lock.sim.run(7200);
    expect(lock.massage.stats.massages).toBe(10);
    expect(lock.sim.pending).toBe(0);
  });
});

describe('the 60-minute usage window', () => {
  function aliceAndBob(options: ServerMassageOptions = {}) {
    const l = lab({ periodS: 100_000, ...options });
    l.submit('alice', 'S1', [1, 2, 3], [1000, 999, 999]);
    // Not in jobsActive4 (assigned sits in jobsDefined4) or not label user: never in the breakdown.
    l.submit('bob', 'S1', [10], [1000], 'assigned');
    l.server.submit({ ...userJob(11, 'bob', 'S1', 1), prodSourceLabel: 'managed' });
    l.submit('bob', 'S1', [12], [500]);
    l.sim.run(50);
    l.server.transition(12, 'cancelled');
    l.sim.run(100);
    expect(l.dispatch('S1', 2)).toEqual([1, 2]);
    l.sim.run(200);
    l.report([1, 2], 'running');
    l.sim.run(300);
    l.report([1], 'finished');
    return l;
  }

  it('drops rows modified 60 min ago or earlier, live and ended alike', () => {
    const { sim, massage } = aliceAndBob();
    expect([massage.liveRows, massage.endedRows]).toEqual([2, 2]);
    const at = (t: number) => {
      sim.run(t);
      return massage.breakdown();
    };
    // A cancelled job counts for nothing but still makes bob a (user, site) cell.
    expect(at(3599)).toEqual([cell('alice', 'S1', 2, 1, 1), cell('bob', 'S1', 0, 0, 0)]);
    // Job 3 has been activated since t = 0: its row is not "modified in the last 60 min" any more.
    expect(at(3600)).toEqual([cell('alice', 'S1', 2, 0, 1), cell('bob', 'S1', 0, 0, 0)]);
    expect(at(3650)).toEqual([cell('alice', 'S1', 2, 0, 1)]);
    expect(massage.endedRows).toBe(1);
    expect(at(3800)).toEqual([cell('alice', 'S1', 1, 0, 0)]);
    expect(at(3900)).toEqual([]);
    expect([massage.liveRows, massage.endedRows]).toEqual([2, 0]);
  });

  it('keeps an executing row recent at its heartbeats when heartbeatS is set', () => {
    const { sim, massage } = aliceAndBob({ heartbeatS: 1800 });
    sim.run(3800);
    // Job 2 has been running since t = 200; heartbeats at 2000 and 3800 keep it in the window.
    expect(massage.breakdown()).toEqual([cell('alice', 'S1', 2, 0, 1)]);
    // Job 1's end (t = 300) leaves the window; job 2's last heartbeat (3800) does not.
    sim.run(5500);
    expect(massage.breakdown()).toEqual([cell('alice', 'S1', 1, 0, 1)]);
  });

  it('holds only the jobs ended within the last hour over a 20,000-job run', () => {
    const { sim, server, massage, submit, dispatch, report } = lab();
    const endTimes: number[] = [];
    let nextId = 1;
    let sentLastMinute: number[] = [];
    let maxEnded = 0;
    let maxLive = 0;
    // Every minute: alice submits 7 jobs and bob 3, the site takes 10, and last minute's 10 finish.
    const minute = () => {
      const t = sim.now;
      submit('alice', 'S1', range(nextId, nextId + 6), Array<number>(7).fill(990));
      submit('bob', 'S1', range(nextId + 7, nextId + 9), Array<number>(3).fill(990));
      nextId += 10;
      report(sentLastMinute, 'finished');
      for (let i = 0; i < sentLastMinute.length; i++) endTimes.push(t);
      sentLastMinute = dispatch('S1', 10);
      const inWindow = endTimes.filter((e) => e > t - 3600).length;
      expect(massage.endedRows).toBe(inWindow);
      maxEnded = Math.max(maxEnded, massage.endedRows);
      maxLive = Math.max(maxLive, massage.liveRows);
      if (nextId <= 20_000) sim.schedule(60, minute);
    };
    sim.schedule(60, minute);
    sim.run(2000 * 60 + 1);
    expect(nextId - 1).toBe(20_000);
    expect(endTimes).toHaveLength(19_990);
    expect(maxEnded).toBe(600);
    expect(maxLive).toBe(10);
    expect(massage.stats.massages).toBe(Math.floor((2000 * 60 + 1) / 360));
    expect(server.size).toBe(10);
  });
});
