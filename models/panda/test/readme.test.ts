/**
 * The README's examples are documentation that must stay true: each ```ts block is written to a module next to
 * this package's sources (imports of '@pandasim/panda' pointed at src/index.ts) and run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const scratch = mkdtempSync(join(packageDir, 'test', '.readme-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('README examples', () => {
  it('has examples', () => {
    if (blocks.length < 3) throw new Error(`expected at least 3 examples, found ${blocks.length}`);
  });
  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs`, async () => {
      const file = join(scratch, `example-${i + 1}.ts`);
      writeFileSync(
        file,
        code.replaceAll("from '@pandasim/panda'", `from '${join(packageDir, 'src', 'index.ts')}'`),
      );
      await import(file);
    });
  });
});
