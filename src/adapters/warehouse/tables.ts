import type { ChainInfo } from '../../core/chain.js';
import type { WarehouseEngine } from './engine.js';
import { MissingTableError } from './errors.js';
import type { ParsedWarehouseOptions } from './options.js';
import type { WarehouseTable } from './query.js';

/** What the tables at an engine allow to be read. */
export interface TableSetup {
  internal: boolean;
  txIndex: boolean;
  tokens: boolean;
  transactions: boolean;
  tokenTable: boolean;
  /** The `traces` table is there (contract creations are read from it when `contracts` is not). */
  traces: boolean;
  /** Event logs, for wrapped-native Deposit/Withdrawal. */
  logs: boolean;
  /** The `contracts` table. */
  contracts: boolean;
}

/**
 * Which tables are there decides, once, what can be read (a failed look is asked again next time); what cannot be
 * read is added to `notes`.
 */
export function createTableSetup(engine: WarehouseEngine, options: ParsedWarehouseOptions, info: ChainInfo, notes: Set<string>): () => Promise<TableSetup> {
  let setup: Promise<TableSetup> | undefined;
  return () => {
    setup ??= (async () => {
      const has = async (t: WarehouseTable) => engine.hasTable(t);
      const [transfers, transactions, traces, tokenTable, logs, contracts] = (await Promise.all(
        (['token_transfers', 'transactions', 'traces', 'tokens', 'logs', 'contracts'] as const).map(has),
      )) as [boolean, boolean, boolean, boolean, boolean, boolean];
      if (options.internal === true && !traces) {
        throw new MissingTableError(`Table traces is needed (internal: true) but not available at ${engine.endpoint}`, {
          details: { table: 'traces', endpoint: engine.endpoint },
        });
      }
      const internal = options.internal ?? traces;
      if (!internal) {
        notes.add(
          `${info.native.symbol} moved by contracts (internal transfers) on ${info.id} was not visible: ${traces ? 'reading traces was turned off' : `no traces table at ${engine.endpoint}`}; only transactions' own value was read.`,
        );
      }
      const txIndex = (options.joinTransactionIndex ?? engine.kind === 'duckdb') && transactions;
      if (!txIndex && transfers) {
        notes.add(
          `Token transfers on ${info.id} inside one block were ordered by transaction hash and log index (token_transfers has no transaction_index${transactions ? '; joinTransactionIndex is off' : ''}).`,
        );
      }
      return { internal, txIndex, tokens: transfers, transactions, tokenTable, traces, logs, contracts };
    })().catch((error: unknown) => {
      setup = undefined;
      throw error;
    });
    return setup;
  };
}
