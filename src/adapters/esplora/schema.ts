import { z } from 'zod';

/**
 * Esplora REST answers (Blockstream's electrs, mempool.space), as documented in
 * github.com/Blockstream/esplora/blob/master/API.md. Only the fields chaintrail reads are checked; values are
 * satoshis as JSON integers (below 2^53, so exact).
 */
const txid = z.string().regex(/^[0-9a-f]{64}$/, 'expected a txid (64 lower-case hex digits)');
const hex = z.string().regex(/^([0-9a-f]{2})*$/, 'expected hex bytes');
const sats = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const EsploraOutputSchema = z.object({
  scriptpubkey: hex,
  scriptpubkey_address: z.string().optional(),
  scriptpubkey_type: z.string().optional(),
  value: sats,
});

export const EsploraStatusSchema = z.union([
  z.object({
    confirmed: z.literal(true),
    block_height: z.number().int().nonnegative(),
    block_hash: z.string().optional(),
    block_time: z.number().int().nonnegative(),
  }),
  z.object({ confirmed: z.literal(false) }),
]);

export const EsploraInputSchema = z.object({
  txid,
  vout: z.number().int().nonnegative(),
  /** Null for a coinbase, and on servers that cannot resolve the spent output. */
  prevout: EsploraOutputSchema.nullable(),
  is_coinbase: z.boolean(),
});

export const EsploraTransactionSchema = z.object({
  txid,
  vin: z.array(EsploraInputSchema),
  vout: z.array(EsploraOutputSchema),
  fee: sats.optional(),
  status: EsploraStatusSchema,
});

export const EsploraTransactionListSchema = z.array(EsploraTransactionSchema);

export const EsploraOutspendSchema = z.union([
  z.object({ spent: z.literal(true), txid, vin: z.number().int().nonnegative() }),
  z.object({ spent: z.literal(false) }),
]);

export const EsploraOutspendsSchema = z.array(EsploraOutspendSchema);

export const EsploraTipHeightSchema = z.number().int().nonnegative();

export type EsploraTransaction = z.infer<typeof EsploraTransactionSchema>;
export type EsploraOutspend = z.infer<typeof EsploraOutspendSchema>;
