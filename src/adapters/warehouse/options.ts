import { z } from 'zod';
import { getChain, type ChainInfo } from '../../core/chain.js';
import { InvalidInputError } from '../../core/errors.js';
import type { WarehouseEngine } from './engine.js';

/** Zod schema of `createWarehouseAdapter`'s options (strict); the adapter throws InvalidInputError when they fail it. */
export const WarehouseAdapterOptionsSchema = z
  .object({
    engine: z.custom<WarehouseEngine>(
      (v) => typeof v === 'object' && v !== null && typeof (v as WarehouseEngine).query === 'function',
      'expected a warehouse engine',
    ),
    chain: z.string(),
    /** Frontier addresses per query (the engine splits larger frontiers). */
    maxAddressesPerCall: z.number().int().min(1).max(100_000).default(10_000),
    /**
     * Read nested value transfers from `traces`. Default: when the table is there; without it the report says that
     * internal transfers were not visible. `true` makes a missing `traces` table an error.
     */
    internal: z.boolean().optional(),
    /**
     * Order token transfers inside a block by joining `transactions` for transaction_index (token_transfers has no
     * such column). Default: on for DuckDB when `transactions` is there; off for BigQuery (it would scan the hash
     * column of every transaction in the window).
     */
    joinTransactionIndex: z.boolean().optional(),
    /** Wrapped native token contracts besides the known ones (WETH, WBNB, …) whose Deposit/Withdrawal logs are wrapping. */
    wrappedNative: z.array(z.string().regex(/^(0x[0-9a-fA-F]{40}|T[1-9A-HJ-NP-Za-km-z]{33})$/, 'expected a contract address')).default([]),
  })
  .strict();
/** Options of `createWarehouseAdapter`: the engine (DuckDB or BigQuery) and the chain its tables hold. */
export type WarehouseAdapterOptions = z.input<typeof WarehouseAdapterOptionsSchema>;
export type ParsedWarehouseOptions = z.output<typeof WarehouseAdapterOptionsSchema>;

export function accountChain(chain: string): ChainInfo {
  const info = getChain(chain);
  if (info.family === 'utxo') {
    throw new InvalidInputError(`The warehouse source reads account chains (EVM, TRON); ${info.id} is a UTXO chain`, { details: { chain: info.id } });
  }
  return info;
}
