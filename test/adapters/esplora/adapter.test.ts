import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEsploraAdapter, type EsploraAdapter } from '../../../src/adapters/esplora/adapter.js';
import { isUtxoChainAdapter } from '../../../src/adapters/bitcoin/utxo-adapter.js';
import { detectPeelChain } from '../../../src/heuristics/utxo/peel-chain.js';
import { EsploraIndex, loadEarlyBlocks, loadRealBlock, startEsploraServer, type EsploraServer } from '../../support/esplora-server.js';
import { startTestServer, sendJson } from '../../support/http-test-server.js';

const SLOW = 120_000;
const HAL = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';
const BLOCK9_COINBASE = '0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9';
const BUSY = '17AehPoW89jyh7rxpVNymggYHhW2QufZWK';

let server: EsploraServer;
let adapter: EsploraAdapter;

beforeAll(async () => {
  const index = new EsploraIndex('bitcoin', [...loadEarlyBlocks(), loadRealBlock(413567), loadRealBlock(540107), loadRealBlock(574200)]);
  server = await startEsploraServer(index);
  adapter = createEsploraAdapter({ url: server.url, retries: 0 });
}, SLOW);

afterAll(async () => {
  await server?.close();
});

describe('Esplora adapter over real blocks', () => {
  it('is a UTXO adapter for bitcoin only', async () => {
    expect(isUtxoChainAdapter(adapter)).toBe(true);
    expect(adapter.supports('bitcoin')).toBe(true);
    expect(adapter.supports('btc')).toBe(true);
    expect(adapter.supports('ethereum')).toBe(false);
    expect(await adapter.getTipHeight()).toBe(574200);
  });

  it('returns a transaction with prevouts resolved inside the served blocks, the fee and who spent each output', { timeout: SLOW }, async () => {
    const { index } = server;
    // The first transaction of block 574200 that spends only outputs of the same block.
    const local = [...index.txs.values()].find(
      (e) => e.block.height === 574200 && !e.tx.coinbase && e.tx.inputs.every((i) => index.prevout(i.prevTx, i.vout)),
    )!;
    const tx = await adapter.getUtxoTransaction('bitcoin', local.tx.txid);
    expect(tx.unresolvedInputs).toBeUndefined();
    expect(tx.block).toBe(574200);
    expect(tx.time).toBe(1556771671);
    expect(tx.inputs.map((i) => [i.prevTx, i.vout, i.address, i.value])).toEqual(
      local.tx.inputs.map((i) => {
        const prev = index.prevout(i.prevTx, i.vout)!;
        return [i.prevTx, i.vout, prev.address, prev.value];
      }),
    );
    expect(tx.outputs.map((o) => [o.n, o.address, o.value])).toEqual(local.tx.outputs.map((o) => [o.n, o.address, o.value]));
    const inSum = tx.inputs.reduce((s, i) => s + i.value, 0n);
    expect(tx.fee).toBe(inSum - tx.outputs.reduce((s, o) => s + o.value, 0n));
    expect(tx.fee > 0n).toBe(true);
    tx.outputs.forEach((o) => expect(o.spentBy).toEqual(index.spenders.get(`${tx.txid}:${o.n}`)));
    const same = await adapter.getTransaction('bitcoin', local.tx.txid.toUpperCase());
    expect(same).toMatchObject({ chain: 'bitcoin', tx: local.tx.txid, transfers: [] });
    expect(same.utxo?.outputs).toEqual(tx.outputs);
  });

  it('says which prevouts it could not resolve instead of inventing values', { timeout: SLOW }, async () => {
    const { index } = server;
    const outside = [...index.txs.values()].find(
      (e) => e.block.height === 413567 && !e.tx.coinbase && e.tx.inputs.length >= 2 && e.tx.inputs.every((i) => !index.prevout(i.prevTx, i.vout)),
    )!;
    const tx = await adapter.getUtxoTransaction('bitcoin', outside.tx.txid);
    expect(tx.unresolvedInputs).toEqual(outside.tx.inputs.map((_, vin) => vin));
    expect(tx.inputs.every((i) => i.address === null && i.value === 0n)).toBe(true);
    expect(tx.fee).toBe(0n);
    expect(tx.outputs.reduce((s, o) => s + o.value, 0n) > 0n).toBe(true);
  });

  it('returns a coinbase with no inputs and no fee', async () => {
    const tx = await adapter.getUtxoTransaction('bitcoin', BLOCK9_COINBASE);
    expect(tx).toMatchObject({ coinbase: true, inputs: [], fee: 0n, block: 9 });
    expect(tx.outputs).toEqual([{ n: 0, address: expect.stringMatching(/^script:[0-9a-f]{40}$/), value: 5_000_000_000n, spentBy: { txid: HAL, vin: 0 } }]);
  });

  it('traces forward from the block 9 coinbase through outspends and recognizes the 2009 peel chain', { timeout: SLOW }, async () => {
    // Follow every spent output breadth-first, as the engine will.
    const seen = new Map<string, number>();
    let frontier = [BLOCK9_COINBASE];
    for (let hop = 0; frontier.length && hop < 10; hop++) {
      const next: string[] = [];
      for (const txid of frontier) {
        if (seen.has(txid)) continue;
        seen.set(txid, hop);
        const outspends = await adapter.getOutspends('bitcoin', txid);
        for (const o of outspends) if (o.spent && o.txid) next.push(o.txid);
      }
      frontier = next;
    }
    expect(seen.get(HAL)).toBe(1);
    expect(seen.get('a16f3ce4dd5deb92d98ef5cf8afeaf0775ebca408f708b2146c4fb42b41e14be')).toBe(2);
    expect(seen.get('828ef3b079f9c23829c56fe86e85b4a69d9e06e5b54ea597eef5fb3ffef509fe')).toBe(5);
    expect(seen.size).toBe(8);
    // The continuing (larger) output links 170 -> 181 -> 182 -> 183 -> 248: Satoshi peeling coins off.
    const links = [
      HAL,
      'a16f3ce4dd5deb92d98ef5cf8afeaf0775ebca408f708b2146c4fb42b41e14be',
      '591e91f809d716912ca1d4a9295e70c3e78bab077683f79350f101da64588073',
      '12b5633bad1f9c167d523ad1aa1947b2732a865bf5414eab2f9e5ae5d5c191ba',
      '828ef3b079f9c23829c56fe86e85b4a69d9e06e5b54ea597eef5fb3ffef509fe',
    ];
    const chain = detectPeelChain(await Promise.all(links.map((t) => adapter.getUtxoTransaction('bitcoin', t))));
    expect(chain.decision).toBe('peel-chain');
    expect(chain.branches.map((b) => b.value)).toEqual([1_000_000_000n, 1_000_000_000n, 100_000_000n, 100_000_000n, 1_000_000_000n]);
  });

  it('pages an address history 25 at a time, newest first, until the end', { timeout: SLOW }, async () => {
    const expected = server.index.history.get(BUSY)!;
    expect(expected.length).toBeGreaterThan(100);
    const before = server.requests.length;
    const r = await adapter.getAddressTransactions('bitcoin', [BUSY, BUSY]);
    expect(r.truncated).toEqual([]);
    expect(r.transactions.map((t) => t.txid).sort()).toEqual([...expected].sort());
    const pages = server.requests.slice(before).map((q) => q.path);
    expect(pages).toHaveLength(Math.floor(expected.length / 25) + 1);
    expect(pages[0]).toBe(`/address/${BUSY}/txs/chain`);
    const newest = server.index.newestFirst(BUSY);
    expect(pages[1]).toBe(`/address/${BUSY}/txs/chain/${newest[24]}`);
    // Every listed transaction involves the address.
    expect(r.transactions.every((t) => t.outputs.some((o) => o.address === BUSY) || t.inputs.some((i) => i.address === BUSY))).toBe(true);
  });

  it('cuts a long history at maxPerAddress and says so, and stops paging before the time window', { timeout: SLOW }, async () => {
    const cut = await adapter.getAddressTransactions('bitcoin', [BUSY], { maxPerAddress: 30 });
    expect(cut.truncated).toEqual([BUSY]);
    expect(cut.transactions).toHaveLength(30);
    const before = server.requests.length;
    const later = await adapter.getAddressTransactions('bitcoin', [BUSY], { fromTime: 1464307123 + 1 });
    expect(later.transactions).toEqual([]);
    expect(server.requests.length - before).toBe(1);
    const earlier = await adapter.getAddressTransactions('bitcoin', [BUSY], { toTime: 1464307123 - 1 });
    expect(earlier.transactions).toEqual([]);
  });

  it('turns plain-text errors into typed errors', async () => {
    await expect(adapter.getUtxoTransaction('bitcoin', 'ab'.repeat(32))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      shortMessage: expect.stringMatching(/Transaction not found/),
    });
    await expect(adapter.getUtxoTransaction('bitcoin', 'xyz')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(adapter.getAddressTransactions('bitcoin', ['not-an-address'])).rejects.toMatchObject({ code: 'INVALID_ADDRESS' });
    await expect(adapter.getAddressTransactions('bitcoin', [`script:${'0'.repeat(40)}`])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    // A testnet address is valid for a testnet adapter; this mainnet server answers 400 "Invalid Bitcoin address".
    const testnet = createEsploraAdapter({ url: server.url, chain: 'bitcoin-testnet', retries: 0 });
    await expect(testnet.getAddressTransactions('bitcoin-testnet', ['tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx'])).rejects.toMatchObject({
      code: 'INVALID_ADDRESS',
      shortMessage: expect.stringMatching(/Invalid Bitcoin address/),
    });
    await expect(adapter.getUtxoTransaction('bitcoin-testnet', HAL)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('refuses account-style transfer queries instead of answering an empty list', async () => {
    await expect(adapter.getTransfers({ chain: 'bitcoin', addresses: [BUSY], direction: 'both' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      shortMessage: expect.stringMatching(/UTXO queries/),
    });
  });
});

describe('Esplora adapter against a misbehaving server', () => {
  it('rejects an answer in the wrong shape and a transaction that pays out more than it spends', async () => {
    const bad = await startTestServer((req, res) => {
      if (req.path.endsWith('/outspends')) return sendJson(res, 200, [{ spent: false }]);
      if (req.path === `/tx/${HAL}`) return sendJson(res, 200, { txid: HAL, vin: 'nope' });
      return sendJson(res, 200, {
        txid: req.path.slice(4),
        vin: [{ txid: HAL, vout: 0, prevout: { scriptpubkey: `0014${'11'.repeat(20)}`, value: 10 }, is_coinbase: false }],
        vout: [{ scriptpubkey: `0014${'22'.repeat(20)}`, value: 11 }],
        status: { confirmed: false },
      });
    });
    try {
      const a = createEsploraAdapter({ url: bad.url, retries: 0 });
      await expect(a.getUtxoTransaction('bitcoin', HAL)).rejects.toMatchObject({ code: 'RESPONSE_SHAPE', shortMessage: expect.stringMatching(/vin/) });
      await expect(a.getUtxoTransaction('bitcoin', BLOCK9_COINBASE)).rejects.toMatchObject({
        code: 'RESPONSE_SHAPE',
        shortMessage: expect.stringMatching(/pays out more/),
      });
    } finally {
      await bad.close();
    }
  });

  it('validates its options', () => {
    expect(() => createEsploraAdapter({ url: 'ftp://example' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => createEsploraAdapter({ url: 'http://127.0.0.1:1', chain: 'ethereum' })).toThrow(/Bitcoin-family/);
  });
});
