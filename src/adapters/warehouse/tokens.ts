import type { ChainInfo } from '../../core/chain.js';
import { getChain } from '../../core/chain.js';
import { describeZodIssues } from '../../core/errors.js';
import type { AssetRef } from '../../core/schema.js';
import { freezableStablecoin } from '../../core/stablecoins.js';
import type { WarehouseEngine } from './engine.js';
import type { AddressCodec } from './map.js';
import { buildTokensQuery } from './query.js';
import { TokenRowSchema } from './schema.js';

/** Token contracts' symbol and decimals, as asked for or as the tables say. */
export interface TokenBook {
  /** Assets a query names are known without a look-up. */
  prime(assets: readonly AssetRef[] | undefined): void;
  /** Symbol and decimals of new contracts: `tokens` table, else the canonical stablecoin list, else "?" with a note. */
  resolve(contracts: Iterable<string>, hasTable: boolean, signal?: AbortSignal): Promise<void>;
  /** A contract resolved before. */
  get(contract: string): AssetRef;
}

export function createTokenBook(engine: WarehouseEngine, codec: AddressCodec, info: ChainInfo, notes: Set<string>): TokenBook {
  const tokens = new Map<string, AssetRef>();
  return {
    prime(assets) {
      for (const a of assets ?? []) {
        if (a.kind === 'token' && a.contract && getChain(a.chain).id === info.id && !tokens.has(a.contract)) tokens.set(a.contract, { ...a, chain: info.id });
      }
    },
    async resolve(contracts, hasTable, signal) {
      const missing = [...new Set(contracts)].filter((c) => !tokens.has(c)).sort();
      if (missing.length === 0) return;
      const found = hasTable ? await readTokenTable(engine, codec, missing, notes, signal) : new Map<string, { symbol: string; decimals: number }>();
      for (const contract of missing) {
        const known = found.get(contract) ?? freezableStablecoin(info.id, contract);
        if (!known) {
          notes.add(
            `Token contract ${contract} has no symbol/decimals in ${hasTable ? 'the tokens table' : `a tokens table (none at ${engine.endpoint})`}; its amounts are shown in base units with symbol "?".`,
          );
        }
        tokens.set(contract, { chain: info.id, kind: 'token', contract, symbol: known?.symbol ?? '?', decimals: known?.decimals ?? 0 });
      }
    },
    get: (contract) => tokens.get(contract)!,
  };
}

/** The `tokens` table's rows for `missing`; an unreadable row is noted and ignored. */
async function readTokenTable(
  engine: WarehouseEngine,
  codec: AddressCodec,
  missing: string[],
  notes: Set<string>,
  signal?: AbortSignal,
): Promise<Map<string, { symbol: string; decimals: number }>> {
  const found = new Map<string, { symbol: string; decimals: number }>();
  const rows = await engine.query(buildTokensQuery(engine.dialect, missing.map(codec.toTable)), signal);
  rows.forEach((raw, i) => {
    const row = TokenRowSchema.safeParse(raw);
    if (!row.success) return void notes.add(`tokens row ${i} at ${engine.endpoint} was not readable (${describeZodIssues(row.error.issues)}); ignored.`);
    const contract = codec.fromTable(row.data.address);
    const decimals = row.data.decimals !== null && /^\d{1,2}$/.test(row.data.decimals.trim()) ? Number(row.data.decimals.trim()) : undefined;
    const symbol = row.data.symbol
      ?.replace(/[\p{Cc}\p{Cf}]/gu, '')
      .trim()
      .slice(0, 32);
    // blockchain-etl `tokens` may hold a contract more than once: the first complete row (sorted) wins.
    if (!found.has(contract) && symbol && decimals !== undefined && decimals <= 77) found.set(contract, { symbol, decimals });
  });
  return found;
}
