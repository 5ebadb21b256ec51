/**
 * `pandasim schema [--out DIR]`: writes the JSON Schemas of the input files (scenarios/json-schemas.ts) for
 * editors. The repository's schemas/ is what `pandasim schema --out schemas/` writes, and a test fails when
 * a change to the zod schemas leaves it behind.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandModule } from 'yargs';
import { inputFileJsonSchemas } from '../../scenarios/json-schemas.ts';

interface SchemaArgs {
  out: string;
}

/** Writes every schema to `dir`, formatted as the repository's prettier settings want; the paths written. */
export async function writeJsonSchemas(dir: string): Promise<string[]> {
  // prettier is a development tool: loaded only here, so the other commands start without it.
  const { format, resolveConfig } = await import('prettier');
  // The repository's settings wherever the files go, so that every copy is the same text.
  const options = await resolveConfig(fileURLToPath(import.meta.url));
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, schema] of Object.entries(inputFileJsonSchemas())) {
    const path = join(dir, name);
    writeFileSync(path, await format(JSON.stringify(schema), { ...options, filepath: path }));
    written.push(path);
  }
  return written;
}

export const schemaCommand: CommandModule<object, SchemaArgs> = {
  command: 'schema',
  describe: 'Write the JSON Schemas of the scenario, catalog, shares, workflow and sweep files (for editors)',
  builder: (y) =>
    y
      .option('out', { type: 'string', default: 'schemas', describe: 'directory to write them to' })
      .example('$0 schema --out schemas/', "regenerate the repository's schemas after a format change"),
  handler: async (args) => {
    for (const path of await writeJsonSchemas(args.out)) console.log(`wrote ${path}`);
  },
};
