/**
 * The warehouse source's getTransfers sees wrapping: blockchain-etl exports (ethereum-etl JSON and BigQuery-style
 * Parquet, with the `logs` table) of a generated wrapping world on ganache, read through DuckDB. The holders'
 * Deposit/Withdrawal come from `logs` in the same frontier query; without a logs table the notes say unwrapping
 * cannot be seen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWarehouseAdapter } from '../../../src/adapters/warehouse/adapter.js';
import { bigQueryDialect } from '../../../src/adapters/warehouse/bigquery.js';
import { createDuckDbWarehouse, duckDbDialect } from '../../../src/adapters/warehouse/duckdb.js';
import { buildTransfersQuery } from '../../../src/adapters/warehouse/query.js';
import { readEtlTables, writeEtlTables } from '../../support/etl-export.js';
import { CHAIN } from '../../support/ganache.js';
import { buildWrapWorld, checkWrapTransfers } from '../../support/wrap-world.js';

const [seed] = fc.sample(fc.integer({ min: 1, max: 2 ** 31 - 1 }), 1);

describe('warehouse getTransfers and wrapping', () => {
  it('reads logs only when a wrapper is asked for, with the wrappers and the frontier as parameters (BigQuery: topics through ARRAY_TO_STRING)', () => {
    const wrapper = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
    const spec = {
      addresses: ['0x74de5d4fcbf63e00296fd95d33236b9794016631'],
      direction: 'both' as const,
      contracts: [wrapper],
      native: false,
      internal: false,
      tokenTxIndex: false,
    };
    const bq = bigQueryDialect('bigquery-public-data.crypto_ethereum');
    for (const dialect of [bq, duckDbDialect]) {
      const plain = buildTransfersQuery(dialect, spec);
      expect(plain.tables).not.toContain('logs');
      const wraps = buildTransfersQuery(dialect, { ...spec, wrapped: [wrapper], maxPerAddress: 10 });
      expect(wraps.tables).toContain('logs');
      expect(wraps.params.find((p) => p.name === 'wrapped')).toEqual({ name: 'wrapped', type: 'STRING', array: true, value: [wrapper] });
      expect(wraps.sql).not.toContain(wrapper);
      expect(wraps.sql.includes("ARRAY_TO_STRING(l.topics, ',')")).toBe(dialect === bq);
    }
  });

  it(`wrapping world ${seed}: the holders' wraps and unwraps from logs in the frontier query, as getTransactionMovements gives them`, async () => {
    const w = await buildWrapWorld(seed!);
    const tmp = mkdtempSync(join(tmpdir(), 'chaintrail-wh-wraps-'));
    try {
      const tables = await readEtlTables(w.world.chain.request, { conversions: true });
      for (const flavour of ['json', 'parquet'] as const) {
        const dir = join(tmp, flavour);
        await writeEtlTables(tables, dir, flavour);
        const engine = createDuckDbWarehouse({ dir });
        const adapter = createWarehouseAdapter({ engine, chain: CHAIN, wrappedNative: [w.weth] });
        try {
          await checkWrapTransfers(adapter, w);
          // One frontier, one query: transfers and wrap logs together (the token metadata is read once before).
          const before = engine.stats().queries;
          const cut = await adapter.getTransfers({ chain: CHAIN, addresses: w.holders, direction: 'both', assets: [w.asset], maxPerAddress: 1 });
          expect(engine.stats().queries - before).toBe(1);
          // Wraps count toward the cut like any movement: a holder with more than one WETH movement is named as cut.
          const count = (h: string) => w.moves.filter((m) => m.from === h || m.to === h).length;
          expect(cut.truncated.sort()).toEqual(w.holders.filter((h) => count(h) > 1).sort());
          expect(cut.transfers.map((t) => (t.to === w.weth ? t.from : t.from === w.weth ? t.to : 'a transfer'))).toEqual(
            w.holders.filter((h) => count(h) === 1),
          );
          expect(adapter.notes(CHAIN).join(' ')).not.toMatch(/logs table/);
        } finally {
          await adapter.close();
        }
      }

      // Without a logs table: the Transfers alone, and the notes say wrapping cannot be seen.
      const { logs: _l, ...noLogs } = tables;
      const dir = join(tmp, 'no-logs');
      await writeEtlTables(noLogs, dir, 'json');
      const blind = createWarehouseAdapter({ engine: createDuckDbWarehouse({ dir }), chain: CHAIN, wrappedNative: [w.weth] });
      try {
        const got = await blind.getTransfers({ chain: CHAIN, addresses: w.holders, direction: 'both', assets: [w.asset] });
        expect(got.transfers.filter((t) => t.from === w.weth || t.to === w.weth)).toEqual([]);
        expect(got.transfers.length).toBe(w.moves.filter((m) => m.kind === 'transfer').length);
        expect(blind.notes(CHAIN).join(' ')).toMatch(/No logs table .*Deposit\/Withdrawal .*cannot be seen/);
      } finally {
        await blind.close();
      }
    } finally {
      await w.world.chain.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 240_000);
});
