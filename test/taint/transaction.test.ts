import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidInputError } from '../../src/core/errors.js';
import { flowThroughTransaction, type TransactionFlow, type TransactionFlowInput, type TxMovement } from '../../src/taint/transaction.js';
import { throughContracts } from '../support/swap-oracle.js';

const USDT = 'ethereum:0xdac17f958d2ee523a2206206994597c13d831ec7';
const DAI = 'ethereum:0x6b175474e89094c44da98b954eedeac495271d0f';
const ETH = 'ethereum:native'; // WETH shares the native key: the caller maps the wrapper 1:1
const [user, other, a, b, c] = ['0x1111', '0x2222', '0xaaaa', '0xbbbb', '0xcccc'];
const [pool, pool2, router, weth, splitter] = ['0xc001', '0xc002', '0xc0de', '0xc0ee', '0xc5c5'];

let next = 0;
/** A movement; the id is its position in the list unless given. */
const mv = (from: string, to: string, assetKey: string, amount: bigint, logIndex: number): TxMovement => ({
  id: `m${next++}`,
  from,
  to,
  assetKey,
  amount,
  logIndex,
});

function run(movements: TxMovement[], contracts: string[], taint: [TxMovement, bigint][]): TransactionFlow {
  return flowThroughTransaction({ movements, contracts: new Set(contracts), taintedIn: new Map(taint.map(([m, t]) => [m.id, t])) });
}

/** The flow as plain sorted data, for comparing two runs. */
function plain(flow: TransactionFlow) {
  const sorted = <V>(m: Map<string, V>) => [...m].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return { ...flow, tainted: sorted(flow.tainted), kept: sorted(flow.kept), produced: sorted(flow.produced), roundedAway: sorted(flow.roundedAway) };
}

describe('flowThroughTransaction: hand-made transactions', () => {
  it('a v2 swap to self: all the tainted USDT in makes all the ETH out tainted; the pool keeps the USDT', () => {
    const pay = mv(user, pool, USDT, 1000_000000n, 0);
    const back = mv(pool, user, ETH, 5n * 10n ** 17n, 1);
    const flow = run([pay, back], [pool], [[pay, 1000_000000n]]);
    expect(flow.tainted.get(back.id)).toBe(5n * 10n ** 17n);
    expect(flow.kept).toEqual(new Map([[USDT, 1000_000000n]]));
    expect(flow.produced).toEqual(new Map([[ETH, 5n * 10n ** 17n]]));
    expect(flow.conversions).toEqual([
      {
        contracts: [pool],
        assetIn: USDT,
        taintedIn: 1000_000000n,
        totalIn: 1000_000000n,
        assetOut: ETH,
        amountOut: 5n * 10n ** 17n,
        taintedOut: 5n * 10n ** 17n,
        share: { tainted: 1000_000000n, total: 1000_000000n },
      },
    ]);
    expect(flow.notes).toEqual([`contracts keep 1000000000 tainted ${USDT}; it is not followed`]);
  });

  it('a swap through a router to another recipient taints the recipient, not the swapper', () => {
    const pay = mv(user, router, USDT, 700n, 0);
    const inner = mv(router, pool, USDT, 700n, 1);
    const out = mv(pool, other, DAI, 690n, 2);
    const flow = run([pay, inner, out], [router, pool], [[pay, 700n]]);
    expect(plain(flow).tainted).toEqual([[out.id, 690n]]);
    expect(flow.contracts).toEqual([pool, router]);
    expect(flow.conversions.map((x) => [x.assetIn, x.assetOut, x.taintedOut])).toEqual([[USDT, DAI, 690n]]);
  });

  it('a v3 swap that pays before it collects gives the same answer as the collect-first order', () => {
    const paid = mv(pool, user, ETH, 300n, 0);
    const collected = mv(user, pool, USDT, 600n, 1);
    const v3 = run([paid, collected], [pool], [[collected, 600n]]);
    const swapped = run([collected, paid], [pool], [[collected, 600n]]);
    expect(v3.tainted.get(paid.id)).toBe(300n);
    expect(plain(swapped)).toEqual(plain(v3));
  });

  it('two pools in one transaction are one box: USDT -> WETH (internal) -> DAI', () => {
    const pay = mv(user, pool, USDT, 1000n, 0);
    const hop = mv(pool, pool2, ETH, 5n, 1);
    const out = mv(pool2, user, DAI, 990n, 2);
    const flow = run([pay, hop, out], [pool, pool2], [[pay, 1000n]]);
    expect(flow.tainted.get(out.id)).toBe(990n);
    expect(flow.tainted.has(hop.id)).toBe(false);
    expect(flow.conversions).toHaveLength(1);
    expect(flow.conversions[0]).toMatchObject({ contracts: [pool, pool2], assetIn: USDT, assetOut: DAI, taintedOut: 990n });
    expect(flow.kept).toEqual(new Map([[USDT, 1000n]]));
    expect(flow.produced).toEqual(new Map([[DAI, 990n]]));
  });

  it('ETH -> token through a wrap: native value in, Deposit and pool internal, the token out is tainted', () => {
    const value = mv(user, router, ETH, 10n, -1);
    const wrap = mv(router, weth, ETH, 10n, 0); // internal call with value
    const deposit = mv(weth, router, ETH, 10n, 1); // Deposit(router, 10): WETH counts as ETH
    const toPool = mv(router, pool, ETH, 10n, 2);
    const out = mv(pool, user, USDT, 2000n, 3);
    const flow = run([value, wrap, deposit, toPool, out], [router, weth, pool], [[value, 10n]]);
    expect(plain(flow).tainted).toEqual([[out.id, 2000n]]);
    expect(flow.conversions.map((x) => [x.assetIn, x.assetOut])).toEqual([[ETH, USDT]]);
  });

  it('token -> ETH through an unwrap with an internal call: the ETH the router sends on is tainted', () => {
    const pay = mv(user, pool, USDT, 2000n, 0);
    const toRouter = mv(pool, router, ETH, 10n, 1);
    const withdrawal = mv(router, weth, ETH, 10n, 2);
    const unwrap = mv(weth, router, ETH, 10n, 100);
    const out = mv(router, user, ETH, 10n, 101);
    const flow = run([pay, toRouter, withdrawal, unwrap, out], [pool, router, weth], [[pay, 2000n]]);
    expect(plain(flow).tainted).toEqual([[out.id, 10n]]);
    expect(flow.produced).toEqual(new Map([[ETH, 10n]]));
  });

  it('wrapping alone (one asset in and out) is no conversion: the taint passes 1:1', () => {
    const value = mv(user, weth, ETH, 7n, -1);
    const deposit = mv(weth, user, ETH, 7n, 0);
    const flow = run([value, deposit], [weth], [[value, 7n]]);
    expect(flow.tainted.get(deposit.id)).toBe(7n);
    expect(flow.conversions).toEqual([]);
    expect(flow.kept.size + flow.produced.size).toBe(0);
  });

  it('a splitter spreads a half-tainted input exactly, the odd unit by the stated tie rule (lower recipient)', () => {
    const pay = mv(user, splitter, ETH, 100n, -1);
    const outs = [mv(splitter, a, ETH, 33n, 0), mv(splitter, b, ETH, 33n, 1), mv(splitter, c, ETH, 34n, 2)];
    const flow = run([pay, ...outs], [splitter], [[pay, 50n]]);
    // 50 × 33/100 = 16.5, 16.5, 17: floors 16, 16, 17 leave one unit; a and b tie on the remainder, a is lower.
    expect(outs.map((o) => flow.tainted.get(o.id))).toEqual([17n, 16n, 17n]);
    const reversed = run([...outs].reverse().concat(pay), [splitter], [[pay, 50n]]);
    expect(plain(reversed)).toEqual(plain(flow));
  });

  it('60 % tainted in makes 60 % of the output tainted, with the rounding remainder stated', () => {
    const pay = mv(user, pool, USDT, 1000n, 0);
    const toA = mv(pool, a, ETH, 111n, 1);
    const toB = mv(pool, b, ETH, 222n, 2);
    const flow = run([pay, toA, toB], [pool], [[pay, 600n]]);
    // 333 × 600/1000 = 199.8: 199 tainted, 0.8 unit rounded away (800/1000). 199 × 111/333 = 66.33, × 222/333 = 132.67:
    // floors 66 + 132 = 198, the last unit to the larger remainder (b).
    expect([flow.tainted.get(toA.id), flow.tainted.get(toB.id)]).toEqual([66n, 133n]);
    expect(flow.roundedAway).toEqual(new Map([[ETH, 800n]]));
    expect(flow.share).toEqual({ tainted: 600n, total: 1000n });
    expect(flow.kept).toEqual(new Map([[USDT, 600n]]));
    expect(flow.produced).toEqual(new Map([[ETH, 199n]]));
  });

  it("a clean user's swap on the same pool gets nothing tainted", () => {
    const pay = mv(other, pool, USDT, 500n, 0);
    const back = mv(pool, other, ETH, 250n, 1);
    const flow = run([pay, back], [pool], []);
    expect(flow.tainted.get(back.id)).toBe(0n);
    expect(flow.share).toBeNull();
    expect(flow.conversions).toEqual([]);
    expect(flow.notes).toEqual([]);
  });

  it('a payment between two non-contracts keeps its own tainted part, beside the box', () => {
    const direct = mv(user, other, USDT, 40n, 0);
    const flow = run([direct], [], [[direct, 25n]]);
    expect(flow.tainted).toEqual(new Map([[direct.id, 25n]]));
    expect(flow.share).toBeNull();
  });

  it('taint in two assets: the smallest share applies, with a note; clean inputs in a third asset do not dilute it', () => {
    const usdt = mv(user, pool, USDT, 100n, 0);
    const dai = mv(user, pool, DAI, 100n, 1);
    const clean = mv(other, pool, 'ethereum:0xfeed', 5n, 2);
    const out = mv(pool, user, ETH, 1000n, 3);
    const flow = run(
      [usdt, dai, clean, out],
      [pool],
      [
        [usdt, 100n],
        [dai, 10n],
      ],
    );
    expect(flow.share).toEqual({ tainted: 10n, total: 100n });
    expect(flow.tainted.get(out.id)).toBe(100n);
    expect(flow.notes[0]).toBe(
      `taint enters in 2 assets (${DAI}, ${USDT}): no single price exists; the smallest share, ${DAI} 10/100, applies to every output`,
    );
    expect(flow.notes[1]).toBe(`clean input in ethereum:0xfeed does not dilute the share: no price relates it to ${DAI}`);
  });

  it('refuses a bad input with a one-line InvalidInputError naming the movement', () => {
    const pay = mv(user, pool, USDT, 10n, 0);
    const back = mv(pool, user, ETH, 5n, 1);
    const cases: [TransactionFlowInput, RegExp][] = [
      [{ movements: [pay], contracts: new Set([pool]), taintedIn: new Map([[pay.id, 11n]]) }, /is given 11 tainted of 10/],
      [{ movements: [pay, back], contracts: new Set([pool]), taintedIn: new Map([[back.id, 1n]]) }, /sent by contract 0xc001/],
      [{ movements: [pay], contracts: new Set([pool]), taintedIn: new Map([['nope', 1n]]) }, /"nope" names no movement/],
      [{ movements: [pay, pay], contracts: new Set([pool]), taintedIn: new Map() }, /appears twice/],
      [{ movements: [{ ...pay, amount: -1n }], contracts: new Set([pool]), taintedIn: new Map() }, /negative amount/],
    ];
    for (const [input, message] of cases) {
      expect(() => flowThroughTransaction(input)).toThrow(InvalidInputError);
      expect(() => flowThroughTransaction(input)).toThrow(message);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Generated transactions: users, contracts and assets drawn at random, amounts from one unit to 10^27 base units
// (a billion 18-decimal tokens), taint anywhere between none and all of what a user sends.

const USERS = ['0x01', '0x02', '0x03', '0x04'];
const CONTRACTS = ['0xc1', '0xc2', '0xc3'];
const ASSETS = ['chain:native', 'chain:0xt1', 'chain:0xt2'];

const amountArb = fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 1n, max: 10n ** 27n }));
const movementArb = fc.record({
  from: fc.constantFrom(...USERS, ...CONTRACTS),
  to: fc.constantFrom(...USERS, ...CONTRACTS),
  assetKey: fc.constantFrom(...ASSETS),
  amount: amountArb,
  taint: fc.oneof(fc.constant('none'), fc.constant('all'), fc.bigInt({ min: 0n, max: 10n ** 27n })),
});

/** A transaction: movements with ids and log indexes in list order, the taint of the users' movements. */
const txArb = (oneInputAsset: boolean) =>
  fc.array(movementArb, { minLength: 1, maxLength: 12 }).map((rows): TransactionFlowInput => {
    const contracts = new Set(CONTRACTS);
    const movements = rows.map((r, i) => ({
      id: `m${i}`,
      from: r.from,
      to: r.to,
      assetKey: oneInputAsset && !contracts.has(r.from) && contracts.has(r.to) ? ASSETS[1]! : r.assetKey,
      amount: r.amount,
      logIndex: i,
    }));
    const taintedIn = new Map<string, bigint>();
    for (const [i, r] of rows.entries()) {
      if (contracts.has(r.from) || r.taint === 'none') continue;
      taintedIn.set(`m${i}`, r.taint === 'all' ? r.amount : r.taint % (r.amount + 1n));
    }
    return { movements, contracts, taintedIn };
  });

const isContract = (address: string) => CONTRACTS.includes(address);
const boxInputs = (t: TransactionFlowInput) => t.movements.filter((m) => !isContract(m.from) && isContract(m.to));
const boxOutputs = (t: TransactionFlowInput) => t.movements.filter((m) => isContract(m.from) && !isContract(m.to));
const inAsset = (rows: readonly TxMovement[], asset: string) => rows.filter((m) => m.assetKey === asset);
const givenTaint = (t: TransactionFlowInput) => (m: TxMovement) => t.taintedIn.get(m.id) ?? 0n;
/** Checks `check` on generated transactions (one input asset or any) and the rule's answer for each. */
function forEveryTx(oneInputAsset: boolean, numRuns: number, check: (t: TransactionFlowInput, flow: TransactionFlow) => void): void {
  fc.assert(
    fc.property(txArb(oneInputAsset), (t) => check(t, flowThroughTransaction(t))),
    { numRuns },
  );
}
const total = (rows: readonly TxMovement[], of: (m: TxMovement) => bigint = (m) => m.amount) => rows.reduce((s, m) => s + of(m), 0n);

describe('flowThroughTransaction: properties over generated transactions', () => {
  it('the generated transactions exercise the rule (the properties below are not vacuous)', () => {
    const flows = fc.sample(txArb(false), { numRuns: 400, seed: 20 }).map((t) => flowThroughTransaction(t));
    const count = (test: (f: TransactionFlow) => boolean) => flows.filter(test).length;
    expect(count((f) => f.share !== null && [...f.tainted.values()].some((v) => v > 0n))).toBeGreaterThan(100);
    expect(count((f) => f.conversions.length > 0)).toBeGreaterThan(50);
    expect(count((f) => f.notes.some((n) => n.startsWith('taint enters in')))).toBeGreaterThan(10);
    expect(count((f) => [...f.roundedAway.values()].some((r) => r > 0n))).toBeGreaterThan(50);
  });

  it('the order of the logs does not matter', () => {
    fc.assert(
      fc.property(
        txArb(false).chain((t) =>
          fc.tuple(fc.constant(t), fc.shuffledSubarray([...t.movements], { minLength: t.movements.length, maxLength: t.movements.length })),
        ),
        ([t, shuffled]) => {
          expect(plain(flowThroughTransaction({ ...t, movements: shuffled }))).toEqual(plain(flowThroughTransaction(t)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('no output carries more taint than its amount, and per asset tainted out ≤ total out', () => {
    forEveryTx(false, 300, (t, flow) => {
      for (const m of t.movements) expect(flow.tainted.get(m.id) ?? 0n).toBeLessThanOrEqual(m.amount);
      for (const asset of ASSETS) {
        const outs = boxOutputs(t).filter((m) => m.assetKey === asset);
        expect(total(outs, (m) => flow.tainted.get(m.id)!)).toBeLessThanOrEqual(total(outs));
      }
    });
  });

  it('per asset the tainted part is exactly floor(total out × share); each output within one base unit of amount × share (two when its asset has several outputs)', () => {
    forEveryTx(false, 300, (t, flow) => {
      if (!flow.share) {
        for (const m of boxOutputs(t)) expect(flow.tainted.get(m.id)).toBe(0n);
        return;
      }
      const { tainted, total: whole } = flow.share;
      for (const m of boxOutputs(t)) {
        // Below one unit from the asset's floor plus below one from the spread; one alone when the output is alone.
        const alone = boxOutputs(t).filter((o) => o.assetKey === m.assetKey).length === 1;
        const gap = flow.tainted.get(m.id)! * whole - m.amount * tainted;
        expect(gap).toBeLessThanOrEqual(0n + (alone ? 0n : whole));
        expect(gap).toBeGreaterThan(alone ? -whole : -2n * whole);
      }
      for (const asset of ASSETS) {
        const outs = boxOutputs(t).filter((m) => m.assetKey === asset);
        if (total(outs) === 0n) {
          expect(flow.roundedAway.has(asset)).toBe(false);
          continue;
        }
        const exact = total(outs) * tainted;
        expect(total(outs, (m) => flow.tainted.get(m.id)!)).toBe(exact / whole);
        expect(flow.roundedAway.get(asset)).toBe(exact % whole);
      }
    });
  });

  it('conserves per asset: tainted in = tainted out + kept − produced; direct payments keep their taint', () => {
    forEveryTx(false, 300, (t, flow) => {
      for (const asset of ASSETS) {
        const taintIn = total(inAsset(boxInputs(t), asset), givenTaint(t));
        const taintOut = total(inAsset(boxOutputs(t), asset), (m) => flow.tainted.get(m.id)!);
        expect(taintIn).toBe(taintOut + (flow.kept.get(asset) ?? 0n) - (flow.produced.get(asset) ?? 0n));
        expect((flow.kept.get(asset) ?? 0n) > 0n && (flow.produced.get(asset) ?? 0n) > 0n).toBe(false);
      }
      for (const m of t.movements.filter((x) => !isContract(x.from) && !isContract(x.to))) {
        expect(flow.tainted.get(m.id)).toBe(t.taintedIn.get(m.id) ?? 0n);
      }
    });
  });

  it('never claims more than the least-tainted tainted input supports when taint enters in several assets', () => {
    forEveryTx(false, 300, (t, flow) => {
      for (const asset of ASSETS) {
        const ins = inAsset(boxInputs(t), asset);
        const taintIn = total(ins, givenTaint(t));
        if (taintIn === 0n || !flow.share) continue;
        // share ≤ this asset's share
        expect(flow.share.tainted * total(ins)).toBeLessThanOrEqual(taintIn * flow.share.total);
      }
    });
  });

  it('agrees with the independent oracle (test/support/swap-oracle.ts throughContracts) when one asset enters the box', () => {
    forEveryTx(true, 500, (t, flow) => {
      const inputs = boxInputs(t).map((m) => ({ asset: m.assetKey, amount: m.amount, tainted: t.taintedIn.get(m.id) ?? 0n }));
      const outputs = boxOutputs(t);
      const oracle = throughContracts(
        inputs,
        outputs.map((m) => ({ asset: m.assetKey, to: m.to, amount: m.amount })),
      );
      expect(outputs.map((m) => flow.tainted.get(m.id))).toEqual(oracle.tainted);
      if (flow.share) {
        expect(flow.share).toEqual(oracle.share);
        expect(flow.roundedAway).toEqual(oracle.roundedAway);
      }
    });
  });
});

describe("README's worked example", () => {
  it('1,000 USDT in (600 tainted), 0.5 ETH out to a mule by an internal call: 0.3 ETH tainted, the pool keeps 600 USDT', () => {
    const WETH = 'ethereum:0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
    const half = 5n * 10n ** 17n;
    const payment = mv(user, pool, USDT, 1_000_000_000n, 0);
    const flow = run(
      [payment, mv(pool, router, WETH, half, 1), mv(router, weth, WETH, half, 2), mv(weth, router, ETH, half, 3), mv(router, other, ETH, half, 4)],
      [pool, router, weth],
      [[payment, 600_000_000n]],
    );
    expect([...flow.tainted.values()].filter((v) => v > 0n)).toEqual([3n * 10n ** 17n]);
    expect(flow.kept.get(USDT)).toBe(600_000_000n);
    expect(flow.produced.get(ETH)).toBe(3n * 10n ** 17n);
    expect(flow.contracts).toEqual([pool, router, weth].sort());
    expect(flow.conversions).toMatchObject([
      { assetIn: USDT, taintedIn: 600_000_000n, totalIn: 1_000_000_000n, assetOut: ETH, amountOut: half, taintedOut: 3n * 10n ** 17n },
    ]);
  });
});
