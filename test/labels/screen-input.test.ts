import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isChaintrailError } from '../../src/core/errors.js';
import { parseAddressList, type ListedAddress } from '../../src/labels/screen-input.js';

const address = fc.oneof(
  fc.stringMatching(/^0x[0-9a-fA-F]{40}$/),
  fc.stringMatching(/^T[1-9A-HJ-NP-Za-km-z]{33}$/),
  fc.stringMatching(/^bc1q[02-9ac-hj-np-z]{38}$/),
  fc.stringMatching(/^[a-zA-Z0-9]{1,12}$/),
);
const chain = fc.constantFrom('', 'ethereum', 'tron', 'bitcoin', 'evm:56', 'bsc');
/** What may come between entries: nothing, blank lines (with spaces), comment lines. */
const filler = fc.array(fc.constantFrom('', '   ', '# a comment', '  # indented, with, commas', '#'), { maxLength: 3 });
const eol = fc.constantFrom('\n', '\r\n');

describe('parseAddressList', () => {
  it('reads one address a line, skipping blank and comment lines, with the line each is on', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ before: filler, address, comment: fc.boolean() }), { maxLength: 30 }),
        filler,
        eol,
        fc.boolean(),
        (entries, after, nl, bom) => {
          const lines: string[] = [];
          const expected: ListedAddress[] = [];
          for (const e of entries) {
            lines.push(...e.before);
            lines.push(`  ${e.address}${e.comment ? '   # note, with a comma' : ''}`);
            expected.push({ address: e.address, line: lines.length, file: 'list.txt' });
          }
          lines.push(...after);
          const text = (bom ? '\uFEFF' : '') + lines.join(nl);
          expect(parseAddressList(text, 'list.txt')).toEqual(expected);
        },
      ),
      { numRuns: 300, seed: 3 },
    );
  });

  it('reads CSV with an address column anywhere (chain column optional, other columns ignored), with the line of each row', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(['Address', 'chain', 'note', 'amount'], { minLength: 1 }).filter((h) => h.includes('Address')),
        fc.array(fc.record({ before: filler, address, chain, note: fc.string({ maxLength: 8 }), quoted: fc.boolean() }), { maxLength: 30 }),
        filler,
        eol,
        (header, entries, before, nl) => {
          const lines = [...before, header.map((h) => (h === 'chain' ? 'CHAIN' : h)).join(',')];
          const expected: ListedAddress[] = [];
          const cell = (v: string, quoted: boolean) => (quoted || /[",\r\n#]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
          for (const e of entries) {
            lines.push(...e.before);
            const values: Record<string, string> = { Address: e.address, chain: e.chain, note: e.note.replace(/[\r\n]/g, ' '), amount: '1,5' };
            const row = header.map((h) => cell(values[h]!, e.quoted)).join(',');
            const blank = header.every((h) => values[h]!.trim() === '');
            lines.push(row);
            if (!blank) {
              const hasChain = header.includes('chain') && e.chain !== '';
              expected.push({ address: e.address, ...(hasChain ? { chain: e.chain } : {}), line: lines.length, file: 'list.csv' });
            }
          }
          expect(parseAddressList(lines.join(nl), 'list.csv')).toEqual(expected);
        },
      ),
      { numRuns: 300, seed: 4 },
    );
  });

  it('keeps a CSV row without an address (screening reports it), skips rows of empty cells, and names a header without an address column', () => {
    expect(parseAddressList('address,chain\n,tron\n,\n0xab,\n', 'l.csv')).toEqual([
      { address: '', chain: 'tron', line: 2, file: 'l.csv' },
      { address: '0xab', line: 4, file: 'l.csv' },
    ]);
    expect(parseAddressList('\n# only comments\n\n', 'empty.txt')).toEqual([]);
    let error: unknown;
    try {
      parseAddressList('# list\n\nchain,wallet\ntron,T1\n', 'bad.csv');
    } catch (e) {
      error = e;
    }
    expect(isChaintrailError(error, 'INVALID_INPUT') && error.shortMessage).toBe(
      'bad.csv: line 3: a CSV list needs a header with an "address" column (and optionally "chain"); found "chain,wallet"',
    );
    expect(() => parseAddressList('address\n"0xab\n', 'broken.csv')).toThrow(/broken\.csv: not valid CSV/);
  });
});
