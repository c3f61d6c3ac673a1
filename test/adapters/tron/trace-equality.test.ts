import { afterEach, describe, expect, it } from 'vitest';
import { createTronGridAdapter } from '../../../src/adapters/tron/adapter.js';
import { mapTrc20Records, mapTronList } from '../../../src/adapters/tron/map.js';
import { Trc20RecordSchema, TronTransactionSchema } from '../../../src/adapters/tron/schema.js';
import { createFixtureAdapter } from '../../../src/adapters/fixture/adapter.js';
import type { FixtureDatasetInput } from '../../../src/adapters/fixture/schema.js';
import { trace } from '../../../src/trace/trace.js';
import { createLabelStore } from '../../../src/labels/store.js';
import type { AccountTransfer } from '../../../src/core/movement.js';
import type { TraceReport } from '../../../src/core/schema.js';
import { createVirtualClock } from '../../support/virtual-clock.js';
import {
  startTronServer,
  transferLog,
  triggerCall,
  trc20,
  tronAddress,
  tronTxid,
  USDT_TRC20,
  type TronServer,
  type Trc20Rec,
  type TronTxRec,
} from '../../support/trongrid-server.js';

/**
 * A USDT-on-TRON scam, traced through TronGrid (fingerprint pages of 50, airdrop spam, a rate-limited key) and
 * through a fixture holding the same movements: the reports must be the same.
 */

const KEY = 'SENTINEL-TRON-TRACE-KEY-77aa';
const T0 = 1_700_000_000_000;
const M = 1_000_000;
const VICTIM = tronAddress(0x71c7);
const SCAMMER = tronAddress(0x5ca3);
const LAYER = tronAddress(0x1a1);
const EXCHANGE = tronAddress(0xe8c);
const FAKE_USDT = tronAddress(0xfa4e);
const SEED = 1;

function scenario() {
  const tokens: Trc20Rec[] = [];
  const txs: TronTxRec[] = [];
  let block = 60_000_000;
  const send = (id: number, from: string, to: string, value: number, atMs: number, fee: number) => {
    tokens.push(trc20(id, from, to, String(value), atMs));
    txs.push(triggerCall(id, from, USDT_TRC20, undefined, block++, atMs, fee));
  };
  send(SEED, VICTIM, SCAMMER, 1_500 * M, T0, 13_844_850);
  // Address-poisoning spam: zero-value and 0.001 USDT transfers from look-alike senders, and a fake "USDT".
  for (let i = 0; i < 400; i++) {
    const poisoner = tronAddress(0xbad000 + (i % 37));
    const at = T0 + 1_000 + i * 3_000;
    if (i % 4 === 3) tokens.push(trc20(1_000 + i, poisoner, SCAMMER, '5000000', at, { address: FAKE_USDT, symbol: 'USDT' }));
    else tokens.push(trc20(1_000 + i, poisoner, SCAMMER, i % 2 ? '1000' : '0', at));
  }
  send(2, SCAMMER, LAYER, 1_000 * M, T0 + 600_000, 27_255_900);
  send(3, SCAMMER, EXCHANGE, 300 * M, T0 + 900_000, 13_844_850);
  send(4, LAYER, EXCHANGE, 1_000 * M, T0 + 1_300_000, 27_255_900);
  return { tokens, txs };
}

/** The same movements as one fixture dataset. */
function fixtureOf(transfers: AccountTransfer[]): FixtureDatasetInput {
  return {
    format: 'chaintrail-fixture',
    version: 1,
    assets: [
      { id: 'usdt', chain: 'tron', kind: 'token', contract: USDT_TRC20, symbol: 'USDT', decimals: 6 },
      { id: 'fake', chain: 'tron', kind: 'token', contract: FAKE_USDT, symbol: 'USDT', decimals: 6 },
    ],
    transfers: transfers.map((t) => ({
      chain: 'tron',
      tx: t.tx,
      type: t.type,
      logIndex: t.logIndex,
      block: t.block,
      time: t.time,
      from: t.from,
      to: t.to,
      asset: t.asset.kind === 'native' ? 'native' : t.asset.contract === USDT_TRC20 ? 'usdt' : 'fake',
      amount: t.amount.toString(),
      ...(t.fee !== undefined ? { fee: t.fee.toString() } : {}),
    })),
  };
}

const comparable = (report: TraceReport) => ({ ...report, sources: [], notes: [], evidence: [] });

let server: TronServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('trace over TronGrid equals trace over the same data in one fixture', () => {
  it('follows USDT through fingerprint pages and airdrop spam, rate-limited, to the exchange', { timeout: 60_000 }, async () => {
    const { tokens, txs } = scenario();
    const seedTx = txs[0]!;
    server = await startTronServer({
      apiKey: KEY,
      data: {
        trc20: tokens,
        transactions: txs,
        infos: {
          [tronTxid(SEED)]: {
            id: tronTxid(SEED),
            fee: seedTx.ret[0]!.fee,
            blockNumber: seedTx.blockNumber,
            blockTimeStamp: seedTx.block_timestamp,
            receipt: { result: 'SUCCESS' },
            log: [transferLog(USDT_TRC20, VICTIM, SCAMMER, 1_500n * BigInt(M))],
          },
        },
      },
      rateLimited: (n) => n % 5 === 0,
    });
    const clock = createVirtualClock();
    const grid = createTronGridAdapter({ baseUrl: server.url, apiKey: KEY, pageSize: 50, clock, env: {} });
    const movements = [
      ...mapTrc20Records(tokens.map((r) => Trc20RecordSchema.parse(r))),
      ...mapTronList(txs.map((r) => TronTransactionSchema.parse(r))).transfers,
    ];
    const fixture = createFixtureAdapter({ dataset: fixtureOf(movements) });
    const labels = createLabelStore([
      { chain: 'tron', address: EXCHANGE, entity: 'Exchange T', category: 'exchange', jurisdictions: ['SC'], confidence: 1, source: 'test' },
    ]);
    const options = { seeds: [{ chain: 'tron', tx: tronTxid(SEED) }], labels, maxHops: 4, caseJurisdiction: 'DE' };

    const viaGrid = await trace({ ...options, adapters: [grid] });
    const viaFixture = await trace({ ...options, adapters: [fixture] });

    expect(comparable(viaGrid.report)).toEqual(comparable(viaFixture.report));
    expect(viaGrid.graph.order).toBe(viaFixture.graph.order);
    expect(viaGrid.graph.size).toBe(viaFixture.graph.size);
    const exchange = viaGrid.report.endpoints.filter((e) => e.kind === 'exchange');
    expect(exchange.reduce((s, e) => s + BigInt(e.amount), 0n)).toBe(1_300n * BigInt(M));
    expect(viaGrid.report.conservation.every((c) => c.balanced)).toBe(true);
    // Spam was seen, and did not carry taint.
    expect(viaGrid.report.ignored.zeroValue + viaGrid.report.ignored.lookalikeToken).toBeGreaterThan(0);
    // It paged (SCAMMER's list is 400+ records at 50 a page) and it was slowed down, not stopped.
    expect(server.listRequests().filter((r) => r.path.endsWith('/trc20') && r.query.has('fingerprint')).length).toBeGreaterThanOrEqual(8);
    expect(clock.sleeps.filter((ms) => ms === 27_000).length).toBeGreaterThan(0);
  });
});
