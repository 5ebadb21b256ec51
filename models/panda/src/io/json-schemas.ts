// JSON Schema (draft 2020-12) of the input files, generated from the zod schemas so the two cannot disagree.
// scripts/generate-schemas.ts writes them to schemas/*.schema.json, which the package publishes.

import { z } from 'zod';
import { BrokerFileSchema } from './broker-file.ts';
import { SharesFileSchema } from './shares-file.ts';

/** File name under schemas/ → JSON Schema. */
export function inputFileJsonSchemas(): Record<string, object> {
  return {
    'broker-file.schema.json': z.toJSONSchema(BrokerFileSchema, { target: 'draft-2020-12' }),
    'shares-file.schema.json': z.toJSONSchema(SharesFileSchema, { target: 'draft-2020-12' }),
  };
}
