import { z } from 'zod';

/**
 * Bitcoin Core JSON-RPC answers (bitcoincore.org/en/doc, `getrawtransaction`, `gettxout`, `getblockheader`).
 * Amounts are BTC as JSON numbers; they become satoshis through their 8-decimal rendering, never by float math.
 */
const txid = z.string().regex(/^[0-9a-f]{64}$/, 'expected a txid (64 lower-case hex digits)');
const hex = z.string().regex(/^([0-9a-f]{2})*$/, 'expected hex bytes');
const btc = z.number().nonnegative().max(21_000_000);

export const RpcErrorSchema = z.object({ code: z.number().int(), message: z.string() });

export const RpcEnvelopeSchema = z.object({
  result: z.unknown(),
  error: RpcErrorSchema.nullable().optional(),
  id: z.union([z.number(), z.string(), z.null()]),
});

export const RpcScriptPubKeySchema = z.object({ hex, address: z.string().optional(), type: z.string().optional() });

export const RpcInputSchema = z.union([
  z.object({ coinbase: hex, sequence: z.number().int() }),
  z.object({
    txid,
    vout: z.number().int().nonnegative(),
    /** Present with verbosity 2 when the node has the undo data (not on pruned blocks). */
    prevout: z.object({ value: btc, scriptPubKey: RpcScriptPubKeySchema }).optional(),
  }),
]);

export const RpcTransactionSchema = z.object({
  txid,
  hex,
  vin: z.array(RpcInputSchema),
  vout: z.array(z.object({ n: z.number().int().nonnegative(), value: btc, scriptPubKey: RpcScriptPubKeySchema })),
  blockhash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  blocktime: z.number().int().nonnegative().optional(),
  confirmations: z.number().int().optional(),
});

export const RpcBlockHeaderSchema = z.object({ hash: z.string(), height: z.number().int().nonnegative(), time: z.number().int().nonnegative() });

/** `gettxout`: null when the output is spent (or never existed), the coin when it is unspent. */
export const RpcTxOutSchema = z.union([z.null(), z.object({ value: btc, confirmations: z.number().int() })]);

export const RpcBlockCountSchema = z.number().int().nonnegative();

export type RpcTransaction = z.infer<typeof RpcTransactionSchema>;
export type RpcError = z.infer<typeof RpcErrorSchema>;
