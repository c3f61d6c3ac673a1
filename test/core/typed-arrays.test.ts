import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { AmountColumn, grow, trim } from '../../src/core/typed-arrays.js';

describe('typed arrays', () => {
  it('grow keeps every cell, fills the new ones, and makes room for what is asked; trim cuts to size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 3_000 }),
        fc.nat(5_000),
        fc.option(fc.constant(-1), { nil: undefined }),
        (cells, need, fill) => {
          const a = Int32Array.from(cells);
          const b = grow(a, need, (n) => new Int32Array(n), fill);
          expect(b.length).toBeGreaterThanOrEqual(need);
          if (need <= a.length) expect(b).toBe(a);
          expect(Array.from(b.subarray(0, a.length))).toEqual(cells);
          if (b !== a) expect(new Set(b.subarray(a.length))).toEqual(new Set([fill ?? 0]));
          expect(Array.from(trim(b, a.length))).toEqual(cells);
        },
      ),
    );
  });

  it('an amount column gives back every value set, the last one set per row, beyond 64 bits and below zero too, and says which are above zero or zero', () => {
    const amount = fc.oneof(
      fc.constantFrom(0n, 1n, 2n ** 32n, 2n ** 32n - 1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 64n - 2n, 2n ** 64n - 1n, 2n ** 63n),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 2n }),
      fc.bigInt({ min: 2n ** 64n - 2n, max: 2n ** 80n }),
      fc.bigInt({ min: -(2n ** 70n), max: -1n }),
    );
    // Written as a bigint, as a number (a value below 2^53), or copied from a cell of another column.
    const how = fc.constantFrom('set', 'number', 'copy');
    fc.assert(
      // Rows written again often (a few rows), and rows far apart (the column grows).
      fc.property(fc.array(fc.tuple(fc.oneof(fc.nat(8), fc.nat(2_500)), amount, how, fc.oneof(fc.nat(8), fc.nat(3_000))), { maxLength: 400 }), (writes) => {
        const column = new AmountColumn();
        const other = new AmountColumn();
        const expected = new Map<number, bigint>();
        for (const [row, value, way, at] of writes) {
          if (way === 'number' && value >= 0n && value < 2n ** 53n) column.setNumber(row, Number(value));
          else if (way === 'copy') {
            other.set(at, value);
            column.copy(row, other, at);
          } else column.set(row, value);
          expected.set(row, value);
        }
        // positive and zero say what get says, without the bigint: read after every growth and after the trim.
        const check = () => {
          for (const [row, value] of expected) {
            expect(column.get(row)).toBe(value);
            expect(column.positive(row)).toBe(value > 0n);
            expect(column.zero(row)).toBe(value === 0n);
            expect(column.zeroAt(row)).toBe(value === 0n);
            if (value >= 0n && value < 2n ** 53n) expect([column.safe(row), column.number(row)]).toEqual([true, Number(value)]);
            else if (value >= 2n ** 53n && value < 2n ** 64n - 1n) expect(column.safe(row)).toBe(false);
          }
        };
        check();
        // Past the cells written, a row reads as zero.
        expect([column.at(100_000), column.zeroAt(100_000)]).toEqual([0n, true]);
        const n = Math.max(0, ...expected.keys()) + 1;
        column.trim(n);
        check();
      }),
    );
  });
});

describe('typed arrays in a memory of their own', () => {
  const kinds = [
    ['Int32Array', (n: number) => new Int32Array(n), (i: number) => (i * 7919) | 0],
    ['Float64Array', (n: number) => new Float64Array(n), (i: number) => i / 3],
    ['Uint8Array', (n: number) => new Uint8Array(n), (i: number) => i & 255],
    ['BigUint64Array', (n: number) => new BigUint64Array(n), (i: number) => BigInt(i) * 2n ** 40n],
  ] as const;

  it.each(kinds)('a large %s grows: its cells kept, only new cells filled, the array passed in left as it was', (_, make, value) => {
    // Grown step by step, as a column is, from nothing to megabytes (a column of a page or more has a memory of its own).
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 400_000 }), { minLength: 2, maxLength: 6 }), fc.boolean(), (steps, filled) => {
        const signed = make(0) instanceof Int32Array || make(0) instanceof Float64Array;
        const fill = filled && signed ? -1 : undefined;
        let a = make(0) as Int32Array;
        let written = 0;
        let need = 0;
        for (const step of steps) {
          need += step;
          const before = a;
          const had = a.length;
          a = grow(a, need, make as (n: number) => Int32Array, fill);
          // Never detached (one detached buffer makes V8 check every typed array read from then on).
          expect(before.length).toBe(had);
          expect(a.length).toBeGreaterThanOrEqual(need);
          for (let i = 0; i < written; i++) if (a[i] !== value(i)) expect(`cell ${i}: ${a[i]}`).toBe(`cell ${i}: ${value(i)}`);
          for (let i = had; i < a.length; i += 997) expect(a[i]).toBe(fill ?? (a instanceof BigUint64Array ? 0n : 0));
          for (let i = written; i < need; i++) (a as unknown as { [k: number]: unknown })[i] = value(i);
          written = need;
        }
        // Cut short of what was written, then grown again: the cells past the cut read as new ones.
        const kept = Math.ceil(written / 2);
        const cut = trim(a, kept);
        expect(cut.length).toBe(kept);
        for (let i = 0; i < kept; i += 101) expect(cut[i]).toBe(value(i));
        const again = grow(cut, written + 5, make as (n: number) => Int32Array, fill);
        expect(again[kept - 1]).toBe(value(kept - 1));
        for (let i = kept; i < written + 5; i += 97) expect(again[i]).toBe(fill ?? (a instanceof BigUint64Array ? 0n : 0));
      }),
      { numRuns: 12 },
    );
  });

  it('a dropped large column gives its pages back to the system', async () => {
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    const collect = async () => {
      for (let i = 0; i < 3; i++) {
        gc();
        await sleep(50); // buffers are freed by a background thread
      }
    };
    const rss = () => process.memoryUsage().rss;
    // A freed 32 MiB buffer raises glibc's mmap threshold to 32 MiB: from then on, the buffers of columns of a few
    // megabytes come from its brk heap, as in a big trace (elsewhere, this step changes nothing).
    new Uint8Array(2 ** 25 - 2 ** 12).fill(1);
    await collect();
    const before = rss();
    let columns: Int32Array[] = [];
    for (let c = 0; c < 8; c++) {
      let a = new Int32Array(0);
      for (let n = 500_000; n <= 3_000_000; n += 500_000) a = grow(a, n, (k) => new Int32Array(k));
      columns.push(a.fill(c + 1, 0, 3_000_000));
    }
    const held = rss();
    columns = [];
    await collect();
    const after = rss();
    expect(held - before).toBeGreaterThan(80 * 2 ** 20); // 8 columns of 12 MB written: resident
    expect(after - before).toBeLessThan((held - before) / 4);
  });
});
