import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inputFileJsonSchemas } from '../../src/io/index.ts';

const schemas = fileURLToPath(new URL('../../schemas/', import.meta.url));

interface JsonSchemaNode {
  description?: string;
  $ref?: string;
  properties?: Record<string, JsonSchemaNode>;
  $defs?: Record<string, JsonSchemaNode>;
}

/** Paths of object properties anywhere in the schema that carry no description (nor reference a described def). */
function undescribed(root: JsonSchemaNode): string[] {
  const out: string[] = [];
  const described = (prop: JsonSchemaNode): boolean =>
    prop.description !== undefined ||
    (prop.$ref !== undefined && root.$defs?.[prop.$ref.replace('#/$defs/', '')]?.description !== undefined);
  const walk = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as JsonSchemaNode;
    for (const [field, prop] of Object.entries(n.properties ?? {})) {
      if (!described(prop)) out.push(`${path}.${field}`);
    }
    for (const [key, child] of Object.entries(node)) walk(child, `${path}/${key}`);
  };
  walk(root, '#');
  return out;
}

describe('JSON Schema files', () => {
  const generated = inputFileJsonSchemas();

  it('are the ones scripts/generate-schemas.ts writes from the zod schemas today', () => {
    expect(Object.keys(generated).sort()).toEqual(['broker-file.schema.json', 'shares-file.schema.json']);
    for (const [name, schema] of Object.entries(generated)) {
      const committed: unknown = JSON.parse(readFileSync(`${schemas}${name}`, 'utf8'));
      expect(committed, `${name} is stale: run npx tsx models/panda/scripts/generate-schemas.ts`).toEqual(
        schema,
      );
    }
  });

  it('describe every field, and refuse unknown ones', () => {
    for (const schema of Object.values(generated) as JsonSchemaNode[]) {
      expect(undescribed(schema)).toEqual([]);
    }
    expect(undescribed({ properties: { a: { description: 'x' }, b: {} } })).toEqual(['#.b']);
    const broker = generated['broker-file.schema.json'] as {
      $defs: Record<string, { additionalProperties?: unknown }>;
    };
    expect(broker.$defs.SiteSpec.additionalProperties).toBe(false);
    expect(broker.$defs.TaskSpec.additionalProperties).toBe(false);
  });
});
