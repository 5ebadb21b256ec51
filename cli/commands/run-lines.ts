/** The few lines a terminal shows for a run: where each task ran and how long the workflow took. */
import type { RunSummary } from '../../reports/summary.ts';

const hours = (s: number | null) => (s === null ? 'not done' : `${(s / 3600).toFixed(1)} h`);

export function runLines(run: RunSummary, wallSeconds: number): string[] {
  const lines = [
    `${run.scenario} / ${run.policy} / seed ${run.seed}: ${(run.simulatedTime / 3600).toFixed(1)} h simulated in ` +
      `${wallSeconds.toFixed(1)} s (${run.eventsProcessed.toLocaleString('en-US')} events)` +
      (run.partial ? ' — PARTIAL: interrupted' : ''),
  ];
  for (const w of run.workflows) {
    lines.push(`  workflow ${w.name}: makespan ${hours(w.makespan)}`);
    for (const t of w.tasks) {
      const where = Object.entries(t.jobsPerResource)
        .sort((a, b) => b[1] - a[1])
        .map(([r, n]) => `${r} ${n}`)
        .join(', ');
      const span = t.start === null || t.end === null ? 'not done' : `${hours(t.end - t.start)}`;
      lines.push(
        `    ${t.task}: ${t.nFinished}/${t.nJobs} jobs, ${span}, via ${t.route}${where ? ` (${where})` : ''}`,
      );
    }
  }
  lines.push(
    `  GPU ${run.gpuHours.toFixed(0)} h, CPU ${run.cpuHours.toFixed(0)} core-h, ` +
      `${(Object.values(run.bytesMoved).reduce((a, b) => a + b, 0) / 1e12).toFixed(3)} TB moved, cost $${run.cost.toFixed(0)}`,
  );
  return lines;
}
