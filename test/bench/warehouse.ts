import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { createDuckDbWarehouse } from '../../src/adapters/warehouse/duckdb.js';
import { createWarehouseAdapter } from '../../src/adapters/warehouse/adapter.js';
import type { ChainAdapter, TransferQuery } from '../../src/adapters/adapter.js';
import { trace } from '../../src/trace/trace.js';

/**
 * Warehouse benchmark: a generated blockchain-etl `token_transfers` Parquet of 20 M rows (DuckDB SQL writes it),
 * and a trace whose frontier is 10,000 addresses wide for 6 hops through the DuckDB adapter (one query per hop).
 *
 * The world: a collector receives one USDT payment and splits it to 10,000 mules; each mule forwards to its own
 * next mule, one layer an hour, 6 layers deep. Around them, ~20 M unrelated transfers among 1 M other addresses (and
 * other tokens), spread over the same 7 hours: the trace's window (from the seed on) covers every row, so no row
 * group can be skipped on time and every query reads the whole table.
 *
 * The file looks like a real export where it matters to a scan: addresses and transaction hashes are pseudo-random
 * hex as keccak output is (nothing a min/max statistic or a dictionary could exploit), rows are in block order as
 * blockchain-etl writes them, and the codec is Snappy (the Parquet default of DuckDB, Spark and BigQuery exports).
 */
const FRONTIER = 10_000;
const HOPS = 6;
const ROWS = Number(process.env.CHAINTRAIL_BENCH_WAREHOUSE_ROWS ?? 20_000_000);
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const T0 = 1_700_000_000;
const SPAN = (HOPS + 1) * 3600;
const load = () => loadavg()[0]!.toFixed(1);

export async function run(): Promise<void> {
  // Traced rows sit at the positions of their times (below): groups of 1,000 must not overlap.
  if (ROWS < 3_000_000) throw new Error('CHAINTRAIL_BENCH_WAREHOUSE_ROWS must be at least 3,000,000');
  const dir = mkdtempSync(join(tmpdir(), 'chaintrail-bench-wh-'));
  try {
    // 1. Generate the table with DuckDB itself.
    let start = performance.now();
    // A memory cap keeps the generator's footprint out of the trace's peak RSS figure.
    const db = await DuckDBInstance.create(':memory:', { memory_limit: '1GB' });
    const c = await db.connect();
    // Entity id -> a 40-hex-digit address / 64-hex-digit hash that looks random (ids: 1 victim, 2 collector, layer h
    // mule i = 1_000 + h * FRONTIER + i; noise among 10_000_000 + [0, 1 M)).
    await c.run(`CREATE MACRO addr(id) AS printf('0x%016x%016x%08x', hash(id), hash(id + 100000000000), hash(id + 200000000000) >> 32)`);
    await c.run(
      `CREATE MACRO txh(id) AS printf('0x%016x%016x%016x%016x', hash(-id), hash(-id - 100000000000), hash(-id - 200000000000), hash(-id - 300000000000))`,
    );
    // In time order without a sort: row n is at second n * SPAN / ROWS (a block every 12 s); traced rows replace the
    // noise at the positions of their times (victim -> collector at 0, layer h's mule i at hour h, 1,000 per block:
    // position (h * 3600 + i // 1000 * 12) * ROWS // SPAN + i % 1000 + 1). Each row finds its own traced entry by
    // arithmetic (the last block second s <= its time, a multiple of 12, and its offset from that block's first
    // position) rather than by a join, whose output order DuckDB does not keep: with a join, a few dozen traced rows
    // landed at the end of the file, out of time order, widening the statistics of the last row group.
    await c.run(`
      COPY (
        WITH block AS (
          SELECT n, s // 3600 AS h, (s % 3600) // 12 AS b, s * ${ROWS} // ${SPAN} AS base
          FROM (SELECT n, ((n * ${SPAN} - 1) // ${ROWS}) // 12 * 12 AS s FROM range(${ROWS}) AS r(n))
        ), layer AS (
          SELECT n, CASE WHEN n = 0 THEN 0 WHEN h BETWEEN 1 AND ${HOPS} AND b <= ${FRONTIER / 1000 - 1} AND n > base AND n <= base + 1000 THEN h END AS h,
                 b * 1000 + (n - base - 1) AS i
          FROM block
        ), t AS (
          SELECT n, h,
                 CASE WHEN h = 0 THEN 1 WHEN h = 1 THEN 2 WHEN h > 1 THEN 1000 + (h - 1) * ${FRONTIER} + i END AS src,
                 CASE WHEN h = 0 THEN 2 WHEN h >= 1 THEN 1000 + h * ${FRONTIER} + i END AS dst,
                 CASE WHEN h = 0 THEN '${BigInt(FRONTIER) * 1_000_000n}' WHEN h >= 1 THEN '1000000' END AS v
          FROM layer
        )
        SELECT CASE WHEN t.h IS NULL AND n % 4 <> 0 THEN addr(900 + n % 7) ELSE '${USDT}' END AS token_address,
               addr(COALESCE(t.src, 10000000 + hash(n) % 1000000)) AS from_address,
               addr(COALESCE(t.dst, 10000000 + hash(n + 1) % 1000000)) AS to_address,
               COALESCE(t.v, CAST(1 + hash(n + 2) % 1000000000000 AS VARCHAR)) AS value,
               txh(n) AS transaction_hash, CASE WHEN t.h IS NULL THEN n % 5 ELSE 0 END::BIGINT AS log_index,
               (18000000 + n * ${SPAN / 12} // ${ROWS})::BIGINT AS block_number, to_timestamp(${T0} + n * ${SPAN} // ${ROWS}) AS block_timestamp
        FROM t
      ) TO '${join(dir, 'token_transfers.parquet')}' (FORMAT PARQUET, COMPRESSION SNAPPY)`);
    const seed = String((await c.runAndReadAll('SELECT addr(2)')).getRowsJS()[0]![0]);
    // Layer 3's mules, for a windowed query after the trace.
    const layer3 = (await c.runAndReadAll(`SELECT addr(1000 + 3 * ${FRONTIER} + i) FROM range(${FRONTIER}) AS r(i)`)).getRowsJS().map((r) => String(r[0]));
    c.closeSync();
    db.closeSync();
    const genMs = performance.now() - start;
    const size = statSync(join(dir, 'token_transfers.parquet')).size;
    console.log(
      `warehouse generate: ${ROWS.toLocaleString('en')} token_transfers rows, ${(size / 2 ** 20).toFixed(0)} MiB Parquet in ${(genMs / 1000).toFixed(1)} s`,
    );

    const rssBefore = process.resourceUsage().maxRSS;
    // 2. Trace through the DuckDB adapter, timing each query (wall clock and this process's CPU time).
    const inner = createWarehouseAdapter({ engine: createDuckDbWarehouse({ dir }), chain: 'ethereum', maxAddressesPerCall: FRONTIER });
    const calls: { addresses: number; ms: number; cpuMs: number; sqlMs: number; rows: number; load: string }[] = [];
    const timed: ChainAdapter = {
      ...inner,
      capabilities: inner.capabilities,
      async getTransfers(q: TransferQuery) {
        const t = performance.now();
        const cpu = process.cpuUsage();
        const sql = inner.stats().queryMs;
        const result = await inner.getTransfers(q);
        const used = process.cpuUsage(cpu);
        const sqlMs = inner.stats().queryMs - sql;
        calls.push({
          addresses: q.addresses.length,
          ms: performance.now() - t,
          cpuMs: (used.user + used.system) / 1000,
          sqlMs,
          rows: result.transfers.length,
          load: load(),
        });
        return result;
      },
    };
    start = performance.now();
    const { report } = await trace({
      seeds: [{ chain: 'ethereum', address: seed }],
      adapters: [timed],
      maxHops: HOPS,
      maxNodes: FRONTIER * HOPS + 10,
      maxDegree: FRONTIER * 2,
    });
    const traceMs = performance.now() - start;
    const hopLimit = report.endpoints.filter((e) => e.kind === 'hop-limit');
    if (hopLimit.length !== FRONTIER) throw new Error(`expected ${FRONTIER} hop-limit endpoints, got ${hopLimit.length}`);
    if (!report.conservation.every((x) => x.balanced)) throw new Error('conservation does not balance');

    // rows scanned/s = rows of the table the query had to read (all of them: the window covers the whole table) per
    // second of the query's wall time; per CPU-second = the same rows per second of this process's CPU time (DuckDB's
    // threads included), which a loaded machine does not distort.
    const mps = (rows: number, ms: number) => ((rows / ms) * 1000) / 1e6;
    calls.forEach((x, i) =>
      console.log(
        `warehouse duckdb query ${i}: ${x.addresses.toLocaleString('en')} addresses, ${x.rows.toLocaleString('en')} movements in ${x.ms.toFixed(0)} ms ` +
          `(${x.cpuMs.toFixed(0)} ms CPU) = ${mps(ROWS, x.ms).toFixed(1)} M rows scanned/s wall, ${mps(ROWS, x.cpuMs).toFixed(1)} M rows per CPU-second; load average ${x.load}`,
      ),
    );
    const hopCalls = calls.filter((x) => x.addresses >= FRONTIER);
    const hopMs = hopCalls.reduce((s, x) => s + x.ms, 0);
    const hopCpu = hopCalls.reduce((s, x) => s + x.cpuMs, 0);
    const hopSql = hopCalls.reduce((s, x) => s + x.sqlMs, 0);
    const queryMs = calls.reduce((s, x) => s + x.ms, 0);
    console.log(
      `warehouse duckdb trace: ${report.stats.rounds} rounds, ${report.stats.addressesExpanded.toLocaleString('en')} addresses expanded, ${calls.length} queries (one per hop), ` +
        `${(traceMs / 1000).toFixed(1)} s total (${(queryMs / 1000).toFixed(1)} s in queries)`,
    );
    console.log(
      `warehouse duckdb ${FRONTIER.toLocaleString('en')}-address hops: ${hopCalls.length} queries, ${(hopMs / Math.max(1, hopCalls.length)).toFixed(0)} ms each ` +
        `(${(hopCpu / Math.max(1, hopCalls.length)).toFixed(0)} ms CPU) = ${mps(ROWS * hopCalls.length, hopMs).toFixed(1)} M rows scanned/s wall, ` +
        `${mps(ROWS * hopCalls.length, hopCpu).toFixed(1)} M rows per CPU-second; load average ${load()} on ${availableParallelism()} cores`,
    );
    // The query alone (DuckDB's scan and joins, and handing the rows to JavaScript) and what the adapter adds
    // (validating the rows and making movements of them).
    console.log(
      `warehouse duckdb ${FRONTIER.toLocaleString('en')}-address hops, the SQL query alone: ${(hopSql / Math.max(1, hopCalls.length)).toFixed(0)} ms each = ` +
        `${mps(ROWS * hopCalls.length, hopSql).toFixed(1)} M rows scanned/s wall; validation and mapping ${((hopMs - hopSql) / Math.max(1, hopCalls.length)).toFixed(0)} ms per hop`,
    );

    // 3. The same frontier query with a window of one hour: the rows are in time order, so the Parquet reader skips
    // the row groups outside the window by their block_timestamp statistics.
    const t = performance.now();
    const cpu = process.cpuUsage();
    const windowed = await inner.getTransfers({
      chain: 'ethereum',
      addresses: layer3,
      direction: 'both',
      fromTime: T0 + 3 * 3600,
      toTime: T0 + 4 * 3600 - 1,
      maxPerAddress: FRONTIER * 2,
    });
    const used = process.cpuUsage(cpu);
    const windowMs = performance.now() - t;
    if (windowed.transfers.length !== FRONTIER) throw new Error(`expected ${FRONTIER} movements in the window, got ${windowed.transfers.length}`);
    const inWindow = Math.round(ROWS / (HOPS + 1));
    console.log(
      `warehouse duckdb 1-hour window (1/${HOPS + 1} of the table): ${windowed.transfers.length.toLocaleString('en')} movements in ${windowMs.toFixed(0)} ms ` +
        `(${((used.user + used.system) / 1000).toFixed(0)} ms CPU) = ${mps(ROWS, windowMs).toFixed(1)} M table rows/s, ${mps(inWindow, windowMs).toFixed(1)} M in-window rows/s wall; load average ${load()}`,
    );
    await inner.close();
    const rss = process.resourceUsage().maxRSS;
    console.log(
      `warehouse peak RSS: ${(rss / 1024).toFixed(0)} MiB (${rss > rssBefore ? 'reached during the trace' : `reached while generating; ${(rssBefore / 1024).toFixed(0)} MiB before the trace`})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
