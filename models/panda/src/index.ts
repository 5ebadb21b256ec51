// @pandasim/panda: PanDA's brokerage and fair-share algorithms as pure functions over plain snapshots.
// See README.md for one example per algorithm. Nothing here imports the simulator.

// Inputs, under PanDA's own names.
export type * from './snapshot/data.ts';
export type * from './snapshot/network.ts';
export type * from './snapshot/nucleus.ts';
export type * from './snapshot/queue.ts';
export type * from './snapshot/task.ts';
export type * from './snapshot/world.ts';

// Job and task brokerage.
export * from './brokerage/analysis-basic-weight.ts';
export * from './brokerage/analysis-candidate-list.ts';
export * from './brokerage/analysis-data-locality.ts';
export * from './brokerage/analysis-filters.ts';
export * from './brokerage/analysis-job-broker.ts';
export * from './brokerage/analysis-options.ts';
export * from './brokerage/analysis-throttles.ts';
export * from './brokerage/analysis-types.ts';
export * from './brokerage/analysis-user-queue.ts';
export * from './brokerage/hardware-check.ts';
export * from './brokerage/job-requirements.ts';
export * from './brokerage/job-splitter.ts';
export * from './brokerage/network-weight.ts';
export * from './brokerage/prod-codes.ts';
export * from './brokerage/prod-context.ts';
export * from './brokerage/prod-decision.ts';
export * from './brokerage/prod-explain.ts';
export * from './brokerage/prod-filters.ts';
export * from './brokerage/prod-job-broker.ts';
export * from './brokerage/prod-options.ts';
export * from './brokerage/prod-weight.ts';
export * from './brokerage/queue-catalog.ts';
export * from './brokerage/queue-state-view.ts';
export * from './brokerage/queue-state.ts';
export * from './brokerage/software-check.ts';
export * from './brokerage/task-architecture.ts';
export * from './brokerage/task-brokerage-options.ts';
export * from './brokerage/task-brokerage-types.ts';
export * from './brokerage/task-brokerage.ts';
export * from './brokerage/task-nucleus-data.ts';
export * from './brokerage/task-nucleus-filters.ts';
export * from './brokerage/task-nucleus-weight.ts';
export * from './brokerage/task-remaining-work.ts';
export * from './brokerage/unified-queues.ts';
export * from './brokerage/zero-share.ts';

// Global shares, throttling, priorities, resource types, pilot streaming.
export * from './shares/index.ts';

// Input files (broker and shares snapshots): zod schemas, loaders with every problem named, JSON Schemas.
export * from './io/index.ts';
