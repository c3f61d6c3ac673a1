import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateComplaints } from '../../src/cases/import.js';
import { paymentSeed } from '../../src/cases/trace.js';
import { SeedSchema } from '../../src/core/schema.js';

// A complaint names one movement of a transaction as `--seed TX:N` does: `log_index`, or `tx_hash` as `HASH:N`.
const row = (over: Record<string, unknown>) => ({ case_ref: 'C-1', victim_id: 'V1', amount_base: '5', asset: 'native', time: 1_775_000_000, ...over });
const hex64 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });

describe('complaint rows naming one movement', () => {
  it('reads HASH:N like log_index N on every chain, and seeds { chain, tx, index }', () => {
    fc.assert(
      fc.property(hex64, fc.nat({ max: 5_000 }), fc.constantFrom('bitcoin', 'tron', 'ethereum'), fc.boolean(), (h, n, chain, alsoColumn) => {
        const hash = chain === 'ethereum' ? `0x${h}` : h;
        const v = validateComplaints([{ line: 2, record: row({ chain, tx_hash: `${hash}:${n}`, ...(alsoColumn ? { log_index: String(n) } : {}) }) }], 'f.json');
        expect(v.issues).toEqual([]);
        const same = validateComplaints([{ line: 2, record: row({ chain, tx_hash: hash, log_index: n }) }], 'f.json');
        expect(v.payments[0]).toEqual(same.payments[0]);
        expect(v.payments[0]).toMatchObject({ tx: hash, logIndex: n, key: `tx:${hash}:${n}` });
        expect(SeedSchema.parse(paymentSeed(v.payments[0]!))).toEqual({ chain, tx: hash, index: n });
      }),
      { numRuns: 100, seed: 4 },
    );
  });

  it('takes HASH:native on account chains, refuses it on Bitcoin, and refuses a log_index that disagrees', () => {
    const h = 'ab'.repeat(32);
    expect(validateComplaints([{ line: 2, record: row({ chain: 'tron', tx_hash: `${h}:native` }) }], 'f').payments[0]).toMatchObject({ logIndex: -1 });
    expect(validateComplaints([{ line: 2, record: row({ chain: 'bitcoin', tx_hash: `${h}:native` }) }], 'f').issues).toEqual([
      { file: 'f', line: 2, field: 'tx_hash', message: 'Bitcoin outputs are numbered from 0 (vout): HASH:N' },
    ]);
    expect(validateComplaints([{ line: 3, record: row({ chain: 'bitcoin', tx_hash: `${h}:1`, log_index: '2' }) }], 'f').issues).toEqual([
      { file: 'f', line: 3, field: 'log_index', message: `2 disagrees with tx_hash ${h}:1: give one` },
    ]);
  });
});

describe('the seed shape', () => {
  it('takes index, keeps logIndex as its older name, and refuses the two disagreeing', () => {
    const tx = `0x${'cd'.repeat(32)}`;
    expect(SeedSchema.parse({ chain: 'ethereum', tx, index: 3 })).toEqual({ chain: 'ethereum', tx, index: 3 });
    expect(SeedSchema.parse({ chain: 'ethereum', tx, logIndex: 3 })).toEqual({ chain: 'ethereum', tx, index: 3 });
    expect(SeedSchema.parse({ chain: 'ethereum', tx, logIndex: 3, index: 3 })).toEqual({ chain: 'ethereum', tx, index: 3 });
    expect(SeedSchema.parse({ chain: 'ethereum', tx })).toEqual({ chain: 'ethereum', tx });
    const bad = SeedSchema.safeParse({ chain: 'ethereum', tx, logIndex: 3, index: 4 });
    expect(bad.success).toBe(false);
    expect(SeedSchema.safeParse({ chain: 'ethereum', tx, index: -2 }).success).toBe(false);
  });
});
