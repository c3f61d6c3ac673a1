import { z } from 'zod';

/**
 * Zod shapes of the TronGrid answers we read: the v1 REST lists (`/v1/accounts/:a/transactions[/trc20]`) and
 * the full-node wallet API (`/wallet/gettransactionbyid`, `/wallet/gettransactioninfobyid`). Addresses stay raw
 * strings here (base58 in v1 TRC-20 records, 41-prefixed hex elsewhere); map.ts converts and validates them.
 */

const txid = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, 'expected a 64-hex-digit transaction id');
const uintString = z.string().regex(/^\d+$/, 'expected a decimal integer string');
const sun = z.number().int().nonnegative();

export const MetaSchema = z.object({
  at: z.number().optional(),
  page_size: z.number().optional(),
  fingerprint: z.string().optional(),
  /** `next` is absent on the last page. */
  links: z.object({ next: z.string().optional() }).optional(),
});

/** One record of `/v1/accounts/:a/transactions/trc20`. `type` is "Transfer" or "Approval". */
export const Trc20RecordSchema = z.object({
  transaction_id: txid,
  token_info: z.object({
    symbol: z.string().optional().default(''),
    address: z.string().min(1),
    decimals: z.number().int().min(0).max(77),
    name: z.string().optional(),
  }),
  block_timestamp: z.number().int().nonnegative(),
  from: z.string(),
  to: z.string(),
  type: z.string(),
  value: uintString,
});
export type Trc20Record = z.infer<typeof Trc20RecordSchema>;

const ContractSchema = z.object({
  type: z.string(),
  parameter: z.object({ value: z.record(z.string(), z.unknown()), type_url: z.string().optional() }),
});

/** A transaction as v1 lists and /wallet/gettransactionbyid give it. */
export const TronTransactionSchema = z.object({
  txID: txid,
  blockNumber: z.number().int().nonnegative().optional(),
  block_timestamp: z.number().int().nonnegative().optional(),
  ret: z.array(z.object({ contractRet: z.string().optional(), fee: sun.optional() })).optional(),
  raw_data: z.object({ contract: z.array(ContractSchema).min(1), timestamp: z.number().optional() }),
});
export type TronTransaction = z.infer<typeof TronTransactionSchema>;

/** An internal transaction record of the v1 account list (`search_internal`). */
export const TronInternalRecordSchema = z.object({
  internal_tx_id: z.string(),
  tx_id: txid,
  block_timestamp: z.number().int().nonnegative(),
  from_address: z.string(),
  to_address: z.string(),
  data: z.object({
    call_value: z.record(z.string(), z.number()).optional(),
    rejected: z.boolean().optional(),
  }),
});
export type TronInternalRecord = z.infer<typeof TronInternalRecordSchema>;

/** The parameter values we read, per contract type. */
export const TransferContractValueSchema = z.object({ owner_address: z.string(), to_address: z.string(), amount: sun });
export const TriggerSmartContractValueSchema = z.object({ owner_address: z.string(), contract_address: z.string(), call_value: sun.optional() });

export function listSchema<T extends z.ZodType>(item: T) {
  return z.object({ success: z.literal(true), data: z.array(item), meta: MetaSchema.optional() });
}

export const Trc20ListSchema = listSchema(Trc20RecordSchema);
export const TronTransactionListSchema = listSchema(z.union([TronTransactionSchema, TronInternalRecordSchema]));

/** `/wallet/gettransactioninfobyid`: `{}` for an unknown id. */
export const TronTransactionInfoSchema = z.object({
  id: txid.optional(),
  fee: sun.optional(),
  blockNumber: z.number().int().nonnegative().optional(),
  blockTimeStamp: z.number().int().nonnegative().optional(),
  result: z.string().optional(),
  receipt: z.object({ result: z.string().optional() }).optional(),
  log: z
    .array(z.object({ address: z.string(), topics: z.array(z.string()).default([]), data: z.string().optional().default('') }))
    .optional()
    .default([]),
  internal_transactions: z
    .array(
      z.object({
        hash: z.string().optional(),
        caller_address: z.string(),
        transferTo_address: z.string(),
        callValueInfo: z
          .array(z.object({ callValue: sun.optional(), tokenId: z.string().optional() }))
          .optional()
          .default([]),
        rejected: z.boolean().optional(),
      }),
    )
    .optional()
    .default([]),
});
export type TronTransactionInfo = z.infer<typeof TronTransactionInfoSchema>;

/** The v1 error body, and the 429 body of a key over its frequency limit. */
export const TronErrorSchema = z.object({
  success: z.literal(false).optional(),
  error: z.string().optional(),
  Error: z.string().optional(),
  statusCode: z.number().optional(),
});

/** `/wallet/getcontract`: the SmartContract, `{}` for an address without code, `{Error}` for a bad request. */
export const TronContractSchema = z.object({ contract_address: z.string().optional(), bytecode: z.string().optional(), Error: z.string().optional() });

/**
 * One record of `/v1/contracts/:address/events`: a decoded event of the contract. `result` holds the arguments by
 * name and by position (addresses as 0x hex or base58, integers as decimal strings); `event_index` is the log's
 * position in its transaction.
 */
export const TronEventRecordSchema = z.object({
  transaction_id: z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, 'expected a 32-byte transaction id'),
  block_number: z.number().int().nonnegative(),
  block_timestamp: z.number().int().nonnegative(),
  event_index: z.number().int().nonnegative(),
  event_name: z.string(),
  contract_address: z.string(),
  result: z.record(z.string(), z.string()),
});
export type TronEventRecord = z.infer<typeof TronEventRecordSchema>;
export const TronEventListSchema = listSchema(TronEventRecordSchema);
