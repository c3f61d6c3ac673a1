import { InvalidInputError } from '../core/errors.js';
import { csvParser } from '../core/lazy.js';

/** An address read from a list, with its line (and chain, when the list has a chain column). */
export interface ListedAddress {
  address: string;
  chain?: string;
  line: number;
  file: string;
}

const COMMENT = /^\s*#/;
// A comment after an address: `0x… # Binance hot wallet` (an address never holds '#').
const TRAILING_COMMENT = /\s+#.*$/;

/**
 * Addresses of a screening list, with the line each is on. Two forms, told from the first line that is neither
 * blank nor a `#` comment:
 * - one address a line (a `# …` after the address is a comment);
 * - CSV with a header naming an `address` column (any case, any position) and optionally a `chain` column; other
 *   columns are ignored, a row whose cells are all empty counts as a blank line.
 * Blank lines and `#` comment lines are skipped in both. A first line with commas but no `address` column, or CSV
 * that does not parse, throws InvalidInputError naming the file and line.
 */
export function parseAddressList(text: string, file: string): ListedAddress[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== '' && !COMMENT.test(l));
  if (first < 0) return [];
  const head = lines[first]!.replace(TRAILING_COMMENT, '');
  const cells = head.split(',').map((c) =>
    c
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase(),
  );
  if (cells.includes('address')) return parseCsvList(lines, file);
  if (head.includes(',')) {
    throw new InvalidInputError(
      `${file}: line ${first + 1}: a CSV list needs a header with an "address" column (and optionally "chain"); found "${head.trim().slice(0, 80)}"`,
      { details: { file, line: first + 1 } },
    );
  }
  const out: ListedAddress[] = [];
  lines.forEach((raw, i) => {
    if (COMMENT.test(raw)) return;
    const address = raw.replace(TRAILING_COMMENT, '').trim();
    if (address !== '') out.push({ address, line: i + 1, file });
  });
  return out;
}

function parseCsvList(lines: string[], file: string): ListedAddress[] {
  // Comment lines become blank lines, so the parser's line count stays the file's (lines above the header are blank
  // or comments, so the header is the first record).
  const text = lines.map((l) => (COMMENT.test(l) ? '' : l)).join('\n');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = csvParser().parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as never;
  } catch (error) {
    throw new InvalidInputError(`${file}: not valid CSV: ${(error as Error).message}`, { details: { file }, cause: error });
  }
  const [header, ...rows] = records;
  const names = (header?.record ?? []).map((h) => h.toLowerCase());
  const addressAt = names.indexOf('address');
  const chainAt = names.indexOf('chain');
  const out: ListedAddress[] = [];
  for (const { record, info } of rows) {
    if (record.every((cell) => cell === '')) continue;
    const chain = chainAt < 0 ? '' : (record[chainAt] ?? '');
    out.push({ address: record[addressAt] ?? '', ...(chain === '' ? {} : { chain }), line: info.lines, file });
  }
  return out;
}
