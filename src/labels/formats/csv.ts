import { readFileSync } from 'node:fs';
import { csvParser } from '../../core/lazy.js';
import { InvalidInputError } from '../../core/errors.js';
import { parseLabelRow, type LabelRowInput } from './row.js';
import type { Label } from '../../core/schema.js';

/** The columns of chaintrail's label CSV, in order. */
export const LABEL_CSV_HEADER = ['chain', 'address', 'entity', 'category', 'jurisdiction', 'confidence', 'source'] as const;

/** The project's label CSV: `chain,address,entity,category,jurisdiction,confidence,source`. Bad rows name file and line. */
export function parseLabelCsv(text: string, file = 'labels.csv'): Label[] {
  let records: string[][];
  try {
    records = csvParser().parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    throw new InvalidInputError(`${file}: not valid CSV: ${(error as Error).message}`, { details: { file }, cause: error });
  }
  const [header, ...rows] = records;
  const expected = LABEL_CSV_HEADER.join(',');
  if (!header || header.map((h) => h.toLowerCase()).join(',') !== expected) {
    throw new InvalidInputError(`${file}: line 1: header must be "${expected}"`, { details: { file, line: 1, header } });
  }
  // csv-parse skipped empty lines; recover real line numbers so errors point where an editor shows them.
  const lineOf = realLineNumbers(text);
  return rows.map((cells, i) => {
    const line = lineOf[i + 1] ?? i + 2;
    if (cells.length !== LABEL_CSV_HEADER.length) {
      throw new InvalidInputError(`${file}: line ${line}: expected ${LABEL_CSV_HEADER.length} columns, found ${cells.length}`, {
        details: { file, line },
      });
    }
    const row = Object.fromEntries(LABEL_CSV_HEADER.map((name, c) => [name, cells[c] ?? ''])) as unknown as LabelRowInput;
    return parseLabelRow(row, `${file}: line ${line}`, { file, line });
  });
}

/** Line numbers of the non-empty records (quoted newlines kept inside their record). */
export function realLineNumbers(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let inQuotes = false;
  let recordStart = 1;
  let recordHasText = false;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === undefined || (!inQuotes && ch === '\n')) {
      if (recordHasText) lines.push(recordStart);
      line++;
      recordStart = line;
      recordHasText = false;
      continue;
    }
    if (ch === '"') inQuotes = !inQuotes;
    else if (ch === '\n') line++;
    if (ch.trim() !== '') recordHasText = true;
  }
  return lines;
}

/** Reads a label CSV file; InvalidInputError names the file, line and column of a bad row. */
export function readLabelCsv(file: string): Label[] {
  return parseLabelCsv(readText(file), file);
}

export function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      details: { file },
      cause: error,
    });
  }
}
