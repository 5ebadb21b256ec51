/** The worker thread of `compareScenario`: loads the scenario, runs one policy and seed, posts the summary. */
import { parentPort, workerData } from 'node:worker_threads';
import type { RunSummary } from '../reports/summary.ts';
import { loadScenario } from './load.ts';
import { policyByName } from './policies/index.ts';
import { runWorld } from './world/world.ts';

export interface RunRequest {
  readonly scenarioFile: string;
  readonly policy: string;
  readonly seed: number;
}

export type RunReply =
  { readonly ok: true; readonly summary: RunSummary } | { readonly ok: false; readonly error: string };

if (parentPort !== null) {
  const request = workerData as RunRequest;
  let reply: RunReply;
  try {
    const scenario = loadScenario(request.scenarioFile);
    reply = {
      ok: true,
      summary: runWorld({ scenario, policy: policyByName(request.policy), seed: request.seed }),
    };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  parentPort.postMessage(reply);
}
