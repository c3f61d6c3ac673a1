import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLedger, LEDGER_MODELS, mulDiv, SafeFifoLedger, type Ledger, type LedgerModelName } from '../../src/taint/ledger.js';

const MODELS: LedgerModelName[] = ['poison', 'haircut', 'fifo'];

/** Runs deposits (`+amount/taint`) and withdrawals (`-amount`) in order; returns the taint each withdrawal took. */
function replay(model: LedgerModelName, ops: ({ deposit: bigint; taint: bigint } | { withdraw: bigint })[]): { ledger: Ledger; taken: bigint[] } {
  const ledger = createLedger(model);
  const taken: bigint[] = [];
  for (const op of ops) {
    if ('deposit' in op) ledger.deposit(op.deposit, op.taint);
    else taken.push(ledger.withdraw(op.withdraw));
  }
  return { ledger, taken };
}

const dep = (deposit: bigint, taint: bigint) => ({ deposit, taint });
const wd = (withdraw: bigint) => ({ withdraw });

describe('ledger models: the same history read three ways', () => {
  // 50 clean, then 50 tainted, then one outflow of 50: the three models disagree exactly as documented.
  const history = [dep(50n, 0n), dep(50n, 50n), wd(50n), wd(50n)];

  it('poison (taint-first) lets the first outflow take all the taint it can', () => {
    expect(replay('poison', history).taken).toEqual([50n, 0n]);
  });

  it('haircut gives each outflow the balance share of taint at that moment', () => {
    expect(replay('haircut', history).taken).toEqual([25n, 25n]);
  });

  it('fifo spends the oldest inflow (the clean one) first', () => {
    expect(replay('fifo', history).taken).toEqual([0n, 50n]);
  });

  it('documents every model it can create', () => {
    for (const model of MODELS) {
      expect(LEDGER_MODELS[model].length).toBeGreaterThan(20);
      expect(createLedger(model).balance).toBe(0n);
    }
  });
});

describe('poison (taint-first) ledger', () => {
  it('takes taint before clean money across mixed inflows over time', () => {
    // 200 clean, 100 tainted: taint 100 of balance 300.
    const { ledger, taken } = replay('poison', [dep(200n, 0n), dep(100n, 100n), wd(30n), wd(40n), dep(20n, 20n), wd(60n), wd(1n)]);
    // 30 (all taint), 40 (all taint) -> 30 taint left; +20 tainted -> 50; 60 takes the 50; nothing left for the last.
    expect(taken).toEqual([30n, 40n, 50n, 0n]);
    expect(ledger.taint).toBe(0n);
    expect(ledger.balance).toBe(320n - 131n);
  });

  it('gives no more taint than was deposited when the outflow exceeds the known balance', () => {
    const { ledger, taken } = replay('poison', [dep(10n, 7n), wd(25n)]);
    expect(taken).toEqual([7n]);
    expect(ledger.balance).toBe(0n);
    expect(ledger.taint).toBe(0n);
  });
});

describe('haircut ledger', () => {
  it('apportions by the balance share at each moment', () => {
    // 200 clean + 100 tainted = 300 with 100 taint.
    const { ledger, taken } = replay('haircut', [dep(200n, 0n), dep(100n, 100n), wd(30n), wd(100n), wd(5n)]);
    // 30*100/300 = 10 exactly; then 270/90: 100*90/270 = 33.33 -> 33; then 170/57: 5*57/170 = 1.68 -> 2.
    expect(taken).toEqual([10n, 33n, 2n]);
    expect(ledger.balance).toBe(165n);
    expect(ledger.taint).toBe(55n);
  });

  it('rounds each share to the nearest base unit, halves up, and keeps the remainder in the ledger', () => {
    // 1 taint in 3: 1/3 -> 0; then 1 taint in 2: 1/2 -> 1 (half up); then 0 taint in 1.
    const { ledger, taken } = replay('haircut', [dep(3n, 1n), wd(1n), wd(1n), wd(1n)]);
    expect(taken).toEqual([0n, 1n, 0n]);
    expect(ledger.taint).toBe(0n);
    // 1 taint in 4, withdraw 2: exactly one half -> 1; withdraw 1 of 4: a quarter -> 0.
    expect(replay('haircut', [dep(4n, 1n), wd(2n)]).taken).toEqual([1n]);
    expect(replay('haircut', [dep(4n, 1n), wd(1n)]).taken).toEqual([0n]);
    // 2 taint in 3, withdraw 1: 0.67 -> 1, leaving 1 taint in 2.
    const twoThirds = replay('haircut', [dep(3n, 2n), wd(1n)]);
    expect(twoThirds.taken).toEqual([1n]);
    expect(twoThirds.ledger.taint).toBe(1n);
    expect(twoThirds.ledger.balance).toBe(2n);
  });

  it('never rounds a share above the taint left', () => {
    // 1 taint in 1000: many small outflows each round to 0 until the last one empties the ledger.
    const ops = [dep(1000n, 1n), ...Array.from({ length: 999 }, () => wd(1n)), wd(1n)];
    const { ledger, taken } = replay('haircut', ops);
    expect(taken.reduce((s, t) => s + t, 0n)).toBe(1n);
    // The share reaches one half only when 2 units are left: 1 * 1/2 rounds up.
    expect(taken.indexOf(1n)).toBe(998);
    expect(ledger.taint).toBe(0n);
  });

  it('gives all remaining taint, and no more, to an outflow larger than the known balance', () => {
    const { ledger, taken } = replay('haircut', [dep(10n, 4n), wd(1000n), dep(6n, 0n), wd(6n)]);
    expect(taken).toEqual([4n, 0n]);
    expect(ledger.balance).toBe(0n);
    expect(ledger.taint).toBe(0n);
  });
});

describe('fifo ledger', () => {
  it('spends lots in arrival order, splitting a lot when an outflow ends inside it', () => {
    // clean 100, tainted 50, tainted 30.
    const { ledger, taken } = replay('fifo', [dep(100n, 0n), dep(50n, 50n), dep(30n, 30n), wd(120n), wd(10n), wd(100n)]);
    // 120 = clean 100 + 20 of the tainted 50; 10 more from that lot; 100 asks for the remaining 20 + 30 = 50.
    expect(taken).toEqual([20n, 10n, 50n]);
    expect(ledger.balance).toBe(0n);
    expect(ledger.taint).toBe(0n);
  });

  it('takes a proportional part of a partly tainted lot, rounded down, and keeps the rest with the lot', () => {
    // One inflow of 100 carrying 40 taint.
    const { ledger, taken } = replay('fifo', [dep(100n, 40n), wd(30n), wd(7n), wd(63n)]);
    // 30*40/100 = 12; lot is now 70/28: 7*28/70 = 2.8 -> 2; lot 63/26 leaves whole: 26.
    expect(taken).toEqual([12n, 2n, 26n]);
    expect(ledger.taint).toBe(0n);
  });

  it('does not let an overdraft consume later inflows', () => {
    const { ledger, taken } = replay('fifo', [dep(10n, 10n), wd(25n), dep(5n, 5n), wd(5n)]);
    expect(taken).toEqual([10n, 5n]);
    expect(ledger.balance).toBe(0n);
  });

  it('ignores zero-value inflows and zero-value outflows take nothing', () => {
    const { ledger, taken } = replay('fifo', [dep(0n, 0n), dep(5n, 5n), wd(0n), wd(5n)]);
    expect(taken).toEqual([0n, 5n]);
    expect(ledger.balance).toBe(0n);
  });

  it('keeps arrival order across thousands of lots while new lots keep arriving', () => {
    // Lot i has amount i+1 and is tainted when i % 3 === 0. Withdraw lot by lot, depositing a new lot every
    // second step, so the spent prefix is dropped while live lots remain.
    const ledger = createLedger('fifo');
    const lot = (i: number) => ({ amount: BigInt(i + 1), taint: i % 3 === 0 ? BigInt(i + 1) : 0n });
    let next = 0;
    for (; next < 2000; next++) ledger.deposit(lot(next).amount, lot(next).taint);
    for (let i = 0; i < 3000; i++) {
      if (i % 2 === 0) {
        ledger.deposit(lot(next).amount, lot(next).taint);
        next++;
      }
      expect(ledger.withdraw(lot(i).amount)).toBe(lot(i).taint);
    }
    // 3500 lots in, 3000 out: the remaining balance is exactly lots 3000..3499.
    let balance = 0n;
    let taint = 0n;
    for (let i = 3000; i < next; i++) {
      balance += lot(i).amount;
      taint += lot(i).taint;
    }
    expect(ledger.balance).toBe(balance);
    expect(ledger.taint).toBe(taint);
  });
});

describe('every ledger model conserves taint', () => {
  type Op = { kind: 'deposit'; amount: bigint; taintShare: number } | { kind: 'withdraw'; amount: bigint };
  const amount = fc.oneof(fc.constantFrom(0n, 1n, 2n, 3n), fc.bigInt({ min: 0n, max: 10n ** 24n }));
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('deposit' as const), amount, taintShare: fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true })) }),
    fc.record({ kind: fc.constant('withdraw' as const), amount }),
  );

  it('never creates taint, never loses it, and never gives an outflow more taint than its amount', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MODELS), fc.array(op, { maxLength: 60 }), (model, ops) => {
        const ledger = createLedger(model);
        let deposited = 0n;
        let withdrawn = 0n;
        for (const o of ops) {
          if (o.kind === 'deposit') {
            const taint = (o.amount * BigInt(Math.round(o.taintShare * 1_000_000))) / 1_000_000n;
            ledger.deposit(o.amount, taint);
            deposited += taint;
          } else {
            const before = ledger.taint;
            const taken = ledger.withdraw(o.amount);
            expect(taken).toBeGreaterThanOrEqual(0n);
            expect(taken).toBeLessThanOrEqual(o.amount);
            expect(taken).toBeLessThanOrEqual(before);
            withdrawn += taken;
          }
          expect(ledger.taint).toBeGreaterThanOrEqual(0n);
          expect(ledger.taint).toBeLessThanOrEqual(ledger.balance);
          expect(withdrawn + ledger.taint).toBe(deposited);
        }
        // Emptying the ledger hands out exactly the taint it still holds.
        const rest = ledger.taint;
        expect(ledger.withdraw(ledger.balance + 1n)).toBe(rest);
        expect(ledger.taint).toBe(0n);
        expect(ledger.balance).toBe(0n);
      }),
      { seed: 20260402, numRuns: 300 },
    );
  });
});

describe('FIFO in doubles', () => {
  // Safe integers of every size: tiny, with products around 2^52 (the doubles' limit for a quotient), up to 2^53 - 1.
  const safe = fc.oneof(
    fc.integer({ min: 0, max: 30 }),
    fc.integer({ min: 2 ** 25, max: 2 ** 27 }),
    fc.integer({ min: 2 ** 52 - 1_000, max: Number.MAX_SAFE_INTEGER }),
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  );

  it('gives the taint of the bigint FIFO ledger exactly, for every history of safe integers', () => {
    const op = fc.oneof(
      fc.tuple(safe, fc.nat()).map(([amount, pick]) => ({ deposit: amount, taint: [0, amount, pick % (amount + 1)][pick % 3]! })),
      safe.map((withdraw) => ({ withdraw })),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3_000 }), (ops) => {
        const doubles = new SafeFifoLedger();
        const bigints = createLedger('fifo');
        // Used twice: what the first history left behind is gone after reset().
        for (let pass = 0; pass < 2; pass++) {
          doubles.reset();
          bigints.reset();
          for (const o of ops) {
            if ('deposit' in o) {
              doubles.deposit(o.deposit, o.taint);
              bigints.deposit(BigInt(o.deposit), BigInt(o.taint));
            } else expect(BigInt(doubles.withdraw(o.withdraw))).toBe(bigints.withdraw(BigInt(o.withdraw)));
          }
          expect(doubles.taint).toBe(bigints.taint);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('floor(a * b / c) is exact for safe integers, in doubles below 2^52 and past it', () => {
    fc.assert(
      fc.property(safe, safe, safe, (x, y, z) => {
        const c = Math.max(x, y, z, 1);
        const [a, b] = [Math.min(x, c), Math.min(y, c)];
        expect(BigInt(mulDiv(a, b, c))).toBe((BigInt(a) * BigInt(b)) / BigInt(c));
      }),
      { numRuns: 20_000 },
    );
  });
});
