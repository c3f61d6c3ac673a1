import { afterEach, describe, expect, it } from 'vitest';
import { createEtherscanAdapter, type EtherscanAdapterOptions } from '../../../src/adapters/etherscan/adapter.js';
import { mapInternalTxs, mapNormalTx, mapTokenTxs } from '../../../src/adapters/etherscan/map.js';
import { InternalTxListSchema, NormalTxListSchema, TokenTxListSchema } from '../../../src/adapters/etherscan/schema.js';
import { AdapterError, InvalidInputError, NotFoundError, ResponseShapeError, TraceAbortedError } from '../../../src/core/errors.js';
import { compareTransfers, transferId, type AccountTransfer } from '../../../src/core/movement.js';
import { createVirtualClock } from '../../support/virtual-clock.js';
import { referenceRows, startEtherscanServer, type EtherscanServer, type EtherscanServerOptions } from '../../support/etherscan-server.js';
import { evmAddress, evmHash, internalRow, manyTokenRows, normalRow, timeOf, tokenRow, USDT } from '../../support/etherscan-data.js';

const KEY = 'SENTINEL-ETHERSCAN-KEY-93b1c7d2e4';
const NORMAL_FILE = 'get_normal_txs_by_address.json';
const INTERNAL_FILE = 'get_internal_txs_by_address.json';
const TOKEN_FILE = 'get_erc20_token_transfer_events_by_address_and_contract_paginated.json';

let servers: EtherscanServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(options: EtherscanServerOptions): Promise<EtherscanServer> {
  const server = await startEtherscanServer({ apiKey: KEY, ...options });
  servers.push(server);
  return server;
}

function adapter(server: EtherscanServer, extra: Partial<EtherscanAdapterOptions> = {}) {
  const clock = createVirtualClock();
  const logs: string[] = [];
  const a = createEtherscanAdapter({
    chain: 'ethereum',
    apiKey: KEY,
    baseUrl: server.apiUrl,
    clock,
    random: () => 0.5,
    onLog: (e) => logs.push(e.message),
    ...extra,
  });
  return { a, clock, logs };
}

const ids = (list: AccountTransfer[]) => list.map(transferId);
const sorted = (list: AccountTransfer[]) => [...list].sort((x, y) => (transferId(x) < transferId(y) ? -1 : 1));

describe('Etherscan adapter over real captured answers', () => {
  const normal = referenceRows(NORMAL_FILE);
  const address = '0xddbd2b932c763ba5b1b7ae3b362eac3e8d40121a';

  it('returns the same native movements paged 10 at a time as mapped from the whole answer', async () => {
    const server = await serve({ data: { txlist: normal } });
    const { a } = adapter(server, { pageSize: 10 });
    const got = await a.getTransfers({
      chain: 'ethereum',
      addresses: [address],
      direction: 'both',
      assets: [{ chain: 'ethereum', kind: 'native', symbol: 'ETH', decimals: 18 }],
    });
    const direct = NormalTxListSchema.parse(normal).flatMap((r) => mapNormalTx('ethereum', r) ?? []);
    expect(sorted(got.transfers)).toEqual(sorted(direct));
    expect(got.truncated).toEqual([]);
    // 41 rows: the genesis allocation is not a transaction, the rest are movements of this address.
    expect(got.transfers).toHaveLength(normal.filter((r) => r.from !== 'GENESIS' && r.isError !== '1').length);
    expect(new Set(ids(got.transfers)).size).toBe(got.transfers.length);
    const pages = server.listRequests().filter((r) => r.query.get('action') === 'txlist');
    expect(pages.map((r) => r.query.get('page'))).toEqual(['1', '2', '3', '4', '5']);
    expect(pages.every((r) => r.query.get('sort') === 'asc' && r.query.get('offset') === '10' && r.query.get('chainid') === '1')).toBe(true);
  });

  it('puts gasUsed x gasPrice on the native movement and keeps block, time and position', async () => {
    const server = await serve({ data: { txlist: normal } });
    const { a } = adapter(server);
    const got = await a.getTransfers({ chain: 'ethereum', addresses: [address], direction: 'out' });
    const first = got.transfers.find((t) => t.tx === '0xad1c27dd8d0329dbc400021d7477b34ac41e84365bd54b45a4019a15deb10c0d')!;
    expect(first).toMatchObject({
      type: 'native',
      from: address,
      to: '0x2910543af39aba0cd09dbb2d50200b3e800a63d2',
      amount: 5_000_000_000_000_000_000n,
      fee: 21_612n * 400_000_000_000n,
      block: 47_884,
      time: 1_438_947_953,
      txIndex: 0,
      logIndex: -1,
    });
    expect(got.transfers.every((t) => t.from === address)).toBe(true);
  });

  it('maps internal calls, skips failed ones and keeps zero-value contract creations as movements', async () => {
    const internal = referenceRows(INTERNAL_FILE);
    const contract = '0x2c1ba59d6f58433fb1eaee7d20b26ed83bda51a3';
    const server = await serve({ data: { txlistinternal: internal } });
    const { a } = adapter(server, { pageSize: 7 });
    const got = await a.getTransfers({ chain: 'ethereum', addresses: [contract], direction: 'both' });
    const direct = mapInternalTxs('ethereum', InternalTxListSchema.parse(internal));
    expect(sorted(got.transfers)).toEqual(sorted(direct));
    expect(got.transfers.every((t) => t.type === 'internal')).toBe(true);
    expect(got.transfers).toHaveLength(internal.filter((r) => r.isError !== '1').length);
    const failed = internal.filter((r) => r.isError === '1');
    expect(failed.length).toBeGreaterThan(0);
    // Per transaction, exactly the calls that did not fail are movements.
    for (const row of failed) {
      const ok = internal.filter((r) => r.hash === row.hash && r.isError !== '1').length;
      expect(got.transfers.filter((t) => t.tx === row.hash).length).toBe(ok);
    }
    const creation = got.transfers.find((t) => t.tx === '0x8a1a9989bda84f80143181a68bc137ecefa64d0d4ebde45dd94fc0cf49e70cb6')!;
    expect(creation).toMatchObject({ to: contract, amount: 0n });
  });

  it('maps token transfers to a token AssetRef with the contract, symbol and decimals', async () => {
    const tokens = referenceRows(TOKEN_FILE);
    const holder = '0x4e83362442b8d1bec281594cea3050c8eb01311c';
    const server = await serve({ data: { tokentx: tokens } });
    const { a } = adapter(server, { pageSize: 8 });
    const got = await a.getTransfers({ chain: 'ethereum', addresses: [holder], direction: 'both' });
    expect(sorted(got.transfers)).toEqual(sorted(mapTokenTxs('ethereum', TokenTxListSchema.parse(tokens)).transfers));
    expect(got.transfers).toHaveLength(tokens.length);
    expect(got.transfers[0]).toMatchObject({
      type: 'token',
      asset: { chain: 'ethereum', kind: 'token', contract: '0x9f8f72aa9304c8b593d555f12ef6589cc3a579a2', symbol: 'MKR', decimals: 18 },
      amount: 5_901_522_149_285_533_025_181n,
    });
    expect(a.notes('ethereum').join(' ')).toMatch(/without a log index/);
  });
});

describe('Etherscan adapter paging past the 10,000-result window', () => {
  const A = evmAddress(0xa11ce);
  const rows = manyTokenRows(A, 12_345);

  it('restarts from the last block seen and returns every transfer exactly once', async () => {
    const server = await serve({ data: { tokentx: rows } });
    const { a } = adapter(server, { pageSize: 1_000, tokenFilter: 'traced' });
    const got = await a.getTransfers({
      chain: 'ethereum',
      addresses: [A],
      direction: 'both',
      assets: [{ chain: 'ethereum', kind: 'token', contract: USDT, symbol: 'USDT', decimals: 6 }],
    });
    const direct = mapTokenTxs('ethereum', TokenTxListSchema.parse(rows)).transfers;
    expect(got.transfers).toHaveLength(12_345);
    expect(new Set(ids(got.transfers)).size).toBe(12_345);
    expect(sorted(got.transfers)).toEqual(sorted(direct));
    expect(got.transfers.reduce((s, t) => s + t.amount, 0n)).toBe(rows.reduce((s, r) => s + BigInt(r.value!), 0n));
    // The identical twin transfers at the window edge stay two movements.
    expect(got.transfers.filter((t) => t.tx === rows[9_999]!.hash).length).toBe(2);
    const requests = server.listRequests();
    expect(requests.every((r) => Number(r.query.get('page')) * Number(r.query.get('offset')) <= 10_000)).toBe(true);
    const restarts = requests.filter((r) => r.query.get('page') === '1' && r.query.get('startblock') !== '0');
    expect(restarts.length).toBe(1);
    expect(restarts[0]!.query.get('startblock')).toBe(rows[9_999]!.blockNumber);
    expect(restarts[0]!.query.get('contractaddress')).toBe(USDT);
    expect(a.notes('ethereum').join(' ')).toMatch(/10000-result window/);
  });

  it('recovers from the "Result window is too large" answer the same way', async () => {
    const server = await serve({ data: { tokentx: rows } });
    // The adapter believes the window is larger than the server's: the server's NOTOK answer triggers the restart.
    const { a } = adapter(server, { pageSize: 3_000, resultWindow: 100_000 });
    const got = await a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both' });
    expect(got.transfers).toHaveLength(12_345);
    expect(new Set(ids(got.transfers)).size).toBe(12_345);
    expect(got.truncated).toEqual([]);
    expect(server.listRequests().some((r) => r.query.get('page') === '4')).toBe(true);
  });

  it('names the address in truncated when one block holds more than the window', async () => {
    const crowded = Array.from({ length: 30 }, (_, i) => tokenRow(i + 1, 500, evmAddress(7), A, '1', { logIndex: String(i) }));
    const server = await serve({ data: { tokentx: crowded }, window: 20 });
    const { a } = adapter(server, { pageSize: 10, resultWindow: 20 });
    const got = await a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both' });
    expect(got.truncated).toEqual([A]);
    expect(got.transfers.length).toBeLessThan(30);
  });

  it('cuts at maxPerAddress, keeps the earliest movements and says so', async () => {
    const server = await serve({ data: { tokentx: rows } });
    const { a } = adapter(server, { pageSize: 1_000 });
    const got = await a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both', maxPerAddress: 1_500 });
    expect(got.truncated).toEqual([A]);
    expect(got.transfers).toHaveLength(1_500);
    const direct = mapTokenTxs('ethereum', TokenTxListSchema.parse(rows)).transfers.sort(compareTransfers).slice(0, 1_500);
    expect(sorted(got.transfers)).toEqual(sorted(direct));
    // It stopped paging once it knew there were more: two pages of tokens, not thirteen.
    expect(server.listRequests().filter((r) => r.query.get('action') === 'tokentx').length).toBe(2);
  });

  /** A's movements read in pages of `pageSize` from `server`, cut once A paid more than `maxPayees` addresses. */
  const readPaying = (server: Awaited<ReturnType<typeof serve>>, pageSize: number, maxPayees: number) =>
    adapter(server, { pageSize }).a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both', maxPerAddress: 1_000, maxPayees });

  it('stops reading an address once it has paid more than maxPayees different addresses, and says so', async () => {
    // A pays 60 shops, 3 movements each (every third one a shop paying back): 180 rows, shop k first paid in row 3k.
    const shops = Array.from({ length: 60 }, (_, k) => evmAddress(0x5000 + k));
    const payouts = Array.from({ length: 180 }, (_, i) => {
      const shop = shops[Math.floor(i / 3)]!;
      return i % 3 === 2 ? tokenRow(i + 1, 100 + i, shop, A, '7') : tokenRow(i + 1, 100 + i, A, shop, '5');
    });
    const server = await serve({ data: { tokentx: payouts } });
    const got = await readPaying(server, 20, 25);
    expect(got.truncated).toEqual([A]);
    const paid = new Set(got.transfers.filter((t) => t.from === A).map((t) => t.to));
    expect(paid.size).toBeGreaterThan(25);
    // The 26th shop is first paid in row 76, on page 4: no page after it is asked for (9 pages make the whole list).
    expect(server.listRequests().filter((r) => r.query.get('action') === 'tokentx').length).toBe(4);
    expect(got.transfers).toHaveLength(80);
    // Paying the same shops again and again is no reason to stop: 25 shops, 300 movements, read whole.
    const loyal = Array.from({ length: 300 }, (_, i) => tokenRow(1_000 + i, 500 + i, A, shops[i % 25]!, '1'));
    const server2 = await serve({ data: { tokentx: loyal } });
    const whole = await readPaying(server2, 20, 25);
    expect(whole.truncated).toEqual([]);
    expect(whole.transfers).toHaveLength(300);
  });

  it('counts what an address paid over all its lists: paying some in ether and others in tokens makes it a hub as soon as together they pass maxPayees', async () => {
    // A pays 30 shops in ether and 30 others in tokens, twice each: 60 rows a list, 12 pages of 5.
    const etherShops = Array.from({ length: 30 }, (_, k) => evmAddress(0x6000 + k));
    const tokenShops = Array.from({ length: 30 }, (_, k) => evmAddress(0x7000 + k));
    const txlist = Array.from({ length: 60 }, (_, i) => normalRow(i + 1, 100 + i, A, etherShops[Math.floor(i / 2)]!, '1000'));
    const tokentx = Array.from({ length: 60 }, (_, i) => tokenRow(1_000 + i, 100 + i, A, tokenShops[Math.floor(i / 2)]!, '5'));
    const pages = (server: Awaited<ReturnType<typeof serve>>) =>
      server.listRequests().filter((r) => ['txlist', 'tokentx'].includes(r.query.get('action') ?? '')).length;
    const server = await serve({ data: { txlist, tokentx } });
    const got = await readPaying(server, 5, 20);
    expect(got.truncated).toEqual([A]);
    expect(new Set(got.transfers.filter((t) => t.from === A).map((t) => t.to)).size).toBeGreaterThan(20);
    // Either list alone passes 20 payees on its 9th page (18 pages in all); together they pass it by the 5th of each.
    const asked = pages(server);
    expect(asked).toBeLessThanOrEqual(13);
    // With room for all 60 payees both lists are read whole: 12 full pages each and the empty 13th that ends it.
    const server2 = await serve({ data: { txlist, tokentx } });
    const whole = await readPaying(server2, 5, 60);
    expect(whole.truncated).toEqual([]);
    expect(whole.transfers).toHaveLength(120);
    expect(pages(server2)).toBe(26);
  });
});

describe('Etherscan adapter errors and limits', () => {
  const A = evmAddress(0xa);
  const B = evmAddress(0xb);
  const data = {
    txlist: [normalRow(1, 10, A, B, '1000'), normalRow(2, 11, B, A, '400'), normalRow(3, 12, A, B, '5', { isError: '1' })],
    txlistinternal: [internalRow(4, 13, evmAddress(0xc), A, '77')],
    tokentx: [
      tokenRow(5, 14, A, B, '2500000', { logIndex: '3' }),
      tokenRow(6, 15, evmAddress(0xd), A, '0', { logIndex: '0', tokenSymbol: 'USDT', contractAddress: evmAddress(0xfa4e) }),
    ],
    blocks: Array.from({ length: 20 }, (_, n) => ({ number: n, timestamp: timeOf(n) })),
  };

  it('fails fast on an invalid key with a clear message that does not contain the key', async () => {
    const server = await serve({ data, apiKey: 'the-right-key' });
    const { a, logs } = adapter(server);
    const error = (await a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both' }).catch((e: unknown) => e)) as AdapterError;
    expect(error).toBeInstanceOf(AdapterError);
    expect(error.shortMessage).toMatch(/rejected the API key \(Invalid API Key\): set ETHERSCAN_API_KEY/);
    expect(error.details.reason).toBe('invalid-api-key');
    for (const text of [
      error.message,
      JSON.stringify(error.details),
      JSON.stringify(error),
      String(error.cause ?? ''),
      JSON.stringify(a.stats()),
      a.endpoint ?? '',
      ...logs,
    ]) {
      expect(text).not.toContain(KEY);
    }
    // Fast: no retries of a hopeless request (three lists started at once, each asked once, the rest cancelled).
    expect(server.requests.length).toBeLessThanOrEqual(3);
    expect(server.requests.every((r) => r.query.get('apikey') === KEY)).toBe(true);
  });

  it('refuses to start without a key for Etherscan V2', () => {
    expect(() => createEtherscanAdapter({ chain: 'ethereum', env: {} })).toThrow(InvalidInputError);
    expect(() => createEtherscanAdapter({ chain: 'ethereum', env: {} })).toThrow(/ETHERSCAN_API_KEY/);
  });

  it('takes the key from ETHERSCAN_API_KEY when no option is given', async () => {
    const server = await serve({ data });
    const a = createEtherscanAdapter({ chain: 'ethereum', baseUrl: server.apiUrl, env: { ETHERSCAN_API_KEY: KEY }, clock: createVirtualClock() });
    await a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both' });
    expect(server.requests[0]!.query.get('apikey')).toBe(KEY);
    expect(a.endpoint).not.toContain(KEY);
  });

  it('fails at once with a clear error when the chain is not served', async () => {
    const server = await serve({ data, chainIds: [1] });
    const a = createEtherscanAdapter({ chain: 'evm:999999', apiKey: KEY, baseUrl: server.apiUrl, clock: createVirtualClock() });
    const error = (await a.getTransfers({ chain: 'evm:999999', addresses: [A], direction: 'both' }).catch((e: unknown) => e)) as AdapterError;
    expect(error).toBeInstanceOf(AdapterError);
    expect(error.shortMessage).toMatch(/does not serve EVM chain 999999 \(chainid 999999\).*Missing or unsupported chainid/);
    expect(server.requests.length).toBeLessThanOrEqual(3);
  });

  it('waits through "Max calls per sec rate limit reached" answers and returns the full list', async () => {
    const server = await serve({ data, rateLimited: (n) => n % 2 === 1 });
    const { a, clock } = adapter(server);
    const got = await a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both' });
    expect(got.transfers).toHaveLength(5);
    expect(a.stats()).toMatchObject({ rateLimited: 3 });
    expect(server.requests).toHaveLength(6);
    expect(clock.sleeps.filter((ms) => ms >= 1_000).length).toBeGreaterThanOrEqual(1);
  });

  it('gives up on a source slower than the timeout with a typed error after the retries', async () => {
    const server = await serve({ data, override: () => new Promise(() => undefined) });
    const { a } = adapter(server, { timeoutMs: 100, retries: 1 });
    const error = (await a
      .getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both', assets: [{ chain: 'ethereum', kind: 'native', symbol: 'ETH', decimals: 18 }] })
      .catch((e: unknown) => e)) as AdapterError;
    expect(error).toBeInstanceOf(AdapterError);
    expect(error.shortMessage).toMatch(/Etherscan request failed after 2 attempts \(timed out after 100 ms\)/);
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect(error.details.url).toMatch(/apikey=\*\*\*/);
  });

  it('stops with TraceAbortedError when the caller aborts', async () => {
    const server = await serve({ data, override: () => new Promise(() => undefined) });
    const { a } = adapter(server);
    const controller = new AbortController();
    const pending = a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('investigator pressed Ctrl-C')), 50);
    await expect(pending).rejects.toBeInstanceOf(TraceAbortedError);
  });

  it('treats "No transactions found" as an empty list', async () => {
    const server = await serve({ data: {} });
    const { a } = adapter(server);
    await expect(a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both' })).resolves.toEqual({ transfers: [], truncated: [] });
    expect(server.listRequests()).toHaveLength(3);
  });

  it('rejects a malformed row with ResponseShapeError', async () => {
    const server = await serve({ data: { txlist: [normalRow(1, 10, A, B, 'lots')] } });
    const { a } = adapter(server);
    const error = await a
      .getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both', assets: [{ chain: 'ethereum', kind: 'native', symbol: 'ETH', decimals: 18 }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as ResponseShapeError).shortMessage).toMatch(/txlist .*unexpected shape.*value/);
  });

  it('rejects an envelope whose result is not a list', async () => {
    const server = await serve({
      data,
      override: (r) => (r.query.get('action') === 'txlist' ? { status: '1', message: 'OK', result: 'surprise' } : undefined),
    });
    const { a } = adapter(server);
    await expect(a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both' })).rejects.toBeInstanceOf(ResponseShapeError);
  });

  it('filters by direction and keeps zero-value token transfers', async () => {
    const server = await serve({ data });
    const { a } = adapter(server);
    const out = await a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'out' });
    expect(out.transfers.map((t) => t.tx)).toEqual([evmHash(1), evmHash(5)]);
    const inbound = await a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'in' });
    expect(inbound.transfers.map((t) => [t.tx, t.type, t.amount])).toEqual([
      [evmHash(2), 'native', 400n],
      [evmHash(4), 'internal', 77n],
      [evmHash(6), 'token', 0n],
    ]);
  });

  it('turns a time window into a block window with getblocknobytime and filters by time', async () => {
    const server = await serve({ data });
    const { a } = adapter(server);
    const got = await a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both', fromTime: timeOf(11), toTime: timeOf(13) });
    expect(got.transfers.map((t) => t.block)).toEqual([11, 13]);
    const lists = server.listRequests();
    expect(lists.every((r) => r.query.get('startblock') === '11' && r.query.get('endblock') === '13')).toBe(true);
    const lookups = server.requests.filter((r) => r.query.get('action') === 'getblocknobytime');
    expect(lookups.map((r) => r.query.get('closest')).sort()).toEqual(['after', 'before']);
  });

  it('skips native lists when only tokens are traced, but returns every token contract so spam can be counted', async () => {
    const server = await serve({ data });
    const { a } = adapter(server);
    const got = await a.getTransfers({
      chain: 'ethereum',
      addresses: [A],
      direction: 'both',
      assets: [{ chain: 'ethereum', kind: 'token', contract: USDT, symbol: 'USDT', decimals: 6 }],
    });
    expect(got.transfers.map((t) => [t.tx, t.asset.contract])).toEqual([
      [evmHash(5), USDT],
      [evmHash(6), evmAddress(0xfa4e)],
    ]);
    expect(server.listRequests().map((r) => [r.query.get('action'), r.query.get('contractaddress')])).toEqual([['tokentx', null]]);
  });

  it("with tokenFilter 'traced' asks for the traced contracts only", async () => {
    const server = await serve({ data });
    const { a } = adapter(server, { tokenFilter: 'traced' });
    const got = await a.getTransfers({
      chain: 'ethereum',
      addresses: [A],
      direction: 'both',
      assets: [{ chain: 'ethereum', kind: 'token', contract: USDT, symbol: 'USDT', decimals: 6 }],
    });
    expect(got.transfers.map((t) => t.tx)).toEqual([evmHash(5)]);
    expect(server.listRequests().map((r) => [r.query.get('action'), r.query.get('contractaddress')])).toEqual([['tokentx', USDT]]);
  });

  it('returns a movement between two queried addresses once', async () => {
    const server = await serve({ data });
    const { a } = adapter(server);
    const got = await a.getTransfers({ chain: 'ethereum', addresses: [A, B], direction: 'both' });
    expect(new Set(ids(got.transfers)).size).toBe(got.transfers.length);
    expect(got.transfers.filter((t) => t.tx === evmHash(1))).toHaveLength(1);
  });

  it('reads a seed transaction: value and fee, its token transfers and internal calls', async () => {
    const seedData = {
      txlist: [normalRow(20, 30, A, B, '123', { gasUsed: '50000', gasPrice: '10' })],
      tokentx: [tokenRow(20, 30, A, B, '999', { logIndex: '4' }), tokenRow(21, 30, A, B, '1', { logIndex: '0' })],
      txlistinternal: [internalRow(20, 30, B, evmAddress(0xe), '3')],
    };
    const server = await serve({ data: seedData });
    const { a } = adapter(server);
    const tx = await a.getTransaction('ethereum', evmHash(20).toUpperCase().replace('0X', '0x'));
    expect(tx.tx).toBe(evmHash(20));
    // Internal rows carry no transaction position, so they sort first within the block.
    expect(tx.transfers.map((t) => [t.type, t.amount, t.fee])).toEqual([
      ['internal', 3n, undefined],
      ['native', 123n, 500_000n],
      ['token', 999n, undefined],
    ]);
    // Internal calls of a tx by hash get the same identity as through an address's list.
    const viaList = await a.getTransfers({ chain: 'ethereum', addresses: [B], direction: 'out' });
    expect(viaList.transfers.map(transferId)).toContain(transferId(tx.transfers[0]!));
    await expect(a.getTransaction('ethereum', evmHash(404))).rejects.toBeInstanceOf(NotFoundError);
  });

  it("reads a transaction's event logs from its receipt (proxy eth_getTransactionReceipt), in log order", async () => {
    const topic = `0x${'11'.repeat(32)}`;
    const log = (logIndex: number) => ({ address: `0x${'AB'.repeat(20)}`, topics: [topic, `0x${'00'.repeat(12)}${'CD'.repeat(20)}`], data: '0x0F', logIndex });
    const server = await serve({ data: { txlist: [normalRow(20, 30, A, B, '1'), normalRow(21, 31, A, B, '1')], logs: { [evmHash(20)]: [log(5), log(2)] } } });
    const { a } = adapter(server);
    const logs = await a.getTransactionLogs!('ethereum', evmHash(20).toUpperCase().replace('0X', '0x'));
    expect(logs).toEqual(
      [2, 5].map((logIndex) => ({
        address: `0x${'ab'.repeat(20)}`,
        topics: [topic, `0x${'00'.repeat(12)}${'cd'.repeat(20)}`],
        data: '0x0f',
        logIndex,
        transactionHash: evmHash(20),
        blockNumber: 30,
      })),
    );
    expect(server.requests.at(-1)!.query.get('action')).toBe('eth_getTransactionReceipt');
    expect(await a.getTransactionLogs!('ethereum', evmHash(21))).toEqual([]);
    await expect(a.getTransactionLogs!('ethereum', evmHash(404))).rejects.toBeInstanceOf(NotFoundError);
    await expect(a.getTransactionLogs!('tron', evmHash(20))).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('Blockscout (Etherscan-compatible API)', () => {
  const A = evmAddress(0xa);
  const B = evmAddress(0xb);

  it('uses /api without chainid or key and reads its empty and error answers', async () => {
    const server = await serve({
      flavor: 'blockscout',
      data: { txlist: [normalRow(1, 10, A, B, '1')], blocks: [{ number: 10, timestamp: timeOf(10) }] },
    });
    const a = createEtherscanAdapter({ chain: 'ethereum', baseUrl: server.url, clock: createVirtualClock(), env: { ETHERSCAN_API_KEY: KEY } });
    expect(a.endpoint).toBe(server.apiUrl);
    const got = await a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both', fromTime: timeOf(10) });
    expect(got.transfers).toHaveLength(1);
    expect(server.requests.every((r) => !r.query.has('chainid') && !r.query.has('apikey'))).toBe(true);
    // "No token transfers found" / "No internal transactions found" were empty lists, not errors.
    expect(
      server
        .listRequests()
        .map((r) => r.query.get('action'))
        .sort(),
    ).toEqual(['tokentx', 'txlist', 'txlistinternal']);
    const seed = await a.getTransaction('ethereum', evmHash(1));
    expect(seed.transfers).toHaveLength(1);
    await expect(a.getTransaction('ethereum', evmHash(2))).rejects.toBeInstanceOf(NotFoundError);
  });

  it("reads a transaction's event logs from gettxinfo (topics padded with null dropped)", async () => {
    const topic = `0x${'22'.repeat(32)}`;
    const server = await serve({
      flavor: 'blockscout',
      data: { txlist: [normalRow(1, 10, A, B, '1')], logs: { [evmHash(1)]: [{ address: A, topics: [topic], data: '0x', logIndex: 7 }] } },
    });
    const a = createEtherscanAdapter({ chain: 'ethereum', baseUrl: server.apiUrl, clock: createVirtualClock() });
    expect(await a.getTransactionLogs!('ethereum', evmHash(1))).toEqual([
      { address: A.toLowerCase(), topics: [topic], data: '0x', logIndex: 7, transactionHash: evmHash(1), blockNumber: 10 },
    ]);
    await expect(a.getTransactionLogs!('ethereum', evmHash(2))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('turns a result:null error into an AdapterError with the source message', async () => {
    const server = await serve({ flavor: 'blockscout', data: {}, override: () => ({ message: 'Something went wrong', result: null, status: '0' }) });
    const a = createEtherscanAdapter({ chain: 'ethereum', baseUrl: server.apiUrl, clock: createVirtualClock() });
    const error = await a.getTransfers({ chain: 'ethereum', addresses: [A], direction: 'both' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).shortMessage).toMatch(/Blockscout answered an error for .*Something went wrong/);
  });
});
