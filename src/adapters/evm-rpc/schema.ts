import { z } from 'zod';

/**
 * Shapes of the JSON-RPC answers this adapter relies on; anything else is a ResponseShapeError naming the method.
 * Only the fields we read are declared (zod objects strip the rest), so node-specific extras never break parsing.
 */
const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, 'expected 0x-prefixed hex');
export const QuantitySchema = z.string().regex(/^0x[0-9a-fA-F]+$/, 'expected a hex quantity');
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 20-byte address');
const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte hash');

export const JsonRpcErrorSchema = z.object({
  code: z.number().int(),
  message: z.string(),
  data: z.unknown().optional(),
});

export const JsonRpcResponseSchema = z.union([
  z.object({ jsonrpc: z.literal('2.0').optional(), id: z.union([z.number(), z.string(), z.null()]), result: z.unknown() }),
  z.object({ jsonrpc: z.literal('2.0').optional(), id: z.union([z.number(), z.string(), z.null()]), error: JsonRpcErrorSchema }),
]);
export type JsonRpcResponse = z.infer<typeof JsonRpcResponseSchema>;

export const LogSchema = z.object({
  address,
  topics: z.array(hash),
  data: hex,
  blockNumber: QuantitySchema,
  transactionHash: hash,
  transactionIndex: QuantitySchema,
  logIndex: QuantitySchema,
  removed: z.boolean().optional(),
  /** Newer Geth/Reth include it; saves a header fetch. */
  blockTimestamp: QuantitySchema.optional(),
});
export type RpcLog = z.infer<typeof LogSchema>;
export const LogsSchema = z.array(LogSchema);

export const TransactionSchema = z.object({
  hash,
  from: address,
  /** null for contract creation. */
  to: address.nullable(),
  value: QuantitySchema,
  blockNumber: QuantitySchema.nullable(),
  transactionIndex: QuantitySchema.nullable(),
});
export type RpcTransaction = z.infer<typeof TransactionSchema>;

export const BlockHeaderSchema = z.object({
  number: QuantitySchema,
  hash,
  timestamp: QuantitySchema,
});
export type RpcBlockHeader = z.infer<typeof BlockHeaderSchema>;

export const BlockWithTransactionsSchema = BlockHeaderSchema.extend({ transactions: z.array(TransactionSchema) });
export type RpcBlockWithTransactions = z.infer<typeof BlockWithTransactionsSchema>;

export const ReceiptSchema = z.object({
  transactionHash: hash,
  blockNumber: QuantitySchema,
  transactionIndex: QuantitySchema,
  from: address,
  to: address.nullable(),
  contractAddress: address.nullable().optional(),
  gasUsed: QuantitySchema,
  /** Pre-London nodes omit it; the tx's gasPrice is the price then. */
  effectiveGasPrice: QuantitySchema.optional(),
  /** 0x1 success, 0x0 reverted; absent before Byzantium. */
  status: QuantitySchema.optional(),
  logs: z.array(LogSchema),
});
export type RpcReceipt = z.infer<typeof ReceiptSchema>;

/** Parity/OpenEthereum trace format, as Erigon, Nethermind and Reth answer trace_filter / trace_transaction. */
export const TraceSchema = z.object({
  type: z.enum(['call', 'create', 'suicide', 'reward']),
  action: z.object({
    callType: z.string().optional(),
    from: address.optional(),
    to: address.nullable().optional(),
    value: QuantitySchema.optional(),
    /** suicide */
    address: address.optional(),
    refundAddress: address.optional(),
    balance: QuantitySchema.optional(),
  }),
  result: z.object({ address: address.optional() }).nullable().optional(),
  error: z.string().optional(),
  blockNumber: z.number().int().nonnegative(),
  transactionHash: hash.nullable(),
  transactionPosition: z.number().int().nonnegative().nullable(),
  traceAddress: z.array(z.number().int().nonnegative()),
});
export type RpcTrace = z.infer<typeof TraceSchema>;
export const TracesSchema = z.array(TraceSchema);

export const HexDataSchema = hex;
