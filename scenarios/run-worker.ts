/**
 * A thread of the run pool (worker-pool.ts) that `compareScenario` and `runSweep` use: for every request it is
 * sent, one at a time, loads the scenario (from its file, or from the text a sweep made of it), runs one policy
 * and seed, and posts the summary.
 */
import { resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { RunSummary } from '../reports/summary.ts';
import { EMBEDDED_SCENARIOS } from './embedded.ts';
import { loadScenario, parseScenario } from './load.ts';
import { policyByName } from './policies/index.ts';
import { runWorld } from './world/world.ts';
import type { Scenario } from './scenario.ts';
import { POOLED } from './worker-pool.ts';

export interface RunRequest {
  readonly scenarioFile: string;
  /**
   * The scenario's YAML, when it is not the file's as written (a sweep's variant); `scenarioFile` then names
   * it in errors and anchors the relative paths it gives.
   */
  readonly scenarioText?: string;
  readonly policy: string;
  readonly seed: number;
}

export type RunReply =
  { readonly ok: true; readonly summary: RunSummary } | { readonly ok: false; readonly error: string };

/** As `loadScenario` names a built-in scenario: outputs name no local path. */
function textScenario(text: string, file: string): Scenario {
  const scenario = parseScenario(text, file);
  return Object.values(EMBEDDED_SCENARIOS).includes(resolve(file))
    ? { ...scenario, file: '<embedded>' }
    : scenario;
}

function run(request: RunRequest): RunReply {
  try {
    const scenario =
      request.scenarioText === undefined
        ? loadScenario(request.scenarioFile)
        : textScenario(request.scenarioText, request.scenarioFile);
    return {
      ok: true,
      summary: runWorld({ scenario, policy: policyByName(request.policy), seed: request.seed }),
    };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

if (parentPort !== null && workerData === POOLED) {
  const port = parentPort;
  port.on('message', (request: RunRequest) => port.postMessage(run(request)));
}
