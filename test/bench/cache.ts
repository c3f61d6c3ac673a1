/**
 * Cold vs cached re-run of the same trace (goal: the cached run ≥ 50× faster). The source is the local
 * Etherscan-compatible test server with 40 ms added to every answer and the adapter's own rate limit for
 * Etherscan's free tier (3 requests/s): what an investigator with a free key waits for. A loopback server
 * without either would understate what the cache saves.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEtherscanAdapter } from '../../src/adapters/etherscan/adapter.js';
import { cacheKey, createResponseCache } from '../../src/cache/store.js';
import { trace } from '../../src/trace/trace.js';
import { reportToJson } from '../../src/report/json.js';
import { startEtherscanServer, type Row } from '../support/etherscan-server.js';
import { evmAddress, timeOf, tokenRow } from '../support/etherscan-data.js';

const LATENCY_MS = 40;

export async function run(): Promise<void> {
  const rows: Row[] = [];
  let n = 1;
  rows.push(tokenRow(n++, 10, evmAddress(1), evmAddress(2), '10000000000000'));
  for (let i = 0; i < 12; i++) {
    rows.push(tokenRow(n++, 20 + i, evmAddress(2), evmAddress(100 + i), '400000000000'));
    for (let j = 0; j < 8; j++) rows.push(tokenRow(n++, 100 + i * 10 + j, evmAddress(100 + i), evmAddress(10_000 + i * 100 + j), '40000000000'));
  }
  const server = await startEtherscanServer({
    data: { tokentx: rows, blocks: Array.from({ length: 400 }, (_, b) => ({ number: b, timestamp: timeOf(b) })) },
    apiKey: 'bench',
    override: () => undefined,
  });
  const slow = server.url;
  const dir = mkdtempSync(join(tmpdir(), 'bench-cache-'));
  const cachePath = join(dir, 'cache.db');
  const seeds = [{ chain: 'ethereum', address: evmAddress(2), from: timeOf(0), to: timeOf(399) }];
  // Latency is added by a tiny delay in front of every request (the adapter's fetch hook).
  const delayedFetch: typeof fetch = async (input, init) => {
    await new Promise((r) => setTimeout(r, LATENCY_MS));
    return fetch(input, init);
  };
  const once = async () => {
    const cache = createResponseCache({ path: cachePath });
    const adapter = createEtherscanAdapter({ chain: 'ethereum', apiKey: 'bench', baseUrl: `${slow}/v2/api`, concurrency: 4, cache, fetch: delayedFetch });
    const started = performance.now();
    const { report, run: figures } = await trace({ seeds, adapters: [adapter] });
    const ms = performance.now() - started;
    cache.close();
    return { ms, report: reportToJson(report), figures, rss: process.memoryUsage().rss };
  };
  const cold = await once();
  await once(); // the first cached run also warms the JIT; the figure is the next one
  const warm = await once();
  await server.close();
  const same = cold.report === warm.report;
  console.log(
    `trace: ${cold.figures.requests} requests to an Etherscan-compatible source (${LATENCY_MS} ms latency, free-tier limit 3 requests/s), ${rows.length} transfers`,
  );
  console.log(`cold run:   ${cold.ms.toFixed(0).padStart(7)} ms  (${cold.figures.requests} network requests)`);
  console.log(
    `cached run: ${warm.ms.toFixed(0).padStart(7)} ms  (${warm.figures.cacheHits} answers from the cache, ${warm.figures.requests} network requests)`,
  );
  console.log(
    `speed-up: ${(cold.ms / warm.ms).toFixed(1)}x (goal >= 50x); reports identical: ${same}; cache file ${(statSync(cachePath).size / 1024).toFixed(0)} KiB; peak RSS ${(warm.rss / 2 ** 20).toFixed(0)} MiB`,
  );
  answerLog(dir);
}

/**
 * The answer log at 100,000 answers: how long storing them takes (one write each), the file's size, and how long
 * opening it (reading the index) and then reading every answer back take. Bodies are JSON-RPC-like answers of
 * 200 B to 4 KiB (receipts, log pages, block headers), random hex so nothing compresses by accident.
 */
function answerLog(dir: string): void {
  const ANSWERS = 100_000;
  const path = join(dir, 'answers-100k.log');
  const bodies = Array.from({ length: 1_000 }, (_, i) =>
    JSON.stringify({ jsonrpc: '2.0', id: 1, result: { data: randomBytes(100 + ((i * 37) % 1_950)).toString('hex') } }),
  );
  const key = (i: number) => cacheKey('bench', String(i));
  let started = performance.now();
  const writer = createResponseCache({ path });
  let bytes = 0;
  for (let i = 0; i < ANSWERS; i++) {
    const body = bodies[i % bodies.length]!;
    bytes += body.length;
    writer.set(key(i), body, { final: i % 2 === 0 });
  }
  writer.close();
  const writeMs = performance.now() - started;
  const rssBefore = process.memoryUsage().rss;
  started = performance.now();
  const reader = createResponseCache({ path });
  const openMs = performance.now() - started;
  const rssOpen = process.memoryUsage().rss;
  started = performance.now();
  let found = 0;
  for (let i = 0; i < ANSWERS; i++) if (reader.get(key(i), { anyAge: true })) found++;
  const readMs = performance.now() - started;
  reader.close();
  console.log(
    `answer log, ${ANSWERS.toLocaleString('en')} answers (${(bytes / 2 ** 20).toFixed(0)} MiB of bodies): stored in ${(writeMs / 1000).toFixed(1)} s (${((writeMs * 1000) / ANSWERS).toFixed(0)} µs each), file ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB`,
  );
  console.log(
    `  open (index of ${ANSWERS.toLocaleString('en')} answers): ${openMs.toFixed(0)} ms, index memory ~${((rssOpen - rssBefore) / 2 ** 20).toFixed(0)} MiB; every answer read back: ${(readMs / 1000).toFixed(1)} s (${((readMs * 1000) / ANSWERS).toFixed(0)} µs each, ${found} found, each checked against its SHA-256)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
