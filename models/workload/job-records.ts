/**
 * PanDA job records: the rows of the job tables as PanDA monitoring exports them (BigPanDAmon's `/jobs/?json`,
 * core/views.py `jobList`: `{"selectionsummary": ..., "jobs": [...], "errsByCount": ...}`; or a CSV with the same
 * column names), read into typed records and written back in that format.
 *
 * Column names and meanings are those of the job tables (panda-server `JobSpec`, the lowercase field names
 * BigPanDAmon's models give them, core/pandajob/models.py). Only the columns below are read; any other column is
 * ignored, as the export carries a hundred more. Times are naive UTC datetimes as the tables keep them,
 * written `2024-03-01T12:00:00` (JSON, `isoformat`) or `2024-03-01 12:00:00`, with optional fractions and an
 * optional `Z` or offset; they are read as seconds since the Unix epoch.
 *
 * - The end of a job that has no `endtime` is taken as BigPanDAmon's `get_job_walltime` takes it for an ended
 *   job (`modificationtime`), else from `durationsec` after `starttime`.
 * - Cores: `actualcorecount` when the pilot reported it, else `corecount`, else 1 (panda-server
 *   `JobUtils.getCoreCount`).
 * - `hs06sec` is the job's CPU work in HS06·s. PanDA fills it from the wall time (`JobUtils.getHS06sec`:
 *   (end − start) × corepower × cores); the simulator's export writes the work its payload carried.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { AtomicFileStream } from '../../reports/files.ts';

/** One job attempt as a record of the job tables; times in seconds since the Unix epoch (UTC). */
export interface JobRecord {
  readonly pandaid: number;
  readonly jeditaskid: number | null;
  /** 1 for a first attempt; PanDA's retries are records of their own with a higher one. */
  readonly attemptnr: number;
  readonly creationtime: number;
  readonly starttime: number | null;
  readonly endtime: number | null;
  /** The PanDA queue it ran at (or was assigned to). */
  readonly computingsite: string;
  readonly jobstatus: string;
  /** Cores the job asked for. */
  readonly corecount: number | null;
  /** Cores it used, as the pilot reported. */
  readonly actualcorecount: number | null;
  readonly hs06sec: number | null;
  /** Walltime the job asked for, s (a pilot with less time left does not take it). */
  readonly maxwalltime: number | null;
  readonly gshare: string | null;
  readonly prodsourcelabel: string | null;
  readonly inputfilebytes: number;
  readonly outputfilebytes: number;
}

/** The columns written, in this order; reading takes them in any order among others. */
export const JOB_RECORD_COLUMNS = [
  'pandaid',
  'jeditaskid',
  'attemptnr',
  'creationtime',
  'starttime',
  'endtime',
  'computingsite',
  'jobstatus',
  'corecount',
  'actualcorecount',
  'hs06sec',
  'maxwalltime',
  'gshare',
  'prodsourcelabel',
  'inputfilebytes',
  'outputfilebytes',
  'durationsec',
] as const;

/** The job states after which a job does nothing more (panda-server `JobSpec` final states). */
export const FINAL_JOB_STATES: ReadonlySet<string> = new Set(['finished', 'failed', 'cancelled', 'closed']);

/** One problem of a records file: where (the row and its pandaid, or '' for the file), the field, the expectation. */
export interface JobRecordProblem {
  readonly row: string;
  readonly field: string;
  readonly expected: string;
  /** The value found, as short JSON, or `nothing`; null when there is none to show. */
  readonly got: string | null;
}

/** `row: field: expected ..., got ...`, the parts that are there. */
export function formatRecordProblem(p: JobRecordProblem): string {
  const where = [p.row, p.field].filter((x) => x !== '').join(': ');
  return `${where === '' ? '' : `${where}: `}expected ${p.expected}${p.got === null ? '' : `, got ${p.got}`}`;
}

/** The problems of a records file; the message names the file and, for each, the row, field and expectation. */
export class JobRecordError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly JobRecordProblem[],
  ) {
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `  ${formatRecordProblem(p)}`);
    const more = problems.length - MAX_PROBLEMS_SHOWN;
    super(
      [`${file}: ${problems.length} problem(s) in the job records`, ...shown]
        .concat(more > 0 ? [`  ... and ${more} more`] : [])
        .join('\n'),
    );
    this.name = 'JobRecordError';
  }
}

const MAX_PROBLEMS_SHOWN = 10;

// ---------------------------------------------------------------------------------------------------------
// Reading

const TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const TIME_EXAMPLE = "a time like '2024-03-01T12:00:00' or '2024-03-01 12:00:00'";

/** Seconds since the epoch of a job-table datetime (naive = UTC), or undefined if it is not one. */
export function parseJobTime(text: string): number | undefined {
  const m = TIME_PATTERN.exec(text.trim());
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February over into March; such a date is a typo, not a time.
  if (new Date(utc).getUTCDate() !== day) return undefined;
  const zone = m[8];
  let offset = 0;
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.replace(':', '');
    offset =
      (Number(digits.slice(1, 3)) * 3600 + Number(digits.slice(3, 5)) * 60) * (zone[0] === '-' ? -1 : 1);
  }
  return utc / 1000 + Number(m[7] ?? 0) - offset;
}

/** Empty cells (CSV) and nulls (JSON) are both "not given". */
const blank = (value: unknown) => value === null || value === undefined || value === '';

/** A number given as a number or as its text (CSV cells are text; some exports quote numbers). */
function numeric(expected: string, check: (n: number) => boolean) {
  return z.unknown().transform((value, ctx): number | null => {
    if (blank(value)) return null;
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
    if (Number.isFinite(n) && check(n)) return n;
    ctx.addIssue({ code: 'custom', message: expected });
    return z.NEVER;
  });
}

const count = () => numeric('a whole number >= 0', (n) => Number.isInteger(n) && n >= 0);
const amount = () => numeric('a number >= 0', (n) => n >= 0);
const id = () => numeric('a whole number > 0', (n) => Number.isInteger(n) && n > 0);

const time = () =>
  z.unknown().transform((value, ctx): number | null => {
    if (blank(value)) return null;
    const t = typeof value === 'string' ? parseJobTime(value) : undefined;
    if (t !== undefined) return t;
    ctx.addIssue({ code: 'custom', message: TIME_EXAMPLE });
    return z.NEVER;
  });

const text = () =>
  z.unknown().transform((value, ctx): string | null => {
    if (blank(value)) return null;
    if (typeof value === 'string') return value;
    ctx.addIssue({ code: 'custom', message: 'a text' });
    return z.NEVER;
  });

/** The columns read, as zod parses them; unknown columns are dropped (z.object strips them). */
const RowSchema = z.object({
  pandaid: id().optional(),
  jeditaskid: id().optional(),
  attemptnr: count().optional(),
  creationtime: time().optional(),
  starttime: time().optional(),
  endtime: time().optional(),
  modificationtime: time().optional(),
  computingsite: text().optional(),
  jobstatus: text().optional(),
  corecount: count().optional(),
  actualcorecount: count().optional(),
  hs06sec: amount().optional(),
  maxwalltime: count().optional(),
  gshare: text().optional(),
  prodsourcelabel: text().optional(),
  inputfilebytes: amount().optional(),
  outputfilebytes: amount().optional(),
  durationsec: amount().optional(),
});

/** A row with every column read, null where it is not given. */
type Row = { [K in keyof z.output<typeof RowSchema>]-?: Exclude<z.output<typeof RowSchema>[K], undefined> };

const REQUIRED = ['pandaid', 'creationtime', 'computingsite', 'jobstatus'] as const;

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

type FieldProblem = Omit<JobRecordProblem, 'row'>;

const missing = (field: string): FieldProblem => ({
  field,
  expected: 'a value (the column is required)',
  got: 'nothing',
});

/** The record of a row that passed the schema, or the problems that keep it from being one. */
function toRecord(row: Row): JobRecord | FieldProblem[] {
  const problems: FieldProblem[] = REQUIRED.filter((f) => row[f] === null).map(missing);
  if (problems.length > 0) return problems;
  const creationtime = row.creationtime as number;
  const start = row.starttime;
  let end = row.endtime;
  if (end === null && start !== null) {
    if (row.modificationtime !== null && FINAL_JOB_STATES.has(row.jobstatus as string))
      end = row.modificationtime;
    else if (row.durationsec !== null) end = start + row.durationsec;
  }
  const at = (t: number) => JSON.stringify(formatJobTime(t));
  if (start !== null && start < creationtime)
    problems.push({ field: 'starttime', expected: 'a time at or after creationtime', got: at(start) });
  if (end !== null && start !== null && end < start)
    problems.push({ field: 'endtime', expected: 'a time at or after starttime', got: at(end) });
  if (problems.length > 0) return problems;
  return {
    pandaid: row.pandaid as number,
    jeditaskid: row.jeditaskid,
    attemptnr: row.attemptnr ?? 1,
    creationtime,
    starttime: start,
    endtime: end,
    computingsite: row.computingsite as string,
    jobstatus: row.jobstatus as string,
    corecount: row.corecount,
    actualcorecount: row.actualcorecount,
    hs06sec: row.hs06sec,
    maxwalltime: row.maxwalltime !== null && row.maxwalltime > 0 ? row.maxwalltime : null,
    gshare: row.gshare,
    prodsourcelabel: row.prodsourcelabel,
    inputfilebytes: row.inputfilebytes ?? 0,
    outputfilebytes: row.outputfilebytes ?? 0,
  };
}

/** Cores the job used: `actualcorecount` when reported, else `corecount`, else 1 (`JobUtils.getCoreCount`). */
export function recordCores(record: JobRecord): number {
  if (record.actualcorecount !== null && record.actualcorecount > 0) return record.actualcorecount;
  return record.corecount !== null && record.corecount > 0 ? record.corecount : 1;
}

/** Rows of a JSON export: a list of jobs, or BigPanDAmon's `{"jobs": [...]}`; with the label of each row. */
function jsonRows(data: unknown): { rows: unknown[]; label: (i: number) => string } | string {
  if (Array.isArray(data)) return { rows: data, label: (i) => `[${i}]` };
  if (typeof data === 'object' && data !== null && Array.isArray((data as { jobs?: unknown }).jobs)) {
    return { rows: (data as { jobs: unknown[] }).jobs, label: (i) => `jobs[${i}]` };
  }
  return 'a list of jobs or an object with a "jobs" list (BigPanDAmon /jobs/?json)';
}

/**
 * The cells of a CSV text (RFC 4180: quoted cells may hold commas, newlines and doubled quotes), row by row,
 * each with its line number.
 */
export function parseCsv(source: string): { cells: string[]; line: number }[] {
  const rows: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '') rows.push({ cells, line: rowLine });
    cells = [];
    cell = '';
  };
  for (; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += c;
  }
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}

function csvRows(source: string): { rows: unknown[]; label: (i: number) => string } | string {
  const table = parseCsv(source);
  if (table.length === 0) return 'a header row of column names (pandaid, creationtime, ...)';
  const header = table[0].cells.map((h) => h.trim().toLowerCase());
  const rows = table.slice(1).map((r) => Object.fromEntries(header.map((h, k) => [h, r.cells[k] ?? ''])));
  return { rows, label: (i) => `line ${table[i + 1].line}` };
}

/** Whether a file is read as CSV (by its name) rather than JSON. */
export function isCsvFile(file: string): boolean {
  return extname(file).toLowerCase() === '.csv';
}

/**
 * The records of a JSON or CSV export (CSV when `file` ends in .csv); `file` names it in errors. Throws a
 * JobRecordError listing every problem: each names the row (and its pandaid), the field and what was expected.
 */
export function parseJobRecords(source: string, file: string): JobRecord[] {
  let table: { rows: unknown[]; label: (i: number) => string } | string;
  if (isCsvFile(file)) table = csvRows(source);
  else {
    let data: unknown;
    try {
      data = JSON.parse(source);
    } catch (error) {
      const expected = `JSON (${(error as Error).message})`;
      throw new JobRecordError(file, [{ row: '', field: '', expected, got: null }]);
    }
    table = jsonRows(data);
  }
  if (typeof table === 'string')
    throw new JobRecordError(file, [{ row: '', field: '', expected: table, got: null }]);
  const { rows, label } = table;
  const problems: JobRecordProblem[] = [];
  const records: JobRecord[] = [];
  const seen = new Map<string, string>();
  rows.forEach((raw, i) => {
    const pandaid =
      typeof raw === 'object' && raw !== null ? (raw as { pandaid?: unknown }).pandaid : undefined;
    const where = `${label(i)}${blank(pandaid) ? '' : ` (pandaid ${String(pandaid)})`}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push({ row: where, field: '', expected: 'a job (an object of columns)', got: shown(raw) });
      return;
    }
    const parsed = RowSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.join('.');
        const got = shown((raw as Record<string, unknown>)[field]);
        problems.push({ row: where, field, expected: issue.message, got });
      }
      for (const field of REQUIRED) {
        if (blank((raw as Record<string, unknown>)[field])) problems.push({ row: where, ...missing(field) });
      }
      return;
    }
    const record = toRecord(
      Object.fromEntries(
        Object.keys(RowSchema.shape).map((k) => [k, parsed.data[k as keyof Row] ?? null]),
      ) as Row,
    );
    if (Array.isArray(record)) {
      problems.push(...record.map((p) => ({ row: where, ...p })));
      return;
    }
    const key = `${record.pandaid}/${record.attemptnr}`;
    const first = seen.get(key);
    if (first !== undefined) {
      const expected = `a pandaid and attemptnr not already given (${first} has them)`;
      problems.push({ row: where, field: 'pandaid', expected, got: `${record.pandaid}/${record.attemptnr}` });
      return;
    }
    seen.set(key, label(i));
    records.push(record);
  });
  if (problems.length > 0) throw new JobRecordError(file, problems);
  return records;
}

/** Reads and parses a records file; an unreadable file is a JobRecordError too. */
export function readJobRecords(path: string): JobRecord[] {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (error) {
    const expected = `a file that can be read (${(error as Error).message})`;
    throw new JobRecordError(path, [{ row: '', field: '', expected, got: null }]);
  }
  return parseJobRecords(source, path);
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/** A job-table datetime as BigPanDAmon's JSON writes it (`isoformat`), to the whole second. */
export function formatJobTime(seconds: number): string {
  return new Date(Math.round(seconds) * 1000).toISOString().slice(0, 19);
}

/** The exported columns of a record, in JOB_RECORD_COLUMNS order; `durationsec` as BigPanDAmon derives it. */
export function recordRow(r: JobRecord): Record<(typeof JOB_RECORD_COLUMNS)[number], string | number | null> {
  const at = (t: number | null) => (t === null ? null : formatJobTime(t));
  return {
    pandaid: r.pandaid,
    jeditaskid: r.jeditaskid,
    attemptnr: r.attemptnr,
    creationtime: at(r.creationtime),
    starttime: at(r.starttime),
    endtime: at(r.endtime),
    computingsite: r.computingsite,
    jobstatus: r.jobstatus,
    corecount: r.corecount,
    actualcorecount: r.actualcorecount,
    hs06sec: r.hs06sec === null ? null : Math.round(r.hs06sec),
    maxwalltime: r.maxwalltime,
    gshare: r.gshare,
    prodsourcelabel: r.prodsourcelabel,
    inputfilebytes: r.inputfilebytes,
    outputfilebytes: r.outputfilebytes,
    durationsec:
      r.starttime !== null && r.endtime !== null ? Math.round(r.endtime) - Math.round(r.starttime) : 0,
  };
}

/**
 * Streams records to a file in the export format (CSV when the name ends in .csv, else BigPanDAmon's JSON
 * `{"jobs": [...]}`), through a temporary file renamed on `close`, so a failed run leaves no half file.
 */
export class JobRecordFile {
  private readonly out: AtomicFileStream;
  private readonly csv: boolean;
  private first = true;

  constructor(file: string) {
    this.out = new AtomicFileStream(file);
    this.csv = isCsvFile(file);
    this.out.write(this.csv ? stringify([[...JOB_RECORD_COLUMNS]]) : '{"jobs": [\n');
  }

  write(record: JobRecord): void {
    const row = recordRow(record);
    if (this.csv) this.out.write(stringify([JOB_RECORD_COLUMNS.map((c) => row[c] ?? '')]));
    else this.out.write(`${this.first ? '' : ',\n'}${JSON.stringify(row)}`);
    this.first = false;
  }

  close(): void {
    if (!this.csv) this.out.write('\n]}\n');
    this.out.close();
  }

  /** The run failed: the partial file goes. */
  discard(): void {
    this.out.discard();
  }
}
