// Input files of the pandasim commands: zod schemas mirroring the snapshot and option types, loaders that report
// every problem of a file at once, and the JSON Schema generated from the same schemas.

export * from './broker-file.ts';
export * from './file-header.ts';
export * from './file-problems.ts';
export * from './json-schemas.ts';
export * from './json-text.ts';
export * from './option-schemas.ts';
export * from './queue-schemas.ts';
export * from './shares-file.ts';
export * from './task-schemas.ts';
export * from './world-schemas.ts';
export * from './run-broker-file.ts';
