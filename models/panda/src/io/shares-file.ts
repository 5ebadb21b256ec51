// The input file of `pandasim shares FILE.json`: the rows of PanDA's GLOBAL_SHARES table and the HS06 executing
// (and queued) per gshare, i.e. what `evaluateShares` takes (share-report.ts).

import { z } from 'zod';
import { ROOT_SHARE_NAME, type GlobalShareRow } from '../shares/global-shares.ts';
import type { SharesSnapshot } from '../shares/share-report.ts';
import type { ShareOrderOptions } from '../shares/share-order.ts';
import type { Assert, IsExact } from './exact.ts';
import { fileHeaderFields, type FileHeader } from './file-header.ts';
import { validateJson } from './file-problems.ts';
import { readJsonFile } from './json-text.ts';

export interface SharesFile extends FileHeader, SharesSnapshot {}

const matcher = (column: string) =>
  z
    .string()
    .nullable()
    .describe(`\`${column}\`: Python regular expression matched to tag work with this share; null = any.`)
    .optional();

export const GlobalShareRowSchema = z
  .strictObject({
    name: z.string().min(1).describe('Unique share name, e.g. `User Analysis`.'),
    value: z
      .number()
      .nonnegative()
      .describe('Raw weight (NUMBER(3,0)); only its ratio to the siblings’ weights matters.'),
    parent: z
      .string()
      .nullable()
      .describe('Parent share name; null, absent or empty for a top-level share.')
      .optional(),
    prodsourcelabel: matcher('PRODSOURCELABEL'),
    workinggroup: matcher('WORKINGGROUP'),
    campaign: matcher('CAMPAIGN'),
    processingtype: matcher('PROCESSINGTYPE'),
    transpath: matcher('TRANSPATH'),
    rtype: z
      .string()
      .nullable()
      .describe('Regular expression matched to the CRIC `resource_type` of the site (GRID, hpc, cloud, …).')
      .optional(),
    vo: z.string().nullable().describe('VO; null = atlas.').optional(),
    queue_id: z
      .number()
      .int()
      .nullable()
      .describe('Id in the 9000 range letting the share act as a work queue.')
      .optional(),
    throttled: z
      .string()
      .nullable()
      .describe('`N` = never throttled by JEDI; anything else = throttled.')
      .optional(),
  })
  .meta({ id: 'GlobalShareRow', description: 'One row of `ATLAS_PANDA.GLOBAL_SHARES`.' });

export const ShareOrderOptionsSchema = z
  .strictObject({
    key: z
      .enum(['usageRatio', 'kHS06Debt'])
      .describe('Sort key of the under-pledge order: executing/pledged (current), or the pre-2017 HS06 debt.')
      .optional(),
    zeroPledgeRatio: z
      .number()
      .describe('Ratio used for a zero pledge so the share sorts last (10^6).')
      .optional(),
  })
  .meta({ id: 'ShareOrderOptions', description: 'Options of the leaf ordering.' });

const hs06ByShare = (description: string) =>
  z.record(z.string(), z.number().nonnegative()).describe(description);

export const SharesFileSchema = z
  .strictObject({
    ...fileHeaderFields,
    rows: z.array(GlobalShareRowSchema).describe('The share tree, one row per share, in DB order.'),
    executing: hs06ByShare(
      'HS06 of jobs in `sent` or `running` per gshare value; values that are not leaves count in the total only.',
    ),
    queued: hs06ByShare('HS06 of `activated` jobs per gshare value.').optional(),
    options: ShareOrderOptionsSchema.optional(),
  })
  .superRefine((f, ctx) => {
    const names = new Set<string>();
    f.rows.forEach((row, k) => {
      if (row.name === ROOT_SHARE_NAME) {
        ctx.addIssue({
          code: 'custom',
          path: ['rows', k, 'name'],
          input: row.name,
          message: 'a name other than "root" (reserved)',
        });
      } else if (names.has(row.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rows', k, 'name'],
          input: row.name,
          message: 'a share name not used before',
        });
      }
      names.add(row.name);
    });
    f.rows.forEach((row, k) => {
      if (row.parent && !names.has(row.parent)) {
        ctx.addIssue({
          code: 'custom',
          path: ['rows', k, 'parent'],
          input: row.parent,
          message: 'the name of another row, or null for a top-level share',
        });
      }
    });
  })
  .meta({
    title: 'pandasim shares file',
    description:
      'Global shares (GLOBAL_SHARES rows) and the HS06 executing per share: targets and leaf order.',
  });

type _checks = [
  Assert<IsExact<z.infer<typeof GlobalShareRowSchema>, GlobalShareRow>>,
  Assert<IsExact<z.infer<typeof ShareOrderOptionsSchema>, ShareOrderOptions>>,
  Assert<IsExact<z.infer<typeof SharesFileSchema>, SharesFile>>,
];

/** Validates a parsed shares file; throws an `InputFileError` listing every problem. */
export function parseSharesFile(file: string, json: unknown): SharesFile {
  return validateJson(file, SharesFileSchema, json);
}

/** Reads and validates a shares file; throws an `InputFileError` listing every problem. */
export function loadSharesFile(path: string): SharesFile {
  return parseSharesFile(path, readJsonFile(path));
}
