import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvmRpcAdapter } from '../../../src/adapters/evm-rpc/adapter.js';
import { createDuckDbWarehouse } from '../../../src/adapters/warehouse/duckdb.js';
import { createWarehouseAdapter, type WarehouseAdapter } from '../../../src/adapters/warehouse/adapter.js';
import { nativeAsset } from '../../../src/core/asset.js';
import { transferId, type AccountTransfer } from '../../../src/core/movement.js';
import type { Label, TraceReport } from '../../../src/core/schema.js';
import { registerStablecoin } from '../../../src/core/stablecoins.js';
import { trace } from '../../../src/trace/trace.js';
import { createLabelStore } from '../../../src/labels/store.js';
import { CHAIN } from '../../support/ganache.js';
import { ETH } from '../../support/ganache-world.js';
import { sharedWorld } from '../../support/shared.js';
import type { SharedWorld } from '../../support/services.js';
import { readEtlTables, writeEtlTables, type EtlTables } from '../../support/etl-export.js';

/**
 * The ganache scam world of the EVM tests, exported to blockchain-etl tables (ethereum-etl JSON and BigQuery-style
 * Parquet) and traced with DuckDB: the report must be the RPC trace's, endpoint for endpoint.
 */
const U = 1_000_000n;
const tmp = mkdtempSync(join(tmpdir(), 'chaintrail-wh-world-'));
let s: SharedWorld<'scam'>;
let tables: EtlTables;
const label = (address: string, entity: string, category: Label['category'], jurisdictions: string[]): Label => ({
  chain: CHAIN,
  address,
  entity,
  category,
  jurisdictions,
  confidence: 1,
  source: 'test',
});

function settings(adapter: Parameters<typeof trace>[0]['adapters'][number]) {
  return {
    seeds: [
      { chain: CHAIN, tx: s.tx.seed1!.transactionHash },
      { chain: CHAIN, tx: s.tx.seed2!.transactionHash },
    ],
    adapters: [adapter],
    labels: createLabelStore([
      label(s.a.exAHot, 'Exchange A', 'exchange', ['SC']),
      label(s.a.exBDeposit, 'Exchange B', 'exchange', ['DE']),
      label(s.a.bridge, 'Some Bridge', 'bridge', []),
      label(s.a.mixer, 'Some Mixer', 'mixer', []),
    ]),
    maxHops: 4,
    minValue: '1',
    caseJurisdiction: 'DE',
  };
}

/** The parts of a report that come from the data (sources, notes and request counts differ by design). */
function substance(report: TraceReport) {
  return {
    seeds: report.seeds,
    endpoints: report.endpoints,
    exchanges: report.exchanges,
    jurisdictions: report.jurisdictions,
    conservation: report.conservation,
    stops: report.stops,
    ignored: report.ignored,
    complete: report.complete,
    addressesExpanded: report.stats.addressesExpanded,
    transfersSeen: report.stats.transfersSeen,
    taintedTransfers: report.stats.taintedTransfers,
  };
}

let rpcReport: TraceReport;

beforeAll(async () => {
  s = await sharedWorld('scam');
  registerStablecoin({ chain: CHAIN, contract: s.usdt.address, symbol: 'USDT', decimals: 6, issuer: 'Tether Operations Limited' });
  tables = await readEtlTables(s.chain.request);
  await writeEtlTables(tables, join(tmp, 'json'), 'json');
  await writeEtlTables(tables, join(tmp, 'parquet'), 'parquet');
  ({ report: rpcReport } = await trace(settings(createEvmRpcAdapter({ url: s.chain.url, chain: CHAIN }))));
}, 150_000);

afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('the ganache scam world exported to blockchain-etl tables and traced with DuckDB', { timeout: 60_000 }, () => {
  it('exports every transaction and Transfer event of the node', async () => {
    const head = Number(await s.chain.head());
    // One transaction per block in the ganache world (block 0 is genesis).
    expect(tables.transactions).toHaveLength(head);
    const hashes = new Set(tables.token_transfers.map((t) => t.transaction_hash));
    for (const name of ['seed1', 'seed2', 'aToLayer1', 'deposit1Sweep', 'poison', 'spoof']) expect(hashes.has(s.tx[name]!.transactionHash)).toBe(true);
    expect(tables.tokens.find((t) => t.address === s.usdt.address)).toMatchObject({ symbol: 'USDT', decimals: '6' });
  });

  for (const flavour of ['json', 'parquet'] as const) {
    it(`traces the ${flavour} export to the same report as the RPC trace, endpoint for endpoint`, async () => {
      const adapter = createWarehouseAdapter({ engine: createDuckDbWarehouse({ dir: join(tmp, flavour) }), chain: CHAIN });
      try {
        const { report } = await trace(settings(adapter));
        expect(report.endpoints.length).toBeGreaterThanOrEqual(7);
        expect(substance(report)).toEqual(substance(rpcReport));
        // And what that report says, by construction of the world.
        const summary = report.endpoints.map((e) => [e.kind, e.address.toLowerCase(), e.amount, e.hops]);
        expect(summary).toContainEqual(['exchange', s.a.deposit1, String(3_000n * U), 1]);
        expect(summary).toContainEqual(['hop-limit', s.a.layer4, String(6_000n * U), 4]);
        expect(report.conservation[0]).toMatchObject({ seeded: String(15_000n * U), endpoints: String(15_000n * U), balanced: true });
        expect(report.sources).toEqual([{ chain: CHAIN, kind: 'duckdb', endpoint: `duckdb:${join(tmp, flavour)}` }]);
        // Per round one query for the frontier's movements (it fits one call) and one asking which of its addresses
        // are contracts (transaction-level flow), plus token metadata once and, after the rounds, one read of the
        // inferred deposit addresses' native inflows (gas top-ups: the trace follows USDT only).
        expect(adapter.stats().queries).toBeLessThanOrEqual(2 * report.stats.rounds + 4);
      } finally {
        await adapter.close();
      }
    });
  }
});

describe('native value and internal transfers from transactions + traces', { timeout: 60_000 }, () => {
  let w: SharedWorld<'small'>;
  let wh: WarehouseAdapter;
  let rpcTransfers: AccountTransfer[];
  let whTransfers: AccountTransfer[];

  beforeAll(async () => {
    w = await sharedWorld('small');
    const dir = join(tmp, 'small');
    await writeEtlTables(await readEtlTables(w.chain.request), dir, 'parquet');
    wh = createWarehouseAdapter({ engine: createDuckDbWarehouse({ dir }), chain: CHAIN });
    const everyone = Object.values(w.a).concat([w.forwarder.address]);
    const native = [nativeAsset(CHAIN)];
    // The RPC adapter on ganache (no trace_filter) reads transactions' own value: compare that part.
    const rpc = createEvmRpcAdapter({ url: w.chain.url, chain: CHAIN });
    rpcTransfers = (await rpc.getTransfers({ chain: CHAIN, addresses: everyone, direction: 'both', assets: native })).transfers;
    whTransfers = (await wh.getTransfers({ chain: CHAIN, addresses: everyone, direction: 'both', assets: native })).transfers;
  }, 150_000);

  afterAll(async () => {
    await wh?.close();
  });

  it("reads each transaction's own value once (transactions, not the top-level trace) with its fee, like the RPC adapter", () => {
    const own = whTransfers.filter((t) => t.type === 'native');
    expect(own.map((t) => [transferId(t), t.from, t.to, t.amount, t.fee, t.time, t.block])).toEqual(
      rpcTransfers.map((t) => [transferId(t), t.from, t.to, t.amount, t.fee, t.time, t.block]),
    );
    expect(own.find((t) => t.tx === w.tx.ethAliceBob!.transactionHash)).toMatchObject({ from: w.a.alice, to: w.a.bob, amount: ETH });
    expect(own.filter((t) => t.tx === w.tx.forward!.transactionHash)).toHaveLength(1);
  });

  it('adds the value a contract forwarded (a successful nested call) and nothing of a reverted one', () => {
    const internal = whTransfers.filter((t) => t.type === 'internal');
    expect(internal.map((t) => [t.tx, t.from, t.to, t.amount])).toEqual([[w.tx.forward!.transactionHash, w.forwarder.address, w.a.carol, 2n * ETH]]);
    expect(whTransfers.some((t) => t.tx === w.tx.reverted!.transactionHash)).toBe(false);
    expect(wh.notes(CHAIN).join(' ')).not.toMatch(/not visible/);
  });

  it('gives a seed transaction all its movements: own value and the forwarded call', async () => {
    const { transfers } = await wh.getTransaction(CHAIN, w.tx.forward!.transactionHash);
    expect(transfers.map((t) => [t.type, t.from, t.to, t.amount])).toEqual([
      ['native', w.a.dave, w.forwarder.address, 2n * ETH],
      ['internal', w.forwarder.address, w.a.carol, 2n * ETH],
    ]);
    const reverted = await wh.getTransaction(CHAIN, w.tx.reverted!.transactionHash);
    expect(reverted.transfers).toEqual([]);
    await expect(wh.getTransaction(CHAIN, `0x${'12'.repeat(32)}`)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
