import { afterEach, describe, expect, it } from 'vitest';
import { createTronGridAdapter, type TronGridAdapterOptions } from '../../../src/adapters/tron/adapter.js';
import { mapTrc20Records } from '../../../src/adapters/tron/map.js';
import { Trc20RecordSchema } from '../../../src/adapters/tron/schema.js';
import { tronBase58ToHex } from '../../../src/core/address.js';
import { AdapterError, NotFoundError, ResponseShapeError } from '../../../src/core/errors.js';
import { compareTransfers, transferId, type AccountTransfer } from '../../../src/core/movement.js';
import { createVirtualClock } from '../../support/virtual-clock.js';
import {
  startTronServer,
  transferLog,
  triggerCall,
  trc20,
  tronAddress,
  tronTxid,
  trxTransfer,
  USDT_TRC20,
  type TronServer,
  type TronServerOptions,
  type TronData,
  type Trc20Rec,
} from '../../support/trongrid-server.js';

const KEY = 'SENTINEL-TRONGRID-KEY-5e8f0a1b2c';
const T0 = 1_700_000_000_000;

let servers: TronServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(options: TronServerOptions): Promise<TronServer> {
  const s = await startTronServer(options);
  servers.push(s);
  return s;
}

function adapter(server: TronServer, extra: Partial<TronGridAdapterOptions> = {}) {
  const clock = createVirtualClock();
  const logs: string[] = [];
  const a = createTronGridAdapter({ baseUrl: server.url, apiKey: KEY, clock, random: () => 0.5, onLog: (e) => logs.push(e.message), env: {}, ...extra });
  return { a, clock, logs };
}

const ids = (list: AccountTransfer[]) => list.map(transferId);
const byId = (list: AccountTransfer[]) => [...list].sort((x, y) => (transferId(x) < transferId(y) ? -1 : 1));

const VICTIM = tronAddress(0x1001);
const SCAMMER = tronAddress(0x2002);
const EXCHANGE = tronAddress(0x3003);
const POISONER = tronAddress(0x4004);
const FAKE_USDT = tronAddress(0xfa4e);

/** A scammer's USDT history: many transfers, zero-value and dust "airdrops", a look-alike token, an Approval. */
function scammerHistory(count: number): Trc20Rec[] {
  const rows: Trc20Rec[] = [];
  for (let i = 0; i < count; i++) {
    const inbound = i % 3 !== 0;
    rows.push(trc20(i + 1, inbound ? VICTIM : SCAMMER, inbound ? SCAMMER : EXCHANGE, String(1_000_000 * (i + 1)), T0 + i * 3_000));
  }
  rows.push(trc20(10_001, POISONER, SCAMMER, '0', T0 + 5_000));
  rows.push(trc20(10_002, POISONER, SCAMMER, '1000', T0 + 6_000));
  rows.push(trc20(10_003, POISONER, SCAMMER, '5000000', T0 + 7_000, { address: FAKE_USDT, symbol: 'USDT' }));
  rows.push(trc20(10_004, SCAMMER, POISONER, '0', T0 + 8_000, {}, 'Approval'));
  // The same transfer twice in one transaction: two movements.
  rows.push(trc20(10_005, VICTIM, SCAMMER, '42', T0 + 9_000), trc20(10_005, VICTIM, SCAMMER, '42', T0 + 9_000));
  return rows;
}

describe('TronGrid adapter: TRC-20', () => {
  const history = scammerHistory(437);

  it('follows fingerprint pages to the end and returns exactly what the records say', async () => {
    const server = await serve({ data: { trc20: history } });
    const { a } = adapter(server, { pageSize: 50, tokenFilter: 'traced' });
    const got = await a.getTransfers({
      chain: 'tron',
      addresses: [SCAMMER],
      direction: 'both',
      assets: [{ chain: 'tron', kind: 'token', contract: USDT_TRC20, symbol: 'USDT', decimals: 6 }],
    });
    const usdt = history.filter((r) => r.token_info.address === USDT_TRC20);
    const direct = mapTrc20Records(usdt.map((r) => Trc20RecordSchema.parse(r)));
    expect(byId(got.transfers)).toEqual(byId(direct));
    expect(got.truncated).toEqual([]);
    // Every Transfer of USDT involving the address, the Approval not.
    expect(got.transfers).toHaveLength(usdt.filter((r) => r.type === 'Transfer').length);
    expect(new Set(ids(got.transfers)).size).toBe(got.transfers.length);
    const pages = server.listRequests();
    expect(pages).toHaveLength(Math.ceil(usdt.length / 50));
    expect(pages[0]!.query.has('fingerprint')).toBe(false);
    expect(pages.slice(1).every((r) => r.query.has('fingerprint'))).toBe(true);
    expect(
      pages.every(
        (r) =>
          r.query.get('limit') === '50' &&
          r.query.get('only_confirmed') === 'true' &&
          r.query.get('contract_address') === USDT_TRC20 &&
          r.query.get('order_by') === 'block_timestamp,asc',
      ),
    ).toBe(true);
  });

  it('keeps zero-value, dust and look-alike transfers as movements, with base58 addresses and bare txids', async () => {
    const server = await serve({ data: { trc20: history } });
    const { a } = adapter(server);
    const got = await a.getTransfers({ chain: 'tron', addresses: [SCAMMER], direction: 'in' });
    const fromPoisoner = got.transfers.filter((t) => t.from === POISONER);
    expect(fromPoisoner.map((t) => [t.amount, t.asset.contract])).toEqual([
      [0n, USDT_TRC20],
      [1000n, USDT_TRC20],
      [5_000_000n, FAKE_USDT],
    ]);
    const twins = got.transfers.filter((t) => t.tx === tronTxid(10_005));
    expect(twins).toHaveLength(2);
    expect(new Set(twins.map((t) => t.logIndex)).size).toBe(2);
    for (const t of got.transfers) {
      expect(t.to).toBe(SCAMMER);
      expect(t.from).toMatch(/^T[1-9A-HJ-NP-Za-km-z]{33}$/);
      expect(t.tx).toMatch(/^[0-9a-f]{64}$/);
      expect(t.txIndex).toBeUndefined();
      expect(t.type).toBe('token');
    }
    expect(got.transfers[0]).toMatchObject({
      chain: 'tron',
      asset: { chain: 'tron', kind: 'token', contract: USDT_TRC20, symbol: 'USDT', decimals: 6 },
      time: Math.floor(T0 / 1000) + 3,
    });
    expect(server.listRequests().every((r) => r.query.get('only_to') === 'true')).toBe(true);
  });

  it('sends the time window as min/max_timestamp in ms and only_from for outgoing', async () => {
    const server = await serve({ data: { trc20: history } });
    const { a } = adapter(server, { tokenFilter: 'traced' });
    const from = Math.floor(T0 / 1000) + 30;
    const to = Math.floor(T0 / 1000) + 300;
    const got = await a.getTransfers({
      chain: 'tron',
      addresses: [SCAMMER],
      direction: 'out',
      fromTime: from,
      toTime: to,
      assets: [{ chain: 'tron', kind: 'token', contract: USDT_TRC20, symbol: 'USDT', decimals: 6 }],
    });
    expect(got.transfers.length).toBeGreaterThan(0);
    expect(got.transfers.every((t) => t.from === SCAMMER && t.time >= from && t.time <= to)).toBe(true);
    const expected = history.filter(
      (r) =>
        r.type === 'Transfer' &&
        r.from === SCAMMER &&
        r.token_info.address === USDT_TRC20 &&
        r.block_timestamp >= from * 1000 &&
        r.block_timestamp <= to * 1000 + 999,
    );
    expect(got.transfers).toHaveLength(expected.length);
    const q = server.listRequests()[0]!.query;
    expect([q.get('min_timestamp'), q.get('max_timestamp'), q.get('only_from')]).toEqual([String(from * 1000), String(to * 1000 + 999), 'true']);
  });

  it('cuts at maxPerAddress, earliest first, and names the address', async () => {
    const server = await serve({ data: { trc20: history } });
    const { a } = adapter(server, { pageSize: 40, tokenFilter: 'traced' });
    const got = await a.getTransfers({
      chain: 'tron',
      addresses: [SCAMMER],
      direction: 'both',
      maxPerAddress: 100,
      assets: [{ chain: 'tron', kind: 'token', contract: USDT_TRC20, symbol: 'USDT', decimals: 6 }],
    });
    expect(got.truncated).toEqual([SCAMMER]);
    expect(got.transfers).toHaveLength(100);
    const all = mapTrc20Records(history.filter((r) => r.token_info.address === USDT_TRC20).map((r) => Trc20RecordSchema.parse(r))).sort(compareTransfers);
    expect(got.transfers).toEqual(all.slice(0, 100));
    expect(server.listRequests().length).toBe(3);
  });

  it('stops reading an address once it has paid more than maxPayees different addresses, and names it', async () => {
    // SCAMMER pays 40 shops twice each, the first payments first: shop k first paid in record k + 1.
    const shops = Array.from({ length: 40 }, (_, k) => tronAddress(0x7000 + k));
    const payouts = Array.from({ length: 80 }, (_, i) => trc20(20_000 + i, SCAMMER, shops[i % 40]!, '3', T0 + i * 3_000));
    const server = await serve({ data: { trc20: payouts } });
    const { a } = adapter(server, { pageSize: 10, tokenFilter: 'traced' });
    const usdt = { chain: 'tron', kind: 'token', contract: USDT_TRC20, symbol: 'USDT', decimals: 6 } as const;
    const got = await a.getTransfers({ chain: 'tron', addresses: [SCAMMER], direction: 'both', maxPerAddress: 1_000, maxPayees: 15, assets: [usdt] });
    expect(got.truncated).toEqual([SCAMMER]);
    expect(new Set(got.transfers.map((t) => t.to)).size).toBeGreaterThan(15);
    // The 16th shop is in record 16, on page 2 of 8: the third page is never asked for.
    expect(server.listRequests().length).toBe(2);
    expect(got.transfers).toHaveLength(20);
    const whole = await a.getTransfers({ chain: 'tron', addresses: [SCAMMER], direction: 'both', maxPerAddress: 1_000, maxPayees: 40, assets: [usdt] });
    expect(whole.truncated).toEqual([]);
    expect(whole.transfers).toHaveLength(80);
  });
  it('returns every TRC-20 contract by default, so look-alike tokens reach the engine to be counted', async () => {
    const server = await serve({ data: { trc20: history } });
    const { a } = adapter(server, { pageSize: 200 });
    const got = await a.getTransfers({
      chain: 'tron',
      addresses: [SCAMMER],
      direction: 'both',
      assets: [{ chain: 'tron', kind: 'token', contract: USDT_TRC20, symbol: 'USDT', decimals: 6 }],
    });
    expect(got.transfers.filter((t) => t.asset.contract === FAKE_USDT)).toHaveLength(1);
    expect(server.listRequests().every((r) => !r.query.has('contract_address') && r.path.endsWith('/trc20'))).toBe(true);
  });
});

describe('TronGrid adapter: TRX', () => {
  const data: TronData = {
    transactions: [
      trxTransfer(1, VICTIM, SCAMMER, 250_000_000, 100, T0, 0),
      trxTransfer(2, SCAMMER, EXCHANGE, 200_000_000, 101, T0 + 3_000, 1_100_000),
      trxTransfer(3, SCAMMER, EXCHANGE, 9, 102, T0 + 6_000, 0, 'REVERT'),
      triggerCall(4, SCAMMER, USDT_TRC20, undefined, 103, T0 + 9_000, 13_844_850),
      {
        internal_tx_id: 'aa'.repeat(32),
        tx_id: tronTxid(5),
        block_timestamp: T0 + 12_000,
        from_address: `41${'00'.repeat(19)}ee`,
        to_address: tronBase58ToHex(SCAMMER).slice(2),
        data: { call_value: { _: 7_000_000 }, note: '63616c6c' },
      },
      {
        internal_tx_id: 'bb'.repeat(32),
        tx_id: tronTxid(6),
        block_timestamp: T0 + 15_000,
        from_address: `41${'00'.repeat(19)}ee`,
        to_address: `41${'00'.repeat(19)}ef`,
        data: { call_value: {}, rejected: false },
      },
      {
        ...trxTransfer(7, SCAMMER, SCAMMER, 0, 104, T0 + 18_000),
        raw_data: {
          contract: [{ type: 'FreezeBalanceV2Contract', parameter: { value: { owner_address: `41${'00'.repeat(20)}`, frozen_balance: 5 }, type_url: 'x' } }],
          timestamp: 0,
        },
      },
    ],
  };

  it('maps TransferContract, TriggerSmartContract (fee carrier) and internal TRX; skips failed and non-transfer contracts', async () => {
    const server = await serve({ data });
    const { a } = adapter(server);
    const got = await a.getTransfers({
      chain: 'tron',
      addresses: [SCAMMER],
      direction: 'both',
      assets: [{ chain: 'tron', kind: 'native', symbol: 'TRX', decimals: 6 }],
    });
    expect(got.transfers.map((t) => [t.tx, t.type, t.from, t.to, t.amount, t.fee, t.block])).toEqual([
      [tronTxid(1), 'native', VICTIM, SCAMMER, 250_000_000n, 0n, 100],
      [tronTxid(2), 'native', SCAMMER, EXCHANGE, 200_000_000n, 1_100_000n, 101],
      [tronTxid(4), 'native', SCAMMER, USDT_TRC20, 0n, 13_844_850n, 103],
      [tronTxid(5), 'internal', tronAddress(0xee), SCAMMER, 7_000_000n, undefined, 0],
    ]);
    expect(got.transfers.every((t) => t.asset.kind === 'native' && t.asset.symbol === 'TRX')).toBe(true);
    const q = server.listRequests().find((r) => r.path === `/v1/accounts/${SCAMMER}/transactions`)!;
    expect(q.query.get('search_internal')).toBe('true');
  });
});

describe('TronGrid adapter: keys, limits and errors', () => {
  const data = { trc20: [trc20(1, VICTIM, SCAMMER, '5', T0), trc20(2, SCAMMER, EXCHANGE, '5', T0 + 3_000)] };

  it('waits out "suspended for 27 s" 429 answers and still returns the full list', async () => {
    const server = await serve({ data, rateLimited: (n) => n === 1 || n === 3 });
    const { a, clock } = adapter(server, { pageSize: 1 });
    const got = await a.getTransfers({
      chain: 'tron',
      addresses: [SCAMMER],
      direction: 'both',
      assets: [{ chain: 'tron', kind: 'token', contract: USDT_TRC20, symbol: 'USDT', decimals: 6 }],
    });
    expect(got.transfers).toHaveLength(2);
    expect(clock.sleeps.filter((ms) => ms === 27_000)).toHaveLength(2);
    expect(a.stats()).toMatchObject({ requests: 4, rateLimited: 2 });
  });

  it('fails fast on a wrong key, without the key in any message, detail, log or stat', async () => {
    const server = await serve({ data, apiKey: 'the-right-one' });
    const { a, logs } = adapter(server);
    const error = (await a.getTransfers({ chain: 'tron', addresses: [SCAMMER], direction: 'both' }).catch((e: unknown) => e)) as AdapterError;
    expect(error).toBeInstanceOf(AdapterError);
    expect(error.shortMessage).toMatch(/TronGrid rejected the API key \(ApiKey not exists\): set TRONGRID_API_KEY/);
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
    expect(server.requests.length).toBeLessThanOrEqual(2); // TRC-20 and TRX lists start together; no retries
    expect(server.requests[0]!.headers['tron-pro-api-key']).toBe(KEY);
  });

  it('reads the key from TRONGRID_API_KEY into the TRON-PRO-API-KEY header', async () => {
    const server = await serve({ data, apiKey: KEY });
    const a = createTronGridAdapter({ baseUrl: server.url, env: { TRONGRID_API_KEY: KEY }, clock: createVirtualClock() });
    await expect(a.getTransfers({ chain: 'tron', addresses: [SCAMMER], direction: 'both' })).resolves.toMatchObject({ truncated: [] });
    expect(server.requests.every((r) => r.headers['tron-pro-api-key'] === KEY)).toBe(true);
    expect(a.endpoint).toBe(server.url);
  });

  it('rejects records in an unexpected shape with ResponseShapeError', async () => {
    const server = await serve({
      data,
      override: () => ({ status: 200, body: { success: true, data: [{ ...trc20(1, VICTIM, SCAMMER, '5', T0), value: 5 }], meta: {} } }),
    });
    const { a } = adapter(server);
    await expect(a.getTransfers({ chain: 'tron', addresses: [SCAMMER], direction: 'both' })).rejects.toBeInstanceOf(ResponseShapeError);
  });

  it('turns a v1 success:false answer into an AdapterError that quotes it', async () => {
    const server = await serve({ data, override: () => ({ status: 400, body: { success: false, error: 'Invalid address provided', statusCode: 400 } }) });
    const { a } = adapter(server);
    const error = await a.getTransfers({ chain: 'tron', addresses: [SCAMMER], direction: 'both' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).shortMessage).toMatch(/TronGrid refused the request: Invalid address provided/);
  });
});

describe('TronGrid adapter: seed transactions', () => {
  const seedId = tronTxid(0x5eed);
  const odd = tronAddress(0x70c);

  it('reads a USDT payment from the receipt: the token transfer, and the TRX fee on the call', async () => {
    const tx = triggerCall(0x5eed, VICTIM, USDT_TRC20, undefined, 555, T0, 0);
    const server = await serve({
      data: {
        transactions: [tx],
        trc20: [trc20(0x5eed, VICTIM, SCAMMER, '1500000000', T0)],
        infos: {
          [seedId]: {
            id: seedId,
            fee: 13_844_850,
            blockNumber: 555,
            blockTimeStamp: T0,
            receipt: { result: 'SUCCESS', energy_usage_total: 64_285 },
            log: [transferLog(USDT_TRC20, VICTIM, SCAMMER, 1_500_000_000n)],
          },
        },
      },
    });
    const { a } = adapter(server);
    const got = await a.getTransaction('tron', `0x${seedId.toUpperCase()}`);
    expect(got.tx).toBe(seedId);
    // TRC-20 movements have block 0 (as in the v1 lists), so they sort before the call within the same second.
    expect(got.transfers.map((t) => [t.type, t.from, t.to, t.amount, t.fee, t.asset.symbol, t.block])).toEqual([
      ['token', VICTIM, SCAMMER, 1_500_000_000n, undefined, 'USDT', 0],
      ['native', VICTIM, USDT_TRC20, 0n, 13_844_850n, 'TRX', 555],
    ]);
    // The same transfer read through the recipient's list is the same movement; only the receipt numbers its event.
    const list = await a.getTransfers({ chain: 'tron', addresses: [SCAMMER], direction: 'in' });
    const { eventIndex, ...movement } = got.transfers[0]!;
    expect(eventIndex).toBe(0);
    expect(list.transfers).toContainEqual(movement);
    // USDT metadata came from the registry: no extra lookup.
    expect(server.requests.filter((r) => r.path.includes('/trc20')).length).toBe(1);
  });

  it('looks up symbol and decimals of an unknown token in TronGrid', async () => {
    const tx = triggerCall(0x5eed, VICTIM, odd, undefined, 555, T0, 0);
    const server = await serve({
      data: {
        transactions: [tx],
        trc20: [trc20(0x5eed, VICTIM, SCAMMER, '77', T0, { address: odd, symbol: 'ODD', decimals: 2 })],
        infos: {
          [seedId]: { id: seedId, fee: 1, blockNumber: 555, blockTimeStamp: T0, receipt: { result: 'SUCCESS' }, log: [transferLog(odd, VICTIM, SCAMMER, 77n)] },
        },
      },
    });
    const { a } = adapter(server);
    const got = await a.getTransaction('tron', seedId);
    expect(got.transfers.find((t) => t.type === 'token')?.asset).toEqual({ chain: 'tron', kind: 'token', contract: odd, symbol: 'ODD', decimals: 2 });
  });

  it('reads a TRX payment and says NotFound for an unknown id', async () => {
    const server = await serve({
      data: {
        transactions: [trxTransfer(9, VICTIM, SCAMMER, 5_000_000, 42, T0)],
        infos: { [tronTxid(9)]: { id: tronTxid(9), blockNumber: 42, blockTimeStamp: T0, receipt: { net_usage: 268 } } },
      },
    });
    const { a } = adapter(server);
    const got = await a.getTransaction('tron', tronTxid(9));
    expect(got.transfers).toEqual([
      {
        chain: 'tron',
        type: 'native',
        from: VICTIM,
        to: SCAMMER,
        asset: { chain: 'tron', kind: 'native', symbol: 'TRX', decimals: 6 },
        amount: 5_000_000n,
        tx: tronTxid(9),
        logIndex: -1,
        block: 42,
        time: T0 / 1000,
      },
    ]);
    const posts = server.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.path).sort()).toEqual(['/wallet/gettransactionbyid', '/wallet/gettransactioninfobyid']);
    expect(JSON.parse(posts[0]!.body)).toEqual({ value: tronTxid(9) });
    await expect(a.getTransaction('tron', tronTxid(404))).rejects.toBeInstanceOf(NotFoundError);
  });
});
