import { z } from 'zod';
import { InvalidInputError } from '../../core/errors.js';
import { parseInput } from '../../core/parse.js';
import { CategorySchema, type Label } from '../../core/schema.js';

/**
 * The built-in label pack's format: one columnar JSON document (gzip'd on disk), strings that repeat (entities,
 * jurisdiction lists, categories, sources) held once in tables and referenced by index, one column per label field
 * per chain. Written by scripts/build-label-pack.ts, read by src/labels/builtin.ts.
 */
export const LABEL_PACK_FORMAT = 'chaintrail-label-pack';
export const LABEL_PACK_VERSION = 1;

/** One dataset the pack was compiled from. */
export const LabelPackSourceSchema = z
  .object({
    /** Short id each label of the source carries in `source` (`graphsense:exchange-wallets-binance`, `ofac-sdn`). */
    id: z.string().min(1),
    title: z.string().min(1),
    licence: z.string().min(1),
    /** Date of the data (YYYY-MM-DD): the pack's lastmod, the list's date, the compile date. */
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a YYYY-MM-DD date'),
    /** Where the data comes from (a commit-pinned file URL or the protocol's documentation). */
    url: z.string().min(1),
    /** Labels of this source in the pack, and the distinct chain/address pairs they name. */
    labels: z.number().int().min(0),
    addresses: z.number().int().min(0),
  })
  .strict();
/** A source of the built-in label pack: id, title, licence, date of the data, origin URL and counts. */
export type LabelPackSource = z.infer<typeof LabelPackSourceSchema>;

// The columns are checked by one plain loop (checkColumns) rather than per element by zod: a pack holds tens of
// thousands of cells, and zod's first pass over them costs more than the rest of the load.
const column = <T>() => z.custom<T[]>((v) => Array.isArray(v), { message: 'expected an array' });
const ChainColumnsSchema = z
  .object({
    chain: z.string().min(1),
    address: column<string>(),
    entity: column<number>(),
    category: column<number>(),
    jurisdictions: column<number>(),
    confidence: column<number>(),
    source: column<number>(),
  })
  .strict();
type ChainColumns = z.infer<typeof ChainColumnsSchema>;

const INDEX_COLUMNS = ['entity', 'category', 'jurisdictions', 'source'] as const;

/**
 * Every column as long as `address`, every address a non-empty string, every index inside its table, every
 * confidence in 0..1; the first problem of a chain's columns is its issue.
 */
function checkColumns(c: ChainColumns, sizes: Record<(typeof INDEX_COLUMNS)[number], number>, at: number, ctx: z.RefinementCtx): void {
  const problem = columnProblem(c, sizes);
  if (problem) ctx.addIssue({ code: 'custom', path: ['chains', at, ...problem.path], message: problem.message });
}

function columnProblem(c: ChainColumns, sizes: Record<(typeof INDEX_COLUMNS)[number], number>): { path: PropertyKey[]; message: string } | undefined {
  const n = c.address.length;
  for (const name of [...INDEX_COLUMNS, 'confidence'] as const) {
    if (c[name].length !== n) return { path: [name], message: `has ${c[name].length} rows, address has ${n}` };
  }
  for (let i = 0; i < n; i++) {
    const a = c.address[i];
    if (typeof a !== 'string' || a === '') return { path: ['address', i], message: 'expected an address' };
    const conf = c.confidence[i];
    if (typeof conf !== 'number' || !(conf >= 0 && conf <= 1)) return { path: ['confidence', i], message: 'expected a number from 0 to 1' };
    for (const name of INDEX_COLUMNS) {
      const v = c[name][i];
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= sizes[name])
        return { path: [name, i], message: `index ${v} is outside its table of ${sizes[name]}` };
    }
  }
  return undefined;
}

export const LabelPackSchema = z
  .object({
    format: z.literal(LABEL_PACK_FORMAT),
    version: z.literal(LABEL_PACK_VERSION),
    sources: z.array(LabelPackSourceSchema),
    entities: z.array(z.string().min(1)),
    categories: z.array(CategorySchema),
    jurisdictions: z.array(z.array(z.string().regex(/^[A-Z]{2}$/))),
    chains: z.array(ChainColumnsSchema),
  })
  .strict()
  .superRefine((pack, ctx) => {
    const sizes = { entity: pack.entities.length, category: pack.categories.length, jurisdictions: pack.jurisdictions.length, source: pack.sources.length };
    pack.chains.forEach((c, i) => checkColumns(c, sizes, i, ctx));
  });
/** The pack document. */
export type LabelPack = z.infer<typeof LabelPackSchema>;

/** Interns values into a table, returning each value's index. */
function table<T>(keyOf: (v: T) => string = String): { values: T[]; indexOf(v: T): number } {
  const at = new Map<string, number>();
  const values: T[] = [];
  return {
    values,
    indexOf(v) {
      const key = keyOf(v);
      let i = at.get(key);
      if (i === undefined) {
        i = values.length;
        at.set(key, i);
        values.push(v);
      }
      return i;
    },
  };
}

/**
 * Encodes labels (already normalized, in precedence order per address) and their sources as a pack. Labels are
 * grouped by chain (chains sorted) and keep their order inside a chain; every label's `source` must be a source id.
 */
export function encodeLabelPack(labels: readonly Label[], sources: readonly LabelPackSource[]): LabelPack {
  const sourceIndex = new Map(sources.map((s, i) => [s.id, i]));
  const entities = table<string>();
  const categories = table<string>();
  const jurisdictions = table<string[]>((j) => j.join(';'));
  const chains = new Map<string, LabelPack['chains'][number]>();
  for (const l of labels) {
    const source = sourceIndex.get(l.source);
    if (source === undefined) throw new InvalidInputError(`label pack: label of ${l.chain} ${l.address} names unknown source "${l.source}"`, { details: {} });
    let c = chains.get(l.chain);
    if (!c) chains.set(l.chain, (c = { chain: l.chain, address: [], entity: [], category: [], jurisdictions: [], confidence: [], source: [] }));
    c.address.push(l.address);
    c.entity.push(entities.indexOf(l.entity));
    c.category.push(categories.indexOf(l.category));
    c.jurisdictions.push(jurisdictions.indexOf([...l.jurisdictions]));
    c.confidence.push(l.confidence);
    c.source.push(source);
  }
  return {
    format: LABEL_PACK_FORMAT,
    version: LABEL_PACK_VERSION,
    sources: [...sources],
    entities: entities.values,
    categories: categories.values as LabelPack['categories'],
    jurisdictions: jurisdictions.values,
    chains: [...chains.keys()].sort().map((k) => chains.get(k)!),
  };
}

/** The pack as the bytes written before compression: JSON, one line, a final newline. */
export function labelPackText(pack: LabelPack): string {
  return `${JSON.stringify(pack)}\n`;
}

/** Checks a parsed pack document; a pack that is not in the format throws InvalidInputError naming the file. */
export function parseLabelPack(value: unknown, file: string): LabelPack {
  return parseInput(LabelPackSchema, value, `built-in label pack ${file} is damaged (rebuild it with npm run labels:build)`, { details: { file } });
}

/**
 * The pack's labels, frozen, with shared strings and jurisdiction lists (a label's `source` is its source id and
 * `licence` the source's licence), in the order written.
 */
export function decodeLabelPack(pack: LabelPack): Label[] {
  const jurisdictions = pack.jurisdictions.map((j) => Object.freeze(j) as string[]);
  const out: Label[] = [];
  for (const c of pack.chains) {
    for (let i = 0; i < c.address.length; i++) {
      const source = pack.sources[c.source[i]!]!;
      out.push(
        Object.freeze({
          chain: c.chain,
          address: c.address[i]!,
          entity: pack.entities[c.entity[i]!]!,
          category: pack.categories[c.category[i]!]!,
          jurisdictions: jurisdictions[c.jurisdictions[i]!]!,
          confidence: c.confidence[i]!,
          source: source.id,
          licence: source.licence,
        }),
      );
    }
  }
  return out;
}
