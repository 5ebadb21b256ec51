/**
 * Cloud instance types: what one node of a Kubernetes node pool offers and what it costs per hour.
 *
 * The examples resemble real machine types so that a scenario can start from plausible numbers. They are
 * estimates [E] written without network access (this repository's research had none for prices): list prices
 * as the author remembers them for US regions in 2024, spot prices as typical observed discounts. Check the
 * provider's price list before drawing conclusions about money.
 */

export interface InstanceType {
  name: string;
  /** vCPUs (hyperthreads): what Kubernetes counts as cores. */
  cores: number;
  memoryMB: number;
  gpus: number;
  /** Speed of one GPU relative to an A100 (worker.ts's reference); 0 without GPUs. */
  gpuSpeed: number;
  /** HS06 per vCPU. */
  corepower: number;
  /** Price per instance-hour on demand, in US dollars. */
  onDemandPerHour: number;
  /** Price per instance-hour as a spot / preemptible instance. */
  spotPerHour: number;
}

const GiB = 1024;

// HS06 per vCPU: a hyperthread of a 2020s server core measures roughly 10 HS06 [E] (grid nodes of that era
// benchmark at 10–15 HS06 per logical core; cloud vCPUs share a physical core with a sibling).
const VCPU_HS06 = 10;

/** Example instance types [E]; see the module comment for what the prices are. */
export const EXAMPLE_INSTANCES = {
  /** General purpose, 8 vCPUs: resembles AWS m6i.2xlarge, us-east-1, 2024 ($0.384/h on demand) [E]. */
  'aws-m6i.2xlarge': {
    name: 'aws-m6i.2xlarge',
    cores: 8,
    memoryMB: 32 * GiB,
    gpus: 0,
    gpuSpeed: 0,
    corepower: VCPU_HS06,
    onDemandPerHour: 0.384,
    spotPerHour: 0.13,
  },
  /** Compute optimised, 32 vCPUs: resembles AWS c6i.8xlarge, us-east-1, 2024 ($1.36/h) [E]. */
  'aws-c6i.8xlarge': {
    name: 'aws-c6i.8xlarge',
    cores: 32,
    memoryMB: 64 * GiB,
    gpus: 0,
    gpuSpeed: 0,
    corepower: VCPU_HS06,
    onDemandPerHour: 1.36,
    spotPerHour: 0.5,
  },
  /**
   * One NVIDIA A10G: resembles AWS g5.xlarge, us-east-1, 2024 ($1.006/h) [E]. An A10G trains at roughly a third
   * of an A100's speed [E].
   */
  'aws-g5.xlarge': {
    name: 'aws-g5.xlarge',
    cores: 4,
    memoryMB: 16 * GiB,
    gpus: 1,
    gpuSpeed: 0.35,
    corepower: VCPU_HS06,
    onDemandPerHour: 1.006,
    spotPerHour: 0.4,
  },
  /** Eight A100 40 GB: resembles AWS p4d.24xlarge, us-east-1, 2024 ($32.77/h, before 2025 price cuts) [E]. */
  'aws-p4d.24xlarge': {
    name: 'aws-p4d.24xlarge',
    cores: 96,
    memoryMB: 1152 * GiB,
    gpus: 8,
    gpuSpeed: 1,
    corepower: VCPU_HS06,
    onDemandPerHour: 32.77,
    spotPerHour: 12,
  },
  /** General purpose, 8 vCPUs: resembles GCP n2-standard-8, us-central1, 2024 ($0.3885/h) [E]. */
  'gcp-n2-standard-8': {
    name: 'gcp-n2-standard-8',
    cores: 8,
    memoryMB: 32 * GiB,
    gpus: 0,
    gpuSpeed: 0,
    corepower: VCPU_HS06,
    onDemandPerHour: 0.3885,
    spotPerHour: 0.094,
  },
  /** One A100 40 GB: resembles GCP a2-highgpu-1g, us-central1, 2024 (~$3.67/h) [E]. */
  'gcp-a2-highgpu-1g': {
    name: 'gcp-a2-highgpu-1g',
    cores: 12,
    memoryMB: 85 * GiB,
    gpus: 1,
    gpuSpeed: 1,
    corepower: VCPU_HS06,
    onDemandPerHour: 3.67,
    spotPerHour: 1.1,
  },
} as const satisfies Record<string, InstanceType>;
