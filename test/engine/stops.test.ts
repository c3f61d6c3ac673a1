import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stopFor, stopPolicy, type Reached, type StopPolicy, type StopReason } from '../../src/engine/stops.js';
import { classifyByLabel, type Terminal } from '../../src/heuristics/classify.js';
import { createLabelStore } from '../../src/labels/store.js';
import { AdapterError, TraceAbortedError } from '../../src/core/errors.js';
import type { Category, Label } from '../../src/core/schema.js';
import { trace } from '../../src/trace/trace.js';
import { addr, adapterFor, labels, txOf } from '../support/world.js';

const USDT = 'ethereum:token:0xdac17f958d2ee523a2206206994597c13d831ec7';
const ETH = 'ethereum:native:';
const settings = { maxHops: 4, maxNodes: 300, maxDegree: 500, maxMovements: 5_000, minValue: '1' };
const policyOf = (s = settings, unit: 'addresses' | 'outputs' = 'addresses') =>
  stopPolicy(
    s,
    new Map([
      [USDT, 1_000_000n],
      [ETH, 10n ** 18n],
    ]),
    unit,
  );

const label = (category: Category, entity = `${category} entity`): Label => ({
  chain: 'ethereum',
  address: `0x${category.padEnd(40, '0').slice(0, 40)}`,
  entity,
  category,
  jurisdictions: [],
  confidence: 1,
  source: 'test',
});
const terminalOf = (...categories: Category[]): Terminal | undefined => {
  const labels = categories.map((c) => ({ ...label(c), address: '0xabc' }));
  return classifyByLabel(createLabelStore(labels), 'ethereum', '0xabc');
};
/** An address that would be followed: enough taint, under every limit. */
const plain = (over: Partial<Reached> = {}): Reached => ({ hop: 1, received: [[USDT, 5_000_000n]], ...over });

describe('the stop policy', () => {
  it('follows an address under every limit, and leaves an expanded one unspent', () => {
    const policy = policyOf();
    expect(stopFor(plain(), policy)).toBeUndefined();
    expect(stopFor(plain({ expanded: true, hop: 99, received: [], budgetCut: true, highDegree: true }), policy)).toBeUndefined();
  });

  it('stops at every labeled kind with the label and the reason classifyByLabel gives', () => {
    const policy = policyOf();
    for (const kind of ['exchange', 'bridge', 'mixer', 'sanctioned'] as const) {
      const terminal = terminalOf(kind)!;
      expect(stopFor(plain({ terminal }), policy)).toEqual({ kind, reason: terminal.reason, label: terminal.label });
    }
    // scam/service/defi/other labels annotate but do not stop.
    for (const category of ['scam', 'service', 'defi', 'other'] as const) expect(stopFor(plain({ terminal: terminalOf(category) }), policy)).toBeUndefined();
  });

  it('stops at the hop limit, naming the --hops that would follow the branch further', () => {
    const policy = policyOf();
    expect(stopFor(plain({ hop: 3 }), policy)).toBeUndefined();
    expect(stopFor(plain({ hop: 4 }), policy)).toEqual({
      kind: 'hop-limit',
      reason: 'hop limit 4 reached: re-run with --hops 5 (maxHops: 5) to follow it further',
    });
    expect(stopFor(plain({ hop: 6 }), policy)!.reason).toContain('--hops 7 (maxHops: 7)');
  });

  it('stops below the minimum value unless some asset reaches its own minimum', () => {
    const policy = policyOf();
    const below: StopReason = { kind: 'below-min-value', reason: 'received less than the minimum value 1' };
    expect(stopFor(plain({ received: [] }), policy)).toEqual(below);
    expect(stopFor(plain({ received: [[USDT, 999_999n]] }), policy)).toEqual(below);
    expect(stopFor(plain({ received: [[USDT, 1_000_000n]] }), policy)).toBeUndefined();
    expect(
      stopFor(
        plain({
          received: [
            [USDT, 1n],
            [ETH, 10n ** 18n],
          ],
        }),
        policy,
      ),
    ).toBeUndefined();
    expect(
      stopFor(
        plain({
          received: [
            [ETH, 10n ** 18n - 1n],
            [USDT, 999_999n],
          ],
        }),
        policy,
      ),
    ).toEqual(below);
  });

  it('stops a hub at the degree limit, a budget cut at the budget, in the unit of the engine', () => {
    expect(stopFor(plain({ highDegree: true }), policyOf())).toEqual({
      kind: 'high-degree',
      reason: 'paid more than 500 different addresses in the window: a service-like hub, not expanded (maxDegree, --max-degree)',
    });
    // A cut list names the bound that cut it, never below the degree limit (that many payees must be read).
    expect(stopFor(plain({ listCut: true, highDegree: true }), policyOf())).toEqual({
      kind: 'high-degree',
      reason: 'more than 5000 movements in the window: not read whole, not expanded (maxMovements, --max-movements)',
    });
    expect(stopFor(plain({ listCut: true }), policyOf({ ...settings, maxDegree: 8_000 }))?.reason).toMatch(/^more than 8000 movements/);
    expect(stopFor(plain({ budgetCut: true }), policyOf())).toEqual({ kind: 'budget', reason: 'node budget of 300 addresses used up' });
    expect(stopFor(plain({ budgetCut: true }), policyOf(settings, 'outputs'))).toEqual({ kind: 'budget', reason: 'node budget of 300 outputs used up' });
  });

  it('stops UTXO branches at CoinJoins (mixer), batch payouts (high-degree) and peeled payments', () => {
    const policy = policyOf(settings, 'outputs');
    expect(stopFor(plain({ expanded: true, mix: { kind: 'coinjoin', reason: 'whirlpool pool 0.05 BTC' } }), policy)).toEqual({
      kind: 'mixer',
      reason: 'coinjoin: whirlpool pool 0.05 BTC',
    });
    expect(stopFor(plain({ expanded: true, mix: { kind: 'batch-payout', reason: '1 input paying 12 outputs' } }), policy)).toEqual({
      kind: 'high-degree',
      reason: 'batch payout by a service-like wallet: 1 input paying 12 outputs',
    });
    expect(stopFor(plain({ peeled: 'payment peeled off a peel chain' }), policy)).toEqual({ kind: 'peeled', reason: 'payment peeled off a peel chain' });
  });

  it('marks an address the trace ended before expanding as incomplete, saying whether it was interrupted or a source failed', () => {
    const policy = policyOf();
    expect(stopFor(plain({ failure: new TraceAbortedError('Trace aborted', { details: {} }) }), policy)).toEqual({
      kind: 'incomplete',
      reason: 'not expanded: the trace was interrupted',
    });
    const failed = stopFor(plain({ failure: new AdapterError('rpc answered 502 after 5 tries', { details: {} }) }), policy)!;
    expect(failed).toEqual({ kind: 'incomplete', reason: 'not expanded: the source failed (rpc answered 502 after 5 tries)' });
  });

  it('puts sanctions before every other label, and a label before the hop limit, value, degree and budget', () => {
    const policy = policyOf();
    expect(stopFor(plain({ terminal: terminalOf('exchange', 'sanctioned') }), policy)!.kind).toBe('sanctioned');
    expect(stopFor(plain({ terminal: terminalOf('exchange', 'bridge') }), policy)!.kind).toBe('bridge');
    const exchange = terminalOf('exchange')!;
    expect(stopFor({ hop: 4, received: [], highDegree: true, budgetCut: true, terminal: exchange }, policy)).toMatchObject({
      kind: 'exchange',
      label: exchange.label,
    });
    // A label carried to an expanded output (common-input ownership) still stops it.
    expect(stopFor(plain({ expanded: true, terminal: exchange }), policy)!.kind).toBe('exchange');
  });

  it('shares one stop object per kind and hop count between the addresses it applies to', () => {
    const policy = policyOf();
    const exchange = terminalOf('exchange')!;
    expect(stopFor(plain({ hop: 5 }), policy)).toBe(stopFor(plain({ hop: 5, received: [] }), policy));
    expect(stopFor(plain({ terminal: exchange }), policy)).toBe(stopFor(plain({ terminal: exchange, hop: 0 }), policy));
    expect(stopFor(plain({ budgetCut: true }), policy)).toBe(stopFor(plain({ budgetCut: true, hop: 2 }), policy));
  });
});

// Facts drawn independently; the expected kind is read off the documented precedence, one rule at a time.
const factsArb = fc.record({
  hop: fc.integer({ min: 0, max: 12 }),
  expanded: fc.boolean(),
  terminal: fc.option(
    fc.constantFrom<Category[]>(['exchange'], ['bridge'], ['mixer'], ['sanctioned'], ['exchange', 'sanctioned'], ['bridge', 'mixer'], ['scam']),
    { nil: undefined },
  ),
  received: fc.array(fc.tuple(fc.constantFrom(USDT, ETH), fc.bigInt({ min: 0n, max: 3n * 10n ** 18n })), { maxLength: 3 }),
  highDegree: fc.boolean(),
  listCut: fc.boolean(),
  budgetCut: fc.boolean(),
  peeled: fc.option(fc.constant('peeled off'), { nil: undefined }),
  mix: fc.option(fc.constantFrom({ kind: 'coinjoin' as const, reason: 'cj' }, { kind: 'batch-payout' as const, reason: 'bp' }), { nil: undefined }),
  failure: fc.option(fc.constant(new TraceAbortedError('Trace aborted', { details: {} })), { nil: undefined }),
  contract: fc.boolean(),
});
const limitsArb = fc.record({
  maxHops: fc.integer({ min: 0, max: 10 }),
  maxNodes: fc.integer({ min: 1, max: 100_000 }),
  maxDegree: fc.integer({ min: 1, max: 100_000 }),
  maxMovements: fc.integer({ min: 1, max: 100_000 }),
  minValue: fc.constant('1'),
});

function expectedKind(f: Reached, policy: StopPolicy): string | undefined {
  const min = (asset: string) => policy.minValue.get(asset)!;
  const rules: [boolean, string][] = [
    [f.mix?.kind === 'coinjoin', 'mixer'],
    [f.mix?.kind === 'batch-payout', 'high-degree'],
    [f.terminal !== undefined, f.terminal?.kind ?? ''],
    [f.expanded === true, 'follow'],
    [f.peeled !== undefined, 'peeled'],
    [f.listCut === true || f.highDegree === true, 'high-degree'],
    [f.hop >= policy.maxHops, 'hop-limit'],
    [f.failure !== undefined, 'incomplete'],
    [f.contract === true, 'contract'],
    [![...f.received].some(([a, v]) => v >= min(a)), 'below-min-value'],
    [f.budgetCut === true, 'budget'],
  ];
  const kind = rules.find(([applies]) => applies)?.[1];
  return kind === 'follow' ? undefined : kind;
}

describe('the stop policy over generated facts', () => {
  it('gives the first stop of the documented precedence, and a label’s own kind and label', () => {
    fc.assert(
      fc.property(factsArb, limitsArb, (raw, limits) => {
        const policy = policyOf(limits);
        const facts: Reached = { ...raw, terminal: raw.terminal ? terminalOf(...raw.terminal) : undefined };
        const stop = stopFor(facts, policy);
        expect(stop?.kind).toBe(expectedKind(facts, policy));
        if (stop && facts.terminal && !facts.mix) expect(stop.label).toBe(facts.terminal.label);
        if (stop?.kind !== 'exchange' && stop?.kind !== 'bridge' && stop?.kind !== 'mixer' && stop?.kind !== 'sanctioned') expect(stop?.label).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('never follows a branch further when it is one hop deeper, has less taint or was cut from the budget', () => {
    fc.assert(
      fc.property(factsArb, limitsArb, fc.integer({ min: 1, max: 5 }), (raw, limits, deeper) => {
        const policy = policyOf(limits);
        const facts: Reached = { ...raw, terminal: raw.terminal ? terminalOf(...raw.terminal) : undefined };
        if (stopFor(facts, policy) === undefined) return;
        expect(stopFor({ ...facts, hop: facts.hop + deeper }, policy)).toBeDefined();
        expect(stopFor({ ...facts, received: [...facts.received].map(([a, v]) => [a, v / 2n] as const) }, policy)).toBeDefined();
        expect(stopFor({ ...facts, budgetCut: true }, policy)).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });
});

describe('the account engine asks the stop policy (generated chains)', () => {
  // A chain c0 -> c1 -> ... -> cN from the victim's payment, each address forwarding less than it received; one
  // address may carry a label. Along a chain the stop is read off the policy's order at the first address it applies to.
  const chainArb = fc.record({
    length: fc.integer({ min: 1, max: 7 }),
    labeledAt: fc.integer({ min: 0, max: 8 }),
    category: fc.constantFrom<Category>('exchange', 'bridge', 'mixer', 'sanctioned', 'scam'),
    maxHops: fc.integer({ min: 0, max: 8 }),
    maxNodes: fc.integer({ min: 1, max: 9 }),
    minValue: fc.integer({ min: 1, max: 1200 }),
    keep: fc.integer({ min: 1, max: 150 }),
  });

  it('stops each chain where the first stop applies, a label before the hop limit, value and budget', async () => {
    const M = 1_000_000n;
    await fc.assert(
      fc.asyncProperty(chainArb, async (w) => {
        const amount = (i: number) => (1000n - BigInt(i * w.keep)) * M;
        const steps = [{ tx: 'v', from: 'victim', to: 'c0', amount: amount(0), at: 0 }];
        for (let i = 1; i <= w.length && amount(i) > 0n; i++) steps.push({ tx: `h${i}`, from: `c${i - 1}`, to: `c${i}`, amount: amount(i), at: i * 60 });
        const last = steps.length - 1;
        const store = labels(w.labeledAt <= last ? [[`c${w.labeledAt}`, 'Entity', w.category]] : []);
        const { report } = await trace({
          seeds: [{ chain: 'ethereum', tx: txOf('v') }],
          adapters: [adapterFor(steps)],
          labels: store,
          builtinLabels: false,
          maxHops: w.maxHops,
          maxNodes: w.maxNodes,
          minValue: String(w.minValue),
        });
        // The first address whose branch stops, and why (the policy's order at that address).
        let expected: { at: number; kind: string } = { at: last, kind: 'unspent' };
        for (let i = 0; i <= last; i++) {
          const labeled = i === w.labeledAt && w.category !== 'scam';
          const kind = labeled
            ? w.category
            : i >= w.maxHops
              ? 'hop-limit'
              : amount(i) < BigInt(w.minValue) * M
                ? 'below-min-value'
                : i >= w.maxNodes
                  ? 'budget'
                  : undefined;
          if (kind) {
            expected = { at: i, kind };
            break;
          }
        }
        const endpointsAt = (i: number) => report.endpoints.filter((e) => e.address.toLowerCase() === addr(`c${i}`));
        if (expected.kind === 'exchange' && expected.at > 0) {
          // The unlabeled address before it paid all its outflows to the exchange: its inferred deposit address,
          // where the exchange endpoint is reported (what it swept plus what it still holds).
          expect(endpointsAt(expected.at)).toEqual([]);
          expect(endpointsAt(expected.at - 1)).toEqual([
            expect.objectContaining({ kind: 'exchange', depositInferred: true, amount: String(amount(expected.at - 1)) }),
          ]);
        } else {
          const at = endpointsAt(expected.at);
          expect(at.map((e) => e.kind)).toEqual([expected.kind]);
          expect(at[0]!.hops).toBe(expected.at);
          if (expected.kind !== 'unspent') expect(at[0]!.amount).toBe(String(amount(expected.at)));
        }
        // Nothing past the stop was reached.
        for (let i = expected.at + 1; i <= last; i++) expect(report.endpoints.some((e) => e.address.toLowerCase() === addr(`c${i}`))).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
