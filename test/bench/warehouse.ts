import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { createDuckDbWarehouse } from '../../src/adapters/warehouse/duckdb.js';
import { createWarehouseAdapter } from '../../src/adapters/warehouse/adapter.js';
import type { ChainAdapter, TransferQuery } from '../../src/adapters/adapter.js';
import { trace } from '../../src/engine/trace.js';

/**
 * Warehouse benchmark: a generated blockchain-etl `token_transfers` Parquet of 20 M rows (DuckDB SQL writes it),
 * and a trace whose frontier is 10,000 addresses wide for 6 hops through the DuckDB adapter (one query per hop).
 *
 * The world: a collector receives one USDT payment and splits it to 10,000 mules; each mule forwards to its own
 * next mule, 6 layers deep. Around them, ~20 M unrelated transfers among 1 M other addresses (and other tokens).
 */
const FRONTIER = 10_000;
const HOPS = 6;
const ROWS = Number(process.env.CHAINTRAIL_BENCH_WAREHOUSE_ROWS ?? 20_000_000);
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const T0 = 1_700_000_000;
const address = (id: number) => `0x${id.toString(16).padStart(40, '0')}`;

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chaintrail-bench-wh-'));
  try {
    // 1. Generate the table with DuckDB itself.
    let start = performance.now();
    // A memory cap keeps the generator's footprint out of the trace's peak RSS figure.
    const db = await DuckDBInstance.create(':memory:', { memory_limit: '1GB', preserve_insertion_order: 'false' });
    const c = await db.connect();
    const traced = 1 + FRONTIER * HOPS; // victim -> collector, collector -> L1 (10k), L1 -> L2 … L5 -> L6
    const noise = Math.max(0, ROWS - traced);
    // ids: 1 victim, 2 collector, layer h mule i = 1_000 + h * FRONTIER + i; noise among 10_000_000 + [0, 1 M).
    await c.run(`
      COPY (
        SELECT * FROM (
          SELECT '${USDT}' AS token_address, printf('0x%040x', 1) AS from_address, printf('0x%040x', 2) AS to_address,
                 CAST(${BigInt(FRONTIER) * 1_000_000n} AS VARCHAR) AS value, printf('0x%064x', 1) AS transaction_hash, 0::BIGINT AS log_index,
                 18000000::BIGINT AS block_number, to_timestamp(${T0}) AS block_timestamp
          UNION ALL
          SELECT '${USDT}', printf('0x%040x', CASE WHEN h = 1 THEN 2 ELSE 1000 + (h - 1) * ${FRONTIER} + i END),
                 printf('0x%040x', 1000 + h * ${FRONTIER} + i), '1000000', printf('0x%064x', 2 + h * ${FRONTIER} + i), 0::BIGINT,
                 (18000000 + h * 100 + i // 1000)::BIGINT, to_timestamp(${T0} + h * 3600 + i // 1000 * 12)
          FROM range(1, ${HOPS + 1}) AS hh(h), range(${FRONTIER}) AS ii(i)
          UNION ALL
          SELECT CASE WHEN n % 4 = 0 THEN '${USDT}' ELSE printf('0x%040x', 900 + n % 7) END,
                 printf('0x%040x', 10000000 + hash(n) % 1000000), printf('0x%040x', 10000000 + hash(n + 1) % 1000000),
                 CAST(1 + hash(n + 2) % 1000000000000 AS VARCHAR), printf('0x%064x', 1000000000 + n), (n % 5)::BIGINT,
                 (18000000 + n // ${Math.ceil(ROWS / 900)})::BIGINT, to_timestamp(${T0} + n // ${Math.ceil(ROWS / 10_800)})
          FROM range(${noise}) AS nn(n)
        )
      ) TO '${join(dir, 'token_transfers.parquet')}' (FORMAT PARQUET, COMPRESSION ZSTD)`);
    c.closeSync();
    db.closeSync();
    const genMs = performance.now() - start;
    const size = statSync(join(dir, 'token_transfers.parquet')).size;
    console.log(`warehouse generate: ${(traced + noise).toLocaleString('en')} token_transfers rows, ${(size / 2 ** 20).toFixed(0)} MiB Parquet in ${(genMs / 1000).toFixed(1)} s`);

    // Noise shares the trace's time window (3 hours from the seed): no row group can be skipped on time alone.
    const rssBefore = process.resourceUsage().maxRSS;
    // 2. Trace through the DuckDB adapter, timing each query (wall clock and this process's CPU time).
    const inner = createWarehouseAdapter({ engine: createDuckDbWarehouse({ dir }), chain: 'ethereum', maxAddressesPerCall: FRONTIER });
    const calls: { addresses: number; ms: number; cpuMs: number; rows: number }[] = [];
    const timed: ChainAdapter = {
      ...inner,
      capabilities: inner.capabilities,
      async getTransfers(q: TransferQuery) {
        const t = performance.now();
        const cpu = process.cpuUsage();
        const result = await inner.getTransfers(q);
        const used = process.cpuUsage(cpu);
        calls.push({ addresses: q.addresses.length, ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, rows: result.transfers.length });
        return result;
      },
    };
    start = performance.now();
    const { report } = await trace({
      seeds: [{ chain: 'ethereum', address: address(2) }],
      adapters: [timed],
      maxHops: HOPS,
      maxNodes: FRONTIER * HOPS + 10,
      maxDegree: FRONTIER * 2,
    });
    const traceMs = performance.now() - start;
    await inner.close();
    const hopLimit = report.endpoints.filter((e) => e.kind === 'hop-limit');
    if (hopLimit.length !== FRONTIER) throw new Error(`expected ${FRONTIER} hop-limit endpoints, got ${hopLimit.length}`);
    if (!report.conservation.every((x) => x.balanced)) throw new Error('conservation does not balance');
    const tableRows = traced + noise;
    const queryMs = calls.reduce((s, x) => s + x.ms, 0);
    const cores = Math.min(availableParallelism(), 2);
    calls.forEach((x, i) =>
      console.log(
        `warehouse duckdb query ${i}: ${x.addresses.toLocaleString('en')} addresses, ${x.rows.toLocaleString('en')} movements in ${x.ms.toFixed(0)} ms ` +
          `(${x.cpuMs.toFixed(0)} ms CPU) = ${((tableRows / x.ms) * 1000 / 1e6).toFixed(1)} M rows scanned/s wall, ${((tableRows / x.cpuMs) * 1000 * cores / 1e6).toFixed(1)} M rows/s on ${cores} cores by CPU time`,
      ),
    );
    const hopCalls = calls.filter((x) => x.addresses >= FRONTIER);
    console.log(
      `warehouse duckdb trace: ${report.stats.rounds} rounds, ${report.stats.addressesExpanded.toLocaleString('en')} addresses expanded, ${calls.length} queries ` +
        `(${hopCalls.length} with a ${FRONTIER.toLocaleString('en')}-address frontier, ${(hopCalls.reduce((s, x) => s + x.ms, 0) / Math.max(1, hopCalls.length)).toFixed(0)} ms each), ` +
        `${(traceMs / 1000).toFixed(1)} s total (${(queryMs / 1000).toFixed(1)} s in queries), ${((tableRows * calls.length) / (queryMs / 1000) / 1e6).toFixed(1)} M rows scanned/s overall`,
    );
    const rss = process.resourceUsage().maxRSS;
    console.log(`warehouse peak RSS: ${(rss / 1024).toFixed(0)} MiB (${rss > rssBefore ? 'reached during the trace' : `reached while generating; ${(rssBefore / 1024).toFixed(0)} MiB before the trace`}); load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
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
