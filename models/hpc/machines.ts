/**
 * Ready-made LCF machines. Tags as in shared/design/domain/providers.md: [S] read in the cited source, [S*]
 * arithmetic on [S] numbers, [R] recalled and not re-read, [E] an estimate; "§" refers to providers.md.
 *
 * Queue waits are the lognormal classes of §5.2 [E] (no public wait distributions exist for these machines):
 * debug median 5 min σ 1.0; small jobs median 1–3 h σ 1.2 (2 h taken); medium/large median 4–24 h σ 1.0
 * (4 h for medium, 12 h for large taken); preemptable median 30 min σ 1.2. A queue §5.2 does not list gets the
 * class its size and walltime are closest to, said where it is used.
 *
 * The allocation is unlimited here: a scenario sets the project's.
 */
import { lognormal, type Distribution } from '../../sim/distributions.ts';
import { A100_40GB, MI250X_GCD } from './gpu-models.ts';
import type { ExecutionQueue, HpcMachineParams } from './machine-params.ts';

const MINUTE = 60;
const HOUR = 3600;

const debugWait = (): Distribution => lognormal({ median: 5 * MINUTE, sigma: 1 }, 'duration');
const smallWait = (): Distribution => lognormal({ median: 2 * HOUR, sigma: 1.2 }, 'duration');
const mediumWait = (): Distribution => lognormal({ median: 4 * HOUR, sigma: 1 }, 'duration');
const largeWait = (): Distribution => lognormal({ median: 12 * HOUR, sigma: 1 }, 'duration');
const preemptableWait = (): Distribution => lognormal({ median: 30 * MINUTE, sigma: 1.2 }, 'duration');

/** [E] §5.2/§6: 5–20% per day-long job, 0.1 taken. */
const PREEMPTION_PER_DAY = 0.1;
/** [E] §6: batch job failure (node/HW), 0.02 per job. */
const JOB_FAILURE = 0.02;
/** [E] how long a downed node stays out (drained, repaired or rebooted, returned): half a day. */
const NODE_REPAIR = 12 * HOUR;
/**
 * [E] a Zen 3 EPYC core against the ~10 HS06 of the 2015-era reference core (§4 step 3). Only CPU work on
 * the host uses it; GPU payloads do not.
 */
const ZEN3_HS06_PER_CORE = 15;

const queue = (
  q: Omit<ExecutionQueue, 'routedOnly' | 'limits'> & Partial<ExecutionQueue>,
): ExecutionQueue => ({
  routedOnly: false,
  limits: {},
  ...q,
});

/**
 * ALCF Polaris. Hardware [S] argonne-lcf/user-guides docs/polaris/index.md; queues and limits [S]
 * docs/polaris/running-jobs/index.md (commit 11dbfa6). Not modelled: the by-request `demand` queue (whose jobs
 * are what preempts `preemptable`: the hazard stands in for them), the backfill-* queues that take over at a
 * negative project balance, the 8 nodes reserved for `debug`, the Monday maintenance.
 */
export const POLARIS: HpcMachineParams = {
  name: 'polaris',
  // [E] the RSE name is a placeholder until the data model names the ALCF endpoints.
  storageEndpoint: 'ALCF_EAGLE',
  nodes: 560,
  coresPerNode: 32,
  memoryPerNodeMB: 512_000,
  gpusPerNode: 4,
  gpu: A100_40GB,
  hs06PerCore: ZEN3_HS06_PER_CORE,
  queues: [
    // "max 24 nodes in use by this queue at any given time".
    queue({
      name: 'debug',
      minNodes: 1,
      maxNodes: 2,
      minWalltime: 5 * MINUTE,
      maxWalltime: HOUR,
      wait: debugWait(),
      limits: { maxNodesInUse: 24 },
    }),
    // "max 1 job running/accruing/queued per-user"; wait [E] the debug class.
    queue({
      name: 'debug-scaling',
      minNodes: 1,
      maxNodes: 10,
      minWalltime: 5 * MINUTE,
      maxWalltime: HOUR,
      wait: debugWait(),
      limits: { maxJobs: { perUser: 1 } },
    }),
    // prod's execution queues: "a limit of ten (10) jobs running/accruing per-project" and "one hundred (100)
    // jobs queued (not accruing score) per-project", read as limits of each queue.
    ...(
      [
        ['small', 10, 24, 3 * HOUR, smallWait()],
        ['medium', 25, 99, 6 * HOUR, mediumWait()],
        ['large', 100, 496, 24 * HOUR, largeWait()],
      ] as const
    ).map(([name, minNodes, maxNodes, maxWalltime, wait]) =>
      queue({
        name,
        minNodes,
        maxNodes,
        minWalltime: 5 * MINUTE,
        maxWalltime,
        wait,
        routedOnly: true,
        limits: { maxEligible: { perProject: 10 }, maxJobs: { perProject: 110 } },
      }),
    ),
    // "Max 20 jobs running/accruing/queued per-project"; killed when `demand` jobs arrive.
    queue({
      name: 'preemptable',
      minNodes: 1,
      maxNodes: 10,
      minWalltime: 5 * MINUTE,
      maxWalltime: 72 * HOUR,
      wait: preemptableWait(),
      limits: { maxJobs: { perProject: 20 } },
      preemption: { probabilityPerDay: PREEMPTION_PER_DAY, after: 0 },
    }),
    // "Max of 32 nodes across all jobs. Max 2 jobs queued or running, 1 jobs running per user."; wait [E]
    // the small class.
    queue({
      name: 'capacity',
      minNodes: 1,
      maxNodes: 4,
      minWalltime: 5 * MINUTE,
      maxWalltime: 168 * HOUR,
      wait: smallWait(),
      limits: { maxNodesInUse: 32, maxJobs: { perUser: 2 }, maxRunning: { perUser: 1 } },
    }),
  ],
  routingQueues: [{ name: 'prod', routes: ['small', 'medium', 'large'], limits: {} }],
  limits: {},
  allocationNodeHours: Infinity,
  // [S*] §5.2: the guide advises <= 476–486 of 496 prod nodes "given current rates of downed nodes".
  nodeDownFraction: 0.03,
  nodeRepairTime: NODE_REPAIR,
  jobFailureProbability: JOB_FAILURE,
  // [E] payload errors on the LCF are left to the workload; the node and job failures above are the site's.
  payloadFailureProbability: 0,
};

/**
 * NERSC Perlmutter, GPU partition. Hardware [S] docs.nersc.gov/systems/perlmutter/architecture (§5.2): 1,536
 * nodes with 4× A100 40 GB (the 256 nodes with 80 GB are left out). QOS limits [R] docs.nersc.gov/jobs/policy,
 * not re-read (§7.6): check them before relying on them.
 */
export const PERLMUTTER: HpcMachineParams = {
  name: 'perlmutter',
  // [S] §1.8: the Harvester example queue stages from NERSC_DATADISK.
  storageEndpoint: 'NERSC_DATADISK',
  nodes: 1536,
  coresPerNode: 64,
  memoryPerNodeMB: 256_000,
  gpusPerNode: 4,
  gpu: A100_40GB,
  hs06PerCore: ZEN3_HS06_PER_CORE,
  queues: [
    // [R] regular: up to 48 h; wait [E] the small class.
    queue({
      name: 'regular',
      minNodes: 1,
      maxNodes: 1536,
      minWalltime: 0,
      maxWalltime: 48 * HOUR,
      wait: smallWait(),
    }),
    // [R] debug: up to 8 nodes and 30 min, 5 jobs submitted and 2 running per user.
    queue({
      name: 'debug',
      minNodes: 1,
      maxNodes: 8,
      minWalltime: 0,
      maxWalltime: 30 * MINUTE,
      wait: debugWait(),
      limits: { maxJobs: { perUser: 5 }, maxRunning: { perUser: 2 } },
    }),
    // [R] preempt: up to 128 nodes and 48 h, preemptable after 2 h of guaranteed run.
    queue({
      name: 'preempt',
      minNodes: 1,
      maxNodes: 128,
      minWalltime: 0,
      maxWalltime: 48 * HOUR,
      wait: preemptableWait(),
      preemption: { probabilityPerDay: PREEMPTION_PER_DAY, after: 2 * HOUR },
    }),
  ],
  routingQueues: [],
  limits: {},
  allocationNodeHours: Infinity,
  // [E] Polaris's figure (§5.2), for want of NERSC's.
  nodeDownFraction: 0.03,
  nodeRepairTime: NODE_REPAIR,
  jobFailureProbability: JOB_FAILURE,
  payloadFailureProbability: 0,
};

/**
 * OLCF Frontier. Hardware, job-size bins and partition policies [S] olcf/olcf-user-docs
 * systems/frontier_user_guide.rst (commit 2745903): 9,856 nodes of one 64-core EPYC, 512 GB and 4× MI250X =
 * 8 GCDs, scheduled as 8 GPUs. The `batch` partition sorts jobs into bins by node count; the bins' limits are
 * walltime limits, so each bin is an execution queue behind `batch`. Not modelled: the debug QOS, the aging
 * boosts of bins 1–2, the priority cut of projects over their allocation.
 */
export const FRONTIER: HpcMachineParams = {
  name: 'frontier',
  // [E] a placeholder until the data model names the OLCF endpoints.
  storageEndpoint: 'OLCF_ORION',
  nodes: 9856,
  coresPerNode: 64,
  memoryPerNodeMB: 512_000,
  gpusPerNode: 8,
  gpu: MI250X_GCD,
  hs06PerCore: ZEN3_HS06_PER_CORE,
  queues: [
    ...(
      [
        // Waits [E]: bin 5 the small class, bin 4 medium, bins 3–1 large.
        ['bin5', 1, 91, 2 * HOUR, smallWait()],
        ['bin4', 92, 183, 6 * HOUR, mediumWait()],
        ['bin3', 184, 1881, 12 * HOUR, largeWait()],
        ['bin2', 1882, 5644, 12 * HOUR, largeWait()],
        ['bin1', 5645, 9472, 12 * HOUR, largeWait()],
      ] as const
    ).map(([name, minNodes, maxNodes, maxWalltime, wait]) =>
      queue({ name, minNodes, maxNodes, minWalltime: 0, maxWalltime, wait, routedOnly: true }),
    ),
    // "24-Hour maximum wall time", "64-Node maximum job size", "1 running job and 1 eligible-to-run job"
    // per user; wait [E] the small class.
    queue({
      name: 'extended',
      minNodes: 1,
      maxNodes: 64,
      minWalltime: 0,
      maxWalltime: 24 * HOUR,
      wait: smallWait(),
      limits: { maxRunning: { perUser: 1 }, maxEligible: { perUser: 2 } },
    }),
  ],
  // "Limit of four eligible-to-run jobs per user" in `batch`.
  routingQueues: [
    {
      name: 'batch',
      routes: ['bin5', 'bin4', 'bin3', 'bin2', 'bin1'],
      limits: { maxEligible: { perUser: 4 } },
    },
  ],
  // "Users may have only 100 jobs queued across all partitions at any time (this includes jobs in all states)".
  limits: { maxJobs: { perUser: 100 } },
  allocationNodeHours: Infinity,
  // [E] Polaris's figure (§5.2), for want of OLCF's.
  nodeDownFraction: 0.03,
  nodeRepairTime: NODE_REPAIR,
  jobFailureProbability: JOB_FAILURE,
  payloadFailureProbability: 0,
};

export const HPC_MACHINES: Readonly<Record<string, HpcMachineParams>> = {
  polaris: POLARIS,
  perlmutter: PERLMUTTER,
  frontier: FRONTIER,
};
