import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputFileError, loadBrokerFile, parseBrokerFile, type FileProblem } from '../../src/io/index.ts';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const FILE = 'broker.json';

type Json = Record<string, unknown>;

function example(name: string): Json {
  return JSON.parse(readFileSync(`${examples}${name}`, 'utf8')) as Json;
}

function problemsOf(json: unknown): FileProblem[] {
  try {
    parseBrokerFile(FILE, json);
  } catch (error) {
    if (error instanceof InputFileError) return [...error.problems];
    throw error;
  }
  throw new Error('the file was accepted');
}

function queue(json: Json, k: number): Json {
  return ((json.snapshot as Json).queues as Json[])[k];
}

describe('broker file loading', () => {
  it('accepts the three example files', () => {
    expect(loadBrokerFile(`${examples}broker-production.json`).kind).toBe('production');
    expect(loadBrokerFile(`${examples}broker-analysis.json`).kind).toBe('analysis');
    expect(loadBrokerFile(`${examples}broker-task.json`).kind).toBe('task');
  });

  it('reports a misspelt field as unknown, with the closest known name, and the field it replaced as missing', () => {
    const json = example('broker-production.json');
    const q = queue(json, 3);
    q.corepwer = q.corepower;
    delete q.corepower;
    expect(problemsOf(json)).toEqual([
      { path: 'snapshot.queues[3].corepower', value: null, expected: 'a number' },
      {
        path: 'snapshot.queues[3].corepwer',
        value: '10.8',
        expected: 'no field "corepwer" here (did you mean "corepower"?)',
      },
    ]);
  });

  it('rejects a misspelt optional field rather than ignoring it (the default would silently apply)', () => {
    const json = example('broker-production.json');
    json.options = { NW_ACTVE: true };
    expect(problemsOf(json)).toEqual([
      {
        path: 'options.NW_ACTVE',
        value: 'true',
        expected: 'no field "NW_ACTVE" here (did you mean "NW_ACTIVE"?)',
      },
    ]);
  });

  it('names the type expected for a wrong type, nullable fields included', () => {
    const json = example('broker-production.json');
    queue(json, 0).coreCount = '8';
    (json.task as Json).coreCount = '8';
    expect(problemsOf(json)).toEqual([
      { path: 'snapshot.queues[0].coreCount', value: '"8"', expected: 'a number' },
      { path: 'task.coreCount', value: '"8"', expected: 'a number or null' },
    ]);
  });

  it('reports a missing required field', () => {
    const json = example('broker-production.json');
    delete (json.task as Json).gshare;
    expect(problemsOf(json)).toEqual([{ path: 'task.gshare', value: null, expected: 'a string' }]);
  });

  it('lists the allowed values of an enum and of the file kind', () => {
    const json = example('broker-production.json');
    (json.task as Json).ramUnit = 'GB';
    expect(problemsOf(json)).toEqual([
      {
        path: 'task.ramUnit',
        value: '"GB"',
        expected: 'one of "MB" | "MBPerCore" | "MBPerCoreFixed" | "MBFixed"',
      },
    ]);
    expect(problemsOf({ ...json, kind: 'prod' })).toEqual([
      { path: 'kind', value: '"prod"', expected: 'one of "production" | "analysis" | "task"' },
    ]);
  });

  it('quotes map keys that are not identifiers and checks integer bounds', () => {
    const json = example('broker-production.json');
    const states = (json.snapshot as Json).queueStates as Record<string, Json>;
    (states['CERN-PROD_MCORE'].jobsByShare as Record<string, Json>)['MC Simulation Full'].nRunning = -5;
    expect(problemsOf(json)).toEqual([
      {
        path: 'snapshot.queueStates["CERN-PROD_MCORE"].jobsByShare["MC Simulation Full"].nRunning',
        value: '-5',
        expected: 'an integer ≥ 0',
      },
    ]);
  });

  it('reports every problem of the file at once, each line naming the file and the field', () => {
    const json = example('broker-production.json');
    queue(json, 1).status = 'up';
    queue(json, 2).maxrss = '16 GB';
    delete (json.chunk as Json).nFiles;
    (json.task as Json).gshare = 7;
    let error: unknown;
    try {
      parseBrokerFile(FILE, json);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputFileError);
    const e = error as InputFileError;
    expect(e.file).toBe(FILE);
    expect(e.problems.map((p) => p.path)).toEqual([
      'snapshot.queues[1].status',
      'snapshot.queues[2].maxrss',
      'task.gshare',
      'chunk.nFiles',
    ]);
    const lines = e.message.split('\n');
    expect(lines[0]).toBe('4 problems in broker.json:');
    expect(lines[1]).toBe(
      '  broker.json: snapshot.queues[1].status: got "up"; expected one of "online" | "offline" | "brokeroff" | "test" | "standby" | "paused"',
    );
    expect(lines[4]).toBe('  broker.json: chunk.nFiles: missing; expected a non-negative integer');
  });

  it('follows the job-check mode of a task file to the right fields', () => {
    const json = example('broker-task.json');
    const check = json.jobCheck as Json;
    check.queue = ['CERN-PROD_MCORE'];
    expect(problemsOf(json)).toEqual([
      {
        path: 'jobCheck.queue',
        value: '["CERN-PROD_MCORE"]',
        expected: 'no field "queue" here (known fields: mode, chunk, options)',
      },
    ]);
    expect(problemsOf({ ...json, jobCheck: { mode: 'list', queue: [] } })).toEqual([
      { path: 'jobCheck.queues', value: null, expected: 'an array' },
      { path: 'jobCheck.queue', value: '[]', expected: 'no field "queue" here (did you mean "queues"?)' },
    ]);
    expect(problemsOf({ ...json, jobCheck: { mode: 'all' } })).toEqual([
      { path: 'jobCheck.mode', value: '"all"', expected: 'one of "brokerage" | "list"' },
    ]);
  });

  it('reports names that refer to no PQ or nucleus of the snapshot', () => {
    const json = example('broker-task.json');
    const snapshot = json.snapshot as Json;
    const states = snapshot.queueStates as Record<string, Json>;
    states['CERN-PRD_MCORE'] = states['CERN-PROD_MCORE'];
    ((snapshot.nuclei as Record<string, Json>)['BNL-ATLAS'].allPandaSites as string[]).push('BNL_PRD');
    (json.workloads as Json[])[2].nucleus = 'IN2P3';
    expect(problemsOf(json)).toEqual([
      {
        path: 'snapshot.queueStates["CERN-PRD_MCORE"]',
        value: '"CERN-PRD_MCORE"',
        expected: 'the sitename of a PQ in snapshot.queues',
      },
      {
        path: 'snapshot.nuclei["BNL-ATLAS"].allPandaSites[1]',
        value: '"BNL_PRD"',
        expected: 'the sitename of a PQ in snapshot.queues',
      },
      {
        path: 'workloads[2].nucleus',
        value: '"IN2P3"',
        expected: 'the name of a nucleus in snapshot.nuclei or snapshot.satellites',
      },
    ]);
  });

  it('names the file that cannot be read and why', () => {
    expect(() => loadBrokerFile(`${examples}no-such-file.json`)).toThrow(
      /no-such-file\.json: expected a readable JSON file \(ENOENT/,
    );
  });
});
