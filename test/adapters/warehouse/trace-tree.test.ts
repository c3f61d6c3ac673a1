/**
 * getTransactionMovements over generated ethereum-etl JSON exports: random call trees with failed frames (status
 * propagated to the subtree as blockchain-etl does, or only on the failed frame itself), reverted transactions,
 * token transfers and WETH Deposit/Withdrawal logs. Whatever the layout, the movements are exactly the value that
 * took effect: nothing under a failed frame, nothing of a reverted transaction.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWarehouseAdapter } from '../../../src/adapters/warehouse/adapter.js';
import { createDuckDbWarehouse } from '../../../src/adapters/warehouse/duckdb.js';
import { DEPOSIT_TOPIC, WITHDRAWAL_TOPIC } from '../../../src/core/wrapped-native.js';

const WETH = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const T0 = 1_700_000_000;
const addr = (n: number) => `0x${(n + 1).toString(16).padStart(40, '0')}`;
const hashOf = (n: number) => `0x${(n + 1).toString(16).padStart(64, '0')}`;
const topic = (a: string) => `0x${a.slice(2).padStart(64, '0')}`;
const line = (rows: Record<string, unknown>[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

const frame = fc.record({ parent: fc.nat(), from: fc.nat(5), to: fc.nat(5), value: fc.bigInt(0n, 10n ** 20n), failed: fc.boolean() });
const tx = fc.record({
  ok: fc.boolean(),
  value: fc.bigInt(0n, 10n ** 19n),
  frames: fc.array(frame, { maxLength: 8 }),
  tokens: fc.array(fc.record({ from: fc.nat(5), to: fc.nat(5), value: fc.bigInt(1n, 2n ** 200n) }), { maxLength: 3 }),
  wraps: fc.array(fc.record({ deposit: fc.boolean(), who: fc.nat(5), value: fc.bigInt(1n, 10n ** 20n) }), { maxLength: 2 }),
});
const world = fc.record({ txs: fc.array(tx, { minLength: 1, maxLength: 6 }), propagate: fc.boolean() });
type World = typeof world extends fc.Arbitrary<infer W> ? W : never;

/** The tables of a world, and the movements that took effect (as `from>to:asset:amount`). */
function exportOf(w: World) {
  const tables = {
    transactions: [] as Record<string, unknown>[],
    token_transfers: [] as Record<string, unknown>[],
    traces: [] as Record<string, unknown>[],
    logs: [] as Record<string, unknown>[],
  };
  const expected: string[] = [];
  w.txs.forEach((t, i) => {
    const at = { transaction_hash: hashOf(i), block_number: i + 1, block_timestamp: T0 + 12 * i };
    const [from, to] = [addr(100 + i), addr(0)];
    tables.transactions.push({
      hash: hashOf(i),
      transaction_index: 0,
      from_address: from,
      to_address: to,
      value: t.value.toString(),
      receipt_status: t.ok ? 1 : 0,
      block_number: i + 1,
      block_timestamp: at.block_timestamp,
    });
    if (t.ok && t.value > 0n) expected.push(`${from}>${to}:native:${t.value}`);
    tables.traces.push({
      ...at,
      from_address: from,
      to_address: to,
      value: t.value.toString(),
      trace_type: 'call',
      call_type: 'call',
      trace_address: [],
      status: t.ok ? 1 : 0,
    });
    const paths: number[][] = [];
    const failedUnder: boolean[] = [];
    const children = new Map<number, number>();
    t.frames.forEach((f, k) => {
      const parent = k === 0 ? -1 : (f.parent % (k + 1)) - 1; // -1: the top-level call
      const index = children.get(parent) ?? 0;
      children.set(parent, index + 1);
      paths.push([...(parent < 0 ? [] : paths[parent]!), index]);
      failedUnder.push(f.failed || (parent >= 0 && failedUnder[parent]!));
      const status = !t.ok || (w.propagate ? failedUnder[k] : f.failed) ? 0 : 1;
      tables.traces.push({
        ...at,
        from_address: addr(f.from),
        to_address: addr(f.to),
        value: f.value.toString(),
        trace_type: 'call',
        call_type: 'call',
        trace_address: paths[k],
        status,
      });
      if (t.ok && !failedUnder[k] && f.value > 0n) expected.push(`${addr(f.from)}>${addr(f.to)}:native:${f.value}`);
    });
    t.tokens.forEach((m, k) => {
      if (!t.ok) return; // a reverted transaction emits no logs
      tables.token_transfers.push({ ...at, token_address: USDT, from_address: addr(m.from), to_address: addr(m.to), value: m.value.toString(), log_index: k });
      expected.push(`${addr(m.from)}>${addr(m.to)}:${USDT}:${m.value}`);
    });
    t.wraps.forEach((m, k) => {
      if (!t.ok) return;
      const data = `0x${m.value.toString(16).padStart(64, '0')}`;
      tables.logs.push({ ...at, address: WETH, topics: [m.deposit ? DEPOSIT_TOPIC : WITHDRAWAL_TOPIC, topic(addr(m.who))], data, log_index: 10 + k });
      expected.push(m.deposit ? `${WETH}>${addr(m.who)}:${WETH}:${m.value}` : `${addr(m.who)}>${WETH}:${WETH}:${m.value}`);
    });
  });
  return { tables, expected: expected.sort() };
}

describe('warehouse transaction movements over generated call trees', () => {
  it('keep exactly the value that took effect, in one query per batch', async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        const { tables, expected } = exportOf(w);
        const dir = mkdtempSync(join(tmpdir(), 'chaintrail-wh-tree-'));
        for (const [name, rows] of Object.entries(tables)) if (rows.length > 0) writeFileSync(join(dir, `${name}.json`), line(rows));
        const adapter = createWarehouseAdapter({ engine: createDuckDbWarehouse({ dir }), chain: 'ethereum' });
        try {
          const before = adapter.stats().queries;
          const got = await adapter.getTransactionMovements!(
            'ethereum',
            w.txs.map((_, i) => hashOf(i)),
          );
          const keys = got.movements.map((m) => `${m.from}>${m.to}:${m.type === 'token' ? m.asset.contract : 'native'}:${m.amount}`).sort();
          expect(keys).toEqual(expected);
          expect(got.internalVisible).toBe(true);
          // The batch query, plus at most the table lookups and no per-transaction query.
          expect(adapter.stats().queries - before).toBeLessThanOrEqual(1);
        } finally {
          await adapter.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 25 },
    );
  }, 240_000);
});
