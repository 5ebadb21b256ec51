/**
 * What the scenario and sweep loaders share when they read YAML written by people: the document, with its
 * syntax errors reported by line and column; whether a value is a mapping; and a value shown short in a
 * problem's `got`.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { ScenarioProblem } from './scenario-error.ts';

const MAX_SHOWN = 60;

/** A value as short JSON, for a problem's `got`. */
export function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** A YAML mapping (a plain object), not a list or a scalar. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parsed YAML, or undefined after adding its syntax errors, with line and column, to `problems`. */
export function readYaml(text: string, file: string, problems: ScenarioProblem[]): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  for (const error of doc.errors) {
    const { line, col } = lines.linePos(error.pos[0]);
    problems.push({
      file,
      path: '',
      expected: `valid YAML (${error.message})`,
      got: null,
      line,
      column: col,
    });
  }
  return doc.errors.length === 0 ? doc.toJS() : undefined;
}
