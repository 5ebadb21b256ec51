/**
 * The problems of a foreign input file (a CRIC dump, a Harvester queue config, a WfFormat instance), each with
 * the field path, the value found and what was expected, thrown together as one `InputFileError` (the same
 * error the broker and shares files give, exit 2 in the CLI).
 */
import type { z } from 'zod';
import { formatPath, InputFileError, issuesToProblems, type FileProblem } from '@pandasim/panda';
import { shortJson } from '../yaml-input.ts';

export type PathSegments = readonly (string | number)[];

export class ImportProblems {
  readonly list: FileProblem[] = [];

  constructor(readonly file: string) {}

  /** A problem at `path`; `value` undefined when the field is missing. */
  add(path: PathSegments, expected: string, value?: unknown): void {
    this.list.push({
      path: formatPath(path),
      value: value === undefined ? null : shortJson(value),
      expected,
    });
  }

  /**
   * `input` (found at `at`) validated by `schema`: the output, or undefined after adding every issue. `whose`
   * is added to each expectation (`(queue CERN)`) where the path alone does not name the entry.
   */
  validate<T>(schema: z.ZodType<T>, input: unknown, at: PathSegments, whose = ''): T | undefined {
    const result = schema.safeParse(input, { reportInput: true });
    if (result.success) return result.data;
    const prefix = formatPath(at);
    for (const p of issuesToProblems(result.error.issues, schema, input)) {
      const path =
        p.path === ''
          ? prefix
          : p.path.startsWith('[') || prefix === ''
            ? prefix + p.path
            : `${prefix}.${p.path}`;
      this.list.push({
        path,
        value: p.value,
        expected: whose === '' ? p.expected : `${p.expected} ${whose}`,
      });
    }
    return undefined;
  }

  /** Throws the problems found so far, if any. */
  check(): void {
    if (this.list.length > 0) throw new InputFileError(this.file, this.list);
  }
}
