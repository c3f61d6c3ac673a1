import { getChain } from '../../core/chain.js';
import { parseOptions } from '../validate.js';
import type { AdapterStats, ChainAdapter } from '../adapter.js';
import type { WarehouseEngine, WarehouseQueryStats } from './engine.js';
import { addressCodec } from './map.js';
import { accountChain, WarehouseAdapterOptionsSchema, type WarehouseAdapterOptions } from './options.js';
import { readTransaction, readTransfers, type WarehouseContext } from './reads.js';
import { createTableSetup } from './tables.js';
import { createTokenBook } from './tokens.js';
import { createWarehouseMovements } from './movements.js';
import { wrappedNativeTokens } from '../../core/wrapped-native.js';

export { WarehouseAdapterOptionsSchema, type WarehouseAdapterOptions } from './options.js';

/** A ChainAdapter over blockchain-etl tables, with its engine and query figures; close it when done. */
export interface WarehouseAdapter extends ChainAdapter {
  readonly kind: 'duckdb' | 'bigquery';
  readonly warehouse: WarehouseEngine;
  stats(): AdapterStats & WarehouseQueryStats;
  close(): Promise<void>;
}

/**
 * A chain's movements out of blockchain-etl tables (token_transfers, transactions, traces, tokens) through a
 * warehouse engine: a whole frontier per query, both directions, time window and token contracts as parameters.
 */
export function createWarehouseAdapter(input: WarehouseAdapterOptions): WarehouseAdapter {
  const options = parseOptions(WarehouseAdapterOptionsSchema, input, 'Invalid warehouse adapter options');
  const engine = options.engine;
  const info = accountChain(options.chain);
  const codec = addressCodec(info.id);
  const notes = new Set<string>();
  const ctx: WarehouseContext = {
    engine,
    info,
    codec,
    tables: createTableSetup(engine, options, info, notes),
    tokens: createTokenBook(engine, codec, info, notes),
    wrapped: wrappedNativeTokens(info.id, options.wrappedNative),
    notes,
  };
  const moves = createWarehouseMovements(ctx, new Set(ctx.wrapped));

  return {
    kind: engine.kind,
    endpoint: engine.endpoint,
    warehouse: engine,
    capabilities: {
      maxAddressesPerCall: options.maxAddressesPerCall,
      get internalTransfers() {
        return options.internal !== false;
      },
    },
    supports(chain) {
      try {
        return getChain(chain).id === info.id;
      } catch {
        return false;
      }
    },
    getTransfers: (q) => readTransfers(ctx, q),
    getTransaction: (chain, hash, opts) => readTransaction(ctx, chain, hash, opts?.signal),
    getTransactionMovements: moves.getTransactionMovements,
    getContracts: moves.getContracts,
    notes(chain) {
      try {
        if (getChain(chain).id !== info.id) return [];
      } catch {
        return [];
      }
      return [...notes].sort();
    },
    stats() {
      const s = engine.stats();
      return { requests: s.queries, cacheHits: 0, ...s };
    },
    close: () => engine.close(),
  };
}
