// PanDA job records: BigPanDAmon's JSON and the same columns as CSV read alike; bad rows named with their field.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  formatJobTime,
  JobRecordError,
  JobRecordFile,
  parseCsv,
  parseJobRecords,
  parseJobTime,
  readJobRecords,
  recordCores,
  type JobRecord,
} from '../../../models/workload/job-records.ts';

const fixtures = fileURLToPath(new URL('../../fixtures/records/', import.meta.url));
const at = (iso: string) => Date.parse(`${iso}Z`) / 1000;

describe('job times', () => {
  it('reads both datetime forms, fractions and offsets as UTC seconds, and refuses dates that do not exist', () => {
    expect(parseJobTime('2024-03-01T12:00:00')).toBe(at('2024-03-01T12:00:00'));
    expect(parseJobTime('2024-03-01 12:00:00')).toBe(at('2024-03-01T12:00:00'));
    expect(parseJobTime('2024-03-01 12:00:00.250000')).toBe(at('2024-03-01T12:00:00') + 0.25);
    expect(parseJobTime('2024-03-01T14:00:00+02:00')).toBe(at('2024-03-01T12:00:00'));
    expect(parseJobTime('2024-03-01T12:00:00Z')).toBe(at('2024-03-01T12:00:00'));
    expect(parseJobTime('2024-02-30T12:00:00')).toBeUndefined();
    expect(parseJobTime('yesterday')).toBeUndefined();
    expect(formatJobTime(at('2024-03-01T12:00:00') + 0.4)).toBe('2024-03-01T12:00:00');
  });
});

describe('reading job records', () => {
  const json = readJobRecords(join(fixtures, 'jobs.json'));
  const csv = readJobRecords(join(fixtures, 'jobs.csv'));

  it("reads BigPanDAmon's {jobs: [...]} and ignores the columns it does not use", () => {
    expect(json).toHaveLength(4);
    expect(json[0]).toEqual({
      pandaid: 6012345001,
      jeditaskid: 38000001,
      attemptnr: 1,
      creationtime: at('2024-03-01T12:00:00'),
      starttime: at('2024-03-01T12:20:00'),
      endtime: at('2024-03-01T14:20:00'),
      computingsite: 'SITE-A',
      jobstatus: 'finished',
      corecount: 8,
      actualcorecount: 8,
      hs06sec: 806400,
      maxwalltime: null,
      gshare: 'MC Simulation Full',
      prodsourcelabel: 'managed',
      inputfilebytes: 2e9,
      outputfilebytes: 3e8,
    });
  });

  it('takes an ended job without endtime to end at its modificationtime, and counts cores as PanDA does', () => {
    const [, failed, cancelled, partial] = json;
    expect(failed.starttime).toBe(at('2024-03-01T13:00:30') + 0.25);
    expect(failed.endtime).toBe(at('2024-03-01T13:40:30'));
    expect(recordCores(failed)).toBe(1);
    expect(failed.inputfilebytes).toBe(0);
    // Cancelled before it ran: an end but no start, so it is not replayed.
    expect(cancelled.starttime).toBeNull();
    expect(recordCores(cancelled)).toBe(1);
    // actualcorecount (what the pilot reported) wins over corecount.
    expect(recordCores(partial)).toBe(4);
    expect(partial.creationtime).toBe(at('2024-03-01T11:10:00'));
  });

  it('reads a CSV of the same columns (quoted cells, empty cells as null) to the same records', () => {
    expect(csv).toEqual(json);
  });

  it('takes a plain JSON list of jobs too', () => {
    expect(parseJobRecords(JSON.stringify([{ ...rawJob(), pandaid: 5 }]), 'list.json')[0].pandaid).toBe(5);
  });

  it('splits CSV cells as RFC 4180 says', () => {
    expect(parseCsv('a,"b,c","d ""e""\nf"\r\n\n1,,3').map((r) => r.cells)).toEqual([
      ['a', 'b,c', 'd "e"\nf'],
      ['1', '', '3'],
    ]);
  });
});

function rawJob(): Record<string, unknown> {
  return {
    pandaid: 1,
    creationtime: '2024-03-01T12:00:00',
    starttime: '2024-03-01T12:10:00',
    endtime: '2024-03-01T13:00:00',
    computingsite: 'SITE-A',
    jobstatus: 'finished',
  };
}

function problems(source: string, file: string): string[] {
  try {
    parseJobRecords(source, file);
  } catch (error) {
    expect(error).toBeInstanceOf(JobRecordError);
    return (error as Error).message.split('\n');
  }
  throw new Error('no error');
}

describe('malformed records', () => {
  it('names the file, the row with its pandaid, the field and what was expected, for every bad row', () => {
    const file = join(fixtures, 'malformed.csv');
    const lines = problems(readFileSync(file, 'utf8'), file);
    expect(lines).toEqual([
      `${file}: 5 problem(s) in the job records`,
      `  line 3 (pandaid 7000000002): creationtime: expected a time like '2024-03-01T12:00:00' or '2024-03-01 12:00:00', got "yesterday"`,
      '  line 4 (pandaid 7000000003): starttime: expected a time at or after creationtime, got "2024-03-01T11:00:00"',
      '  line 5 (pandaid 7000000004): corecount: expected a whole number >= 0, got "-2"',
      '  line 5 (pandaid 7000000004): computingsite: expected a value (the column is required), got nothing',
      '  line 6 (pandaid 7000000001): pandaid: expected a pandaid and attemptnr not already given (line 2 has them), got 7000000001/1',
    ]);
  });

  it('says what a file that is not a job list is', () => {
    expect(problems('{"error": "login required"}', 'x.json')[1]).toBe(
      '  expected a list of jobs or an object with a "jobs" list (BigPanDAmon /jobs/?json)',
    );
    expect(problems('[1, 2', 'x.json')[1]).toMatch(/^ {2}expected JSON \(/);
    expect(problems(JSON.stringify([3]), 'x.json')[1]).toBe(
      '  [0]: expected a job (an object of columns), got 3',
    );
  });
});

describe('writing job records', () => {
  const records = readJobRecords(join(fixtures, 'jobs.json'));
  const roundTrip = (name: string): JobRecord[] => {
    const file = join(mkdtempSync(join(tmpdir(), 'pandasim-records-')), name);
    const out = new JobRecordFile(file);
    for (const r of records) out.write(r);
    out.close();
    return readJobRecords(file);
  };
  // Times are written to the whole second, as the job tables keep them.
  const whole = records.map((r) => ({
    ...r,
    starttime: r.starttime === null ? null : Math.round(r.starttime),
  }));

  it.each(['out.json', 'out.csv'])('%s reads back to the same records', (name) => {
    expect(roundTrip(name)).toEqual(whole);
  });
});
