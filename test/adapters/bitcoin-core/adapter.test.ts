import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bitcoinLib } from '../../../src/core/bitcoin-network.js';
import { createBitcoinCoreAdapter } from '../../../src/adapters/bitcoin-core/adapter.js';
import { btcToSats } from '../../../src/adapters/bitcoin-core/map.js';
import { createEsploraAdapter } from '../../../src/adapters/esplora/adapter.js';
import { ChaintrailError } from '../../../src/core/errors.js';
import {
  BITCOIN_REFERENCE,
  EsploraIndex,
  REAL_BLOCKS,
  loadEarlyRawBlocks,
  startEsploraServer,
  type EsploraServer,
  type ServedBlock,
} from '../../support/esplora-server.js';
import type { TestServer } from '../../support/http-test-server.js';
import { createVirtualClock } from '../../support/virtual-clock.js';
import { decodeBlock } from '../../../src/adapters/bitcoin/block.js';
import { startCoreServer } from './core-server.js';

const bitcoin = bitcoinLib();

const SLOW = 120_000;
const HAL = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';
const USER = 'investigator';
const PASSWORD = 'correct-horse-battery-staple';

let index: EsploraIndex;
const rawHex = new Map<string, string>();
let core: TestServer;
let noIndex: TestServer;
let esplora: EsploraServer;

beforeAll(async () => {
  const raws = [
    ...loadEarlyRawBlocks().map((raw, i) => ({ raw, height: i + 1 })),
    { raw: readFileSync(BITCOIN_REFERENCE + REAL_BLOCKS[540107].file), height: 540107 },
  ];
  const blocks: ServedBlock[] = raws.map(({ raw, height }) => {
    for (const tx of bitcoin.Block.fromBuffer(raw).transactions ?? []) rawHex.set(tx.getId(), tx.toHex());
    const b = decodeBlock(raw, 'bitcoin');
    return { height, hash: b.hash, time: b.time, transactions: b.transactions };
  });
  index = new EsploraIndex('bitcoin', blocks);
  core = await startCoreServer(index, rawHex, { user: USER, password: PASSWORD });
  noIndex = await startCoreServer(index, rawHex, { user: USER, password: PASSWORD, txindex: false });
  esplora = await startEsploraServer(index);
}, SLOW);

afterAll(async () => {
  await Promise.all([core?.close(), noIndex?.close(), esplora?.close()]);
});

const adapter = (over: Partial<Parameters<typeof createBitcoinCoreAdapter>[0]> = {}) =>
  createBitcoinCoreAdapter({ url: core.url, user: USER, password: PASSWORD, retries: 0, env: {}, ...over });

describe('Bitcoin Core adapter', () => {
  it('reads a transaction with its prevouts (getrawtransaction verbosity 2) and its block height', async () => {
    const tx = await adapter().getUtxoTransaction('bitcoin', HAL);
    expect(tx).toMatchObject({ txid: HAL, block: 170, time: 1231731025, fee: 0n });
    expect(tx.inputs).toEqual([
      {
        prevTx: '0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9',
        vout: 0,
        address: expect.stringMatching(/^script:/),
        value: 5_000_000_000n,
      },
    ]);
    expect(tx.outputs.map((o) => o.value)).toEqual([1_000_000_000n, 4_000_000_000n]);
    const body = JSON.parse(core.requests.find((r) => r.body.includes(HAL))!.body) as { method: string; params: unknown[] };
    expect(body).toMatchObject({ method: 'getrawtransaction', params: [HAL, 2] });
  });

  it('agrees with the Esplora adapter on every transaction of block 540107', { timeout: SLOW }, async () => {
    const a = adapter({ concurrency: 8 });
    const e = createEsploraAdapter({ url: esplora.url, retries: 0, concurrency: 8 });
    const txids = [...index.txs.values()].filter((x) => x.block.height === 540107).map((x) => x.tx.txid);
    expect(txids).toHaveLength(230);
    for (const txid of txids) {
      const [fromCore, fromEsplora] = await Promise.all([a.getUtxoTransaction('bitcoin', txid), e.getUtxoTransaction('bitcoin', txid)]);
      const { outputs, ...rest } = fromEsplora;
      expect(fromCore).toEqual({ ...rest, outputs: outputs.map(({ spentBy: _, ...o }) => o) });
    }
  });

  it('knows spent from unspent through gettxout (one batched request) but not the spender', async () => {
    const a = adapter();
    const before = core.requests.length;
    expect(await a.getOutspends('bitcoin', HAL)).toEqual([{ spent: false }, { spent: true, txid: null, vin: null }]);
    expect(core.requests.length - before).toBe(2); // the transaction, then one batch for all outputs
    expect(JSON.parse(core.requests.at(-1)!.body)).toEqual([
      { jsonrpc: '1.0', id: expect.any(Number), method: 'gettxout', params: [HAL, 0, true] },
      { jsonrpc: '1.0', id: expect.any(Number), method: 'gettxout', params: [HAL, 1, true] },
    ]);
  });

  it('says clearly that the node needs -txindex', async () => {
    const a = adapter({ url: noIndex.url });
    const error = await a.getUtxoTransaction('bitcoin', HAL).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChaintrailError);
    expect(error).toMatchObject({ code: 'ADAPTER_ERROR', details: { reason: 'txindex-missing', rpcCode: -5 } });
    expect((error as ChaintrailError).shortMessage).toMatch(/-txindex=1/);
  });

  it('reports an unknown transaction as not found and a bad txid as invalid input', async () => {
    await expect(adapter().getUtxoTransaction('bitcoin', 'cd'.repeat(32))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      shortMessage: expect.stringMatching(/No such mempool or blockchain transaction/),
    });
    await expect(adapter().getUtxoTransaction('bitcoin', 'zz')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('takes credentials from the environment or the URL, and never prints them', async () => {
    const fromEnv = createBitcoinCoreAdapter({ url: core.url, retries: 0, env: { BITCOIN_RPC_USER: USER, BITCOIN_RPC_PASSWORD: PASSWORD } });
    expect(await fromEnv.getTipHeight()).toBe(540107);
    const inUrl = createBitcoinCoreAdapter({ url: core.url.replace('http://', `http://${USER}:${PASSWORD}@`), retries: 0, env: {} });
    expect(await inUrl.getTipHeight()).toBe(540107);
    expect(inUrl.endpoint).toBe(core.url);
    const wrong = createBitcoinCoreAdapter({ url: core.url.replace('http://', `http://${USER}:wrong-password-123@`), retries: 0, env: {} });
    const error = (await wrong.getUtxoTransaction('bitcoin', HAL).catch((e: unknown) => e)) as ChaintrailError;
    expect(error).toMatchObject({ code: 'ADAPTER_ERROR', shortMessage: expect.stringMatching(/BITCOIN_RPC_USER/) });
    const printed = JSON.stringify(error.toJSON()) + String(error.stack) + String(error.cause);
    expect(printed).not.toContain('wrong-password-123');
    expect(printed).not.toContain(Buffer.from(`${USER}:wrong-password-123`).toString('base64'));
  });

  it('waits while the node warms up (-28) and then answers', async () => {
    const warming = await startCoreServer(index, rawHex, { user: USER, password: PASSWORD, warmupCalls: 2 });
    try {
      const clock = createVirtualClock();
      const a = createBitcoinCoreAdapter({ url: warming.url, user: USER, password: PASSWORD, env: {}, clock, retries: 3 });
      expect(await a.getTipHeight()).toBe(540107);
      expect(clock.sleeps).toEqual([2_000, 2_000]);
    } finally {
      await warming.close();
    }
  });

  it('refuses address histories and account-style queries with a way forward', async () => {
    await expect(adapter().getAddressTransactions('bitcoin', ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      shortMessage: expect.stringMatching(/no address index.*esplora/i),
    });
    await expect(adapter().getTransfers({ chain: 'bitcoin', addresses: [], direction: 'in' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('converts Core BTC amounts to satoshis exactly', () => {
    expect(btcToSats(0.1)).toBe(10_000_000n);
    expect(btcToSats(20999999.9769)).toBe(2_099_999_997_690_000n);
    expect(btcToSats(0.00000001)).toBe(1n);
    expect(btcToSats(1.23456789)).toBe(123_456_789n);
  });
});
