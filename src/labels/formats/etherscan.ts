import { basename, extname } from 'node:path';
import { csvParser } from '../../core/lazy.js';
import { z } from 'zod';
import { InvalidAddressError, InvalidInputError } from '../../core/errors.js';
import { checkInput } from '../../core/parse.js';
import { normalizeLabelAddress } from '../store.js';
import { getChain } from '../../core/chain.js';
import type { Category } from '../../core/schema.js';
import { ImportCollector, type LabelImport } from '../summary.js';
import { readText } from './csv.js';
import { lineAt, lineStarts } from './ofac.js';

/**
 * Default confidence of an explorer label: 0.5, the GraphSense `trusted_provider` level (attribution by a trusted
 * third party that does not show its evidence). Override per source with the loader's `confidence`.
 */
export const ETHERSCAN_CONFIDENCE = 0.5;

/**
 * Category from Etherscan label slugs (`exchange`, `tornado-cash`, `phish-hack`, …) and the name tag; the first
 * rule that matches wins:
 * 1. sanctioned: a label or the name mentions OFAC or sanction(s);
 * 2. mixer: tornado, mixer, mixing, coinjoin, blender;
 * 3. bridge: bridge;
 * 4. instant-exchange: a label naming an instant exchange or swap service (`instant-exchange`, `swap-service`,
 *    `no-kyc-exchange`), checked before exchange;
 * 5. exchange: a label containing "exchange" (the name tag alone never makes an exchange);
 * 6. scam: phish, hack, exploit, heist, scam, fraud, drainer, fake (label or name);
 * 7. gambling: gambling, casino, betting (labels); payment: payment, merchant, gift-card (labels); custody: custody,
 *    custodian (labels) — each a service an investigator can write to;
 * 8. defi: dex, defi, swap, lending, liquidity, amm, yield (labels);
 * 9. service: wallet, mining, pool (labels);
 * 10. other.
 */
export function etherscanCategory(labels: readonly string[], nameTag: string): Category {
  const l = labels.map((s) => s.toLowerCase()).join(' ');
  const n = nameTag.toLowerCase();
  const both = `${l} ${n}`;
  if (/ofac|sanction/.test(both)) return 'sanctioned';
  if (/tornado|mixer|mixing|coinjoin|blender/.test(both)) return 'mixer';
  if (/bridge/.test(both)) return 'bridge';
  if (/instant[-_ ]?exchange|swap[-_ ]service|no[-_ ]kyc[-_ ]exchange/.test(l)) return 'instant-exchange';
  if (/exchange/.test(l)) return 'exchange';
  if (/phish|hack|exploit|heist|scam|fraud|drainer|fake/.test(both)) return 'scam';
  if (/gambling|casino|betting/.test(l)) return 'gambling';
  if (/payment|merchant|gift[-_ ]?card/.test(l)) return 'payment';
  if (/custod/.test(l)) return 'custody';
  if (/\bdex\b|defi|swap|lending|liquidity|\bamm\b|yield/.test(l)) return 'defi';
  if (/wallet|mining|pool/.test(l)) return 'service';
  return 'other';
}

/**
 * Entity from a name tag: the part before the first ":" with a trailing number removed
 * ("Binance 14" → "Binance", "Tornado.Cash: Router" → "Tornado.Cash"). The full name tag is kept in `source`.
 */
export function etherscanEntity(nameTag: string): string {
  const head = nameTag.split(':')[0]!.trim();
  return head.replace(/\s+\d+$/, '').trim() || head;
}

export interface EtherscanOptions {
  /** The explorer's chain (etherscan.io: ethereum, bscscan: evm:56, …). Default ethereum. */
  chain?: string;
  /** Force one category for every row (e.g. a per-label export the rules do not recognise). */
  category?: Category;
  confidence?: number;
  /** Labels that apply to every row; default: the file name for a per-label file (`binance.csv` → "binance"). */
  labels?: string[];
}

const EntrySchema = z.union([
  z.string({ message: 'expected a name tag or {"name", "labels"}' }),
  z
    .object({
      name: z.string({ message: 'name must be text' }).optional().default(''),
      labels: z
        .array(z.string({ message: 'labels must be text' }), { message: 'labels must be a list' })
        .optional()
        .default([]),
    })
    .loose(),
]);
const JsonFileSchema = z.record(z.string(), z.unknown(), { message: 'expected an object keyed by address' });

/**
 * Etherscan-style label JSON: `{"0xaddr": {"name": "...", "labels": ["exchange", ...]}}` (the combined files of
 * public label scrapes) or `{"0xaddr": "Name Tag"}` (one file per label, the file name being the label).
 */
export function parseEtherscanJson(text: string, file = 'labels.json', options: EtherscanOptions = {}): LabelImport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${file}: not valid JSON: ${(error as Error).message}`, { details: { file }, cause: error });
  }
  const root = JsonFileSchema.safeParse(data);
  if (!root.success || Array.isArray(data)) {
    throw new InvalidInputError(`${file}: expected an object keyed by address (Etherscan label JSON)`, { details: { file } });
  }
  const starts = lineStarts(text);
  let cursor = 0;
  const rows = Object.entries(root.data).map(([address, value]) => {
    const at = text.indexOf(JSON.stringify(address), cursor);
    if (at >= 0) cursor = at + 1;
    const line = lineAt(starts, at >= 0 ? at : cursor);
    const entry = checkInput(EntrySchema, value);
    if (!entry.ok) return { address, line, error: entry.problem };
    return typeof entry.data === 'string'
      ? { address, line, name: entry.data, labels: [] as string[], perLabelFile: true }
      : { address, line, name: entry.data.name, labels: entry.data.labels, perLabelFile: false };
  });
  return etherscanRowsToLabels(rows, file, options);
}

/**
 * Etherscan-style label CSV: a header with `Address` and `Name Tag` (others such as Balance, Txn Count or a
 * leading index column are ignored; an optional `Labels` column holds labels separated by ";").
 */
export function parseEtherscanCsv(text: string, file = 'labels.csv', options: EtherscanOptions = {}): LabelImport {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = csvParser().parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true, bom: true, info: true }) as unknown as typeof records;
  } catch (error) {
    throw new InvalidInputError(`${file}: not valid CSV: ${(error as Error).message}`, { details: { file }, cause: error });
  }
  const [head, ...body] = records;
  const header = (head?.record ?? []).map((h) => h.toLowerCase());
  const col = { address: header.indexOf('address'), name: header.indexOf('name tag'), labels: header.findIndex((h) => h === 'labels' || h === 'label') };
  if (col.address < 0 || col.name < 0) {
    throw new InvalidInputError(`${file}: line 1: header must have "Address" and "Name Tag" columns`, { details: { file, line: 1, header: head?.record } });
  }
  const rows = body.map(({ record, info }) => ({
    address: record[col.address] ?? '',
    // csv-parse counts the lines read so far: the record's last line (a quoted newline makes records span lines).
    line: info.lines,
    name: record[col.name] ?? '',
    labels:
      col.labels >= 0
        ? (record[col.labels] ?? '')
            .split(';')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    perLabelFile: true,
  }));
  return etherscanRowsToLabels(rows, file, options);
}

/** One row of an explorer label export: address, line, name tag and labels (or why the row is unreadable). */
export type EtherscanRow = { address: string; line: number; error?: string; name?: string; labels?: string[]; perLabelFile?: boolean };

/** Explorer label rows to labels: address normalized, entity from the name tag, category from labels and name. */
export function etherscanRowsToLabels(rows: EtherscanRow[], file: string, options: EtherscanOptions): LabelImport {
  const chain = getChain(options.chain ?? 'ethereum').id;
  if (getChain(chain).family !== 'evm')
    throw new InvalidInputError(`Etherscan labels are EVM addresses; chain "${chain}" is not an EVM chain`, { details: { file, chain } });
  const slug = basename(file, extname(file)).toLowerCase();
  const confidence = options.confidence ?? ETHERSCAN_CONFIDENCE;
  const out = new ImportCollector(file);
  const name = basename(file);
  for (const row of rows) {
    out.row();
    if (row.error) {
      out.skip(row.line, 'invalid-row', `${row.address}: ${row.error}`);
      continue;
    }
    let address: string;
    try {
      address = normalizeLabelAddress(chain, row.address);
    } catch (error) {
      if (error instanceof InvalidAddressError) {
        out.skip(row.line, 'invalid-address', error.shortMessage);
        continue;
      }
      throw error;
    }
    const nameTag = (row.name ?? '').trim();
    const labels = [...(row.labels ?? []), ...(options.labels ?? (row.perLabelFile ? [slug] : []))];
    const entity = nameTag ? etherscanEntity(nameTag) : '';
    if (!entity) {
      out.skip(row.line, 'no-entity', 'no name tag');
      continue;
    }
    out.add(
      {
        chain,
        address,
        entity: entity.slice(0, 200),
        category: options.category ?? etherscanCategory(labels, nameTag),
        jurisdictions: [],
        confidence,
        source: `Etherscan labels ${name}:${row.line} "${nameTag}"${labels.length ? ` [${labels.join(', ')}]` : ''}`.slice(0, 500),
      },
      row.line,
    );
  }
  return out.result();
}

/** Reads an Etherscan label export (CSV or JSON) as labels. */
export function readEtherscanLabels(file: string, options?: EtherscanOptions): LabelImport {
  const text = readText(file);
  return /\.csv$/i.test(file) ? parseEtherscanCsv(text, file, options) : parseEtherscanJson(text, file, options);
}
