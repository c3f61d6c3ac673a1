import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isValidAddress } from '../../../src/core/address.js';
import { InvalidInputError } from '../../../src/core/errors.js';
import { OFAC_ENTITY, ofacAssetOf, parseOfacList, readOfacList } from '../../../src/labels/formats/ofac.js';
import { referencePath } from '../../support/reference.js';

const DIR = referencePath('labels/ofac-sanctioned-addresses');
const nonEmptyLines = (file: string) =>
  readFileSync(join(DIR, file), 'utf8')
    .split('\n')
    .map((l, i) => ({ value: l.trim(), line: i + 1 }))
    .filter((l) => l.value);

describe('OFAC SDN lists (real)', () => {
  const txt = readdirSync(DIR).filter((f) => /^sanctioned_addresses_.*\.txt$/.test(f));

  it('accounts for every non-empty line of every list: labels + skipped = lines', () => {
    expect(txt.length).toBeGreaterThan(10);
    for (const f of txt) {
      const r = readOfacList(join(DIR, f));
      expect(r.summary.rows, f).toBe(nonEmptyLines(f).length);
      expect(r.summary.labels + r.summary.skipped.length, f).toBe(r.summary.rows);
    }
  });

  it('labels every ETH list address sanctioned, entity "OFAC SDN", jurisdiction unknown, source with file and line', () => {
    const lines = nonEmptyLines('sanctioned_addresses_ETH.txt');
    const r = readOfacList(join(DIR, 'sanctioned_addresses_ETH.txt'));
    expect(r.summary.labels).toBe(lines.length);
    expect(r.labels[0]).toEqual({
      chain: 'ethereum',
      address: lines[0]!.value.toLowerCase(),
      entity: OFAC_ENTITY,
      category: 'sanctioned',
      jurisdictions: [],
      confidence: 1,
      source: 'OFAC SDN list (sanctioned_addresses_ETH.txt:1)',
    });
  });

  it('reports the XBT list entries that are not Bitcoin addresses with their line', () => {
    const lines = nonEmptyLines('sanctioned_addresses_XBT.txt');
    const bad = lines.filter((l) => !isValidAddress('bitcoin', l.value));
    expect(bad.length).toBeGreaterThan(0); // the list has a TRON address in it
    const r = readOfacList(join(DIR, 'sanctioned_addresses_XBT.txt'));
    expect(r.summary.skipped.map((s) => [s.line, s.code])).toEqual(bad.map((b) => [b.line, 'invalid-address']));
    expect(r.summary.labels).toBe(lines.length - bad.length);
  });

  it('puts USDT list addresses on the chain their form says (EVM, TRON, Bitcoin/Omni)', () => {
    const lines = nonEmptyLines('sanctioned_addresses_USDT.txt');
    const r = readOfacList(join(DIR, 'sanctioned_addresses_USDT.txt'));
    const count = (chain: string) => r.labels.filter((l) => l.chain === chain).length;
    expect(count('ethereum')).toBe(lines.filter((l) => /^0x[0-9a-fA-F]{40}$/.test(l.value)).length);
    expect(count('tron')).toBe(lines.filter((l) => /^T/.test(l.value)).length);
    expect(count('bitcoin')).toBe(lines.filter((l) => /^[13]/.test(l.value)).length);
    expect(r.summary.labels).toBe(lines.length);
  });

  it('maps ARB and BSC lists to their EVM chains and skips assets without a chain', () => {
    expect(readOfacList(join(DIR, 'sanctioned_addresses_ARB.txt')).labels[0]?.chain).toBe('evm:42161');
    expect(readOfacList(join(DIR, 'sanctioned_addresses_BSC.json')).labels[0]?.chain).toBe('evm:56');
    for (const asset of ['ETC', 'BCH', 'LTC', 'ZEC', 'XMR']) {
      const r = readOfacList(join(DIR, `sanctioned_addresses_${asset}.txt`));
      expect(r.summary.labels, asset).toBe(0);
      expect(r.summary.skipped.length, asset).toBe(nonEmptyLines(`sanctioned_addresses_${asset}.txt`).length);
      expect(r.summary.skipped[0]?.reason).toBe(`currency ${asset} has no chain in chaintrail yet`);
    }
  });

  it('reads the .json list to the same labels as the .txt, with the line of each element', () => {
    const a = readOfacList(join(DIR, 'sanctioned_addresses_TRX.txt'));
    const b = readOfacList(join(DIR, 'sanctioned_addresses_TRX.json'));
    expect(b.labels.map((l) => l.address)).toEqual(a.labels.map((l) => l.address));
    const jsonLines = readFileSync(join(DIR, 'sanctioned_addresses_TRX.json'), 'utf8').split('\n');
    b.lines.forEach((line, i) => expect(jsonLines[line - 1]).toContain(b.labels[i]!.address));
  });
});

describe('OFAC crafted lists', () => {
  it('reports an unknown asset and needs an asset name', () => {
    const r = parseOfacList('abc\n', 'sanctioned_addresses_FOO.txt');
    expect(r.summary.skipped).toEqual([{ file: 'sanctioned_addresses_FOO.txt', line: 1, code: 'unknown-currency', reason: 'unknown currency "FOO"' }]);
    expect(() => parseOfacList('0x1\n', 'list.txt')).toThrow(InvalidInputError);
    expect(parseOfacList('\n0xdac17f958d2ee523a2206206994597c13d831ec7\n', 'list.txt', { asset: 'ETH' }).lines).toEqual([2]);
    expect(ofacAssetOf('/x/sanctioned_addresses_xbt.json')).toBe('XBT');
  });

  it('rejects a JSON file that is not an array of addresses', () => {
    expect(() => parseOfacList('{"a": 1}', 'sanctioned_addresses_ETH.json')).toThrow(/expected a JSON array of addresses/);
    expect(() => parseOfacList('[1, 2]', 'sanctioned_addresses_ETH.json')).toThrow(/0: expected an address/);
  });
});
