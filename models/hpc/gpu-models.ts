/**
 * GPU models and their speed relative to the reference GPU (an A100 = 1, models/provider/worker.ts): a
 * payload's GPU work w takes w / (gpus · speed) seconds. Speeds are for the ML workload the simulator is
 * built around (small, latency-bound GAN training, providers.md §4 step 2), not for peak FLOP/s.
 */

export interface GpuModel {
  readonly name: string;
  readonly speed: number;
}

/** The reference, by definition. */
export const A100_40GB: GpuModel = { name: 'A100-40GB', speed: 1 };

/** [E] same silicon as the 40 GB part; the extra memory does not speed up a small network. */
export const A100_80GB: GpuModel = { name: 'A100-80GB', speed: 1 };

/**
 * [S*, E] providers.md §4 step 2: ≈8 h per GAN on a V100 [S, AtlFast3 §5.2] against ~5 h on an A100
 * [E, "1.3–2× faster"], so 5/8.
 */
export const V100: GpuModel = { name: 'V100-16GB', speed: 5 / 8 };

/**
 * [E] one Graphics Compute Die, half an MI250X (Frontier schedules GCDs as GPUs). Its peak FP64 vector rate is
 * 23.9 TFLOP/s (olcf-user-docs frontier_user_guide) against the A100's 9.7, but a small latency-bound
 * TensorFlow network gains little from that; 0.8 until someone measures it.
 */
export const MI250X_GCD: GpuModel = { name: 'MI250X-GCD', speed: 0.8 };
