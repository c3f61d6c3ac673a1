import { z } from 'zod';
import { normalizeAddress } from '../core/address.js';
import { getChain } from '../core/chain.js';
import { isChaintrailError } from '../core/errors.js';
import { crossBorder, type CrossBorder } from '../core/jurisdiction.js';
import { checkInput, parseInput } from '../core/parse.js';
import { JurisdictionSchema, type Label } from '../core/schema.js';
import { createBuiltinLabelStore } from './builtin.js';
import { ANY_EVM_CHAIN, chainsOfStore, type LabelStore } from './store.js';

/**
 * Bulk screening: many addresses against a label store, one row per input in input order, each with every label of
 * the address in precedence order. Unlabeled and invalid inputs get rows of their own (nothing is dropped); an
 * address seen before is looked up once and its row names the first (`duplicateOf`).
 */

/** One address to screen: the address as given, optionally its chain and where it came from (file and line). */
export const ScreenInputSchema = z.union([
  z.string(),
  z
    .object({
      address: z.string(),
      /** A chain id or alias, or `evm` for any EVM chain; absent: `options.chain`, else told from the address form. */
      chain: z.string().optional(),
      /** Line of the input in its file (default: the input's position). */
      line: z.number().int().positive().optional(),
      /** The file the input was read from. */
      file: z.string().optional(),
    })
    .strict(),
]);
/** An address as a string, or `{ address, chain?, line?, file? }`. */
export type ScreenInput = z.input<typeof ScreenInputSchema>;

const isLabelStore = (v: unknown): v is LabelStore =>
  typeof v === 'object' && v !== null && typeof (v as LabelStore).getAll === 'function' && typeof (v as LabelStore).entries === 'function';

/** Schema of screenAddresses' options. */
export const ScreenOptionsSchema = z
  .object({
    /** Labels to screen against (default: the built-in labels). */
    store: z.custom<LabelStore>(isLabelStore, 'expected a LabelStore').optional(),
    /** Chain of every input that does not name its own: a chain id or alias, or `evm` for any EVM chain. */
    chain: z.string().min(1).optional(),
    /** ISO 3166-1 alpha-2 code of the case: every label says whether its entity is cross-border. */
    caseJurisdiction: JurisdictionSchema.optional(),
  })
  .strict();
/** Options of screenAddresses. */
export type ScreenOptions = z.input<typeof ScreenOptionsSchema>;

/** Where a row's chain came from: the options, the input itself (a chain column), or the address form (assumed). */
export type ChainFrom = 'option' | 'input' | 'address';

/** A label as screening returns it: with the cross-border verdict when a case jurisdiction was given. */
export type ScreenLabel = Label & Partial<CrossBorder>;

interface RowBase {
  /** 1-based position among the inputs (rows come in input order). */
  index: number;
  /** The input's line in its file, or its position when it came from no file. */
  line: number;
  /** The file the input came from, when it came from one. */
  file?: string;
  /** The address as given. */
  input: string;
}

/** A valid address: its labels (empty when it has none), in precedence order. */
export interface ScreenHit extends RowBase {
  status: 'labeled' | 'unlabeled';
  /** The chain looked up: a chain id, or `evm` (every EVM chain: each label names its own chain). */
  chain: string;
  chainFrom: ChainFrom;
  /** The normalized address. */
  address: string;
  /** Index of the first row with the same chain and address, when this one repeats it. */
  duplicateOf?: number;
  labels: ScreenLabel[];
}

/** An input that could not be screened, and why. */
export interface ScreenInvalid extends RowBase {
  status: 'invalid';
  /** The chain it was checked against, when one was given or could be told. */
  chain?: string;
  chainFrom?: ChainFrom;
  /** What is wrong and what to do, in one line. */
  error: string;
  labels: [];
}

/** One row per input. */
export type ScreenRow = ScreenHit | ScreenInvalid;

const TRON_HEX = /^(0x)?41[0-9a-fA-F]{40}$/;
const BASE58 = '[1-9A-HJ-NP-Za-km-z]';
const FORMS: [RegExp, string][] = [
  [TRON_HEX, 'tron'],
  [/^0x/i, ANY_EVM_CHAIN],
  [new RegExp(`^T${BASE58}{33}$`), 'tron'],
  [/^bcrt1/i, 'bitcoin-regtest'],
  [/^bc1/i, 'bitcoin'],
  [/^tb1/i, 'bitcoin-testnet'],
  [new RegExp(`^[13]${BASE58}{24,34}$`), 'bitcoin'],
  [new RegExp(`^[mn2]${BASE58}{24,34}$`), 'bitcoin-testnet'],
];

/**
 * The chain an address's form points to, without validating it: `0x…` EVM (`evm`: any EVM chain; `0x41…` with 42
 * hex digits is TRON's hex form), `T…` TRON, `bc1…`, `1…`, `3…` Bitcoin (`tb1…`, `m…`, `n…`, `2…` testnet, `bcrt1…`
 * regtest). Undefined when the form names no chain.
 */
export function chainOfAddressForm(address: string): string | undefined {
  const raw = address.trim();
  for (const [form, chain] of FORMS) if (form.test(raw)) return chain;
  return undefined;
}

/** The canonical id of a chain as given, `evm` kept as itself. */
function canonicalChain(chain: string): string {
  return chain.trim().toLowerCase() === ANY_EVM_CHAIN ? ANY_EVM_CHAIN : getChain(chain).id;
}

/** EVM chains a store holds labels on besides ethereum and 'evm', by chain id. */
function otherEvmChains(store: LabelStore): string[] {
  return chainsOfStore(store)
    .filter((chain) => chain.startsWith('evm:'))
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
}

/**
 * Every label of an address on a chain, in the store's precedence order. For `evm` (any EVM chain): its Ethereum
 * and every-EVM-chain labels as for `ethereum`, then the labels it has on each other EVM chain the store holds
 * (`evmChains`, when the caller has asked the store once for many lookups).
 */
export function labelsOnChain(store: LabelStore, chain: string, address: string, evmChains?: readonly string[]): Label[] {
  if (chain !== ANY_EVM_CHAIN) return store.getAll(chain, address);
  const out = store.getAll('ethereum', address);
  for (const other of evmChains ?? otherEvmChains(store)) for (const label of store.getAll(other, address)) if (label.chain === other) out.push(label);
  return out;
}

type Resolved = { ok: true; chain: string; address: string } | { ok: false; chain?: string; error: string };

const messageOf = (error: unknown) => (isChaintrailError(error) ? error.shortMessage : error instanceof Error ? error.message : String(error));

/** The chain and normalized address of one input, or why it has none. */
function resolve(address: string, chainGiven: string | undefined): Resolved {
  if (address.trim() === '') return { ok: false, error: 'no address (the address is empty)' };
  let chain: string;
  try {
    if (chainGiven !== undefined) chain = canonicalChain(chainGiven);
    else {
      const told = chainOfAddressForm(address);
      if (told === undefined) {
        return {
          ok: false,
          error: `cannot tell the chain of "${address.trim().slice(0, 80)}" from its form (0x… EVM, T… TRON, bc1…/1…/3… Bitcoin); give its chain`,
        };
      }
      chain = told;
    }
  } catch (error) {
    return { ok: false, error: messageOf(error) };
  }
  try {
    return { ok: true, chain, address: normalizeAddress(chain === ANY_EVM_CHAIN ? 'ethereum' : chain, address) };
  } catch (error) {
    return { ok: false, chain, error: messageOf(error) };
  }
}

/** Copies of the labels (a caller may change them without changing the store), with the cross-border verdict. */
function withCrossBorder(labels: Label[], caseJurisdiction: string | undefined): ScreenLabel[] {
  return labels.map((l) => (caseJurisdiction === undefined ? { ...l } : { ...l, ...crossBorder(l.jurisdictions, caseJurisdiction) }));
}

/**
 * Screens addresses against labels: one row per input, in input order. Each input's chain is its own (`chain` of an
 * input object), else `options.chain`, else told from the address form (`chainFrom: 'address'`; a `0x…` address is
 * screened against every EVM chain). A valid address gets every label it has in precedence order (`status:
 * 'labeled'`) or none (`'unlabeled'`); an input that is not an address on its chain gets `status: 'invalid'` and the
 * reason. A repeat of an earlier (chain, address) is looked up once and names the first row in `duplicateOf`.
 * Throws InvalidInputError only for bad options (unknown chain, bad case jurisdiction, not a store).
 */
export function screenAddresses(inputs: Iterable<ScreenInput>, options: ScreenOptions = {}): ScreenRow[] {
  const opts = parseInput(ScreenOptionsSchema, options, 'screenAddresses options');
  const optionChain = opts.chain === undefined ? undefined : canonicalChain(opts.chain);
  const store = opts.store ?? createBuiltinLabelStore();
  const first = new Map<string, ScreenHit>();
  const resolvedBefore = new Map<string, Resolved>();
  // The store's other EVM chains, asked once per call (the store does not change while it is screened against).
  let evmChains: string[] | undefined;
  const rows: ScreenRow[] = [];
  let index = 0;
  for (const item of inputs) {
    index++;
    const checked = typeof item === 'string' ? ({ ok: true, data: item } as const) : checkInput(ScreenInputSchema, item);
    if (!checked.ok) {
      rows.push({ index, line: index, input: describeInput(item), status: 'invalid', error: `input ${index}: ${checked.problem}`, labels: [] });
      continue;
    }
    const input = typeof checked.data === 'string' ? { address: checked.data } : checked.data;
    const line = input.line ?? index;
    const base: RowBase = input.file === undefined ? { index, line, input: input.address } : { index, line, file: input.file, input: input.address };
    const own = input.chain !== undefined && input.chain.trim() !== '' ? input.chain : undefined;
    const chainFrom: ChainFrom = own !== undefined ? 'input' : optionChain !== undefined ? 'option' : 'address';
    // The same text on the same chain is checked once (a list that repeats an address costs one normalization).
    const cacheKey = `${own ?? optionChain ?? ''} ${input.address}`;
    let resolved = resolvedBefore.get(cacheKey);
    if (!resolved) resolvedBefore.set(cacheKey, (resolved = resolve(input.address, own ?? optionChain)));
    if (!resolved.ok) {
      rows.push(invalid(base, resolved.chain === undefined ? undefined : { chain: resolved.chain, chainFrom }, resolved.error));
      continue;
    }
    const key = `${resolved.chain} ${resolved.address}`;
    const earlier = first.get(key);
    const labels = earlier
      ? earlier.labels.map((l) => ({ ...l }))
      : withCrossBorder(
          labelsOnChain(store, resolved.chain, resolved.address, resolved.chain === ANY_EVM_CHAIN ? (evmChains ??= otherEvmChains(store)) : undefined),
          opts.caseJurisdiction,
        );
    const row = hit(base, labels.length ? 'labeled' : 'unlabeled', resolved.chain, chainFrom, resolved.address, earlier?.index, labels);
    if (!earlier) first.set(key, row);
    rows.push(row);
  }
  return rows;
}

/**
 * A screened address's row: `base` with the rest set one by one, in the order the outputs list them. (An object
 * spread followed by new keys, `{ ...base, status, … }`, takes V8 a slow path: about 9 µs a row, 1.3 s of a
 * 150,000-address list.) `invalid` builds the other kind of row the same way.
 */
function hit(
  base: RowBase,
  status: ScreenHit['status'],
  chain: string,
  chainFrom: ChainFrom,
  address: string,
  duplicateOf: number | undefined,
  labels: ScreenLabel[],
): ScreenHit {
  const row = base as ScreenHit;
  row.status = status;
  row.chain = chain;
  row.chainFrom = chainFrom;
  row.address = address;
  if (duplicateOf !== undefined) row.duplicateOf = duplicateOf;
  row.labels = labels;
  return row;
}

/** An input that could not be screened: `base`, then the chain it was checked against (when known) and why. */
function invalid(base: RowBase, checked: { chain: string; chainFrom: ChainFrom } | undefined, error: string): ScreenInvalid {
  const row = base as ScreenInvalid;
  row.status = 'invalid';
  if (checked) {
    row.chain = checked.chain;
    row.chainFrom = checked.chainFrom;
  }
  row.error = error;
  row.labels = [];
  return row;
}

function describeInput(item: unknown): string {
  if (typeof item === 'object' && item !== null && typeof (item as { address?: unknown }).address === 'string') return (item as { address: string }).address;
  try {
    return JSON.stringify(item) ?? String(item);
  } catch {
    return String(item);
  }
}

/** Rows counted by status, and the repeats among the valid ones. */
export function screenCounts(rows: readonly ScreenRow[]): { inputs: number; labeled: number; unlabeled: number; invalid: number; duplicates: number } {
  const counts = { inputs: rows.length, labeled: 0, unlabeled: 0, invalid: 0, duplicates: 0 };
  for (const row of rows) {
    counts[row.status]++;
    if (row.status !== 'invalid' && row.duplicateOf !== undefined) counts.duplicates++;
  }
  return counts;
}
