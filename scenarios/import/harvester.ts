/**
 * Harvester queue configurations (the JSON of HSF/harvester `examples/panda_queueconfig*.json`) → the knobs the
 * Harvester model takes (models/harvester/queue-config.ts), one `harvester:` block per PanDA queue, with notes.
 *
 * Each queue is resolved as Harvester's `QueueConfigMapper.load_data` resolves it (HSF/harvester d561b72
 * `harvestercore/queue_config_mapper.py`): template queues (`isTemplateQueue`, or a name ending in
 * `_TEMPLATE`) are not queues; a queue starts from its `templateQueueName`, its plugin sections updating the
 * template's key by key and its other fields replacing them; absent fields take `QueueConfig`'s defaults; then
 * the job limits of a pull queue and the worker ratio limits of a push queue are dropped, and the queue limits
 * are clamped to `maxWorkers` and `nQueueLimitJobMax`.
 */
import { z } from 'zod';
import type { Document } from 'yaml';
import { quantityToString } from '../../sim/units.ts';
import { isPlainObject } from '../yaml-input.ts';
import type { HarvesterBlockInput } from './cric.ts';
import { ImportProblems } from './input-problems.ts';

const whole = () => z.number().int().nonnegative();

/** A plugin section: only the fields the model reads; module paths and credentials do not matter here. */
const PluginSchema = z.looseObject({
  name: z.string().min(1),
  nCorePerNode: whole().optional(),
  nGpuPerNode: whole().optional(),
  noPilotsWhenNoActiveJobs: z.boolean().optional(),
  nJobsPerWorker: z.number().int().positive().optional(),
});

/** The fields of a queue config read here (after its template is applied). */
export const HarvesterQueueConfigSchema = z.looseObject({
  queueStatus: z.string().nullable().optional(),
  prodSourceLabel: z.string().optional(),
  mapType: z.enum(['NoJob', 'OneToOne', 'ManyToOne', 'OneToMany']).optional(),
  truePilot: z.boolean().optional(),
  runMode: z.string().optional(),
  maxWorkers: whole().optional(),
  nQueueLimitWorker: whole().optional(),
  nQueueLimitWorkerRatio: z.number().nonnegative().optional(),
  nQueueLimitWorkerMin: whole().optional(),
  nQueueLimitWorkerMax: whole().optional(),
  maxNewWorkersPerCycle: whole().optional(),
  nNewWorkers: whole().optional(),
  nQueueLimitJob: whole().optional(),
  nQueueLimitJobRatio: z.number().nonnegative().optional(),
  nQueueLimitJobMin: whole().optional(),
  nQueueLimitJobMax: whole().optional(),
  maxSubmissionAttempts: z.number().int().positive().optional(),
  walltimeLimit: z.number().positive().optional(),
  submitter: PluginSchema,
  workerMaker: PluginSchema.optional(),
});
type HarvesterQueueConfig = z.output<typeof HarvesterQueueConfigSchema>;

export interface HarvesterImport {
  /** PanDA queue name → its knobs, as a catalog's `harvester:` block (HarvesterQueueSchema). */
  readonly queues: Readonly<Record<string, HarvesterBlockInput>>;
  readonly notes: readonly string[];
}

/** `QueueConfigMapper.updatable_plugin_attrs`: sections a queue updates key by key over its template. */
const PLUGIN_SECTIONS = new Set([
  'common',
  'messenger',
  'monitor',
  'preparator',
  'stager',
  'submitter',
  'sweeper',
  'workerMaker',
  'throttler',
  'zipper',
  'aux_preparator',
  'extractor',
]);

/** The Harvester statuses the model knows (`define_num_workers` stops offline, standby and maintenance). */
const STATUSES = ['online', 'brokeroff', 'offline', 'standby', 'maintenance'] as const;

const isTemplate = (name: string, queue: Record<string, unknown>) =>
  queue.isTemplateQueue === true || name.endsWith('_TEMPLATE');

/** A queue over its template: plugin sections merged key by key, other fields replaced. */
function overTemplate(
  template: Record<string, unknown>,
  queue: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = structuredClone(template);
  for (const [key, value] of Object.entries(queue)) {
    const base = merged[key];
    merged[key] =
      PLUGIN_SECTIONS.has(key) && isPlainObject(base) && isPlainObject(value) ? { ...base, ...value } : value;
  }
  return merged;
}

const minOf = (...values: (number | undefined)[]) =>
  Math.min(...values.filter((v): v is number => v !== undefined));

/**
 * The limits as `load_data` leaves them. Defaults are `QueueConfig.__init__`'s: OneToOne, maxWorkers 0,
 * maxNewWorkersPerCycle 0, maxSubmissionAttempts 3, truePilot false.
 */
function resolved(c: HarvesterQueueConfig): HarvesterQueueConfig & { mapType: string; maxWorkers: number } {
  const q = { ...c, mapType: c.mapType ?? 'OneToOne', maxWorkers: c.maxWorkers ?? 0 };
  if (q.mapType === 'NoJob') {
    q.nQueueLimitJob = q.nQueueLimitJobRatio = q.nQueueLimitJobMin = q.nQueueLimitJobMax = undefined;
  } else {
    q.nQueueLimitWorkerRatio = q.nQueueLimitWorkerMin = undefined;
  }
  if (q.nQueueLimitWorker !== undefined && q.nQueueLimitWorkerMax !== undefined) {
    q.nQueueLimitWorker = q.nQueueLimitWorkerMax = minOf(
      q.nQueueLimitWorker,
      q.nQueueLimitWorkerMax,
      q.maxWorkers,
    );
  } else if (q.nQueueLimitWorker !== undefined) {
    q.nQueueLimitWorker = Math.min(q.nQueueLimitWorker, q.maxWorkers);
  } else if (q.nQueueLimitWorkerMax !== undefined) {
    q.nQueueLimitWorker = q.nQueueLimitWorkerMax = Math.min(q.nQueueLimitWorkerMax, q.maxWorkers);
  }
  if (q.nQueueLimitWorkerMin !== undefined && q.nQueueLimitWorker !== undefined) {
    q.nQueueLimitWorkerMin = minOf(q.nQueueLimitWorkerMin, q.nQueueLimitWorker, q.maxWorkers);
  }
  if (q.nQueueLimitJob !== undefined && q.nQueueLimitJobMax !== undefined) {
    q.nQueueLimitJob = Math.min(q.nQueueLimitJob, q.nQueueLimitJobMax);
  } else if (q.nQueueLimitJobMax !== undefined) {
    q.nQueueLimitJob = q.nQueueLimitJobMax;
  }
  if (q.nQueueLimitJobMin !== undefined && q.nQueueLimitJob !== undefined) {
    q.nQueueLimitJobMin = Math.min(q.nQueueLimitJobMin, q.nQueueLimitJob);
  }
  return q;
}

/** The block of one resolved queue, or why it cannot be one. */
function toBlock(name: string, c: HarvesterQueueConfig, notes: string[]): HarvesterBlockInput | string {
  const q = resolved(c);
  if (q.mapType === 'OneToMany') return 'mapType OneToMany (event service workers) is not modelled';
  if (q.mapType !== 'NoJob' && q.nQueueLimitJob === undefined) {
    return `mapType ${q.mapType} without nQueueLimitJob: its JobFetcher would never fetch a job`;
  }
  const block: HarvesterBlockInput = { mapType: q.mapType as 'NoJob' | 'OneToOne' | 'ManyToOne' };
  if (q.queueStatus != null) {
    const status = q.queueStatus === 'test' ? 'online' : q.queueStatus;
    if (!(STATUSES as readonly string[]).includes(status))
      return `queueStatus ${q.queueStatus} is not one of ${STATUSES.join(', ')}, test`;
    block.queueStatus = status as (typeof STATUSES)[number];
  }
  // A pull queue's pilots get and report their own jobs (`get_synchronization_level` is 1 for NoJob).
  block.truePilot = q.mapType === 'NoJob' ? true : (q.truePilot ?? false);
  if (q.mapType === 'NoJob' && q.truePilot !== true)
    notes.push(`${name}: NoJob queue taken as truePilot (its pilots report their own jobs)`);
  block.maxWorkers = q.maxWorkers;
  for (const key of [
    'nQueueLimitWorker',
    'nQueueLimitWorkerRatio',
    'nQueueLimitWorkerMin',
    'nQueueLimitWorkerMax',
    'nQueueLimitJob',
    'nQueueLimitJobRatio',
    'nQueueLimitJobMin',
  ] as const) {
    if (q[key] !== undefined) block[key] = q[key];
  }
  block.maxNewWorkersPerCycle = q.maxNewWorkersPerCycle ?? 0;
  block.maxSubmissionAttempts = q.maxSubmissionAttempts ?? 3;
  if (q.walltimeLimit !== undefined) block.walltimeLimit = quantityToString(q.walltimeLimit, 'duration');
  if (q.workerMaker?.nJobsPerWorker !== undefined) block.nJobsPerWorker = q.workerMaker.nJobsPerWorker;
  if (q.submitter.noPilotsWhenNoActiveJobs !== undefined) {
    block.noPilotsWhenNoActiveJobs = q.submitter.noPilotsWhenNoActiveJobs;
  }
  if (q.maxWorkers === 0)
    notes.push(`${name}: maxWorkers 0 (Harvester's default) caps its queued workers at 0`);

  const shape = (['nCorePerNode', 'nGpuPerNode'] as const).filter((k) => q.submitter[k] !== undefined);
  if (shape.length > 0) {
    const given = shape.map((k) => `${k} ${q.submitter[k]}`).join(', ');
    notes.push(
      `${name}: submitter ${given} not imported: the worker shape follows the catalog (grid coresPerSlot, the machine preset)`,
    );
  }
  if (q.runMode === 'slave') notes.push(`${name}: runMode slave (Unified Pilot Streaming) not modelled`);
  if (q.nNewWorkers !== undefined)
    notes.push(`${name}: nNewWorkers ignored (Harvester itself reads it nowhere but QueueConfig's default)`);
  if (q.prodSourceLabel !== undefined && q.prodSourceLabel !== 'managed') {
    notes.push(
      `${name}: prodSourceLabel ${q.prodSourceLabel} not imported (grid pilots ask for any job, other queues for managed ones)`,
    );
  }
  return block;
}

/**
 * The knobs of every queue of a Harvester queue config (`json`, already parsed; `file` names it in errors).
 * Throws an `InputFileError` listing every problem found.
 */
export function importHarvester(file: string, json: unknown): HarvesterImport {
  const problems = new ImportProblems(file);
  if (!isPlainObject(json)) {
    problems.add([], 'a Harvester queue config: an object of queue name → queue settings', json);
    problems.check();
  }
  const all = json as Record<string, unknown>;
  const templates = new Map<string, Record<string, unknown>>();
  const queues: [string, Record<string, unknown>][] = [];
  for (const [name, queue] of Object.entries(all)) {
    if (!isPlainObject(queue)) problems.add([name], 'the settings of a queue (an object)', queue);
    else if (isTemplate(name, queue)) templates.set(name, queue);
    else queues.push([name, queue]);
  }
  const notes: string[] = [];
  const blocks: Record<string, HarvesterBlockInput> = {};
  for (const [name, queue] of queues) {
    const template = queue.templateQueueName;
    if (template !== undefined && (typeof template !== 'string' || !templates.has(template))) {
      const known = [...templates.keys()].join(', ') || 'none defined';
      problems.add([name, 'templateQueueName'], `a template queue of the file (${known})`, template);
      continue;
    }
    const merged = template === undefined ? queue : overTemplate(templates.get(template)!, queue);
    const config = problems.validate(
      HarvesterQueueConfigSchema,
      merged,
      [name],
      template === undefined ? '' : `(queue ${name} over template ${template})`,
    );
    if (config === undefined) continue;
    const block = toBlock(name, config, notes);
    if (typeof block === 'string') notes.push(`${name} left out: ${block}`);
    else blocks[name] = block;
  }
  if (queues.length === 0) problems.add([], 'at least one queue that is not a template');
  problems.check();
  if (templates.size > 0)
    notes.unshift(`templates ${[...templates.keys()].join(', ')} applied to the queues naming them`);
  return { queues: blocks, notes };
}

/**
 * Puts each queue's block on the catalog resource of the same name (grid site, hpc, funcx or cloud entry) in a
 * parsed catalog document, keeping its comments. Returns the queues no resource is named after.
 */
export function attachHarvester(
  catalog: Document,
  queues: Readonly<Record<string, HarvesterBlockInput>>,
): string[] {
  const unmatched = new Set(Object.keys(queues));
  const js: unknown = catalog.toJS();
  for (const kind of ['gridSites', 'hpc', 'funcx', 'cloud']) {
    const list = isPlainObject(js) ? js[kind] : undefined;
    if (!Array.isArray(list)) continue;
    list.forEach((resource: unknown, i) => {
      const name = isPlainObject(resource) ? resource.name : undefined;
      if (typeof name !== 'string' || !Object.hasOwn(queues, name)) return;
      catalog.setIn([kind, i, 'harvester'], catalog.createNode(queues[name]));
      unmatched.delete(name);
    });
  }
  return [...unmatched];
}
