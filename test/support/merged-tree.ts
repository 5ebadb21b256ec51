/**
 * The files of a merged sweep with their wall times taken out: the only thing that may differ between two
 * merges of the same cells (how long each run took, and their sum in a comparison and its report).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

function zeroWall(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(zeroWall);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === 'wallSeconds' ? 0 : zeroWall(v)]),
  );
}

/** Path under `dir` → content; JSON with every `wallSeconds` 0, text with "N s of wall time". */
export function mergedTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const text = readFileSync(path, 'utf8');
    files[relative(dir, path)] = path.endsWith('.json')
      ? JSON.stringify(zeroWall(JSON.parse(text)))
      : text.replace(/[\d.]+ s of wall time/g, 'N s of wall time');
  }
  return files;
}
