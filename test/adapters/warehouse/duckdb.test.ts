import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbWarehouse } from '../../../src/adapters/warehouse/duckdb.js';
import { buildTransfersQuery } from '../../../src/adapters/warehouse/query.js';

const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const T0 = 1_700_000_000;
const ROWS = 10_000;
const address = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
const tmp = mkdtempSync(join(tmpdir(), 'chaintrail-wh-duckdb-'));

/** token_transfers of one block every 12 s, in time order, 1,000 rows per row group; the time column typed as given. */
async function writeTable(dir: string, time: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(
    `COPY (SELECT '${USDT}' AS token_address, printf('0x%040x', n % 50) AS from_address, printf('0x%040x', n % 70) AS to_address, ` +
      `CAST(n AS VARCHAR) AS value, printf('0x%064x', n) AS transaction_hash, 0::BIGINT AS log_index, n::BIGINT AS block_number, ` +
      `${time.replace('$t', `(${T0} + n * 12)`)} AS block_timestamp FROM range(${ROWS}) AS r(n) ORDER BY n) ` +
      `TO '${join(dir, 'token_transfers.parquet')}' (FORMAT PARQUET, ROW_GROUP_SIZE 1000)`,
  );
  c.closeSync();
  db.closeSync();
}

beforeAll(async () => {
  await writeTable(join(tmp, 'timestamptz'), 'to_timestamp($t)');
  await writeTable(join(tmp, 'seconds'), '$t');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const spec = {
  addresses: [address(1)],
  direction: 'both' as const,
  fromTime: T0 + 12 * 9_000,
  toTime: T0 + 12 * 9_500,
  contracts: [USDT],
  native: false,
  internal: false,
  tokenTxIndex: false,
  maxPerAddress: 1_000,
};
// Rows 9,000..9,500 sent from 0x…01 (n % 50 = 1) or to it (n % 70 = 1).
const expected = Array.from({ length: 501 }, (_, i) => 9_000 + i)
  .filter((n) => n % 50 === 1 || n % 70 === 1)
  .map((n) => `0x${n.toString(16).padStart(64, '0')}`);

describe('DuckDB over Parquet: the time window reaches the Parquet reader', () => {
  it('filters a UTC timestamp column inside the Parquet scan (row groups outside the window are skipped by their statistics)', async () => {
    const wh = createDuckDbWarehouse({ dir: join(tmp, 'timestamptz') });
    try {
      // The view is ready: the query reads the filter columns first, then the rest of the matched rows (two scans).
      expect(await wh.hasTable('token_transfers')).toBe(true);
      const query = buildTransfersQuery(wh.dialect, spec);
      const scans = await parquetScans(wh, query);
      expect(scans).toHaveLength(2);
      for (const scan of scans) {
        expect(scan.Filters).toMatch(/block_timestamp>='2023-11-16 04:13:20\+00'::TIMESTAMP WITH TIME ZONE AND block_timestamp<='2023-11-16 05:53:20\+00'/);
      }
      const rows = await wh.query(query);
      expect(rows.map((r) => r.transaction_hash).sort()).toEqual(expected);
      expect(rows.every((r) => Number(r.block_time) >= spec.fromTime && Number(r.block_time) <= spec.toTime)).toBe(true);
    } finally {
      await wh.close();
    }
  });

  it('gives the same movements when block_timestamp is stored as unix seconds', async () => {
    const wh = createDuckDbWarehouse({ dir: join(tmp, 'seconds') });
    try {
      const rows = await wh.query(buildTransfersQuery(wh.dialect, spec));
      expect(rows.map((r) => r.transaction_hash).sort()).toEqual(expected);
      expect(rows.find((r) => r.transaction_hash === expected[0])?.block_time).toBe(String(T0 + 12 * 9_001));
    } finally {
      await wh.close();
    }
  });
});

type Scan = { Function?: string; Filters?: string; Projections?: string | string[] };
/** The Parquet scans of a query's plan. */
async function parquetScans(wh: ReturnType<typeof createDuckDbWarehouse>, query: ReturnType<typeof buildTransfersQuery>): Promise<Scan[]> {
  const [explained] = await wh.query({ ...query, textRows: false, sql: `EXPLAIN (FORMAT json) ${query.sql}` });
  type Node = { name: string; children?: Node[]; extra_info?: Scan };
  const nodes = (JSON.parse(String(explained!.explain_value)) as Node[]).flatMap(function all(n: Node): Node[] {
    return [n, ...(n.children ?? []).flatMap(all)];
  });
  return nodes.flatMap((n) => (n.extra_info?.Function === 'READ_PARQUET' ? [n.extra_info] : []));
}

describe('DuckDB over Parquet: late materialization', () => {
  // A table in three files whose row numbers repeat (0..999 in each): a row is located by file and row number.
  const parts = join(tmp, 'parts');
  beforeAll(async () => {
    mkdirSync(join(parts, 'token_transfers'), { recursive: true });
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    for (const part of [0, 1, 2]) {
      await c.run(
        `COPY (SELECT CASE WHEN n % 3 = 0 THEN '${USDT}' ELSE printf('0x%040x', 900 + n % 3) END AS token_address, printf('0x%040x', n % 50) AS from_address, ` +
          `printf('0x%040x', n % 70) AS to_address, CAST(n * 1000000000000 AS VARCHAR) AS value, printf('0x%064x', n) AS transaction_hash, (n % 4)::BIGINT AS log_index, ` +
          `(n // 10)::BIGINT AS block_number, to_timestamp(${T0} + n // 10 * 12) AS block_timestamp FROM range(${part * 1000}, ${part * 1000 + 1000}) AS r(n) ORDER BY n) ` +
          `TO '${join(parts, 'token_transfers', `part-${part}.parquet`)}' (FORMAT PARQUET, ROW_GROUP_SIZE 100)`,
      );
    }
    c.closeSync();
    db.closeSync();
  });

  const ask = {
    addresses: [address(1), address(2), address(3)],
    direction: 'both' as const,
    fromTime: T0,
    toTime: T0 + 12 * 250,
    contracts: [USDT],
    native: false,
    internal: false,
    tokenTxIndex: false,
  };
  const rowsOf = async (late: boolean, spec: Parameters<typeof buildTransfersQuery>[1]) => {
    const wh = createDuckDbWarehouse({ dir: parts, lateMaterialization: late });
    try {
      await wh.hasTable('token_transfers');
      const query = buildTransfersQuery(wh.dialect, spec);
      return { rows: await wh.query(query), scans: await parquetScans(wh, query) };
    } finally {
      await wh.close();
    }
  };

  it('reads the hashes and amounts of the matched rows only, with the same answer as one pass', async () => {
    for (const spec of [
      ask,
      { ...ask, direction: 'out' as const },
      { ...ask, maxPerAddress: 5 },
      (({ contracts: _c, fromTime: _f, toTime: _t, ...open }) => open)(ask),
    ]) {
      const late = await rowsOf(true, spec);
      const once = await rowsOf(false, spec);
      const key = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();
      expect(key(late.rows)).toEqual(key(once.rows));
      expect(late.rows.length).toBeGreaterThan(0);
      expect(once.scans).toHaveLength(1);
      expect(late.scans).toHaveLength(2);
      // The first scan reads what the filters name; hashes and amounts come from the second, for the matched rows.
      const projections = late.scans.map((s) => [s.Projections ?? []].flat());
      expect(projections.filter((p) => p.includes('transaction_hash'))).toHaveLength(1);
      expect(projections.find((p) => p.includes('transaction_hash'))).not.toContain('from_address');
    }
    // Expected rows, by hand: USDT rows (n % 3 = 0) of blocks 0..250 to or from 0x…01–0x…03.
    const { rows } = await rowsOf(true, ask);
    const expected = Array.from({ length: 2_510 }, (_, n) => n).filter((n) => n % 3 === 0 && ([1, 2, 3].includes(n % 50) || [1, 2, 3].includes(n % 70)));
    expect(rows.map((r) => r.transaction_hash).sort()).toEqual(expected.map((n) => `0x${n.toString(16).padStart(64, '0')}`).sort());
    expect(rows.find((r) => r.transaction_hash === `0x${(2_051).toString(16).padStart(64, '0')}`)).toBeUndefined();
    const row = rows.find((r) => r.transaction_hash === `0x${(2_103).toString(16).padStart(64, '0')}`)!;
    expect([row.from_address, row.to_address, row.value, row.log_index, row.block_number, row.block_time]).toEqual([
      address(3),
      address(2_103 % 70),
      '2103000000000000',
      '3',
      '210',
      String(T0 + 210 * 12),
    ]);
  });
});

describe('DuckDB: text amounts', () => {
  it('reads a padded text value (CSV) as its digits: trimmed in the query output, not in every scanned row', async () => {
    const dir = join(tmp, 'csv');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'token_transfers.csv'),
      'token_address,from_address,to_address,value,transaction_hash,log_index,block_number,block_timestamp\n' +
        `${USDT},${address(1)},${address(2)}, 7056176614974947328 ,0x${'ab'.repeat(32)},3,18000000,${T0}\n` +
        `${USDT},${address(3)},${address(4)},5,0x${'cd'.repeat(32)},0,18000000,${T0}\n`,
    );
    const wh = createDuckDbWarehouse({ dir });
    try {
      const rows = await wh.query(buildTransfersQuery(wh.dialect, { ...spec, addresses: [address(2)], fromTime: T0, toTime: T0 }));
      expect(rows.map((r) => [r.from_address, r.value, r.block_time])).toEqual([[address(1), '7056176614974947328', String(T0)]]);
    } finally {
      await wh.close();
    }
  });
});

describe('DuckDB: handing rows over to JavaScript', () => {
  it('brings every row of a large answer across, in JSON parts of at most 50,000 rows, with values intact', async () => {
    const dir = join(tmp, 'large');
    mkdirSync(dir, { recursive: true });
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    // 120,001 movements into 0x…01: three JSON parts. Values past 2^64 and quotes in no field are carried exactly.
    await c.run(
      `COPY (SELECT '${USDT}' AS token_address, printf('0x%040x', 100 + n) AS from_address, '${address(1)}' AS to_address, ` +
        `CAST(CAST(n AS HUGEINT) * 1000000000000000000000 AS VARCHAR) AS value, printf('0x%064x', n) AS transaction_hash, (n % 7)::BIGINT AS log_index, ` +
        `(n // 10)::BIGINT AS block_number, to_timestamp(${T0} + n) AS block_timestamp FROM range(120001) AS r(n)) TO '${join(dir, 'token_transfers.parquet')}' (FORMAT PARQUET)`,
    );
    c.closeSync();
    db.closeSync();
    const wh = createDuckDbWarehouse({ dir });
    try {
      const query = buildTransfersQuery(wh.dialect, { ...spec, addresses: [address(1)], fromTime: T0, toTime: T0 + 200_000, maxPerAddress: 200_000 });
      expect(query.textRows).toBe(true);
      const rows = await wh.query(query);
      expect(rows).toHaveLength(120_001);
      const byHash = new Map(rows.map((r) => [r.transaction_hash, r]));
      expect(byHash.size).toBe(120_001);
      const last = byHash.get(`0x${(120_000).toString(16).padStart(64, '0')}`)!;
      expect(last).toMatchObject({
        kind: 'token',
        from_address: `0x${(100 + 120_000).toString(16).padStart(40, '0')}`,
        value: '120000000000000000000000000',
        log_index: String(120_000 % 7),
        block_number: '12000',
        block_time: String(T0 + 120_000),
      });
      expect(wh.stats().rowsReturned).toBe(120_001);
    } finally {
      await wh.close();
    }
  });
});
