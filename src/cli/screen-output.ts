import type { ScreenLabel, ScreenRow } from '../labels/screen.js';
import { csvRow } from '../report/csv.js';

/** Where an input came from, as people read it: `addresses.csv: line 7`, `stdin: line 2`, `argument 3`. */
export function inputPlace(row: ScreenRow): string {
  return row.file === undefined ? `argument ${row.line}` : `${row.file}: line ${row.line}`;
}

/** One label in the text form `labels lookup` has always printed (the licence only when the label has one). */
export function labelText(label: ScreenLabel, prefix = ''): string {
  const indent = ' '.repeat(prefix.length);
  const cb =
    label.crossBorder === undefined ? '' : `  cross-border: ${label.crossBorder === null ? 'unknown' : label.crossBorder ? 'yes' : 'no'} (${label.reason})`;
  const licence = label.licence === undefined ? '' : `  licence: ${label.licence}`;
  return (
    `${prefix}${label.entity}  ${label.category}  ${label.jurisdictions.length ? label.jurisdictions.join(';') : 'jurisdiction unknown'}  confidence ${label.confidence}${cb}\n` +
    `${indent}  ${label.chain} ${label.address}  source: ${label.source || '(none)'}${licence}\n`
  );
}

const CHAIN_FROM = { option: 'from --chain', input: 'from its chain column', address: 'assumed from the address form' } as const;

function chainText(row: ScreenRow): string {
  if (row.chain === undefined) return '';
  const which = row.chain === 'evm' ? 'evm = every EVM chain' : row.chain;
  return `${which}, ${CHAIN_FROM[row.chainFrom ?? 'address']}`;
}

/** Text: a line per input (`#index`), its labels indented under it in precedence order. */
export function screenText(rows: readonly ScreenRow[]): string {
  const out: string[] = [];
  for (const row of rows) {
    if (row.status === 'invalid') {
      out.push(`#${row.index} ${inputPlace(row)}: invalid: ${row.error}\n`);
      continue;
    }
    const head = `#${row.index} ${row.address} (${chainText(row)})`;
    if (row.duplicateOf !== undefined) out.push(`${head}: repeats #${row.duplicateOf}, ${row.labels.length ? `${row.labels.length} label(s)` : 'no label'}\n`);
    else if (row.status === 'unlabeled') out.push(`${head}: no label\n`);
    else {
      out.push(`${head}: ${row.labels.length} label(s)\n`);
      row.labels.forEach((label, i) => out.push(labelText(label, `  ${i + 1}. `)));
    }
  }
  return out.join('');
}

/** JSON: an array with one object per input (`labels` an array in precedence order, empty when none). */
export function screenJson(rows: readonly ScreenRow[]): string {
  return `${JSON.stringify(rows, null, 2)}\n`;
}

const BASE_COLUMNS = ['index', 'file', 'line', 'input', 'status', 'chain', 'chain_from', 'address', 'duplicate_of', 'rank'] as const;
const LABEL_COLUMNS = ['label_chain', 'entity', 'category', 'jurisdictions', 'confidence', 'source', 'licence'] as const;

/** The CSV columns, `cross_border` and `cross_border_reason` only when the labels carry a verdict. */
export function screenCsvHeader(withCrossBorder: boolean): string[] {
  return [...BASE_COLUMNS, ...LABEL_COLUMNS, ...(withCrossBorder ? ['cross_border', 'cross_border_reason'] : []), 'error'];
}

/**
 * CSV (RFC 4180, CRLF, formula-injection safe): one line per label with its `rank` (1 decides), one line with empty
 * label columns for an input without labels or an invalid one (`error` says why).
 */
export function screenCsv(rows: readonly ScreenRow[], withCrossBorder: boolean): string {
  const lines = [csvRow(screenCsvHeader(withCrossBorder))];
  for (const row of rows) {
    const base = [
      row.index,
      row.file,
      row.line,
      row.input,
      row.status,
      row.chain,
      row.chainFrom,
      row.status === 'invalid' ? '' : row.address,
      row.status === 'invalid' ? '' : row.duplicateOf,
    ];
    const error = row.status === 'invalid' ? row.error : '';
    if (!row.labels.length) {
      lines.push(csvRow([...base, '', ...LABEL_COLUMNS.map(() => ''), ...(withCrossBorder ? ['', ''] : []), error]));
      continue;
    }
    row.labels.forEach((l, i) => {
      const verdict = l.crossBorder === undefined ? '' : l.crossBorder === null ? 'unknown' : l.crossBorder;
      const cross = withCrossBorder ? [verdict, l.reason] : [];
      lines.push(csvRow([...base, i + 1, l.chain, l.entity, l.category, l.jurisdictions.join(';'), l.confidence, l.source, l.licence, ...cross, error]));
    });
  }
  return lines.map((line) => `${line}\r\n`).join('');
}
