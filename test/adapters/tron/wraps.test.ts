/**
 * The TronGrid source's getTransfers sees WTRX wrapping: generated worlds in which holders wrap and unwrap TRX among
 * other wrappers' traffic, held by the local TronGrid as its full node (the transactions and their logs) and its
 * event index (`/v1/contracts/:address/events`, 200 a page) hold them. TronGrid filters events by contract, name and
 * time, never by holder: the lists are read per side and window, whatever the frontier's size, and shared out.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createTronGridAdapter } from '../../../src/adapters/tron/adapter.js';
import { tronBase58ToHex } from '../../../src/core/address.js';
import { transferId, type AccountTransfer } from '../../../src/core/movement.js';
import { DEPOSIT_TOPIC, WITHDRAWAL_TOPIC } from '../../../src/core/wrapped-native.js';
import { createVirtualClock } from '../../support/virtual-clock.js';
import { startTronServer, triggerCall, tronAddress, tronTxid, type TronData, type TronEventRec, type TronServer } from '../../support/trongrid-server.js';

const T0 = 1_700_000_000_000;
const WTRX = 'TNUC9Qb1rRpS5CbWLmNMxXBjyFoydXjWFR';
const ASSET = { chain: 'tron', kind: 'token' as const, contract: WTRX, symbol: 'WTRX', decimals: 6 };
const short = (a: string) => tronBase58ToHex(a).slice(4);
const word = (hex: string) => hex.padStart(64, '0');

interface Wrap {
  kind: 'deposit' | 'withdrawal';
  /** 1-4: the frontier's holders; 10-40: other wrappers. */
  who: number;
  amount: bigint;
  /** Logs before it in its transaction (a swap's Transfers, say). */
  before: number;
}

const wrapArb: fc.Arbitrary<Wrap> = fc.record({
  kind: fc.constantFrom('deposit' as const, 'withdrawal' as const),
  who: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 10, max: 40 })),
  amount: fc.bigInt({ min: 1n, max: 10n ** 15n }),
  before: fc.integer({ min: 0, max: 3 }),
});

/** The full node's transactions and logs and the event index's records of the wraps, one transaction each. */
function worldOf(wraps: Wrap[]): TronData {
  const data: TronData & Required<Pick<TronData, 'transactions' | 'infos' | 'events'>> = { transactions: [], infos: {}, events: [] };
  wraps.forEach((w, i) => {
    const txid = tronTxid(0x8000 + i);
    const time = T0 + i * 3_000;
    const who = tronAddress(w.who);
    const callValue = w.kind === 'deposit' ? Number(w.amount % 9_000_000_000n) : 0;
    data.transactions.push(triggerCall(0x8000 + i, who, WTRX, callValue, 70_000_000 + i, time, 345_000));
    const topic = w.kind === 'deposit' ? DEPOSIT_TOPIC : WITHDRAWAL_TOPIC;
    // Logs before the wrap are other contracts' events that are not movements (a Sync, say): they take positions.
    const filler = Array.from({ length: w.before }, (_, k) => ({ address: short(tronAddress(0x6000 + k)), topics: [word('1c')], data: word('0') }));
    const log = { address: short(WTRX), topics: [topic.slice(2), word(short(who))], data: word(w.amount.toString(16)) };
    data.infos[txid] = {
      id: txid,
      fee: 345_000,
      blockNumber: 70_000_000 + i,
      blockTimeStamp: time,
      contractResult: [''],
      contract_address: tronBase58ToHex(WTRX).slice(2),
      receipt: { energy_usage_total: 12_000, net_usage: 345, result: 'SUCCESS' },
      log: [...filler, log],
      internal_transactions: [],
    };
    const name = w.kind === 'deposit' ? 'Deposit' : 'Withdrawal';
    const arg = w.kind === 'deposit' ? 'dst' : 'src';
    data.events.push({
      block_number: 70_000_000 + i,
      block_timestamp: time,
      caller_contract_address: WTRX,
      contract_address: WTRX,
      event_index: w.before,
      event_name: name,
      result: { '0': `0x${short(who)}`, '1': w.amount.toString(), [arg]: `0x${short(who)}`, wad: w.amount.toString() },
      result_type: { [arg]: 'address', wad: 'uint256' },
      event: `${name}(address indexed ${arg}, uint256 wad)`,
      transaction_id: txid,
    } satisfies TronEventRec);
  });
  return data;
}

let servers: TronServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

const line = (t: AccountTransfer) => `${transferId(t)} ${t.from}>${t.to} ${t.amount} ${t.time} ${t.eventIndex}`;

describe('TronGrid getTransfers and WTRX wrapping', () => {
  it('gives the holders their Deposit/Withdrawal as getTransactionMovements does, from one event list per side and window', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(wrapArb, { minLength: 1, maxLength: 450 }), async (wraps) => {
        const server = await startTronServer({ data: worldOf(wraps) });
        servers.push(server);
        const adapter = createTronGridAdapter({
          baseUrl: server.url,
          clock: createVirtualClock(),
          random: () => 0.5,
          env: {},
          rateLimit: { perSecond: 1000, burst: 1000 },
        });
        const holders = [1, 2, 3, 4].map(tronAddress);
        const mine = wraps.map((w, i) => ({ w, i })).filter(({ w }) => w.who <= 4);
        const eventRequests = () => server.requests.filter((r) => r.path.startsWith('/v1/contracts/')).length;

        const got = await adapter.getTransfers({ chain: 'tron', addresses: holders, direction: 'both', assets: [ASSET] });
        const wrapsGot = got.transfers.filter((t) => t.asset.contract === WTRX);
        const pagesOf = (kind: Wrap['kind']) => Math.max(1, Math.ceil(wraps.filter((w) => w.kind === kind).length / 200));
        expect(eventRequests()).toBe(pagesOf('deposit') + pagesOf('withdrawal'));

        // The same movements (ids, amounts, positions) as the transactions' own reading.
        const txs = mine.map(({ i }) => tronTxid(0x8000 + i));
        const own = txs.length ? (await adapter.getTransactionMovements!('tron', txs)).movements.filter((t) => t.asset.contract === WTRX) : [];
        expect(wrapsGot.map(line).sort()).toEqual(own.map(line).sort());
        expect(wrapsGot.length).toBe(mine.length);
        for (const [k, h] of holders.entries()) {
          const net = wrapsGot.reduce((s, t) => s + (t.to === h ? t.amount : 0n) - (t.from === h ? t.amount : 0n), 0n);
          const drawn = mine.filter(({ w }) => w.who === k + 1).reduce((s, { w }) => s + (w.kind === 'deposit' ? w.amount : -w.amount), 0n);
          expect(net).toBe(drawn);
        }

        // Each side alone; asked again in the same window, the lists are not read again.
        const before = eventRequests();
        const inn = await adapter.getTransfers({ chain: 'tron', addresses: holders, direction: 'in', assets: [ASSET] });
        expect(inn.transfers.filter((t) => t.asset.contract === WTRX).length).toBe(mine.filter(({ w }) => w.kind === 'deposit').length);
        const out = await adapter.getTransfers({ chain: 'tron', addresses: holders.slice(0, 2), direction: 'out', assets: [ASSET] });
        expect(out.transfers.filter((t) => t.asset.contract === WTRX).length).toBe(mine.filter(({ w }) => w.kind === 'withdrawal' && w.who <= 2).length);
        expect(eventRequests()).toBe(before);

        // A window: only the events inside it, from a list of its own.
        const toTime = Math.floor((T0 + Math.floor(wraps.length / 2) * 3_000) / 1000);
        const early = await adapter.getTransfers({ chain: 'tron', addresses: holders, direction: 'both', toTime, assets: [ASSET] });
        expect(early.transfers.filter((t) => t.asset.contract === WTRX).length).toBe(mine.filter(({ i }) => (T0 + i * 3_000) / 1000 <= toTime).length);
        // Asked for TRX alone: no event list.
        const native = eventRequests();
        await adapter.getTransfers({
          chain: 'tron',
          addresses: holders,
          direction: 'both',
          assets: [{ chain: 'tron', kind: 'native', symbol: 'TRX', decimals: 6 }],
        });
        expect(eventRequests()).toBe(native);
      }),
      { numRuns: 8 },
    );
  }, 120_000);

  it("survives TronGrid's frequency-limit 429s on the event lists with the same movements, each refused page asked again", async () => {
    const wraps = fc.sample(fc.array(wrapArb, { minLength: 250, maxLength: 600 }), 1)[0]!;
    const holders = [1, 2, 3, 4].map(tronAddress);
    const ask = { chain: 'tron', addresses: holders, direction: 'both' as const, assets: [ASSET] };
    const options = { clock: createVirtualClock(), random: () => 0.5, env: {}, retries: 5 };
    const clean = await startTronServer({ data: worldOf(wraps) });
    const limited = await startTronServer({ data: worldOf(wraps), rateLimited: (n) => n % 3 === 0 });
    servers.push(clean, limited);
    const want = await createTronGridAdapter({ ...options, baseUrl: clean.url }).getTransfers(ask);
    expect(await createTronGridAdapter({ ...options, baseUrl: limited.url }).getTransfers(ask)).toEqual(want);
    const refused = Math.floor(limited.requests.length / 3);
    expect(refused).toBeGreaterThan(0);
    expect(limited.requests.length).toBe(clean.requests.length + refused);
  });
});
