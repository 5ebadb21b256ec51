// Entry of compareScenario's worker threads: the sources are TypeScript, so the thread registers tsx's
// loader (as bin/pandasim.js does for the main thread) before loading the worker itself.
import { register } from 'tsx/esm/api';

register();
await import('./run-worker.ts');
