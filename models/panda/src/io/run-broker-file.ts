// Runs the brokerage a broker file describes, and optionally JobGenerator's bunch assignment of the chunk's jobs
// over the resulting candidates (`JobSplitter.doSplit`). The caller supplies the U[0, 1) stream, so the package
// stays free of any particular generator.

import { brokerAnalysisJobs } from '../brokerage/analysis-job-broker.ts';
import type { AnalysisBrokerageDecision } from '../brokerage/analysis-types.ts';
import { splitJobs, type SplitCandidate, type SplitResult } from '../brokerage/job-splitter.ts';
import type { ProdBrokerageDecision } from '../brokerage/prod-decision.ts';
import { brokerProductionJobs, checkQueuesForTaskBrokerage } from '../brokerage/prod-job-broker.ts';
import { resolveProdJobBrokerOptions } from '../brokerage/prod-options.ts';
import { brokerTasksInCycle } from '../brokerage/task-brokerage.ts';
import type { TaskBrokerageDecision, TaskJobCheck } from '../brokerage/task-brokerage-types.ts';
import type { AnalysisBrokerFile, BrokerFile, ProductionBrokerFile, TaskBrokerFile } from './broker-file.ts';

/** The bunch assignment of `nJobs` jobs; `candidates` (the splitter's final state) is left out. */
export interface SplitReport extends Omit<SplitResult, 'candidates'> {
  nJobs: number;
}

export interface ProductionRun {
  kind: 'production';
  decision: ProdBrokerageDecision;
  split: SplitReport | null;
}

export interface AnalysisRun {
  kind: 'analysis';
  decision: AnalysisBrokerageDecision;
  split: SplitReport | null;
}

/** The job check's calls: PQs asked about and PQs that passed. */
export interface JobCheckReport {
  mode: 'brokerage' | 'list' | 'none';
  checked: string[];
  passed: string[];
}

export interface TaskRun {
  kind: 'task';
  decision: TaskBrokerageDecision;
  jobCheck: JobCheckReport;
}

export type BrokerRun = ProductionRun | AnalysisRun | TaskRun;

export interface BrokerRunOptions {
  /** U[0, 1) stream: analysis tie shuffle, the task brokerage's nucleus draw, the splitter's site draws. */
  rng: () => number;
  /** Jobs to assign over the candidates (production and analysis); absent = no assignment. */
  nJobs?: number;
}

function split(
  candidates: readonly SplitCandidate[],
  file: ProductionBrokerFile | AnalysisBrokerFile,
  nJobs: number,
  rng: () => number,
): SplitReport {
  const result = splitJobs(candidates, {
    nJobs,
    rng,
    useScout: file.chunk.useScout,
    isMerging: file.chunk.isMerging,
    isHpoWorkflow: file.task.isHpoWorkflow,
    liveCount: file.snapshot.liveCount,
  });
  return {
    nJobs,
    assignments: result.assignments,
    bunches: result.bunches,
    nAssigned: result.nAssigned,
    nUnassigned: result.nUnassigned,
    nDraws: result.nDraws,
  };
}

function runProduction(file: ProductionBrokerFile, o: BrokerRunOptions): ProductionRun {
  const decision = brokerProductionJobs(
    file.snapshot,
    file.task,
    file.chunk,
    resolveProdJobBrokerOptions(file.options),
  );
  const report = o.nJobs === undefined ? null : split(decision.candidates, file, o.nJobs, o.rng);
  return { kind: 'production', decision, split: report };
}

function runAnalysis(file: AnalysisBrokerFile, o: BrokerRunOptions): AnalysisRun {
  const decision = brokerAnalysisJobs({
    task: file.task,
    chunk: file.chunk,
    snapshot: file.snapshot,
    user: file.user,
    rng: o.rng,
    options: file.options,
  });
  // Analysis candidates carry no queue counts: constant weights, no cap (SiteCandidate defaults).
  const candidates = decision.candidates.map((c) => ({
    siteName: c.siteName,
    weight: c.weight,
    nQueuedJobs: null,
    nAssignedJobs: null,
    nRunningJobsCap: null,
  }));
  const report = o.nJobs === undefined ? null : split(candidates, file, o.nJobs, o.rng);
  return { kind: 'analysis', decision, split: report };
}

function runTask(file: TaskBrokerFile, o: BrokerRunOptions): TaskRun {
  const spec = file.jobCheck;
  const report: JobCheckReport = { mode: spec?.mode ?? 'none', checked: [], passed: [] };
  let check: (names: readonly string[]) => string[];
  if (spec?.mode === 'brokerage') {
    const options = resolveProdJobBrokerOptions(spec.options);
    check = (names) =>
      checkQueuesForTaskBrokerage(file.snapshot, file.task, spec.chunk, names, options).passed;
  } else if (spec?.mode === 'list') {
    const passing = new Set(spec.queues);
    check = (names) => names.filter((n) => passing.has(n));
  } else {
    check = (names) => [...names];
  }
  const jobCheck: TaskJobCheck = (_task, names) => {
    const passed = check(names);
    report.checked.push(...names);
    report.passed.push(...passed);
    return passed;
  };
  const [decision] = brokerTasksInCycle(
    [file.task],
    { snapshot: file.snapshot, jobCheck, rng: o.rng, options: file.options },
    file.workloads ?? [],
  );
  return { kind: 'task', decision, jobCheck: report };
}

/** Runs the file's brokerage (and, with `nJobs`, the bunch assignment over its candidates). */
export function runBrokerFile(file: BrokerFile, options: BrokerRunOptions): BrokerRun {
  if (file.kind === 'production') return runProduction(file, options);
  if (file.kind === 'analysis') return runAnalysis(file, options);
  if (options.nJobs !== undefined) {
    throw new RangeError(
      'job assignment applies to the production and analysis brokerages, not to task brokerage',
    );
  }
  return runTask(file, options);
}
