// Fields every input file may carry for editors and readers; the algorithms ignore them.

import { z } from 'zod';

export interface FileHeader {
  /** JSON Schema of the file, for editor validation. */
  $schema?: string;
  /** Free text: where the numbers come from. */
  $comment?: string;
}

export const fileHeaderFields = {
  $schema: z.string().describe('JSON Schema of the file, for editor validation.').optional(),
  $comment: z.string().describe('Free text: where the numbers come from.').optional(),
};
