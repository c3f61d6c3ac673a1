import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { InvalidInputError } from '../core/errors.js';
import { parseInput } from '../core/parse.js';
import { JurisdictionSchema, SeedSchema } from '../core/schema.js';

/** A case file bundles seeds, data and labels so `chaintrail demo` (and users) can trace with one argument. */
export const CaseFileSchema = z
  .object({
    reference: z.string().optional(),
    jurisdiction: JurisdictionSchema.optional(),
    description: z.string().optional(),
    dataset: z.string(),
    labels: z.array(z.string()).default([]),
    seeds: z.array(SeedSchema).min(1),
    minValue: z.string().optional(),
    maxDegree: z.number().int().positive().optional(),
    maxMovements: z.number().int().positive().optional(),
  })
  .strict();
/** A case file, validated, with `dir`: the folder its relative dataset and label paths are resolved against. */
export type CaseFile = z.infer<typeof CaseFileSchema> & { dir: string };

/** Reads and validates a case file (JSON: reference, jurisdiction, dataset, labels, seeds); InvalidInputError names the bad field. */
export function readCaseFile(file: string): CaseFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`Cannot read case file ${file}: ${(error as Error).message}`, { details: { file }, cause: error });
  }
  const parsed = parseInput(CaseFileSchema, raw, `Invalid case file ${file}`, { details: { file } });
  const dir = dirname(resolve(file));
  return { ...parsed, dataset: resolve(dir, parsed.dataset), labels: parsed.labels.map((l) => resolve(dir, l)), dir };
}
