// Writes schemas/*.schema.json from the zod schemas of src/io; run it after changing an input file format:
//   npx tsx models/panda/scripts/generate-schemas.ts
// The files are formatted with the repository's prettier settings so `prettier --check` accepts them as written.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { inputFileJsonSchemas } from '../src/io/json-schemas.ts';

const dir = fileURLToPath(new URL('../schemas/', import.meta.url));
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(inputFileJsonSchemas())) {
  const path = join(dir, name);
  const options = await resolveConfig(path);
  writeFileSync(path, await format(JSON.stringify(schema), { ...options, filepath: path }));
  console.log(`wrote ${path}`);
}
