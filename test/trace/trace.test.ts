import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTraceSettings, trace } from '../../src/trace/trace.js';
import { TraceReportSchema, type TraceReport } from '../../src/core/schema.js';
import { InvalidInputError, TraceAbortedError, NotFoundError } from '../../src/core/errors.js';
import { reportToJson } from '../../src/report/json.js';
import { addr, adapterFor, labels, T0, txOf, world, type Step } from '../support/world.js';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';

const M = 1_000_000; // 1 USDT in base units
const seed = (name: string) => ({ chain: 'ethereum', tx: txOf(name) });
const endpointAt = (report: TraceReport, name: string) => report.endpoints.filter((e) => e.address.toLowerCase() === addr(name));

describe('trace: following funds', () => {
  const steps: Step[] = [
    { tx: 'victim', from: 'victim', to: 'collector', amount: 1000 * M, at: 0 },
    { tx: 'early', from: 'collector', to: 'before', amount: 5 * M, at: -100 },
    { tx: 'c-l', from: 'collector', to: 'layer', amount: 600 * M, at: 100 },
    // layer also pays a private wallet, so it is no deposit address: the exchange wallet itself is.
    { tx: 'l-x', from: 'layer', to: 'exchange', amount: 300 * M, at: 200 },
    { tx: 'l-p', from: 'layer', to: 'private', amount: 100 * M, at: 300 },
  ];

  it('counts hops after the seed recipient and stops at a labeled exchange with its deposit address', async () => {
    const { report } = await trace({ seeds: [seed('victim')], adapters: [adapterFor(steps)], labels: labels([['exchange', 'Ex', 'exchange', ['SC']]]) });
    const [ex] = endpointAt(report, 'exchange');
    expect(ex).toMatchObject({ kind: 'exchange', entity: 'Ex', hops: 2, amount: String(300 * M), depositInferred: false, amountDisplay: '300' });
    expect(ex!.depositAddress!.toLowerCase()).toBe(addr('exchange'));
    expect(ex!.path).toEqual([txOf('victim'), txOf('c-l'), txOf('l-x')]);
    expect(endpointAt(report, 'collector')[0]).toMatchObject({ kind: 'unspent', hops: 0, amount: String(400 * M) });
    expect(TraceReportSchema.parse(report)).toEqual(report);
  });

  it('marks in the graph the addresses it expanded, read after the engine let its indexes go', async () => {
    const result = await trace({ seeds: [seed('victim')], adapters: [adapterFor(steps)], labels: labels([['exchange', 'Ex', 'exchange', ['SC']]]) });
    const expanded = result.graph.filterNodes((_, a) => a.expanded === true).map((n) => n.slice('ethereum|'.length));
    // The seed's recipient, the layer and the private wallet (found to have paid nothing on) were followed; the
    // exchange's wallet, where the trace stops, was not, nor was the victim who paid.
    expect(expanded.sort()).toEqual([addr('collector'), addr('layer'), addr('private')].sort());
    expect(result.report.stats.addressesExpanded).toBe(3);
  });

  it('lists every tainted movement in the graph, read after the engine let go, from a source answering with movement objects', async () => {
    // The graph's list of tainted edges is made when the graph is first read, after the engine let go of what no view
    // reads: every row must still read its movement. Two payments into `layer`: its hop count comes from one, the
    // other is on no endpoint's path nor an endpoint's inflow (`layer` forwards everything, to an exchange and a
    // private wallet: no deposit address).
    const forwarded: Step[] = [
      { tx: 'victim', from: 'victim', to: 'collector', amount: 1000 * M, at: 0 },
      { tx: 'c-l1', from: 'collector', to: 'layer', amount: 600 * M, at: 100 },
      { tx: 'c-l2', from: 'collector', to: 'layer', amount: 400 * M, at: 110 },
      { tx: 'l-x', from: 'layer', to: 'exchange', amount: 500 * M, at: 200 },
      { tx: 'l-p', from: 'layer', to: 'private', amount: 500 * M, at: 210 },
    ];
    const columnar = adapterFor(forwarded);
    // The same source without its columnar form: the engine holds these movements as objects.
    const objects = {
      ...columnar,
      getTransfers: async (q: Parameters<typeof columnar.getTransfers>[0]) => {
        const { ids: _ids, ...answer } = await columnar.getTransfers(q);
        return answer;
      },
    };
    const result = await trace({ seeds: [seed('victim')], adapters: [objects], labels: labels([['exchange', 'Ex', 'exchange', ['SC']]]) });
    const edges = result.graph.mapEdges((_, a) => `${a.tx}:${a.taint}`).sort();
    expect(edges).toEqual(
      [
        `${txOf('victim')}:${1000 * M}`,
        `${txOf('c-l1')}:${600 * M}`,
        `${txOf('c-l2')}:${400 * M}`,
        `${txOf('l-x')}:${500 * M}`,
        `${txOf('l-p')}:${500 * M}`,
      ].sort(),
    );
    expect(result.report.stats.taintedTransfers).toBe(5);
  });

  it('never follows movements from before the tainted funds arrived', async () => {
    const { report } = await trace({ seeds: [seed('victim')], adapters: [adapterFor(steps)] });
    expect(endpointAt(report, 'before')).toEqual([]);
    expect(report.conservation[0]).toMatchObject({ seeded: String(1000 * M), endpoints: String(1000 * M), balanced: true });
  });

  it('reports the chain cut at the hop limit as hop-limit', async () => {
    const { report } = await trace({ seeds: [seed('victim')], adapters: [adapterFor(steps)], maxHops: 1 });
    expect(endpointAt(report, 'layer')[0]).toMatchObject({ kind: 'hop-limit', hops: 1, amount: String(600 * M) });
    const none = await trace({ seeds: [seed('victim')], adapters: [adapterFor(steps)], maxHops: 0 });
    expect(none.report.endpoints).toMatchObject([{ kind: 'hop-limit', hops: 0, amount: String(1000 * M) }]);
  });
});

describe('trace: stop reasons', () => {
  const steps: Step[] = [
    { tx: 'v', from: 'victim', to: 'c', amount: 1000 * M, at: 0 },
    { tx: 'bridge', from: 'c', to: 'bridge', amount: 100 * M, at: 10 },
    { tx: 'mixer', from: 'c', to: 'mixer', amount: 100 * M, at: 20 },
    { tx: 'ofac', from: 'c', to: 'ofac', amount: 100 * M, at: 30 },
    { tx: 'dust', from: 'c', to: 'dust', amount: M / 2, at: 40 },
    { tx: 'hub', from: 'c', to: 'hub', amount: 100 * M, at: 50 },
    ...Array.from({ length: 12 }, (_, i): Step => ({ tx: `hub-${i}`, from: 'hub', to: `shop-${i}`, amount: M, at: 60 + i })),
    { tx: 'a', from: 'c', to: 'a', amount: 100 * M, at: 100 },
    { tx: 'b', from: 'c', to: 'b', amount: 100 * M, at: 110 },
  ];
  const lbl = labels([
    ['bridge', 'Bridge', 'bridge'],
    ['mixer', 'Mixer', 'mixer'],
    ['ofac', 'Sanctioned Co', 'sanctioned', ['RU']],
  ]);

  it('produces bridge, mixer, sanctioned, below-min-value, high-degree, budget and unspent endpoints', async () => {
    const { report } = await trace({ seeds: [seed('v')], adapters: [adapterFor(steps)], labels: lbl, minValue: '1', maxDegree: 10, maxNodes: 3 });
    const kind = (name: string) => endpointAt(report, name).map((e) => e.kind);
    expect(kind('bridge')).toEqual(['bridge']);
    expect(kind('mixer')).toEqual(['mixer']);
    expect(kind('ofac')).toEqual(['sanctioned']);
    expect(kind('dust')).toEqual(['below-min-value']);
    expect(kind('hub')).toEqual(['high-degree']);
    expect(kind('c')).toEqual(['unspent']);
    // Budget 3: c, then a and b compete with the hub for two slots; the hub is fetched and found high-degree.
    const budget = report.endpoints.filter((e) => e.kind === 'budget');
    expect(budget).toHaveLength(1);
    expect(report.stops.map((s) => s.kind).sort()).toEqual(['below-min-value', 'bridge', 'budget', 'high-degree', 'mixer', 'sanctioned', 'unspent']);
    expect(report.conservation.every((c) => c.balanced)).toBe(true);
    expect(endpointAt(report, 'c')[0]!.freezable).toEqual({ issuer: 'Tether Operations Limited' });
  });
});

describe('trace: a hub is told by how many it pays, not by what it gathers', () => {
  // A call-centre fraud's collector gathers from many victims and forwards to a few wallets: it must be followed
  // whatever the victims' number. A service's wallet pays many customers: that is a hub. Worlds drawn over the
  // degree limit, the victims beyond it, the collector's forwards and the hub's payouts.
  const worldArb = fc
    .record({ maxDegree: fc.integer({ min: 2, max: 30 }), taint: fc.constantFrom('fifo', 'haircut', 'poison') as fc.Arbitrary<'fifo' | 'haircut' | 'poison'> })
    .chain(({ maxDegree, taint }) =>
      fc.record({
        maxDegree: fc.constant(maxDegree),
        taint: fc.constant(taint),
        victims: fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: maxDegree + 1, maxLength: 4 * maxDegree }),
        // Forwards to the exchange's wallets, as many times as drawn (beyond the limit too), to fewer wallets than it.
        forwards: fc.integer({ min: 1, max: 3 * maxDegree }),
        wallets: fc.integer({ min: 1, max: maxDegree - 1 }),
        payouts: fc.integer({ min: maxDegree + 1, max: 3 * maxDegree }),
        seeded: fc.array(fc.boolean(), { minLength: 4 * maxDegree, maxLength: 4 * maxDegree }),
      }),
    );

  it('follows a collector with more victims and forwards than the degree limit to the exchange, and stops the hub that pays more addresses', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const steps: Step[] = w.victims.map((usdt, i) => ({ tx: `v${i}`, from: `victim${i}`, to: 'collector', amount: BigInt(usdt) * BigInt(M), at: i * 60 }));
        const total = w.victims.reduce((sum, usdt) => sum + BigInt(usdt) * BigInt(M), 0n);
        // The collector forwards everything: first a quarter to the hub (so taint reaches it under every model), then
        // the rest in `forwards` payments to the exchange's wallets in turn.
        const toHub = total / 4n;
        steps.push({ tx: 'to-hub', from: 'collector', to: 'hub', amount: toHub, at: w.victims.length * 60 });
        const share = (total - toHub) / BigInt(w.forwards);
        let paid = 0n;
        for (let i = 0; i < w.forwards; i++) {
          const amount = i === w.forwards - 1 ? total - toHub - paid : share;
          paid += amount;
          steps.push({ tx: `fwd${i}`, from: 'collector', to: `exchange${i % w.wallets}`, amount, at: (w.victims.length + 1 + i) * 60 });
        }
        for (let i = 0; i < w.payouts; i++)
          steps.push({ tx: `pay${i}`, from: 'hub', to: `shop${i}`, amount: 1n, at: (w.victims.length + w.forwards + 1 + i) * 60 });
        // The first victim's payment and any others drawn: the window opens at the first, so the collector's list is whole.
        const seeds = w.victims
          .map((_, i) => i)
          .filter((i) => i === 0 || w.seeded[i])
          .map((i) => seed(`v${i}`));
        const seededTotal = seeds.reduce((sum, s) => sum + BigInt(w.victims[steps.findIndex((x) => txOf(x.tx) === s.tx)]!) * BigInt(M), 0n);
        const { report } = await trace({
          seeds,
          adapters: [adapterFor(steps)],
          labels: labels(Array.from({ length: w.wallets }, (_, j) => [`exchange${j}`, 'Ex', 'exchange', ['SC']])),
          builtinLabels: false,
          maxDegree: w.maxDegree,
          taint: w.taint,
        });
        expect(endpointAt(report, 'collector').map((e) => e.kind)).not.toContain('high-degree');
        const [hub] = endpointAt(report, 'hub');
        expect(hub).toMatchObject({ kind: 'high-degree', hops: 1 });
        expect(hub!.reason).toBe(`paid more than ${w.maxDegree} different addresses in the window: a service-like hub, not expanded (maxDegree, --max-degree)`);
        // Every unit the seeds put in ends at the exchange or the hub: nothing is lost at the collector.
        const at = (name: string) => endpointAt(report, name).reduce((sum, e) => sum + BigInt(e.amount), 0n);
        const wallets = Array.from({ length: w.wallets }, (_, j) => `exchange${j}`);
        for (const e of wallets.flatMap((name) => endpointAt(report, name))) expect(e.kind).toBe('exchange');
        expect(wallets.reduce((sum, name) => sum + at(name), 0n) + at('hub')).toBe(seededTotal);
        expect(report.conservation.every((c) => c.balanced)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('follows a collector of 1,500 victims forwarding each payment by default', async () => {
    // Each victim's payment is forwarded on at once to one of two deposit addresses, which sweep to the exchange.
    const steps: Step[] = [];
    for (let i = 0; i < 1_500; i++) {
      steps.push({ tx: `v${i}`, from: `victim${i}`, to: 'collector', amount: 1_000 * M + i, at: i * 60 });
      steps.push({ tx: `f${i}`, from: 'collector', to: `deposit${i % 2}`, amount: 1_000 * M + i, at: i * 60 + 10 });
    }
    steps.push({ tx: 's0', from: 'deposit0', to: 'exchange', amount: 750_000 * M + 750 * 749, at: 1_500 * 60 });
    steps.push({ tx: 's1', from: 'deposit1', to: 'exchange', amount: 750_000 * M + 750 * 750, at: 1_500 * 60 });
    const { report } = await trace({
      seeds: [seed('v0')],
      adapters: [adapterFor(steps)],
      labels: labels([['exchange', 'Big Exchange', 'exchange', ['SC']]]),
      builtinLabels: false,
    });
    // The default read bound is not stated (a cut address's reason names it): the settings are as before it existed.
    expect(report.settings.maxDegree).toBe(1_000);
    expect(report.settings).not.toHaveProperty('maxMovements');
    expect(report.endpoints.filter((e) => e.kind === 'high-degree')).toEqual([]);
    expect(endpointAt(report, 'deposit0')).toMatchObject([
      { kind: 'exchange', entity: 'Big Exchange', depositInferred: true, amount: String(1_000 * M), hops: 1 },
    ]);
    expect(endpointAt(report, 'deposit1')).toEqual([]);
  });

  it('stops an address whose list the read bound cut, naming the bound, and asks the source for no more than it', async () => {
    const steps: Step[] = [{ tx: 'v', from: 'victim', to: 'collector', amount: 100 * M, at: 0 }];
    for (let i = 0; i < 30; i++) steps.push({ tx: `in${i}`, from: `other${i}`, to: 'collector', amount: M, at: 10 + i });
    steps.push({ tx: 'out', from: 'collector', to: 'next', amount: 130 * M, at: 100 });
    const source = adapterFor(steps);
    const asked: (number | undefined)[] = [];
    const payees: (number | undefined)[] = [];
    const spy = {
      ...source,
      getTransfers: (q: Parameters<typeof source.getTransfers>[0]) => {
        asked.push(q.maxPerAddress);
        payees.push(q.maxPayees);
        return source.getTransfers(q);
      },
    };
    const cut = await trace({ seeds: [seed('v')], adapters: [spy], maxDegree: 5, maxMovements: 20 });
    expect(asked).toEqual([20]);
    // A source may also stop once an address paid more than maxDegree addresses (adapters/per-address.ts).
    expect(payees).toEqual([5]);
    expect(cut.report.settings).toMatchObject({ maxDegree: 5, maxMovements: 20 });
    expect(endpointAt(cut.report, 'collector')[0]).toMatchObject({
      kind: 'high-degree',
      amount: String(100 * M),
      reason: 'more than 20 movements in the window: not read whole, not expanded (maxMovements, --max-movements)',
    });
    // Read whole (32 movements, one address paid), the same collector is followed; the bound is never below maxDegree.
    asked.length = 0;
    const whole = await trace({ seeds: [seed('v')], adapters: [spy], maxDegree: 40, maxMovements: 20 });
    expect(asked[0]).toBe(40);
    expect(endpointAt(whole.report, 'collector')).toEqual([]);
    expect(endpointAt(whole.report, 'next')[0]).toMatchObject({ kind: 'unspent', hops: 1 });
  });
});

describe('trace: spam never carries taint', () => {
  it('ignores zero-value transfers and look-alike tokens and counts them', async () => {
    const fake = { id: 'fake', chain: 'ethereum', kind: 'token' as const, contract: addr('fake-token'), symbol: 'USDT', decimals: 6 };
    const steps: Step[] = [
      { tx: 'v', from: 'victim', to: 'c', amount: 50 * M, at: 0 },
      { tx: 'zero', from: 'c', to: 'lookalike', amount: 0, at: 5 },
      { tx: 'spoof', from: 'c', to: 'lookalike', amount: 50 * M, at: 6, asset: 'fake' },
      { tx: 'real', from: 'c', to: 'next', amount: 50 * M, at: 10 },
    ];
    const { report } = await trace({ seeds: [seed('v')], adapters: [adapterFor(steps, [fake])] });
    expect(endpointAt(report, 'lookalike')).toEqual([]);
    expect(report.ignored).toMatchObject({ zeroValue: 1, lookalikeToken: 1 });
    expect(endpointAt(report, 'next')[0]).toMatchObject({ kind: 'unspent', amount: String(50 * M) });
  });

  it('refuses a spam transaction as a seed', async () => {
    const steps: Step[] = [{ tx: 'zero', from: 'a', to: 'b', amount: 0, at: 0 }];
    await expect(trace({ seeds: [seed('zero')], adapters: [adapterFor(steps)] })).rejects.toThrow(/moves no traceable value/);
  });
});

describe('trace: deposit inference and cross-border', () => {
  const base = (forwardAt: number, forwardAmount: number): Step[] => [
    { tx: 'v', from: 'victim', to: 'c', amount: 1000 * M, at: 0 },
    { tx: 'c-d', from: 'c', to: 'deposit', amount: 1000 * M, at: 100 },
    { tx: 'sweep', from: 'deposit', to: 'hot', amount: forwardAmount, at: 100 + forwardAt },
  ];
  const lbl = (j: string[]) => labels([['hot', 'Hot Exchange', 'exchange', j]]);

  it('infers a deposit address from a partial sweep and keeps what it still holds in the same exchange endpoint', async () => {
    const { report } = await trace({ seeds: [seed('v')], adapters: [adapterFor(base(3600, 995 * M))], labels: lbl(['SC']), caseJurisdiction: 'DE' });
    expect(report.endpoints).toHaveLength(1);
    const ex = report.endpoints[0]!;
    expect(ex.address.toLowerCase()).toBe(addr('deposit'));
    expect(ex).toMatchObject({ kind: 'exchange', entity: 'Hot Exchange', depositInferred: true, crossBorder: true, amount: String(1000 * M), hops: 1 });
    expect(ex.freezable).toBeUndefined();
    expect(ex.sweptTo!.map((a) => a.toLowerCase())).toEqual([addr('hot')]);
    expect(ex.txs).toEqual([txOf('c-d')]);
    expect(ex.outflows!.map((o) => o.tx)).toEqual([txOf('sweep')]);
    expect(ex.depositEvidence).toEqual({
      deposits: 1,
      sweeps: 1,
      received: String(1000 * M),
      swept: String(995 * M),
      shareSwept: 0.995,
      sweepDelaySeconds: { min: 3600, max: 3600 },
      sweepTxs: [txOf('sweep')],
    });
    expect(ex.reason).toMatch(/1 deposit; 1 sweep carrying 99\.50 % of what it received, 1\.0 h after receipt/);
    expect(report.exchanges[0]!.depositAddresses[0]).toMatchObject({ inferred: true });
    expect(TraceReportSchema.parse(report)).toEqual(report);
  });

  it('reports a deposit address swept into two wallets of its exchange once: both sweeps, what it still holds, both wallets', async () => {
    const steps: Step[] = [
      { tx: 'v', from: 'victim', to: 'c', amount: 1000 * M, at: 0 },
      { tx: 'c-d', from: 'c', to: 'deposit', amount: 1000 * M, at: 100 },
      { tx: 'sweep-1', from: 'deposit', to: 'hot', amount: 600 * M, at: 3700 },
      { tx: 'sweep-2', from: 'deposit', to: 'cold', amount: 300 * M, at: 7300 },
    ];
    const both = labels([
      ['hot', 'Hot Exchange', 'exchange', ['SC']],
      ['cold', 'Hot Exchange', 'exchange', ['SC']],
    ]);
    const { report } = await trace({ seeds: [seed('v')], adapters: [adapterFor(steps)], labels: both });
    expect(report.endpoints).toHaveLength(1);
    const ex = report.endpoints[0]!;
    expect(ex).toMatchObject({ kind: 'exchange', entity: 'Hot Exchange', depositInferred: true, amount: String(1000 * M) });
    expect(ex.address.toLowerCase()).toBe(addr('deposit'));
    expect(ex.sweptTo!.map((a) => a.toLowerCase())).toEqual([addr('cold'), addr('hot')].sort());
    expect(ex.txs).toEqual([txOf('c-d')]);
    expect(ex.outflows!.map((o) => o.tx).sort()).toEqual([txOf('sweep-1'), txOf('sweep-2')].sort());
    expect(report.conservation.every((c) => c.balanced)).toBe(true);
  });

  it('infers the deposit address when the sweep comes 13 to 14 hours later (issue #17)', async () => {
    for (const delay of [13 * 3600, 14 * 3600 - 1]) {
      const { report } = await trace({ seeds: [seed('v')], adapters: [adapterFor(base(delay, 1000 * M))], labels: lbl(['SC']) });
      expect(report.endpoints.map((e) => [e.kind, e.address.toLowerCase(), e.depositAddress?.toLowerCase(), e.amount])).toEqual([
        ['exchange', addr('deposit'), addr('deposit'), String(1000 * M)],
      ]);
      expect(report.endpoints[0]!.depositEvidence!.sweepDelaySeconds).toEqual({ min: delay, max: delay });
    }
  });

  it('lets a token deposit address hand its clean gas money back, but not pay a private wallet', async () => {
    const ETH = 10n ** 18n;
    const steps = (refundTo: string, extra: Step[] = []): Step[] => [
      { tx: 'v', from: 'victim', to: 'c', amount: 1000 * M, at: 0 },
      { tx: 'v-eth', from: 'victim', to: 'c', amount: 2n * ETH, at: 1, asset: 'native' },
      { tx: 'c-d', from: 'c', to: 'deposit', amount: 1000 * M, at: 100 },
      { tx: 'gas', from: 'gas-station', to: 'deposit', amount: ETH / 100n, at: 200, asset: 'native' },
      { tx: 'sweep', from: 'deposit', to: 'hot', amount: 1000 * M, at: 20 * 86_400 },
      { tx: 'refund', from: 'deposit', to: refundTo, amount: ETH / 200n, at: 20 * 86_400 + 60, asset: 'native' },
      ...extra,
    ];
    const run = async (s: Step[]) =>
      (await trace({ seeds: [seed('v'), seed('v-eth')], adapters: [adapterFor(s)], labels: lbl(['SC']) })).report.endpoints.filter(
        (e) => e.address.toLowerCase() === addr('deposit'),
      );
    const [ex] = await run(steps('gas-station'));
    expect(ex).toMatchObject({
      kind: 'exchange',
      depositInferred: true,
      amount: String(1000 * M),
      depositEvidence: { deposits: 1, sweeps: 1, shareSwept: 1, sweepDelaySeconds: { min: 20 * 86_400 - 100, max: 20 * 86_400 - 100 } },
    });
    expect(ex!.reason).toMatch(/paid all but dust of its outflows/);
    // The same address also paying a private wallet 1 % of what it received is no deposit address: what it swept is
    // reported at the exchange's wallet.
    const lookalike = await run(
      steps('gas-station', [
        { tx: 'other', from: 'someone', to: 'deposit', amount: 10 * M, at: 250 },
        { tx: 'private', from: 'deposit', to: 'private', amount: 10 * M, at: 300 },
      ]),
    );
    expect(lookalike).toEqual([]);
  });

  it('reads one batch sweep transaction that empties several deposit addresses, a clean customer’s among them', async () => {
    const w = world([
      { tx: 'v', from: 'victim', to: 'c', amount: 3000 * M, at: 0 },
      { tx: 'c-d1', from: 'c', to: 'd1', amount: 1000 * M, at: 100 },
      { tx: 'c-d2', from: 'c', to: 'd2', amount: 2000 * M, at: 200 },
      { tx: 'clean', from: 'customer', to: 'd3', amount: 500 * M, at: 300 },
      // One sweeper transaction, three Transfer logs: d1, d2 and d3 into the hot wallet, 3 days later.
      ...(['d1', 'd2', 'd3'] as const).map((d, i): Step => ({ tx: 'batch', from: d, to: 'hot', amount: [1000, 2000, 500][i]! * M, at: 3 * 86_400 })),
    ]);
    w.transfers!.forEach((t, i) => (t.logIndex = t.tx === txOf('batch') ? i : 0));
    const { report } = await trace({ seeds: [seed('v')], adapters: [createFixtureAdapter({ dataset: w })], labels: lbl(['SC']) });
    expect(report.endpoints.map((e) => [e.kind, e.address.toLowerCase(), e.depositInferred, e.amount, e.depositEvidence?.sweepTxs])).toEqual(
      [
        ['exchange', addr('d1'), true, String(1000 * M), [txOf('batch')]],
        ['exchange', addr('d2'), true, String(2000 * M), [txOf('batch')]],
      ].sort((a, b) => (String(a[1]) < String(b[1]) ? -1 : 1)),
    );
    expect(report.conservation[0]!.balanced).toBe(true);
  });

  it('reads a deposit address as the trace saw it when its sweep lies beyond the hop limit or the window', async () => {
    const steps = base(3600, 1000 * M);
    const cut = await trace({ seeds: [seed('v')], adapters: [adapterFor(steps)], labels: lbl(['SC']), maxHops: 1 });
    expect(cut.report.endpoints.map((e) => [e.kind, e.address.toLowerCase()])).toEqual([['hop-limit', addr('deposit')]]);
    const early = await trace({ seeds: [seed('v')], adapters: [adapterFor(steps)], labels: lbl(['SC']), to: T0 + 1800 });
    expect(early.report.endpoints).toMatchObject([{ kind: 'unspent', amount: String(1000 * M), freezable: { issuer: 'Tether Operations Limited' } }]);
  });

  it('rejects the retired depositWindowHours option with a one-line error naming it', async () => {
    const options = { seeds: [seed('v')], adapters: [adapterFor(base(60, 1000 * M))], depositWindowHours: 12 } as Parameters<typeof trace>[0];
    await expect(trace(options)).rejects.toThrow(InvalidInputError);
    await expect(trace(options)).rejects.toThrow(/depositWindowHours was retired.*remove it/);
  });

  it('flags cross-border true, false (domestic) and unknown', async () => {
    const run = async (j: string[], cj?: string) =>
      (await trace({ seeds: [seed('v')], adapters: [adapterFor(base(60, 1000 * M))], labels: lbl(j), ...(cj ? { caseJurisdiction: cj } : {}) })).report;
    expect((await run(['SC'], 'DE')).exchanges[0]).toMatchObject({ crossBorder: true });
    expect((await run(['DE', 'AT'], 'DE')).exchanges[0]).toMatchObject({ crossBorder: false });
    const unknown = await run([], 'DE');
    expect(unknown.exchanges[0]).toMatchObject({ crossBorder: null, crossBorderReason: 'entity jurisdiction unknown' });
    expect(unknown.jurisdictions[0]).toMatchObject({ jurisdiction: 'unknown', crossBorder: null });
    expect((await run(['SC'])).exchanges[0]!.crossBorder).toBeNull();
  });
});

describe('trace: taint models on a mixed address', () => {
  // c holds 100 clean, then receives 100 tainted, then sends 100 to x and 100 to y.
  const steps: Step[] = [
    { tx: 'clean', from: 'otc', to: 'c', amount: 100 * M, at: 0 },
    { tx: 'v', from: 'victim', to: 'c', amount: 100 * M, at: 10 },
    { tx: 'x', from: 'c', to: 'x', amount: 100 * M, at: 20 },
    { tx: 'y', from: 'c', to: 'y', amount: 100 * M, at: 30 },
  ];
  const amounts = async (taint: 'poison' | 'haircut' | 'fifo') => {
    const { report } = await trace({ seeds: [seed('v')], adapters: [adapterFor(steps)], taint, from: 1_759_999_000 });
    return { x: endpointAt(report, 'x')[0]?.amount ?? '0', y: endpointAt(report, 'y')[0]?.amount ?? '0' };
  };

  it('fifo spends the older clean funds first, poison spends taint first, haircut splits in proportion', async () => {
    expect(await amounts('fifo')).toEqual({ x: '0', y: String(100 * M) });
    expect(await amounts('poison')).toEqual({ x: String(100 * M), y: '0' });
    expect(await amounts('haircut')).toEqual({ x: String(50 * M), y: String(50 * M) });
  });

  it('charges fees paid from tainted native funds to the conservation line', async () => {
    const eth = 10n ** 18n;
    const native: Step[] = [
      { tx: 'v', from: 'victim', to: 'c', amount: 2n * eth, at: 0, asset: 'native' },
      { tx: 'out', from: 'c', to: 'd', amount: eth, at: 10, asset: 'native', fee: 10n ** 15n },
    ];
    const { report } = await trace({ seeds: [seed('v')], adapters: [adapterFor(native)] });
    expect(report.conservation[0]).toMatchObject({ seeded: String(2n * eth), fees: String(10n ** 15n), balanced: true });
    expect(endpointAt(report, 'c')[0]!.amount).toBe(String(eth - 10n ** 15n));
  });

  it("debits the gas of a zero-value transaction (a token transfer, a contract call) from its sender's tainted ETH", async () => {
    const eth = 10n ** 18n;
    const gas = 3n * 10n ** 15n;
    const native: Step[] = [
      { tx: 'v', from: 'victim', to: 'c', amount: 2n * eth, at: 0, asset: 'native' },
      { tx: 'call', from: 'c', to: 'token-contract', amount: 0, at: 5, asset: 'native', fee: gas },
      // A zero-value transaction someone else sent to c costs c nothing.
      { tx: 'poke', from: 'stranger', to: 'c', amount: 0, at: 6, asset: 'native', fee: gas },
      { tx: 'out', from: 'c', to: 'd', amount: eth, at: 10, asset: 'native' },
    ];
    const { report } = await trace({ seeds: [seed('v')], adapters: [adapterFor(native)], taint: 'poison' });
    expect(report.conservation[0]).toMatchObject({ seeded: String(2n * eth), fees: String(gas), balanced: true });
    expect(endpointAt(report, 'c')[0]!.amount).toBe(String(eth - gas));
    expect(endpointAt(report, 'd')[0]!.amount).toBe(String(eth));
    expect(endpointAt(report, 'token-contract')).toEqual([]);
    expect(report.ignored.zeroValue).toBe(0);
  });
});

describe('trace: seeds by address', () => {
  it('taints everything the address received in its window', async () => {
    const steps: Step[] = [
      { tx: 'in1', from: 'v1', to: 'c', amount: 10 * M, at: 0 },
      { tx: 'in2', from: 'v2', to: 'c', amount: 20 * M, at: 100 },
      { tx: 'late', from: 'v3', to: 'c', amount: 40 * M, at: 10_000 },
    ];
    const { T0 } = await import('../support/world.js');
    const { report } = await trace({ seeds: [{ chain: 'ethereum', address: addr('c'), from: T0, to: T0 + 1000 }], adapters: [adapterFor(steps)] });
    expect(report.seeds.map((s) => s.amount)).toEqual([String(10 * M), String(20 * M)]);
    expect(report.seeds.every((s) => s.kind === 'address')).toBe(true);
  });
});

describe('trace: bad input, abort and progress', () => {
  const steps: Step[] = [{ tx: 'v', from: 'victim', to: 'c', amount: M, at: 0 }];

  it('rejects bad options with typed errors that name the option', async () => {
    const adapters = [adapterFor(steps)];
    await expect(trace({ seeds: [seed('v')], adapters, maxHops: -1 })).rejects.toThrow(/maxHops/);
    await expect(trace({ seeds: [seed('v')], adapters, caseJurisdiction: 'XX' })).rejects.toThrow(/caseJurisdiction.*ISO 3166/);
    await expect(trace({ seeds: [seed('v')], adapters, taint: 'magic' as 'fifo' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(trace({ seeds: [], adapters })).rejects.toThrow(/at least one seed/);
    await expect(trace({ seeds: [{ chain: 'ethereum', tx: '0x12' }], adapters })).rejects.toThrow(/seeds\.0/);
    await expect(trace({ seeds: [seed('v')], adapters: [] })).rejects.toThrow(/at least one data source/);
    await expect(trace({ seeds: [{ chain: 'tron', tx: 'ab'.repeat(32) }], adapters })).rejects.toThrow(/No data source configured for chain tron/);
    await expect(trace({ seeds: [seed('unknown')], adapters })).rejects.toBeInstanceOf(NotFoundError);
    await expect(trace({ seeds: [{ chain: 'ethereum', address: '0x1234' }], adapters })).rejects.toThrow(/Invalid ethereum address/);
    await expect(trace({ seeds: [seed('v')], adapters, minValue: '0.0000001' })).rejects.toThrow(/minValue/);
  });

  it('stops with TraceAbortedError when the signal fires, and reports progress while it runs', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    await expect(trace({ seeds: [seed('v')], adapters: [adapterFor(steps)], signal: controller.signal })).rejects.toBeInstanceOf(TraceAbortedError);
    const events: string[] = [];
    await trace({ seeds: [seed('v')], adapters: [adapterFor(steps)], onProgress: (e) => events.push(e.phase) });
    expect(events[0]).toBe('seeds');
    expect(events).toContain('expand');
    // The settle phase once, after the account chains' last round, then done.
    expect(events.filter((p) => p === 'settle')).toHaveLength(1);
    expect(events.indexOf('settle')).toBeGreaterThan(events.lastIndexOf('expand'));
    expect(events.at(-1)).toBe('done');
  });

  it('gives byte-identical JSON for the same input', async () => {
    const a = reportToJson((await trace({ seeds: [seed('v')], adapters: [adapterFor(steps)] })).report);
    const b = reportToJson((await trace({ seeds: [seed('v')], adapters: [adapterFor(steps)] })).report);
    expect(a).toBe(b);
  });
});

describe('parseTraceSettings', () => {
  const seeds = [{ chain: 'ethereum', tx: `0x${'ab'.repeat(32)}` }];

  it('fills in the defaults of valid settings', () => {
    const settings = parseTraceSettings({ seeds, maxHops: 3 });
    expect(settings).toMatchObject({ maxHops: 3, minValue: '0', seeds: [expect.objectContaining({ chain: 'ethereum' })] });
  });

  it('names every bad field on one line, with the zod issues in details', () => {
    for (const [field, value] of [
      ['maxHops', -1],
      ['maxHops', 2.5],
      ['maxNodes', 'many'],
      ['minValue', '1e3'],
    ] as const) {
      let error: unknown;
      try {
        parseTraceSettings({ seeds, [field]: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidInputError);
      const { shortMessage, details } = error as InvalidInputError;
      expect(shortMessage).toMatch(new RegExp(`^Invalid trace options: ${field}: `));
      expect(shortMessage).not.toContain('\n');
      expect((details as { issues: { path: string[] }[] }).issues[0]!.path).toEqual([field]);
    }
  });

  it('rejects the retired depositWindowHours, saying to remove it', () => {
    expect(() => parseTraceSettings({ seeds, depositWindowHours: 24 })).toThrow(/^Invalid trace options: depositWindowHours was retired .*remove it$/);
  });
});
