import { keccak256, toUtf8Bytes } from 'ethers';
import pLimit from 'p-limit';
import { pathToFileURL } from 'node:url';
import { createEvmRpcAdapter, type EvmRpcAdapter } from '../../src/adapters/evm-rpc/adapter.js';
import type { AssetRef } from '../../src/core/schema.js';
import { CHAIN, startLocalChain } from '../support/ganache.js';

/**
 * EVM RPC benchmark: a ganache world with a frontier of 2,000 addresses that received 20,000 USDT transfers
 * (written 500 per transaction with batchTransfer), fetched through the adapter the way the engine does it —
 * batched (topic OR-lists, JSON-RPC batches) versus one address per call (how most scripts work).
 */
const FRONTIER = 2_000;
const ROUNDS = 10; // transfers per frontier address
const PER_TX = 500;
/** Addresses the per-address mode is measured on (a full run would take about an hour on ganache). */
const SAMPLE = 50;
const RECURRING = new Set(['eth_getLogs', 'eth_blockNumber']);

export async function run(): Promise<void> {
  const chain = await startLocalChain({ actors: ['deployer'], balanceEth: 1_000n, blockSeconds: 12 });
  try {
    const frontier = Array.from({ length: FRONTIER }, (_, i) =>
      keccak256(toUtf8Bytes(`frontier-${i}`))
        .slice(0, 42)
        .toLowerCase(),
    );
    let start = performance.now();
    const usdt = await chain.deploy('deployer', 'TestToken', ['Tether USD', 'USDT', 6, 10n ** 18n]);
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < FRONTIER; i += PER_TX) {
        const to = frontier.slice(i, i + PER_TX);
        const values = to.map((_, j) => BigInt(1 + round * FRONTIER + i + j));
        const receipt = await chain.invoke('deployer', usdt, 'batchTransfer', [to, values], { gasLimit: 28_000_000n });
        if (receipt.status !== '0x1') throw new Error('batchTransfer failed');
      }
    }
    const transfers = FRONTIER * ROUNDS;
    console.log(
      `evm-rpc world: ${FRONTIER} frontier addresses, ${transfers} ERC-20 transfers in ${await chain.head()} blocks, built in ${(performance.now() - start).toFixed(0)} ms`,
    );

    const asset: AssetRef = { chain: CHAIN, kind: 'token', contract: usdt.address, symbol: 'USDT', decimals: 6 };
    // ganache answers eth_getLogs by decoding and filtering every log in the range (no index), so calls are slow.
    const timeoutMs = 900_000;
    const fetchAll = async (adapter: EvmRpcAdapter, addresses: string[]) => {
      // As the engine fetches a frontier: chunks of maxAddressesPerCall, 4 calls in flight, both directions.
      const size = adapter.capabilities.maxAddressesPerCall;
      const limit = pLimit(4);
      const chunks: string[][] = [];
      for (let i = 0; i < addresses.length; i += size) chunks.push(addresses.slice(i, i + size));
      const results = await Promise.all(
        chunks.map((list) => limit(() => adapter.getTransfers({ chain: CHAIN, addresses: list, direction: 'both', fromTime: 0, assets: [asset] }))),
      );
      return results.reduce((s, r) => s + r.transfers.length, 0);
    };

    const batchedAdapter = createEvmRpcAdapter({ url: chain.url, chain: CHAIN, timeoutMs });
    start = performance.now();
    const found = await fetchAll(batchedAdapter, frontier);
    const batched = { ...pick(batchedAdapter), ms: performance.now() - start };
    if (found !== transfers) throw new Error(`batched: found ${found} transfers, expected ${transfers}`);
    print('batched', batched, `all ${FRONTIER} addresses, ${found} transfers`, batchedAdapter.stats().byMethod);

    // One address per call costs the same for every address (each eth_getLogs scans the same blocks), so it is
    // measured on a sample and extrapolated: one warm-up address (chain id, block times), then the marginal cost.
    const singleAdapter = createEvmRpcAdapter({ url: chain.url, chain: CHAIN, batchSize: 1, rpcBatchSize: 1, timeoutMs });
    const sample = frontier.filter((_, i) => i % (FRONTIER / SAMPLE) === 0);
    start = performance.now();
    let sampled = await fetchAll(singleAdapter, sample.slice(0, 1));
    const warmMs = performance.now() - start;
    const warm = singleAdapter.stats().byMethod;
    sampled += await fetchAll(singleAdapter, sample.slice(1));
    const measuredMs = performance.now() - start;
    const measured = singleAdapter.stats().byMethod;
    if (sampled !== SAMPLE * ROUNDS) throw new Error(`per-address: found ${sampled} transfers, expected ${SAMPLE * ROUNDS}`);
    print('per-address', { ...pick(singleAdapter), ms: measuredMs }, `measured on ${SAMPLE} addresses, ${sampled} transfers`, measured);
    // eth_getLogs and eth_blockNumber recur for every address; chain id and block headers are cached and stop
    // growing once every block has been seen, so those count once, as many as the batched run needed at most.
    const byMethod = batchedAdapter.stats().byMethod;
    let calls = 0;
    for (const method of new Set([...Object.keys(measured), ...Object.keys(byMethod)])) {
      const m = measured[method] ?? 0;
      const w = warm[method] ?? 0;
      calls += RECURRING.has(method) ? w + ((m - w) / (SAMPLE - 1)) * (FRONTIER - 1) : Math.max(m, byMethod[method] ?? 0);
    }
    const single = { calls, http: calls, ms: warmMs + ((measuredMs - warmMs) / (SAMPLE - 1)) * (FRONTIER - 1) };
    print('per-address', single, `extrapolated to all ${FRONTIER} addresses`);
    console.log(
      `evm-rpc ratio: ${(single.calls / batched.calls).toFixed(1)}x fewer RPC calls, ${(single.http / batched.http).toFixed(1)}x fewer HTTP requests, ${(single.ms / batched.ms).toFixed(1)}x less time (goal: >= 20x calls, >= 10x time)`,
    );
  } finally {
    await chain.close();
  }
}

function pick(adapter: EvmRpcAdapter): { calls: number; http: number } {
  const s = adapter.stats();
  return { calls: s.calls, http: s.httpRequests };
}

function print(name: string, m: { calls: number; http: number; ms: number }, what: string, byMethod?: Record<string, number>): void {
  const n = (x: number) => String(Math.round(x)).padStart(7);
  console.log(
    `evm-rpc ${name.padEnd(12)} ${n(m.calls)} RPC calls in ${n(m.http)} HTTP requests, ${n(m.ms)} ms  (${what})${byMethod ? ` ${JSON.stringify(byMethod)}` : ''}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
