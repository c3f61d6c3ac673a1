import { z } from 'zod';
import { CategorySchema, JurisdictionSchema, type Label } from '../../core/schema.js';
import { InvalidInputError } from '../../core/errors.js';
import { parseInput } from '../../core/parse.js';
import { normalizeLabel } from '../store.js';

/** One label row of the project's own CSV/JSON formats; jurisdiction is "" (unknown) or codes separated by ";". */
export const LabelRowSchema = z
  .object({
    chain: z.string().min(1, 'chain is required'),
    address: z.string().min(1, 'address is required'),
    entity: z.string().trim().min(1, 'entity is required').max(200),
    category: z.string().trim().toLowerCase().pipe(CategorySchema),
    jurisdiction: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => (Array.isArray(v) ? v : (v ?? '').split(';')).map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(JurisdictionSchema)),
    confidence: z
      .union([z.number(), z.string()])
      .optional()
      .transform((v) => (v === undefined || v === '' ? 1 : typeof v === 'number' ? v : Number(v)))
      .pipe(z.number({ message: 'confidence must be a number from 0 to 1' }).min(0).max(1)),
    source: z.string().trim().max(500).optional().default(''),
  })
  .strict();
export type LabelRowInput = z.input<typeof LabelRowSchema>;

export function parseLabelRow(row: unknown, where: string, details: Record<string, unknown>): Label {
  const { jurisdiction, ...rest } = parseInput(LabelRowSchema, row, where, { details });
  // The rest's own object with one key added (a spread followed by a new key takes V8 a slow path per row).
  const label: Label = Object.assign(rest, { jurisdictions: jurisdiction });
  try {
    return normalizeLabel(label);
  } catch (error) {
    if (error instanceof InvalidInputError)
      throw new InvalidInputError(`${where}: ${error.shortMessage}`, { details: { ...details, ...error.details }, cause: error });
    throw error;
  }
}
