import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trace } from '../../src/trace/trace.js';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { createLabelStore } from '../../src/labels/store.js';
import { builtinLabels } from '../../src/labels/builtin.js';
import { addr, txOf, world } from '../support/world.js';

// A real Binance reserve wallet from the built-in set (GraphSense pack exchange-wallets-binance.yaml).
const BINANCE = '0xbe0eb53f46cd790cd13851d5eff43d12404d33e8';

function dataset() {
  const w = world([{ tx: 'v', from: 'victim', to: 'c', amount: 1_000_000, at: 0 }]);
  w.transfers!.push({
    chain: 'ethereum',
    tx: txOf('to-binance'),
    logIndex: 0,
    block: 200,
    time: 1_760_000_100,
    from: addr('c'),
    to: BINANCE,
    asset: 'usdt',
    amount: '400000',
  });
  // c also pays a shop, so it is no deposit address of Binance's (that would put the endpoint at c).
  w.transfers!.push({
    chain: 'ethereum',
    tx: txOf('to-shop'),
    logIndex: 0,
    block: 201,
    time: 1_760_000_200,
    from: addr('c'),
    to: addr('shop'),
    asset: 'usdt',
    amount: '100000',
  });
  return w;
}

describe('built-in labels', () => {
  it('are used by default, after the investigator’s own labels, and can be turned off', async () => {
    expect(builtinLabels().some((l) => l.address === BINANCE && l.entity === 'Binance')).toBe(true);
    const seeds = [{ chain: 'ethereum', tx: txOf('v') }];
    const on = await trace({ seeds, adapters: [createFixtureAdapter({ dataset: dataset() })] });
    expect(on.report.endpoints.find((e) => e.address.toLowerCase() === BINANCE)).toMatchObject({ kind: 'exchange', entity: 'Binance' });

    const off = await trace({ seeds, adapters: [createFixtureAdapter({ dataset: dataset() })], builtinLabels: false });
    expect(off.report.endpoints.find((e) => e.address.toLowerCase() === BINANCE)?.kind).toBe('unspent');

    const own = createLabelStore([
      {
        chain: 'ethereum',
        address: BINANCE,
        entity: 'Case file: Binance (confirmed by LE portal)',
        category: 'exchange',
        jurisdictions: ['KY'],
        confidence: 1,
        source: 'case 17',
      },
    ]);
    const mine = await trace({ seeds, adapters: [createFixtureAdapter({ dataset: dataset() })], labels: own });
    expect(mine.report.endpoints.find((e) => e.address.toLowerCase() === BINANCE)?.entity).toBe('Case file: Binance (confirmed by LE portal)');
  });

  it('names the protocol and destination chain when the money enters a registered bridge', async () => {
    const OP_BRIDGE = '0x99c9fc46f92e8a1c0dec1b1747d010903e884be1';
    const w = world([{ tx: 'v', from: 'victim', to: 'c', amount: 1_000_000, at: 0 }]);
    w.transfers!.push({
      chain: 'ethereum',
      tx: txOf('bridge'),
      logIndex: 0,
      block: 200,
      time: 1_760_000_100,
      from: addr('c'),
      to: OP_BRIDGE,
      asset: 'usdt',
      amount: '700000',
    });
    const { report } = await trace({ seeds: [{ chain: 'ethereum', tx: txOf('v') }], adapters: [createFixtureAdapter({ dataset: w })] });
    const bridge = report.endpoints.find((e) => e.address.toLowerCase() === OP_BRIDGE);
    expect(bridge).toMatchObject({ kind: 'bridge', amount: '700000', bridge: { protocol: 'optimism', destinationChain: 'evm:10' } });
    expect(bridge!.reason).toMatch(/towards evm:10/);
  });
});

describe('built-in label pack in reports', () => {
  it("cites the deciding pack label's source and licence on the endpoint, in its reason and in every export of it", async () => {
    const { createBuiltinLabelStore } = await import('../../src/labels/builtin.js');
    const { reportToSummary, reportToEndpointsCsv } = await import('../../src/index.js');
    const store = createBuiltinLabelStore();
    const ORDER = ['sanctioned', 'mixer', 'exchange'] as const;
    const stopping = builtinLabels().filter((l) => l.chain === 'ethereum' && (ORDER as readonly string[]).includes(l.category));
    const addresses = [...new Set(stopping.map((l) => l.address))].sort();
    const picks = fc.sample(fc.constantFrom(...addresses), { numRuns: 6, seed: 21 });
    for (const target of picks) {
      const all = store.getAll('ethereum', target);
      const deciding = ORDER.map((c) => all.find((l) => l.category === c)).find(Boolean)!;
      const w = world([{ tx: 'v', from: 'victim', to: 'c', amount: 1_000_000, at: 0 }]);
      for (const [i, to] of [target, addr('shop')].entries()) {
        w.transfers!.push({
          chain: 'ethereum',
          tx: txOf(`out-${i}`),
          logIndex: 0,
          block: 200 + i,
          time: 1_760_000_100 + i,
          from: addr('c'),
          to,
          asset: 'usdt',
          amount: i ? '100000' : '600000',
        });
      }
      const { report } = await trace({ seeds: [{ chain: 'ethereum', tx: txOf('v') }], adapters: [createFixtureAdapter({ dataset: w })] });
      const endpoint = report.endpoints.find((e) => e.address.toLowerCase() === target)!;
      expect(endpoint, target).toMatchObject({ entity: deciding.entity, labelSource: deciding.source, labelLicence: deciding.licence, amount: '600000' });
      expect(endpoint.reason).toContain(`(${deciding.source}; licence ${deciding.licence})`);
      expect(reportToSummary(report)).toContain(`licence ${deciding.licence}`);
      expect(reportToEndpointsCsv(report)).toContain(`licence ${deciding.licence}`);
      // The unlabeled shop gets no label fields.
      const shop = report.endpoints.find((e) => e.address.toLowerCase() === addr('shop').toLowerCase())!;
      expect(shop).not.toHaveProperty('labelSource');
      expect(shop).not.toHaveProperty('labelLicence');
    }
  });
});

describe('built-in protocol labels', () => {
  it('name DEX routers as defi without stopping the branch: the money is followed past them', async () => {
    const { PROTOCOL_DEPLOYMENTS } = await import('../../src/labels/protocols/dex.js');
    const ethereum = PROTOCOL_DEPLOYMENTS.flatMap((p) => p.contracts.filter((c) => c.chains.includes('ethereum')).map((c) => c.address.toLowerCase()));
    for (const router of fc.sample(fc.constantFrom(...ethereum), { numRuns: 3, seed: 7 })) {
      const w = world([{ tx: 'v', from: 'victim', to: 'c', amount: 1_000_000, at: 0 }]);
      w.transfers!.push(
        { chain: 'ethereum', tx: txOf('in'), logIndex: 0, block: 200, time: 1_760_000_100, from: addr('c'), to: router, asset: 'usdt', amount: '1000000' },
        { chain: 'ethereum', tx: txOf('out'), logIndex: 0, block: 201, time: 1_760_000_200, from: router, to: addr('d'), asset: 'usdt', amount: '1000000' },
      );
      const { report } = await trace({ seeds: [{ chain: 'ethereum', tx: txOf('v') }], adapters: [createFixtureAdapter({ dataset: w })] });
      expect(
        report.endpoints.some((e) => e.address.toLowerCase() === router),
        router,
      ).toBe(false);
      expect(
        report.endpoints.find((e) => e.address.toLowerCase() === addr('d').toLowerCase()),
        router,
      ).toMatchObject({ kind: 'unspent', amount: '1000000' });
    }
  });
});
