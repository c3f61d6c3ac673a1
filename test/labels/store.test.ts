import { describe, expect, it } from 'vitest';
import type { Label } from '../../src/core/schema.js';
import { createLabelInterner, createLabelStore, normalizeLabelAddress } from '../../src/labels/store.js';

const label = (address: string, entity: string, confidence = 1, chain = 'ethereum'): Label => ({
  chain,
  address,
  entity,
  category: 'exchange',
  jurisdictions: [],
  confidence,
  source: 's',
});
const hex = (i: number) => `0x${i.toString(16).padStart(40, '0')}`;

describe('label store at scale', () => {
  it('takes 300,000 labels in one addAll (no argument spread) and finds each in constant time', { timeout: 30_000 }, () => {
    const labels = Array.from({ length: 300_000 }, (_, i) => label(hex(i), `E${i % 7}`, 1, i % 2 ? 'ethereum' : 'evm:56'));
    const store = createLabelStore();
    store.addAll(labels);
    expect(store.size).toBe(300_000);
    expect(store.get('evm:56', hex(123_456))?.entity).toBe(`E${123_456 % 7}`);
    expect(store.get('ethereum', hex(123_456))).toBeUndefined();
    expect(store.has('ethereum', hex(299_999))).toBe(true);
    expect([...store.entries()].length).toBe(300_000);
  });

  it('keeps one address’s labels by confidence, then insertion order, from one label to several', () => {
    const store = createLabelStore([label(hex(1), 'first', 0.5)]);
    store.add(label(hex(1), 'second', 0.5));
    store.add(label(hex(1), 'best', 0.9));
    store.add(label(hex(1), 'worst', 0.1));
    expect(store.getAll('ethereum', hex(1)).map((l) => l.entity)).toEqual(['best', 'first', 'second', 'worst']);
    // getAll returns a copy: the caller cannot reorder the store.
    store.getAll('ethereum', hex(1)).reverse();
    expect(store.get('ethereum', hex(1))?.entity).toBe('best');
    expect(store.getAll('ethereum', hex(2))).toEqual([]);
  });

  it("adds 'evm' labels after the chain's own on every EVM chain", () => {
    const store = createLabelStore([label(hex(3), 'Any', 1, 'evm'), label(hex(3), 'Own', 0.2, 'evm:137')]);
    expect(store.getAll('evm:137', hex(3)).map((l) => l.entity)).toEqual(['Own', 'Any']);
    expect(store.get('evm:10', hex(3))?.entity).toBe('Any');
    expect(store.has('tron', hex(3))).toBe(false);
  });

  it('normalizes single-case EVM addresses without a checksum and still rejects a bad mixed-case checksum', () => {
    expect(normalizeLabelAddress('ethereum', '0xDAC17F958D2EE523A2206206994597C13D831EC7')).toBe('0xdac17f958d2ee523a2206206994597c13d831ec7');
    expect(normalizeLabelAddress('evm', '0xdac17f958d2ee523a2206206994597c13d831ec7')).toBe('0xdac17f958d2ee523a2206206994597c13d831ec7');
    expect(normalizeLabelAddress('ethereum', '0xdAC17F958D2ee523a2206206994597C13D831ec7')).toBe('0xdac17f958d2ee523a2206206994597c13d831ec7');
    expect(() => normalizeLabelAddress('ethereum', '0xdAC17F958D2ee523a2206206994597C13D831eC7')).toThrow(/checksum/);
  });

  it('interns repeated strings and jurisdiction lists', () => {
    const intern = createLabelInterner();
    const a = intern({ ...label(hex(1), ['Bin', 'ance'].join('')), jurisdictions: ['SC', 'MT'] });
    const b = intern({ ...label(hex(2), ['Bi', 'nance'].join('')), jurisdictions: ['SC', 'MT'] });
    expect(a.entity).toBe('Binance');
    expect(a.jurisdictions).toBe(b.jurisdictions);
    expect(a.address).toBe(hex(1));
  });
});
