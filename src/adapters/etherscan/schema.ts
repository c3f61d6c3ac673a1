import { z } from 'zod';

/**
 * Zod shapes of the Etherscan V2 / Blockscout "Etherscan-compatible" answers we read. Numbers arrive as decimal
 * strings; extra fields are ignored (both APIs add fields over time), missing or malformed ones are not.
 */

const uint = z.string().regex(/^\d+$/, 'expected a decimal integer string');
const hash = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'expected a 32-byte hash');
/** Addresses stay raw strings here: "" (contract creation), "GENESIS" and checksummed hex all occur; map.ts decides. */
const address = z.string();

/** The envelope of every `module=account|block|transaction` answer. `result` is checked per action. */
export const EnvelopeSchema = z.object({
  status: z.string(),
  message: z.string(),
  result: z.unknown(),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

/** `action=txlist`: a transaction's own value. */
export const NormalTxSchema = z.object({
  blockNumber: uint,
  timeStamp: uint,
  // "GENESIS_<address>" rows are genesis allocations, not transactions; map.ts skips them by `from`.
  hash: z.string().min(1),
  transactionIndex: uint.or(z.literal('')).optional(),
  from: address,
  to: address,
  value: uint,
  gasPrice: uint.or(z.literal('')).optional(),
  gasUsed: uint.or(z.literal('')).optional(),
  isError: z.string().optional(),
  txreceipt_status: z.string().optional(),
  contractAddress: z.string().optional(),
});
export type NormalTx = z.infer<typeof NormalTxSchema>;

/** `action=tokentx`: one ERC-20 Transfer event. Etherscan V2 and Blockscout add `logIndex`; older answers lack it. */
export const TokenTxSchema = z.object({
  blockNumber: uint,
  timeStamp: uint,
  hash,
  from: address,
  to: address,
  contractAddress: address,
  value: uint,
  tokenSymbol: z.string().optional().default(''),
  tokenName: z.string().optional(),
  tokenDecimal: z.string().regex(/^\d*$/).optional().default(''),
  transactionIndex: uint.or(z.literal('')).optional(),
  logIndex: uint.or(z.literal('')).optional(),
});
export type TokenTx = z.infer<typeof TokenTxSchema>;

/** `action=txlistinternal`: a value-carrying call inside a transaction. By txhash the rows have no `hash`. */
export const InternalTxSchema = z.object({
  blockNumber: uint,
  timeStamp: uint,
  hash: hash.optional(),
  from: address,
  to: address,
  value: uint,
  contractAddress: z.string().optional(),
  type: z.string().optional(),
  traceId: z.string().optional(),
  isError: z.string().optional(),
});
export type InternalTx = z.infer<typeof InternalTxSchema>;

export const NormalTxListSchema = z.array(NormalTxSchema);
export const TokenTxListSchema = z.array(TokenTxSchema);
export const InternalTxListSchema = z.array(InternalTxSchema);

/** `module=block&action=getblocknobytime`: Etherscan answers a string, Blockscout `{ blockNumber }`. */
export const BlockByTimeSchema = z.union([uint, z.object({ blockNumber: uint })]).transform((r) => Number(typeof r === 'string' ? r : r.blockNumber));

/** Etherscan `module=proxy&action=eth_getTransactionByHash` (JSON-RPC passthrough); null when unknown. */
export const ProxyTransactionSchema = z.object({
  jsonrpc: z.string().optional(),
  result: z
    .object({
      hash,
      blockNumber: z
        .string()
        .regex(/^0x[0-9a-fA-F]+$/)
        .nullable(),
      from: z.string(),
      to: z.string().nullable(),
      value: z
        .string()
        .regex(/^0x[0-9a-fA-F]+$/)
        .optional(),
      transactionIndex: z
        .string()
        .regex(/^0x[0-9a-fA-F]+$/)
        .nullable()
        .optional(),
    })
    .nullable(),
});

const hexQuantity = z.string().regex(/^0x[0-9a-fA-F]+$/, 'expected a hex quantity');
const hexData = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, 'expected 0x hex data');
const logAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 20-byte address');

/** Etherscan `module=proxy&action=eth_getTransactionReceipt` (JSON-RPC passthrough); null when unknown or pending. */
export const ProxyReceiptSchema = z.object({
  jsonrpc: z.string().optional(),
  result: z
    .object({
      transactionHash: hash,
      blockNumber: hexQuantity.nullable(),
      /** '0x1' success, '0x0' reverted (absent before Byzantium). */
      status: hexQuantity.nullable().optional(),
      logs: z.array(z.object({ address: logAddress, topics: z.array(hash), data: hexData, logIndex: hexQuantity, removed: z.boolean().optional() })),
    })
    .nullable(),
});

/** Blockscout gettxinfo's `logs` (topics padded with null, index as a decimal string). */
export const BlockscoutLogsSchema = z.array(z.object({ address: logAddress, topics: z.array(hash.nullable()), data: hexData, index: uint }));

/** Blockscout `module=transaction&action=gettxinfo`. */
export const BlockscoutTxInfoSchema = z.object({
  hash,
  blockNumber: uint,
  from: z.string(),
  to: z.string().nullable().optional(),
  timeStamp: uint.optional(),
  value: uint.optional(),
  /** false for a reverted transaction. */
  success: z.boolean().optional(),
  logs: z.unknown().optional(),
});

/** Etherscan `module=proxy&action=eth_getBlockByNumber` (boolean=false): the block's time. */
export const ProxyBlockSchema = z.object({
  jsonrpc: z.string().optional(),
  result: z.object({ number: hexQuantity, timestamp: hexQuantity }).nullable(),
});

/** `module=contract&action=getcontractcreation`: one row per address that was created by a transaction. */
export const ContractCreationListSchema = z.array(z.object({ contractAddress: logAddress, contractCreator: z.string(), txHash: z.string() }));

/** Blockscout `module=token&action=getToken`: a token's metadata. */
export const BlockscoutTokenSchema = z.object({
  contractAddress: logAddress,
  symbol: z.string().nullable().optional(),
  decimals: z.string().regex(/^\d*$/).nullable().optional(),
});

/** A block number, index or time as the logs module writes it: hex ("0x" is 0, as Etherscan writes index 0) or decimal. */
const logNumber = z
  .string()
  .regex(/^(0x[0-9a-fA-F]*|\d+)$/, 'expected a hex or decimal integer')
  .transform((v) => (v === '0x' ? 0 : Number(v)));

/** `module=logs&action=getLogs` (Etherscan; Blockscout pads topics with null). */
export const EventLogListSchema = z.array(
  z.object({
    address: logAddress,
    topics: z.array(hash.nullable()),
    data: hexData,
    blockNumber: logNumber,
    timeStamp: logNumber,
    logIndex: logNumber,
    transactionHash: hash,
    transactionIndex: logNumber.optional(),
  }),
);
