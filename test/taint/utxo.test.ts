import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateUtxoTaint, utxoTaintArguments, type UtxoTaintModel } from '../../src/taint/utxo.js';
import type { UtxoTransaction } from '../../src/core/movement.js';

const MODELS: UtxoTaintModel[] = ['poison', 'haircut', 'fifo', 'tiho'];

describe('allocateUtxoTaint: hand-computed cases', () => {
  // Clean 40,000 first, tainted 60,000 second; outputs 30,000 and 69,000; fee 1,000.
  const inputs = [
    { value: 40_000n, taint: 0n },
    { value: 60_000n, taint: 60_000n },
  ];
  const outputs = [{ value: 30_000n }, { value: 69_000n }];

  it.each([
    ['poison', [30_000n, 30_000n], 0n], // taint fills outputs in order
    ['haircut', [18_000n, 41_400n], 600n], // fee 60 % of 1,000; 59,400 shared 30:69
    ['fifo', [0n, 59_000n], 1_000n], // tainted satoshis 40,000..100,000 land in output 1 and the fee
    ['tiho', [0n, 60_000n], 0n], // the largest output takes all the taint
  ] as const)('%s apportions mixed clean and tainted inputs', (model, expected, fee) => {
    expect(allocateUtxoTaint(model, inputs, outputs, 1_000n)).toEqual({ outputs: expected, fee });
  });

  it('haircut rounds with largest remainders and still adds up', () => {
    // 100 taint of 300 value into three equal outputs and no fee: 33, 33, 34? remainders equal -> lowest index first.
    const r = allocateUtxoTaint('haircut', [{ value: 300n, taint: 100n }], [{ value: 100n }, { value: 100n }, { value: 100n }], 0n);
    expect(r).toEqual({ outputs: [34n, 33n, 33n], fee: 0n });
    // The fee takes its share first: 7 of 10 taint, fee 3 of 10 value -> fee 2 (2.1 rounded), outputs share 5.
    const f = allocateUtxoTaint('haircut', [{ value: 10n, taint: 7n }], [{ value: 4n }, { value: 3n }], 3n);
    expect(f.fee).toBe(2n);
    expect(f.outputs).toEqual([3n, 2n]);
  });

  it('tiho breaks ties between equal outputs by index, and poison keeps output order', () => {
    const i = [{ value: 100n, taint: 50n }];
    expect(allocateUtxoTaint('tiho', i, [{ value: 30n }, { value: 40n }, { value: 30n }], 0n).outputs).toEqual([10n, 40n, 0n]);
    expect(allocateUtxoTaint('poison', i, [{ value: 30n }, { value: 40n }, { value: 30n }], 0n).outputs).toEqual([30n, 20n, 0n]);
  });

  it('refuses a transaction that does not add up or an input tainted beyond its value', () => {
    expect(() => allocateUtxoTaint('fifo', [{ value: 10n, taint: 0n }], [{ value: 10n }], 1n)).toThrow(/differ/);
    expect(() => allocateUtxoTaint('fifo', [{ value: 10n, taint: 11n }], [{ value: 10n }], 0n)).toThrow(/more taint than value/);
    expect(() => allocateUtxoTaint('fifo', [{ value: 10n, taint: -1n }], [{ value: 10n }], 0n)).toThrow(/negative/);
  });
});

describe('utxoTaintArguments', () => {
  const base: UtxoTransaction = {
    chain: 'bitcoin',
    txid: 'a'.repeat(64),
    inputs: [
      { prevTx: 'b'.repeat(64), vout: 0, address: 'x', value: 70n },
      { prevTx: 'c'.repeat(64), vout: 1, address: null, value: 0n },
    ],
    outputs: [
      { n: 0, address: 'y', value: 60n },
      { n: 1, address: 'z', value: 50n },
    ],
    fee: 0n,
    block: 1,
    time: 1,
  };

  it('treats an unresolved prevout as clean value that balances the transaction with no fee', () => {
    const args = utxoTaintArguments({ ...base, unresolvedInputs: [1] }, () => 70n);
    expect(args.inputs).toEqual([
      { value: 70n, taint: 70n },
      { value: 40n, taint: 0n },
    ]);
    expect(args.fee).toBe(0n);
    const r = allocateUtxoTaint('haircut', args.inputs, args.outputs, args.fee);
    expect(r.outputs[0]! + r.outputs[1]! + r.fee).toBe(70n);
  });

  it('gives a coinbase one clean minted input', () => {
    const args = utxoTaintArguments({ ...base, inputs: [], coinbase: true }, () => 1n);
    expect(allocateUtxoTaint('poison', args.inputs, args.outputs, args.fee)).toEqual({ outputs: [0n, 0n], fee: 0n });
  });
});

/** A random transaction that adds up: input values and taints, outputs and a fee splitting the input total. */
const transaction = fc
  .record({
    inputs: fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 12 }),
    cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 12 }),
  })
  .map(({ inputs, cuts }) => {
    const ins = inputs.map(([value, share]) => ({ value, taint: (value * BigInt(Math.floor(share * 1000))) / 1000n }));
    const total = ins.reduce((s, i) => s + i.value, 0n);
    // Cut points over [0, total]; the last segment is the fee.
    const points = cuts.map((c) => (total * BigInt(Math.floor(c * 1_000_000))) / 1_000_000n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const bounds = [0n, ...points, total];
    const segments = bounds.slice(1).map((b, i) => b - bounds[i]!);
    const fee = segments.pop()!;
    return { inputs: ins, outputs: segments.map((value) => ({ value })), fee };
  });

describe('allocateUtxoTaint: properties over random transactions', () => {
  for (const model of MODELS) {
    it(`${model} conserves taint exactly, never exceeds an output's value and is never negative`, () => {
      fc.assert(
        fc.property(transaction, ({ inputs, outputs, fee }) => {
          const r = allocateUtxoTaint(model, inputs, outputs, fee);
          const taint = inputs.reduce((s, i) => s + i.taint, 0n);
          expect(r.outputs).toHaveLength(outputs.length);
          expect(r.outputs.reduce((s, t) => s + t, 0n) + r.fee).toBe(taint);
          r.outputs.forEach((t, n) => {
            expect(t >= 0n).toBe(true);
            expect(t <= outputs[n]!.value).toBe(true);
          });
          expect(r.fee >= 0n && r.fee <= fee).toBe(true);
        }),
        { numRuns: 400 },
      );
    });
  }

  it('every model passes a fully tainted transaction through whole', () => {
    fc.assert(
      fc.property(transaction, ({ inputs, outputs, fee }) => {
        const all = inputs.map((i) => ({ value: i.value, taint: i.value }));
        for (const model of MODELS) {
          const r = allocateUtxoTaint(model, all, outputs, fee);
          expect(r.outputs).toEqual(outputs.map((o) => o.value));
          expect(r.fee).toBe(fee);
        }
      }),
      { numRuns: 200 },
    );
  });
});
