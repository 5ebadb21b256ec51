// Global shares, throttling, priorities, resource types and pilot streaming of PanDA (fairshare.md), for the
// package entry point to re-export.

export * from './global-shares.ts';
export * from './share-usage.ts';
export * from './share-order.ts';
export * from './share-report.ts';
export * from './share-tagging.ts';
export * from './dispatch-order.ts';
export * from './dispatch-filter.ts';
export * from './throttle.ts';
export * from './priority.ts';
export * from './priority-massage.ts';
export * from './resource-types.ts';
export * from './pilot-streaming.ts';
export * from './worker-adjuster.ts';
export * from './gshare-preference.ts';
export * from './analysis-classes.ts';
export * from './analysis-throttle.ts';
