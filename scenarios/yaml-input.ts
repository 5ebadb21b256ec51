/**
 * What the scenario and sweep loaders share when they read YAML written by people: the document, with its
 * syntax errors reported by line and column; whether a value is a mapping; and a value shown short in a
 * problem's `got`.
 */
import { LineCounter, parseDocument, Parser } from 'yaml';
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

/**
 * YAML nested deeper than this is refused before it is composed: yaml composes recursively, and a few thousand
 * levels (`[[[[...`) exhaust the stack, which after a few such files in one process ends in a fatal V8 error,
 * not an exception. Scenario files nest about 7 deep.
 */
const MAX_NESTING = 64;

/** How deep `text` nests, from yaml's concrete syntax tree, which is built and walked without recursion. */
function nesting(text: string): number {
  let deepest = 0;
  const stack: [unknown, number][] = [...new Parser().parse(text)].map((token) => [token, 1]);
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [node, depth] = top;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(node as object)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  // Each YAML level is three levels of the tree: the collection, its item, the item's value.
  return Math.floor(deepest / 3);
}

/** The parsed YAML, or undefined after adding its syntax errors, with line and column, to `problems`. */
export function readYaml(text: string, file: string, problems: ScenarioProblem[]): unknown {
  if (nesting(text) > MAX_NESTING) {
    problems.push({ file, path: '', expected: `YAML nested at most ${MAX_NESTING} levels deep`, got: null });
    return undefined;
  }
  const lines = new LineCounter();
  // resolveKnownTags off: `!!binary`, `!!set`, `!!timestamp` stay plain text and maps, never byte arrays,
  // Sets or Dates that a schema would take for objects with fields.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, resolveKnownTags: false });
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
  if (doc.errors.length > 0) return undefined;
  try {
    return doc.toJS();
  } catch (error) {
    // Some errors show only when the document becomes values: an alias before its anchor, or aliases
    // expanding past yaml's limit (a "billion laughs" file).
    problems.push({ file, path: '', expected: `valid YAML (${(error as Error).message})`, got: null });
    return undefined;
  }
}
