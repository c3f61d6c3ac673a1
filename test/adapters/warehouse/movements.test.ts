/**
 * getTransactionMovements and getContracts of the warehouse source (DuckDB) over blockchain-etl exports of generated
 * swap worlds (real ganache, real signed transactions through AMM pools, a router, a WETH9-style wrapper and a
 * splitter), written by test/support/etl-export.ts. The reference is test/support/swap-oracle.ts, which reads the
 * chain its own way (receipts and struct-log traces from the node).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWarehouseAdapter } from '../../../src/adapters/warehouse/adapter.js';
import { createDuckDbWarehouse } from '../../../src/adapters/warehouse/duckdb.js';
import type { AccountTransfer } from '../../../src/core/movement.js';
import { readEtlTables, writeEtlTables, type EtlTables } from '../../support/etl-export.js';
import { CHAIN } from '../../support/ganache.js';
import { readTxMovements, type Movement, type TxMovements } from '../../support/swap-oracle.js';
import { buildSwapWorld, drawSwapPlan, type SwapWorld } from '../../support/swap-world.js';

const key = (from: string, to: string, asset: string, amount: bigint) => `${from}>${to}:${asset}:${amount}`;
const ofAdapter = (list: AccountTransfer[]) => list.map((m) => key(m.from, m.to, m.type === 'token' ? m.asset.contract! : 'native', m.amount)).sort();
const ofOracle = (list: Movement[]) => list.map((m) => key(m.from, m.to, m.raw, m.amount)).sort();

/** The oracle's reading of some transactions, straight from the node. */
async function oracleRead(world: SwapWorld, hashes: string[]): Promise<TxMovements[]> {
  const weth = world.tokens.WETH.address.toLowerCase();
  return Promise.all(hashes.map((h) => readTxMovements(world.chain.request, h, weth, (a) => world.contracts.has(a))));
}

/** A warehouse source over `tables` written as `flavour`, and how many queries it ran. */
async function source(dir: string, tables: EtlTables, flavour: 'json' | 'parquet', weth: string) {
  await writeEtlTables(tables, dir, flavour);
  const engine = createDuckDbWarehouse({ dir });
  const adapter = createWarehouseAdapter({ engine, chain: CHAIN, wrappedNative: [weth] });
  return { adapter, queries: () => engine.stats().queries };
}

const seeds = fc.sample(fc.integer({ min: 1, max: 2 ** 31 - 1 }), 2);

describe.each(seeds)('warehouse transaction movements, swap world seed %i', (seed) => {
  it('match the oracle in one query per batch, contracts from the tables, and say what a missing table hides', async () => {
    const world = await buildSwapWorld(drawSwapPlan(seed));
    const tmp = mkdtempSync(join(tmpdir(), 'chaintrail-wh-moves-'));
    try {
      const weth = world.tokens.WETH.address.toLowerCase();
      const hashes = world.txs.filter((t) => t.role !== 'setup').map((t) => t.hash);
      const read = await oracleRead(world, hashes);
      const expected = read.flatMap((t) => t.movements);
      expect(expected.some((m) => m.kind === 'internal')).toBe(true);
      expect(expected.some((m) => m.kind === 'deposit' || m.kind === 'withdrawal')).toBe(true);
      const tables = await readEtlTables(world.chain.request, { conversions: true });
      const addresses = [...new Set([...expected.flatMap((m) => [m.from, m.to]), ...world.clean, ...Object.values(world.actors)])];
      const contracts = addresses.filter((a) => world.contracts.has(a)).sort();

      for (const flavour of ['json', 'parquet'] as const) {
        const { adapter, queries } = await source(join(tmp, flavour), tables, flavour, weth);
        const before = queries();
        const got = await adapter.getTransactionMovements!(CHAIN, hashes);
        expect(ofAdapter(got.movements)).toEqual(ofOracle(expected));
        expect(got.internalVisible).toBe(true);
        expect(got.notes).toEqual([]);
        // One query for the whole batch, one for the token metadata; asked again, the batch query alone.
        expect(queries() - before).toBeLessThanOrEqual(2);
        const again = queries();
        expect(ofAdapter((await adapter.getTransactionMovements!(CHAIN, hashes)).movements)).toEqual(ofOracle(expected));
        expect(queries() - again).toBe(1);
        for (const m of got.movements.filter((x) => x.type === 'token')) expect(m.asset.symbol).not.toBe('?');

        const q = queries();
        expect([...(await adapter.getContracts!(CHAIN, addresses))].sort()).toEqual(contracts);
        expect(queries() - q).toBe(1);
        await adapter.getContracts!(CHAIN, addresses);
        expect(queries() - q).toBe(1); // remembered
        await adapter.close!();
      }

      // Without a contracts table, creations in traces tell the contracts.
      const { contracts: _c, ...noContracts } = tables;
      const fromTraces = await source(join(tmp, 'no-contracts'), noContracts, 'json', weth);
      expect([...(await fromTraces.adapter.getContracts!(CHAIN, addresses))].sort()).toEqual(contracts);
      await fromTraces.adapter.close();

      // Without traces and logs: internal value and wrapping are not seen, and the answer says so.
      const { logs: _l, ...noLogs } = tables;
      const blind = await source(join(tmp, 'blind'), { ...noLogs, traces: [] }, 'parquet', weth);
      const seen = await blind.adapter.getTransactionMovements!(CHAIN, hashes);
      expect(seen.internalVisible).toBe(false);
      expect(seen.notes.join(' ')).toMatch(/Internal ETH .* not read .*conversions are missing/);
      expect(seen.notes.join(' ')).toMatch(/No logs table .*Deposit\/Withdrawal/);
      const visible = expected.filter((m) => m.kind === 'value' || m.kind === 'transfer');
      expect(ofAdapter(seen.movements)).toEqual(ofOracle(visible));
      await blind.adapter.close();

      // Logs without traces: wrapping is seen, and each unwrap is named, since where its ETH went is not.
      const unwrapBlind = await source(join(tmp, 'logs-only'), { ...tables, traces: [] }, 'parquet', weth);
      const named = (await unwrapBlind.adapter.getTransactionMovements!(CHAIN, hashes)).notes.filter((n) => n.startsWith('Transaction '));
      const withdrawals = read.flatMap((t) => t.movements.filter((m) => m.kind === 'withdrawal').map((m) => ({ ...m, hash: t.hash })));
      expect(withdrawals.length).toBeGreaterThan(0);
      expect(named).toHaveLength(withdrawals.length);
      for (const w of withdrawals) {
        const note = named.find((n) => n.startsWith(`Transaction ${w.hash}: `) && n.includes(`(Withdrawal, log ${w.log})`));
        expect(note, `${w.hash} log ${w.log}`).toBeDefined();
        const [whole, fraction = ''] = /: ([\d.]+) wrapped ETH was unwrapped by (0x[0-9a-f]{40})/.exec(note!)![1]!.split('.');
        expect(BigInt(`${whole}${fraction.padEnd(18, '0')}`)).toBe(w.amount);
        expect(note).toContain(`unwrapped by ${w.from} `);
      }
      await unwrapBlind.adapter.close();
    } finally {
      await world.chain.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 240_000);
});
