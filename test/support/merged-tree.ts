/** The files of a merged sweep, to compare two merges of the same cells byte for byte. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Path under `dir` → content. */
export function mergedTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(dir, path)] = readFileSync(path, 'utf8');
  }
  return files;
}
