import { z } from 'zod';
import { assetKey, nativeAsset, parseUnits } from '../core/asset.js';
import { normalizeAddress } from '../core/address.js';
import { getChain } from '../core/chain.js';
import { ChaintrailError } from '../core/errors.js';
import { AssetRefSchema, JurisdictionSchema, TimeInputSchema } from '../core/schema.js';
import { stablecoins } from '../core/stablecoins.js';

/** 2^256 - 1: no token amount on any supported chain can be larger. */
export const MAX_AMOUNT = (1n << 256n) - 1n;
/** Bitcoin's genesis block: no crypto payment is older. */
export const EARLIEST_PAYMENT = Date.parse('2009-01-03T18:15:05Z') / 1000;

export const CaseReferenceSchema = z
  .string()
  .trim()
  .min(1, 'a case reference is required')
  .max(100, 'at most 100 characters')
  .regex(/^[^\u0000-\u001f]+$/, 'no control characters');

/** Pseudonymous victim id: letters, digits and . _ : - (no names, no spaces, no e-mail addresses). */
export const VictimIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'a pseudonymous id: 1-64 of A-Z a-z 0-9 . _ : - (no names or e-mail addresses)');

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a date');

/** Zod schema of a case's fields (strict): reference, optional jurisdiction, opened date (YYYY-MM-DD) and notes. */
export const CaseInputSchema = z
  .object({
    reference: CaseReferenceSchema,
    jurisdiction: JurisdictionSchema.optional(),
    /** Date the case was opened (YYYY-MM-DD). */
    opened: isoDate.optional(),
    notes: z.string().max(10_000).optional(),
  })
  .strict();
/** A case as given to `CaseStore.addCase` (the input of CaseInputSchema). */
export type CaseInput = z.input<typeof CaseInputSchema>;
export type CaseFields = z.infer<typeof CaseInputSchema>;

/** A payment as stored: normalized chain, hash and address, asset resolved, amount in base units. */
export const PaymentSchema = z.object({
  caseReference: z.string(),
  victim: z.string(),
  chain: z.string(),
  /** `tx:<hash>:<logIndex|*>` or `addr:<address>:<time>:<asset>:<amount>`: the same payment reported twice has the same key. */
  key: z.string(),
  tx: z.string().optional(),
  logIndex: z.number().int().optional(),
  /** The address the victim paid (required without a tx hash). */
  address: z.string().optional(),
  asset: AssetRefSchema,
  /** Base units, decimal digits. */
  amount: z.string().regex(/^\d+$/),
  /** Unix seconds. */
  time: z.number().int(),
  jurisdiction: z.string().optional(),
  /** Where it came from: `file:line` for imports. */
  source: z.string().optional(),
});
/** A victim's payment as stored (see PaymentSchema): normalized, with its dedup key and amount in base units. */
export type Payment = z.infer<typeof PaymentSchema>;

const blankToUndefined = (v: unknown) => (v === '' || v === null ? undefined : typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const intText = (what: string) =>
  z.union([
    z.number().int(),
    z
      .string()
      .trim()
      .regex(/^-?\d+$/, `${what} must be a whole number`)
      .transform(Number),
  ]);

/** The columns of a complaint file (CSV header or JSON keys). */
export const COMPLAINT_COLUMNS = [
  'case_ref',
  'victim_id',
  'chain',
  'tx_hash',
  'address',
  'amount',
  'amount_base',
  'asset',
  'decimals',
  'time',
  'log_index',
  'jurisdiction',
] as const;

/**
 * One victim payment as reported (a row of a complaint file, or an object given to `addPayments`):
 * - `case_ref`, `victim_id` (pseudonymous), `chain`, `time` (ISO 8601 or unix seconds) are required;
 * - `tx_hash` (the payment transaction) or `address` (the address paid, when the hash is not known), or both;
 * - the amount either in display units (`amount`, e.g. `1250.5`, of `asset`) or in base units (`amount_base`),
 *   exactly one; both are strings (a JSON number is refused: floats lose digits);
 * - `asset`: `native` (or the chain's coin symbol: ETH, TRX, BTC…), a canonical stablecoin symbol on that chain
 *   (USDT, USDC) or a token contract address (then `decimals` is required);
 * - optional `log_index` (which movement of the tx, when it has several: the output index on Bitcoin, the log index
 *   of a token transfer on EVM/TRON, -1 the transaction's own native value; `tx_hash` may say the same as `HASH:N`)
 *   and `jurisdiction` (of the case).
 */
export const ComplaintRowSchema = z
  .object({
    case_ref: CaseReferenceSchema,
    victim_id: VictimIdSchema,
    chain: z.string().trim().min(1, 'required'),
    tx_hash: optional(z.string().trim()),
    address: optional(z.string().trim()),
    amount: optional(z.string({ error: 'give the amount as a string (a JSON number may have lost digits)' }).trim()),
    amount_base: optional(z.string({ error: 'give the amount as a string (a JSON number may have lost digits)' }).trim()),
    asset: z.string().trim().min(1, 'required: native, a stablecoin symbol (USDT, USDC) or a token contract'),
    decimals: optional(intText('decimals').pipe(z.number().int().min(0).max(77))),
    time: z.preprocess(blankToUndefined, TimeInputSchema),
    log_index: optional(intText('log_index').pipe(z.number().int().min(-1))),
    jurisdiction: optional(JurisdictionSchema),
  })
  .strict()
  .transform((row, ctx): Payment => {
    const issue = (field: string, message: string) => {
      ctx.addIssue({ code: 'custom', path: [field], message });
      return z.NEVER;
    };
    let chain: string;
    try {
      chain = getChain(row.chain).id;
    } catch {
      return issue('chain', `unknown chain "${row.chain}": use ethereum, tron, bitcoin or evm:<chainId>`);
    }
    const family = getChain(chain).family;
    // Transaction hash
    let tx: string | undefined;
    // `tx_hash` may name one movement as `HASH:N` (as --seed does): the same as giving log_index N.
    let logIndex = row.log_index;
    if (row.tx_hash !== undefined) {
      const [, hash, n] = /^(.*):(\d{1,15}|native)$/i.exec(row.tx_hash) ?? [undefined, row.tx_hash];
      const named = n === undefined ? undefined : n.toLowerCase() === 'native' ? -1 : Number(n);
      if (named !== undefined && logIndex !== undefined && named !== logIndex)
        return issue('log_index', `${logIndex} disagrees with tx_hash ${row.tx_hash}: give one`);
      if (named === -1 && family === 'utxo') return issue('tx_hash', 'Bitcoin outputs are numbered from 0 (vout): HASH:N');
      logIndex = named ?? logIndex;
      const h = hash!.toLowerCase();
      if (family === 'evm') {
        if (!/^0x[0-9a-f]{64}$/.test(h)) return issue('tx_hash', 'expected 0x followed by 64 hex digits');
        tx = h;
      } else {
        if (!/^(0x)?[0-9a-f]{64}$/.test(h)) return issue('tx_hash', 'expected 64 hex digits');
        tx = h.replace(/^0x/, '');
      }
    }
    let address: string | undefined;
    if (row.address !== undefined) {
      try {
        address = normalizeAddress(chain, row.address);
      } catch (error) {
        return issue('address', error instanceof ChaintrailError ? error.shortMessage : 'not an address');
      }
    }
    if (tx === undefined && address === undefined) return issue('tx_hash', 'give the payment transaction hash (tx_hash) or the address paid (address)');
    if (logIndex !== undefined && tx === undefined) return issue('log_index', 'only meaningful with tx_hash');
    // Asset
    const asset = resolveAsset(chain, row.asset, row.decimals);
    if (typeof asset === 'string') return issue(asset.startsWith('decimals') ? 'decimals' : 'asset', asset.replace(/^decimals: /, ''));
    // Amount
    if ((row.amount === undefined) === (row.amount_base === undefined)) {
      return issue('amount', 'give exactly one of amount (display units of the asset) and amount_base (base units)');
    }
    let amount: bigint;
    if (row.amount !== undefined) {
      if (!/^\d+(\.\d+)?$/.test(row.amount))
        return issue('amount', `"${row.amount}" is not a positive decimal number (use . as decimal point, no thousands separators)`);
      try {
        amount = parseUnits(row.amount, asset.decimals);
      } catch {
        return issue('amount', `"${row.amount}" has more than ${asset.decimals} decimal places for ${asset.symbol}`);
      }
    } else {
      if (!/^\d+$/.test(row.amount_base!)) return issue('amount_base', `"${row.amount_base}" is not a whole number of base units`);
      amount = BigInt(row.amount_base!);
    }
    const field = row.amount !== undefined ? 'amount' : 'amount_base';
    if (amount === 0n) return issue(field, 'a payment of zero is not a payment');
    if (amount > MAX_AMOUNT) return issue(field, 'larger than any token amount can be (2^256 - 1 base units)');
    // Time
    if (row.time < EARLIEST_PAYMENT) return issue('time', 'before the first block of Bitcoin (2009-01-03)');
    if (row.time > Math.floor(Date.now() / 1000) + 86_400) return issue('time', 'in the future');
    const key = tx !== undefined ? `tx:${tx}:${logIndex ?? '*'}` : `addr:${address}:${row.time}:${assetKey(asset)}:${amount}`;
    return {
      caseReference: row.case_ref,
      victim: row.victim_id,
      chain,
      key,
      ...(tx !== undefined ? { tx } : {}),
      ...(logIndex !== undefined ? { logIndex } : {}),
      ...(address !== undefined ? { address } : {}),
      asset,
      amount: amount.toString(),
      time: row.time,
      ...(row.jurisdiction !== undefined ? { jurisdiction: row.jurisdiction } : {}),
    };
  });
/** One row of a complaint file as given (the input of ComplaintRowSchema), e.g. for `addPayments`. */
export type ComplaintRow = z.input<typeof ComplaintRowSchema>;

/** `native`, the native symbol, a canonical stablecoin symbol on that chain, or a token contract (with decimals). */
export function resolveAsset(chain: string, input: string, decimals: number | undefined): z.infer<typeof AssetRefSchema> | string {
  const native = nativeAsset(chain);
  const upper = input.trim().toUpperCase();
  if (upper === 'NATIVE' || upper === native.symbol.toUpperCase()) return native;
  const bySymbol = stablecoins().filter((c) => c.chain === chain && c.symbol.toUpperCase() === upper);
  if (bySymbol.length === 1) {
    const c = bySymbol[0]!;
    return { chain, kind: 'token', contract: c.contract, symbol: c.symbol, decimals: c.decimals };
  }
  if (getChain(chain).family === 'utxo') return `${chain} has no tokens: use native (${native.symbol})`;
  let contract: string;
  try {
    contract = normalizeAddress(chain, input);
  } catch {
    return `unknown asset "${input}" on ${chain}: use native, ${[
      native.symbol,
      ...stablecoins()
        .filter((c) => c.chain === chain)
        .map((c) => c.symbol),
    ].join(', ')} or a token contract address`;
  }
  const known = stablecoins().find((c) => c.chain === chain && c.contract === contract);
  if (known) return { chain, kind: 'token', contract, symbol: known.symbol, decimals: known.decimals };
  if (decimals === undefined) return 'decimals: required for a token contract that is not a known stablecoin';
  return { chain, kind: 'token', contract, symbol: 'TOKEN', decimals };
}
