/**
 * What is wrong with a scenario: every problem found in the scenario file and the files it names, each with
 * the file, the field path and what was expected there, reported together in one error.
 */

export interface ScenarioProblem {
  readonly file: string;
  /** Field path such as `workflows[0].tasks[1].gpuPerJob`; empty for the file as a whole. */
  readonly path: string;
  readonly expected: string;
  /** The value found, as short JSON, or `nothing` for a missing field; null when there is none to show. */
  readonly got: string | null;
  /** Where in the text, for YAML syntax errors (1-based). */
  readonly line?: number;
  readonly column?: number;
}

/**
 * `scenarios/x.yaml: workflows[0].tasks[1].walltime: expected a duration like '8h', got "eight"`; a YAML
 * syntax error shows `file:line:column`.
 */
export function formatProblem(p: ScenarioProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
  const field = p.path === '' ? '' : ` ${p.path}:`;
  return `${where}:${field} expected ${p.expected}${p.got === null ? '' : `, got ${p.got}`}`;
}

export class ScenarioError extends Error {
  readonly problems: readonly ScenarioProblem[];

  constructor(problems: readonly ScenarioProblem[]) {
    const lines = problems.map(formatProblem);
    super(
      lines.length === 1 ? lines[0] : [`${lines.length} problems:`, ...lines.map((l) => `  ${l}`)].join('\n'),
    );
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

/** `joinPath('workflows[0]', 'tasks[1].name')` → `workflows[0].tasks[1].name`; either may be empty. */
export function joinPath(prefix: string, path: string): string {
  if (prefix === '') return path;
  if (path === '') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}
