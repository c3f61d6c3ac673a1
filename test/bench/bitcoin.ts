import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { decodeBlock } from '../../src/adapters/bitcoin/block.js';
import { createEsploraAdapter } from '../../src/adapters/esplora/adapter.js';
import { allocateUtxoTaint, utxoTaintArguments } from '../../src/taint/utxo.js';
import { detectCoinJoin } from '../../src/heuristics/utxo/coinjoin.js';
import { BITCOIN_REFERENCE, EsploraIndex, REAL_BLOCKS, loadEarlyRawBlocks, startEsploraServer, type ServedBlock } from '../support/esplora-server.js';

/**
 * Bitcoin benchmark: decode and index the real reference blocks (≈ 5,400 transactions) with bitcoinjs-lib, then
 * serve them from a local Esplora-compatible server and trace haircut taint forward through the Esplora adapter.
 */
export async function run(): Promise<void> {
  const raws: { height: number; raw: Uint8Array }[] = [
    ...loadEarlyRawBlocks().map((raw, i) => ({ height: i + 1, raw })),
    ...(Object.keys(REAL_BLOCKS).map(Number) as (keyof typeof REAL_BLOCKS)[]).map((height) => ({
      height,
      raw: readFileSync(BITCOIN_REFERENCE + REAL_BLOCKS[height].file),
    })),
  ];

  let start = performance.now();
  const blocks: ServedBlock[] = raws.map(({ height, raw }) => {
    const b = decodeBlock(raw, 'bitcoin');
    if (!b.merkleValid) throw new Error(`block ${height}: merkle root mismatch`);
    return { height, hash: b.hash, time: b.time, transactions: b.transactions };
  });
  const decodeMs = performance.now() - start;
  const txCount = blocks.reduce((s, b) => s + b.transactions.length, 0);
  const outputs = blocks.reduce((s, b) => s + b.transactions.reduce((t, tx) => t + tx.outputs.length, 0), 0);
  start = performance.now();
  const index = new EsploraIndex('bitcoin', blocks);
  const indexMs = performance.now() - start;
  console.log(
    `bitcoin decode: ${blocks.length} blocks, ${txCount} transactions, ${outputs} outputs in ${decodeMs.toFixed(0)} ms = ${Math.round(txCount / (decodeMs / 1000))} tx/s (txid + merkle check + addresses)`,
  );
  console.log(
    `bitcoin index: ${index.txs.size} transactions, ${index.history.size} addresses in ${indexMs.toFixed(0)} ms = ${Math.round(txCount / ((decodeMs + indexMs) / 1000))} tx/s decode+index`,
  );

  const server = await startEsploraServer(index);
  try {
    const adapter = createEsploraAdapter({ url: server.url, concurrency: 8, retries: 0 });
    // Seeds: every non-coinbase transaction of block 574200 whose outputs are spent inside the block, all outputs tainted.
    const seeds = [...index.txs.values()].filter(
      (e) => e.block.height === 574200 && !e.tx.coinbase && e.tx.outputs.some((_, n) => index.spenders.has(`${e.tx.txid}:${n}`)),
    );
    start = performance.now();
    const taint = new Map<string, bigint>();
    const visited = new Set<string>();
    let frontier = seeds.map((s) => s.tx.txid);
    for (const s of seeds) for (const o of s.tx.outputs) taint.set(`${s.tx.txid}:${o.n}`, o.value);
    let hops = 0;
    let coinjoins = 0;
    while (frontier.length && hops < 50) {
      const batch = frontier.filter((t) => !visited.has(t));
      batch.forEach((t) => visited.add(t));
      const spends = await Promise.all(batch.map((t) => adapter.getOutspends('bitcoin', t)));
      const next = new Set<string>();
      spends.forEach((list, i) => list.forEach((o, n) => o.spent && o.txid && (taint.get(`${batch[i]}:${n}`) ?? 0n) > 0n && next.add(o.txid)));
      const txs = await Promise.all([...next].filter((t) => !visited.has(t)).map((t) => adapter.getUtxoTransaction('bitcoin', t)));
      for (const tx of txs) {
        if (detectCoinJoin(tx).decision === 'coinjoin') coinjoins++;
        const args = utxoTaintArguments(tx, (vin) => taint.get(`${tx.inputs[vin]!.prevTx}:${tx.inputs[vin]!.vout}`) ?? 0n);
        allocateUtxoTaint('haircut', args.inputs, args.outputs, args.fee).outputs.forEach((t, n) => taint.set(`${tx.txid}:${n}`, t));
      }
      frontier = txs.map((t) => t.txid);
      hops++;
    }
    const traceMs = performance.now() - start;
    const requests = adapter.stats().requests;
    console.log(
      `bitcoin trace (Esplora adapter, local server): ${seeds.length} seeds, ${visited.size} transactions over ${hops} hops, ${coinjoins} CoinJoin(s), ${requests} requests in ${traceMs.toFixed(0)} ms = ${Math.round(requests / (traceMs / 1000))} req/s`,
    );
  } finally {
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
