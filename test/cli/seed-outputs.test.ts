import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bitcoinLib } from '../../src/core/bitcoin-network.js';
import { decodeBlock } from '../../src/adapters/bitcoin/block.js';
import { TraceReportSchema, type TraceReport } from '../../src/core/schema.js';
import { EXIT } from '../../src/cli/io.js';
import { EsploraIndex, loadEarlyRawBlocks, startEsploraServer, type EsploraServer, type ServedBlock } from '../support/esplora-server.js';
import type { TestServer } from '../support/http-test-server.js';
import { startCoreServer } from '../adapters/bitcoin-core/core-server.js';
import { cli } from '../support/cli.js';

const bitcoin = bitcoinLib();

// The first peel chain on Bitcoin (real mainnet blocks 170–248): Satoshi pays Hal Finney 10 BTC in block 170 and
// keeps 40 BTC as change (output 1), then peels payments off that change: 181, 182, 183, 248.
const SLOW = 120_000;
const HAL = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';
const L181 = 'a16f3ce4dd5deb92d98ef5cf8afeaf0775ebca408f708b2146c4fb42b41e14be';
const L182 = '591e91f809d716912ca1d4a9295e70c3e78bab077683f79350f101da64588073';
const L183 = '12b5633bad1f9c167d523ad1aa1947b2732a865bf5414eab2f9e5ae5d5c191ba';
const L248 = '828ef3b079f9c23829c56fe86e85b4a69d9e06e5b54ea597eef5fb3ffef509fe';
const USER = 'investigator';
const PASSWORD = 'correct-horse-battery-staple';

let index: EsploraIndex;
let esplora: EsploraServer;
let core: TestServer;

beforeAll(async () => {
  const rawHex = new Map<string, string>();
  const blocks: ServedBlock[] = loadEarlyRawBlocks().map((raw, i) => {
    for (const tx of bitcoin.Block.fromBuffer(Buffer.from(raw)).transactions ?? []) rawHex.set(tx.getId(), tx.toHex());
    const b = decodeBlock(raw, 'bitcoin');
    return { height: i + 1, hash: b.hash, time: b.time, transactions: b.transactions };
  });
  index = new EsploraIndex('bitcoin', blocks);
  esplora = await startEsploraServer(index);
  core = await startCoreServer(index, rawHex, { user: USER, password: PASSWORD });
}, SLOW);

afterAll(async () => {
  await Promise.all([esplora?.close(), core?.close()]);
});

const ENV = { BITCOIN_RPC_USER: USER, BITCOIN_RPC_PASSWORD: PASSWORD };

async function traceJson(source: string, seeds: string[], extra: string[] = []): Promise<TraceReport> {
  const run = await cli(
    ['trace', '--chain', 'bitcoin', '--source', source, ...seeds.flatMap((s) => ['--seed', s]), '--no-cache', '--quiet', '--format', 'json', ...extra],
    ENV,
  );
  if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`);
  return TraceReportSchema.parse(JSON.parse(run.stdout));
}

const ends = (r: TraceReport) =>
  r.endpoints
    .map((e) => ({ kind: e.kind, address: e.address, amount: e.amount, hops: e.hops, path: e.path }))
    .sort((a, b) => a.path.length - b.path.length || (a.address < b.address ? -1 : 1));

/**
 * An independent walk over the served blocks (not the engine): every output reached from `txid:n` by following
 * spenders, each tx of the chain having one fully tainted input and no fee, so each unspent output ends a branch
 * with its own value, its hop and the txids from the seed.
 */
function walk(txid: string, n: number, maxHops: number) {
  const out: { kind: string; address: string; amount: string; hops: number; path: string[] }[] = [];
  const visit = (t: string, v: number, hop: number, path: string[]) => {
    const o = index.txs.get(t)!.tx.outputs[v]!;
    const spend = index.spenders.get(`${t}:${v}`);
    // The limit is checked first: an output at the limit is not looked up, spent or not.
    if (hop >= maxHops) return out.push({ kind: 'hop-limit', address: o.address, amount: o.value.toString(), hops: hop, path });
    if (!spend) return out.push({ kind: 'unspent', address: o.address, amount: o.value.toString(), hops: hop, path });
    const next = index.txs.get(spend.txid)!.tx;
    expect(next.inputs).toHaveLength(1);
    next.outputs.forEach((_, i) => visit(spend.txid, i, hop + 1, [...path, spend.txid]));
  };
  visit(txid, n, 0, [txid]);
  return out.sort((a, b) => a.path.length - b.path.length || (a.address < b.address ? -1 : 1));
}

describe('--seed TX:N on Bitcoin: one output of a real transaction', () => {
  it('through Esplora, seeds the 40 BTC change of block 170 alone and follows only its spend down the peel chain', { timeout: SLOW }, async () => {
    const report = await traceJson(`esplora:${esplora.url}`, [`${HAL}:1`]);
    const change = index.txs.get(HAL)!.tx.outputs[1]!;
    expect(report.seeds).toEqual([expect.objectContaining({ kind: 'tx', tx: HAL, address: change.address, amount: '4000000000' })]);
    // Hal's 10 BTC (output 0) is not seeded: nothing ends at his address.
    const hal = index.txs.get(HAL)!.tx.outputs[0]!.address;
    expect(report.endpoints.some((e) => e.address === hal)).toBe(false);
    expect(ends(report)).toEqual([
      { kind: 'unspent', address: index.txs.get(L181)!.tx.outputs[0]!.address, amount: '1000000000', hops: 1, path: [HAL, L181] },
      expect.objectContaining({ kind: 'unspent', amount: '100000000', hops: 3, path: [HAL, L181, L182, expect.any(String)] }),
      expect.objectContaining({ kind: 'unspent', amount: '100000000', hops: 4, path: [HAL, L181, L182, L183, expect.any(String)] }),
      { kind: 'unspent', address: change.address, amount: '1800000000', hops: 4, path: [HAL, L181, L182, L183, L248] },
      { kind: 'unspent', address: index.txs.get(L248)!.tx.outputs[0]!.address, amount: '1000000000', hops: 4, path: [HAL, L181, L182, L183, L248] },
    ]);
    expect(report.conservation).toEqual([expect.objectContaining({ seeded: '4000000000', endpoints: '4000000000', balanced: true })]);
  });

  it('agrees with an independent walk of the blocks for every output of every link, at any hop limit', { timeout: SLOW }, async () => {
    const outpoints = [HAL, L181, L182, L183, L248].flatMap((t) => index.txs.get(t)!.tx.outputs.map((_, n) => [t, n] as const));
    for (const [i, [txid, n]] of outpoints.entries()) {
      const hops = i % 4; // 0 to 3: the limit cuts the chain at every depth
      const report = await traceJson(`esplora:${esplora.url}`, [`${txid}:${n}`], ['--hops', String(hops)]);
      const expected = walk(txid, n, hops);
      expect(ends(report)).toEqual(expected);
      expect(report.seeds.map((s) => s.amount)).toEqual([index.txs.get(txid)!.tx.outputs[n]!.value.toString()]);
      for (const e of report.endpoints.filter((x) => x.kind === 'hop-limit')) {
        expect(e.reason).toBe(`hop limit ${hops} reached: re-run with --hops ${hops + 1} (maxHops: ${hops + 1}) to follow it further`);
      }
    }
  });

  it('without :N seeds the payment (what did not go back to the payer), with :1 the change', { timeout: SLOW }, async () => {
    const payment = await traceJson(`esplora:${esplora.url}`, [HAL], ['--hops', '0']);
    expect(payment.seeds.map((s) => [s.address, s.amount])).toEqual([[index.txs.get(HAL)!.tx.outputs[0]!.address, '1000000000']]);
    const both = await traceJson(`esplora:${esplora.url}`, [`${HAL}:0`, `${HAL}:1`], ['--hops', '0']);
    expect(both.seeds.map((s) => s.amount).sort()).toEqual(['1000000000', '4000000000']);
  });

  it('through Bitcoin Core, seeds the same output and ends it where Core cannot name the spender', { timeout: SLOW }, async () => {
    const report = await traceJson(`bitcoin-core:${core.url}`, [`${HAL}:1`]);
    const change = index.txs.get(HAL)!.tx.outputs[1]!;
    expect(report.seeds).toEqual([expect.objectContaining({ kind: 'tx', tx: HAL, address: change.address, amount: '4000000000' })]);
    expect(report.endpoints.map((e) => ({ kind: e.kind, reason: e.reason, address: e.address, amount: e.amount, path: e.path }))).toEqual([
      { kind: 'unspent', reason: 'spent, but the source cannot tell by which transaction', address: change.address, amount: '4000000000', path: [HAL] },
    ]);
    // The last change of the chain is still unspent at the served tip: Core's gettxout says so.
    const last = await traceJson(`bitcoin-core:${core.url}`, [`${L248}:1`]);
    expect(last.endpoints.map((e) => [e.kind, e.reason, e.address, e.amount, e.path])).toEqual([
      ['unspent', 'output not spent at the end of the trace', change.address, '1800000000', [L248]],
    ]);
  });

  it('refuses an output the transaction does not have, listing the outputs it has', { timeout: SLOW }, async () => {
    for (const source of [`esplora:${esplora.url}`, `bitcoin-core:${core.url}`]) {
      const run = await cli(['trace', '--chain', 'bitcoin', '--source', source, '--seed', `${HAL}:2`, '--no-cache', '--quiet'], ENV);
      expect(run.code).toBe(EXIT.invalidInput);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(`Seed ${HAL}:2 on bitcoin names no output of that transaction; it has 2 output(s): TX:0 10 BTC to `);
      expect(run.stderr).toContain('TX:1 40 BTC to script:');
    }
    const native = await cli(['trace', '--chain', 'bitcoin', '--source', `esplora:${esplora.url}`, '--seed', `${HAL}:native`, '--no-cache'], ENV);
    expect(native.code).toBe(EXIT.invalidInput);
    expect(native.stderr).toMatch(/"native" after the colon is not the output index \(vout, from 0\)/);
  });
});
