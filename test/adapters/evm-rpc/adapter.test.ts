import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvmRpcAdapter } from '../../../src/adapters/evm-rpc/adapter.js';
import { createResponseCache } from '../../../src/cache/store.js';
import { AdapterError, InvalidInputError, NotFoundError, ResponseShapeError, TraceAbortedError } from '../../../src/core/errors.js';
import type { AccountTransfer } from '../../../src/core/movement.js';
import type { AssetRef } from '../../../src/core/schema.js';
import { CHAIN } from '../../support/ganache.js';
import { ETH, USDT } from '../../support/ganache-world.js';
import { sharedWorld } from '../../support/shared.js';
import type { SharedWorld } from '../../support/services.js';
import { startRpcProxy } from '../../support/rpc-proxy.js';

let w: SharedWorld<'small'>;
let proxy: Awaited<ReturnType<typeof startRpcProxy>>;
let usdtAsset: AssetRef;
const native: AssetRef = { chain: CHAIN, kind: 'native', symbol: 'ETH', decimals: 18 };

const view = (t: AccountTransfer) => `${t.type} ${t.from}->${t.to} ${t.amount} ${t.asset.symbol}`;
const fresh = (n: number) => Array.from({ length: n }, (_, i) => `0x${(0xabc000 + i).toString(16).padStart(40, '0')}`);

beforeAll(async () => {
  w = await sharedWorld('small');
  proxy = await startRpcProxy({ target: w.chain.url });
  usdtAsset = { chain: CHAIN, kind: 'token', contract: w.usdt.address, symbol: 'USDT', decimals: 6 };
}, 120_000);

afterAll(async () => {
  await proxy?.close();
});

describe('createEvmRpcAdapter on a real ganache node', { timeout: 60_000 }, () => {
  it('fetches the ERC-20 transfers of a whole frontier with one eth_getLogs per direction', async () => {
    proxy.reset();
    const adapter = createEvmRpcAdapter({ url: proxy.url, chain: CHAIN });
    const addresses = [w.a.alice, w.a.bob, w.a.carol, ...fresh(300)];
    const { transfers, truncated } = await adapter.getTransfers({ chain: CHAIN, addresses, direction: 'both', assets: [usdtAsset] });
    expect(truncated).toEqual([]);
    expect(transfers.map(view)).toEqual([
      `token ${w.a.deployer}->${w.a.alice} ${1_000n * USDT} USDT`,
      `token ${w.a.alice}->${w.a.bob} ${300n * USDT} USDT`,
      `token ${w.a.alice}->${w.a.carol} ${200n * USDT} USDT`,
      `token ${w.a.bob}->${w.a.carol} ${50n * USDT} USDT`,
      `token ${w.a.alice}->${w.a.lookalike} 0 USDT`,
    ]);
    expect(proxy.count('eth_getLogs')).toBe(2);
    // The same question asked per address costs one call per address and direction, for the same answer.
    proxy.reset();
    const single = createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, batchSize: 1 });
    const again = await single.getTransfers({ chain: CHAIN, addresses, direction: 'both', assets: [usdtAsset] });
    expect(again.transfers).toEqual(transfers);
    expect(proxy.count('eth_getLogs')).toBe(2 * addresses.length);
  });

  it('takes an eth_getLogs answer of any size: a node without a result cap answers 150,000 logs at once', async () => {
    // The real Transfer log alice -> bob, given 150,000 times under distinct log indexes (more items than V8 lets one
    // call take as arguments: a list appended with push(...items) would end the read with a RangeError).
    const request = { jsonrpc: '2.0', id: 1, method: 'eth_getLogs', params: [{ fromBlock: '0x0', toBlock: 'latest', address: w.usdt.address }] };
    const answer = (await (
      await fetch(w.chain.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) })
    ).json()) as {
      result: { topics: string[]; logIndex: string }[];
    };
    const log = answer.result.find((l) => l.topics[2]?.endsWith(w.a.bob.slice(2)))!;
    const logs = Array.from({ length: 150_000 }, (_, i) => ({ ...log, logIndex: `0x${i.toString(16)}` }));
    const uncapped = await startRpcProxy({ target: w.chain.url, intercept: (call) => (call.method === 'eth_getLogs' ? { result: logs } : undefined) });
    try {
      const adapter = createEvmRpcAdapter({ url: uncapped.url, chain: CHAIN });
      const { transfers, truncated } = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.bob], direction: 'in', assets: [usdtAsset] });
      expect(truncated).toEqual([]);
      expect(transfers).toHaveLength(150_000);
      expect(new Set(transfers.map((t) => t.logIndex)).size).toBe(150_000);
      expect(transfers.every((t) => t.from === w.a.alice && t.to === w.a.bob && t.amount === 300n * USDT)).toBe(true);
    } finally {
      await uncapped.close();
    }
  });

  it('fetches a token it was not told the metadata of (tokens) with the symbol and decimals the contract answers, and no native value', async () => {
    const adapter = createEvmRpcAdapter({ url: w.chain.url, chain: CHAIN });
    const { transfers } = await adapter.getTransfers({
      chain: CHAIN,
      addresses: [w.a.carol],
      direction: 'in',
      assets: [],
      tokens: [w.usdt.address.toUpperCase().replace('0X', '0x')],
    });
    expect(transfers.map(view)).toEqual([`token ${w.a.alice}->${w.a.carol} ${200n * USDT} USDT`, `token ${w.a.bob}->${w.a.carol} ${50n * USDT} USDT`]);
    expect(transfers[0]!.asset).toEqual(usdtAsset);
  });

  it('fills block, tx position, log index and block time from the node', async () => {
    const adapter = createEvmRpcAdapter({ url: w.chain.url, chain: CHAIN });
    const { transfers } = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.bob], direction: 'in', assets: [usdtAsset] });
    expect(transfers).toHaveLength(1);
    const t = transfers[0]!;
    expect(t.tx).toBe(w.tx.aliceBob!.transactionHash);
    expect(t.block).toBe(Number(w.tx.aliceBob!.blockNumber));
    expect(t.txIndex).toBe(0);
    expect(t.logIndex).toBe(Number(w.tx.aliceBob!.logs[0]!.logIndex));
    expect(t.time).toBe(await w.chain.blockTime(t.block));
    expect(t.asset).toEqual(usdtAsset);
  });

  it('returns every Transfer-shaped event and native value when no assets are given, reading token metadata once', async () => {
    proxy.reset();
    const adapter = createEvmRpcAdapter({ url: proxy.url, chain: CHAIN });
    const { transfers } = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.alice], direction: 'both' });
    const fee = BigInt(w.tx.ethAliceBob!.gasUsed) * BigInt(w.tx.ethAliceBob!.effectiveGasPrice);
    expect(transfers.map(view)).toEqual([
      `token ${w.a.deployer}->${w.a.alice} ${1_000n * USDT} USDT`,
      `token ${w.a.alice}->${w.a.bob} ${300n * USDT} USDT`,
      `token ${w.a.alice}->${w.a.carol} ${200n * USDT} USDT`,
      `token ${w.a.alice}->${w.a.lookalike} 0 USDT`,
      `token ${w.a.alice}->${w.a.lookalike} ${1_000n * USDT} USDT`,
      `token ${w.a.alice}->${w.a.bob} 5 B32`,
      `token ${w.a.bob}->${w.a.alice} 7 ?`,
      `native ${w.a.alice}->${w.a.bob} ${ETH} ETH`,
    ]);
    const spoofed = transfers.find((t) => t.tx === w.tx.spoof!.transactionHash)!;
    expect(spoofed.asset).toEqual({ chain: CHAIN, kind: 'token', contract: w.fake.address, symbol: 'USDT', decimals: 6 });
    expect(transfers.find((t) => t.asset.symbol === 'B32')!.asset.decimals).toBe(4);
    expect(transfers.find((t) => t.type === 'native')).toMatchObject({ logIndex: -1, fee, tx: w.tx.ethAliceBob!.transactionHash });
    expect(adapter.notes(CHAIN).join(' ')).toContain(w.nometa.address);
    const metadataCalls = proxy.count('eth_call');
    expect(metadataCalls).toBe(2 * 4); // symbol() and decimals() of four contracts
    await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.alice, w.a.bob], direction: 'both' });
    expect(proxy.count('eth_call')).toBe(metadataCalls);
  });

  it('maps a time window to exactly the blocks inside it', async () => {
    const adapter = createEvmRpcAdapter({ url: w.chain.url, chain: CHAIN });
    const first = Number(w.tx.aliceCarol!.blockNumber);
    const last = Number(w.tx.poison!.blockNumber);
    // From one second after the block before aliceCarol to the exact time of the poisoning block.
    const fromTime = (await w.chain.blockTime(first - 1)) + 1;
    const toTime = await w.chain.blockTime(last);
    const { transfers } = await adapter.getTransfers({
      chain: CHAIN,
      addresses: [w.a.alice, w.a.bob, w.a.carol],
      direction: 'both',
      fromTime,
      toTime,
      assets: [usdtAsset],
    });
    expect(transfers.map((t) => t.tx)).toEqual([w.tx.aliceCarol!.transactionHash, w.tx.bobCarol!.transactionHash, w.tx.poison!.transactionHash]);
    for (const t of transfers) expect(t.time >= fromTime && t.time <= toTime).toBe(true);
    const future = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.alice], direction: 'both', fromTime: toTime + 10 ** 8 });
    expect(future.transfers).toEqual([]);
  });

  it('names an address with more movements than maxPerAddress in truncated and keeps only complete lists', async () => {
    const adapter = createEvmRpcAdapter({ url: w.chain.url, chain: CHAIN });
    const { transfers, truncated } = await adapter.getTransfers({
      chain: CHAIN,
      addresses: [w.a.alice, w.a.lookalike],
      direction: 'both',
      assets: [usdtAsset],
      maxPerAddress: 2,
    });
    expect(truncated).toEqual([w.a.alice]);
    expect(transfers.map(view)).toEqual([`token ${w.a.alice}->${w.a.lookalike} 0 USDT`]);
  });

  it('stops asking for an address once it paid more than maxPayees different addresses, returning what shows it', async () => {
    // Alice pays bob, then carol, then (a poisoning transferFrom) the look-alike: past one payee at carol.
    proxy.reset();
    const adapter = createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, maxBlockRange: 1 });
    const query = { chain: CHAIN, addresses: [w.a.alice, w.a.bob], direction: 'both' as const, assets: [usdtAsset], maxPerAddress: 100 };
    const hub = await adapter.getTransfers({ ...query, maxPayees: 1 });
    expect(hub.truncated).toEqual([w.a.alice]);
    const paid = hub.transfers.filter((t) => t.from === w.a.alice).map((t) => t.to);
    expect(paid).toEqual([w.a.bob, w.a.carol]);
    // Bob paid one address: his list is whole.
    expect(hub.transfers.map(view)).toContain(`token ${w.a.bob}->${w.a.carol} ${50n * USDT} USDT`);
    const whole = await adapter.getTransfers({ ...query, maxPayees: 3 });
    expect(whole.truncated).toEqual([]);
    expect(whole.transfers.filter((t) => t.from === w.a.alice).map((t) => t.to)).toEqual([w.a.bob, w.a.carol, w.a.lookalike]);
  });

  it('stops asking for a hub on its in side too once its out side showed it past maxPayees', async () => {
    proxy.reset();
    const adapter = createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, maxBlockRange: 1 });
    const query = { chain: CHAIN, addresses: [w.a.alice], direction: 'both' as const, assets: [usdtAsset], maxPerAddress: 100 };
    const topic = `0x${w.a.alice.slice(2).padStart(64, '0')}`;
    // The blocks of the in-direction token scan that asked for alice (topic 2), by block number.
    const inBlocks = () =>
      proxy.calls
        .filter((c) => c.method === 'eth_getLogs')
        .map((c) => c.params[0] as { fromBlock: string; topics: (string[] | null)[] })
        .filter((f) => f.topics[2]?.includes(topic))
        .map((f) => Number(f.fromBlock));
    const hub = await adapter.getTransfers({ ...query, maxPayees: 1 });
    expect(hub.truncated).toEqual([w.a.alice]);
    const cutAt = Number(w.tx.aliceCarol!.blockNumber);
    const asked = inBlocks();
    proxy.reset();
    await adapter.getTransfers({ ...query, maxPayees: 3 });
    const whole = inBlocks();
    // Read whole, the in side is asked up to the last block; cut, not past the block the out side showed the hub in
    // (the two scans run side by side, so the in side may be a block or two ahead when the cut comes).
    expect(Math.max(...whole)).toBeGreaterThan(cutAt + 2);
    expect(Math.max(...asked)).toBeLessThanOrEqual(cutAt + 2);
    expect(asked.length).toBeLessThan(whole.length);
  });

  it('resolves a token seed transaction from its receipt logs', async () => {
    const adapter = createEvmRpcAdapter({ url: w.chain.url, chain: CHAIN });
    const result = await adapter.getTransaction(CHAIN, w.tx.aliceBob!.transactionHash.toUpperCase().replace('0X', '0x'));
    expect(result.tx).toBe(w.tx.aliceBob!.transactionHash);
    expect(result.transfers.map(view)).toEqual([`token ${w.a.alice}->${w.a.bob} ${300n * USDT} USDT`]);
  });

  it('reads every log a transaction emitted from its receipt, in log order, with one receipt call', async () => {
    const adapter = createEvmRpcAdapter({ url: w.chain.url, chain: CHAIN });
    const r = w.tx.aliceBob!;
    const logs = await adapter.getTransactionLogs(CHAIN, r.transactionHash);
    expect(logs).toEqual([
      {
        address: w.usdt.address,
        topics: [
          '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef',
          `0x${w.a.alice.slice(2).padStart(64, '0')}`,
          `0x${w.a.bob.slice(2).padStart(64, '0')}`,
        ],
        data: `0x${(300n * USDT).toString(16).padStart(64, '0')}`,
        logIndex: 0,
        transactionHash: r.transactionHash,
        blockNumber: Number(r.blockNumber),
      },
    ]);
    const before = adapter.stats().requests;
    await adapter.getTransactionLogs(CHAIN, r.transactionHash.toUpperCase().replace('0X', '0x'));
    expect(adapter.stats().requests).toBe(before);
    // A native payment emits nothing; an unknown hash is NotFoundError, a malformed one InvalidInputError.
    expect(await adapter.getTransactionLogs(CHAIN, w.tx.ethBobCarol!.transactionHash)).toEqual([]);
    await expect(adapter.getTransactionLogs(CHAIN, `0x${'ab'.repeat(32)}`)).rejects.toBeInstanceOf(NotFoundError);
    await expect(adapter.getTransactionLogs(CHAIN, '0x1234')).rejects.toBeInstanceOf(InvalidInputError);
    await expect(adapter.getTransactionLogs('ethereum', r.transactionHash)).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('resolves a native seed transaction with the fee the sender paid', async () => {
    const adapter = createEvmRpcAdapter({ url: w.chain.url, chain: CHAIN });
    const r = w.tx.ethBobCarol!;
    const { transfers } = await adapter.getTransaction(CHAIN, r.transactionHash);
    expect(transfers).toEqual([
      {
        chain: CHAIN,
        type: 'native',
        from: w.a.bob,
        to: w.a.carol,
        asset: native,
        amount: ETH / 2n,
        tx: r.transactionHash,
        logIndex: -1,
        block: Number(r.blockNumber),
        txIndex: 0,
        time: await w.chain.blockTime(Number(r.blockNumber)),
        fee: BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice),
      },
    ]);
  });

  it('reports an unknown transaction as NotFoundError and a reverted one as moving nothing', async () => {
    const adapter = createEvmRpcAdapter({ url: w.chain.url, chain: CHAIN });
    await expect(adapter.getTransaction(CHAIN, `0x${'ab'.repeat(32)}`)).rejects.toBeInstanceOf(NotFoundError);
    expect((await adapter.getTransaction(CHAIN, w.tx.reverted!.transactionHash)).transfers).toEqual([]);
    await expect(adapter.getTransaction(CHAIN, '0x1234')).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('without trace_filter scans blocks for native value and says internal transfers were not visible', async () => {
    proxy.reset();
    const adapter = createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, rpcBatchSize: 5 });
    const { transfers } = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.carol, w.a.dave], direction: 'both', assets: [native] });
    // dave -> forwarder is visible; forwarder -> carol (internal) is not; the reverted 3 ETH moved nothing.
    expect(transfers.map(view)).toEqual([`native ${w.a.dave}->${w.forwarder.address} ${2n * ETH} ETH`, `native ${w.a.bob}->${w.a.carol} ${ETH / 2n} ETH`]);
    expect(adapter.capabilities.internalTransfers).toBe(false);
    expect(adapter.notes(CHAIN).join(' ')).toMatch(/internal transfers .* not visible/);
    expect(proxy.count('trace_filter')).toBe(1); // probed once
    const head = await w.chain.head();
    expect(proxy.count('eth_getBlockByNumber')).toBeGreaterThanOrEqual(head + 1);
    // Scanned blocks are indexed: asking again costs no block fetch.
    const before = proxy.count('eth_getBlockByNumber');
    await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.alice], direction: 'out', assets: [native] });
    expect(proxy.count('eth_getBlockByNumber')).toBe(before);
    expect(proxy.count('trace_filter')).toBe(1);
  });

  it('bounds the block scan with blockScanLimit and says which blocks were seen', async () => {
    const adapter = createEvmRpcAdapter({ url: w.chain.url, chain: CHAIN, blockScanLimit: 3 });
    const { transfers } = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.alice, w.a.bob], direction: 'both', assets: [native] });
    expect(transfers).toEqual([]);
    expect(adapter.notes(CHAIN).join(' ')).toContain('blocks 0–2 only (blockScanLimit 3)');
  });

  it('answers a repeated query from the shared answer cache and lists the answers it relied on as evidence', async () => {
    const cache = createResponseCache({ path: ':memory:' });
    try {
      proxy.reset();
      const query = { chain: CHAIN, addresses: [w.a.alice, w.a.bob], direction: 'both' as const, assets: [usdtAsset, native] };
      const first = createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, cache });
      const mark = first.evidenceMark!();
      const expected = await first.getTransfers(query);
      const evidence = first.evidence!(mark);
      expect(evidence.map((e) => e.request).some((r) => r.startsWith(`POST ${proxy.url}`) && r.includes('"eth_getLogs"'))).toBe(true);
      expect(evidence.every((e) => /^[0-9a-f]{64}$/.test(e.sha256))).toBe(true);
      const sent = proxy.calls.length;
      const second = createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, cache });
      expect(await second.getTransfers(query)).toEqual(expected);
      // Only what must be asked live went out again: the chain id and the head.
      expect(
        proxy.calls
          .slice(sent)
          .map((c) => c.method)
          .sort(),
      ).toEqual(['eth_blockNumber', 'eth_blockNumber', 'eth_chainId']);
      expect(second.stats().cacheHits).toBeGreaterThan(0);
    } finally {
      cache.close();
    }
  });

  it('keeps working when the endpoint refuses JSON-RPC batches', async () => {
    const refusing = await startRpcProxy({ target: w.chain.url, refuseBatches: true });
    try {
      const adapter = createEvmRpcAdapter({ url: refusing.url, chain: CHAIN });
      const { transfers } = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.bob], direction: 'both' });
      expect(transfers.map(view)).toContain(`token ${w.a.alice}->${w.a.bob} ${300n * USDT} USDT`);
      expect(transfers.map(view)).toContain(`native ${w.a.alice}->${w.a.bob} ${ETH} ETH`);
    } finally {
      await refusing.close();
    }
  });
});

describe('createEvmRpcAdapter errors', { timeout: 60_000 }, () => {
  it('refuses a node that serves another chain than the one asked', async () => {
    const adapter = createEvmRpcAdapter({ url: w.chain.url, chain: 'ethereum' });
    const error = await adapter.getTransfers({ chain: 'ethereum', addresses: [w.a.alice], direction: 'in' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).shortMessage).toMatch(/says chainId 1337 but chain ethereum \(chainId 1\) was asked/);
  });

  it('names an unreachable node without printing the key in its URL', async () => {
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const secret = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const adapter = createEvmRpcAdapter({ url: `http://127.0.0.1:${port}/v3/${secret}?apikey=${secret}`, chain: CHAIN, retries: 0 });
    const error = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.alice], direction: 'in' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    const text = JSON.stringify({ message: (error as AdapterError).message, details: (error as AdapterError).details });
    expect(text).toContain(`127.0.0.1:${port}`);
    expect(text).toContain('ECONNREFUSED');
    expect(text).not.toContain(secret);
    expect(adapter.endpoint).toBe(`http://127.0.0.1:${port}/v3/***?apikey=***`);
  });

  it('gives up on a node that does not answer in time, with a typed error', async () => {
    const { createServer } = await import('node:http');
    // One server never answers; the other sends headers and then stalls in the body.
    const silent = createServer(() => undefined);
    const stalling = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"jsonrpc":"2.0",');
    });
    const listen = (server: ReturnType<typeof createServer>) =>
      new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    try {
      for (const [server, pattern] of [
        [
          silent,
          /^EVM RPC request failed after 2 attempts \(timed out after 300 ms\): eth_chainId at http:\/\/127\.0\.0\.1:\d+; the source is slow or unreachable/,
        ],
        [stalling, /^EVM RPC request failed after 2 attempts \(timed out after 300 ms\): eth_chainId at http:\/\/127\.0\.0\.1:\d+;/],
      ] as const) {
        const port = await listen(server);
        const adapter = createEvmRpcAdapter({ url: `http://127.0.0.1:${port}`, chain: CHAIN, timeoutMs: 300, retries: 1 });
        const error = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.alice], direction: 'in' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AdapterError);
        expect((error as AdapterError).shortMessage).toMatch(pattern);
      }
    } finally {
      silent.closeAllConnections();
      stalling.closeAllConnections();
      silent.close();
      stalling.close();
    }
  });

  it('says when the provider refuses the key (HTTP 401), without retrying', async () => {
    const { createServer } = await import('node:http');
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"invalid project id"}}');
    });
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    try {
      const adapter = createEvmRpcAdapter({ url: `http://127.0.0.1:${port}/v3/0123456789abcdef0123456789abcdef`, chain: CHAIN });
      const error = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.alice], direction: 'in' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdapterError);
      expect((error as AdapterError).shortMessage).toBe(
        `EVM RPC refused the request (HTTP 401): eth_chainId at http://127.0.0.1:${port}/v3/***; check the API key and its plan`,
      );
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });

  it('rejects a malformed answer with a ResponseShapeError naming the method', async () => {
    const bad = await startRpcProxy({
      target: w.chain.url,
      intercept: (c) => (c.method === 'eth_getLogs' ? { result: [{ address: 'nonsense', topics: [] }] } : undefined),
    });
    try {
      const adapter = createEvmRpcAdapter({ url: bad.url, chain: CHAIN });
      const error = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.alice], direction: 'in', assets: [usdtAsset] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseShapeError);
      expect((error as ResponseShapeError).shortMessage).toMatch(/^eth_getLogs at http:\/\/127\.0\.0\.1:\d+ answered in an unexpected shape/);
    } finally {
      await bad.close();
    }
  });

  it('explains a non-archive node missing old state', async () => {
    const pruned = await startRpcProxy({
      target: w.chain.url,
      intercept: (c) =>
        c.method === 'eth_getLogs' ? { error: { code: -32000, message: 'missing trie node 3f1a… (path ) state 0x… is not available' } } : undefined,
    });
    try {
      const adapter = createEvmRpcAdapter({ url: pruned.url, chain: CHAIN });
      const error = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.alice], direction: 'in', assets: [usdtAsset] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdapterError);
      expect((error as AdapterError).shortMessage).toMatch(/lacks the requested historical data .*archive node/);
    } finally {
      await pruned.close();
    }
  });

  it('retries a rate-limited call and succeeds', async () => {
    let refusals = 0;
    const limited = await startRpcProxy({
      target: w.chain.url,
      intercept: (c) =>
        c.method === 'eth_getLogs' && refusals++ < 2 ? { error: { code: -32005, message: 'daily request count exceeded, request rate limited' } } : undefined,
    });
    try {
      const adapter = createEvmRpcAdapter({ url: limited.url, chain: CHAIN });
      const { transfers } = await adapter.getTransfers({ chain: CHAIN, addresses: [w.a.bob], direction: 'in', assets: [usdtAsset] });
      expect(transfers).toHaveLength(1);
      expect(limited.count('eth_getLogs')).toBe(3);
    } finally {
      await limited.close();
    }
  });

  it('stops with TraceAbortedError when the signal is aborted', async () => {
    const adapter = createEvmRpcAdapter({ url: w.chain.url, chain: CHAIN });
    const controller = new AbortController();
    controller.abort(new Error('investigator cancelled'));
    await expect(adapter.getTransfers({ chain: CHAIN, addresses: [w.a.alice], direction: 'in', signal: controller.signal })).rejects.toBeInstanceOf(
      TraceAbortedError,
    );
    const slow = await startRpcProxy({ target: w.chain.url, intercept: () => undefined });
    try {
      const late = new AbortController();
      const pending = createEvmRpcAdapter({ url: slow.url, chain: CHAIN }).getTransfers({
        chain: CHAIN,
        addresses: [w.a.alice],
        direction: 'both',
        signal: late.signal,
      });
      late.abort();
      await expect(pending).rejects.toBeInstanceOf(TraceAbortedError);
    } finally {
      await slow.close();
    }
  });

  it('rejects options and chains it cannot serve', () => {
    expect(() => createEvmRpcAdapter({ url: 'ftp://x', chain: CHAIN })).toThrow(InvalidInputError);
    expect(() => createEvmRpcAdapter({ url: w.chain.url, chain: 'bitcoin' })).toThrow(/needs an EVM chain/);
    const adapter = createEvmRpcAdapter({ url: w.chain.url, chain: CHAIN });
    expect(adapter.supports(CHAIN)).toBe(true);
    expect(adapter.supports('ethereum')).toBe(false);
    expect(adapter.capabilities.maxAddressesPerCall).toBe(500);
  });
});
