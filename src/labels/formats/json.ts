import { InvalidInputError } from '../../core/errors.js';
import type { Label } from '../../core/schema.js';
import { readText } from './csv.js';
import { parseLabelRow } from './row.js';

/** The project's label JSON: an array of rows with the CSV's fields (jurisdiction as "A;B" or an array). */
export function parseLabelJson(text: string, file = 'labels.json'): Label[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${file}: not valid JSON: ${(error as Error).message}`, { details: { file }, cause: error });
  }
  const rows = Array.isArray(data) ? data : (data as { labels?: unknown })?.labels;
  if (!Array.isArray(rows)) throw new InvalidInputError(`${file}: expected an array of labels (or {"labels": [...]})`, { details: { file } });
  return rows.map((row, i) => parseLabelRow(row, `${file}: labels[${i}]`, { file, index: i }));
}

/** Reads a label JSON file; InvalidInputError names the file and the bad entry. */
export function readLabelJson(file: string): Label[] {
  return parseLabelJson(readText(file), file);
}
