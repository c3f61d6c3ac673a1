import { z } from 'zod';

/**
 * Positions, block numbers and times: -1 up to 2^53, read as text (engines hand integers back as text, bigint or
 * number); checked as a number, as this runs for every row of a hop.
 */
const smallInteger = z
  .union([z.string().regex(/^-?\d{1,16}$/, 'expected an integer'), z.number().int(), z.bigint()])
  .transform((v) => Number(v))
  .refine((n) => n >= -1 && Number.isSafeInteger(n), 'out of range');
/** Base units: exact decimal digits. A float, a sign or an exponent is not a base-unit amount. */
const baseUnits = z.union([z.string().regex(/^\d+$/, 'expected base units as decimal digits'), z.bigint().nonnegative()]).transform((v) => BigInt(v));
const hash = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, 'expected a 32-byte hash in hex');

/**
 * One row of the movements query (query.ts MOVEMENT_COLUMNS): rows from files are untrusted input like any answer.
 * transaction_index is absent when no branch of the query reads it (token transfers without the transactions join).
 */
export const MovementRowSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('token'),
    contract: z.string(),
    from_address: z.string(),
    to_address: z.string(),
    value: baseUnits,
    transaction_hash: hash,
    log_index: smallInteger,
    block_number: smallInteger,
    block_time: smallInteger,
    transaction_index: smallInteger.nullish(),
  }),
  z.object({
    kind: z.literal('native'),
    from_address: z.string(),
    to_address: z.string(),
    value: baseUnits,
    transaction_hash: hash,
    block_number: smallInteger,
    block_time: smallInteger,
    transaction_index: smallInteger.nullish(),
    gas_used: baseUnits.nullable(),
    gas_price: baseUnits.nullable(),
  }),
  z.object({
    kind: z.literal('internal'),
    from_address: z.string(),
    to_address: z.string(),
    value: baseUnits,
    transaction_hash: hash,
    trace_address: z.string().regex(/^\[?\s*\d+(\s*,\s*\d+)*\s*\]?$/, 'expected a trace address like "0,1"'),
    block_number: smallInteger,
    block_time: smallInteger,
    transaction_index: smallInteger.nullish(),
  }),
  /** A transaction that moved no value of its own (failed, or zero value): found, but not a movement. */
  z.object({ kind: z.literal('tx'), transaction_hash: hash }),
  /** An address past maxPerAddress. */
  z.object({ kind: z.literal('cut'), from_address: z.string() }),
]);
export type MovementRow = z.infer<typeof MovementRowSchema>;

/**
 * A wrapped native contract's Deposit/Withdrawal log (kind 'wrap'), decoded in code: its topics as comma-separated
 * text, its data as hex. Holder sides (from_address/to_address) may come too; the topics decide.
 */
export const WrapRowSchema = z.object({
  kind: z.literal('wrap'),
  contract: z.string(),
  transaction_hash: hash,
  log_index: smallInteger,
  block_number: smallInteger,
  block_time: smallInteger,
  transaction_index: smallInteger.nullish(),
  topics: z.string(),
  data: z.string().regex(/^0x[0-9a-fA-F]*$/, 'expected 0x hex data'),
});
export type WrapRow = z.infer<typeof WrapRowSchema>;

export const TokenRowSchema = z.object({
  address: z.string(),
  symbol: z.string().nullable(),
  decimals: z.string().nullable(),
});
export type TokenRow = z.infer<typeof TokenRowSchema>;
