import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLabelCsv } from '../../src/labels/formats/csv.js';
import { parseLabelJson } from '../../src/labels/formats/json.js';
import { loadLabelFiles, readLabelFile } from '../../src/labels/load.js';
import { createLabelStore } from '../../src/labels/store.js';
import { InvalidInputError } from '../../src/core/errors.js';

const HEADER = 'chain,address,entity,category,jurisdiction,confidence,source';
const USDT_TRON = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';

describe('label CSV', () => {
  it('reads rows, normalizes addresses and splits jurisdictions', () => {
    const labels = parseLabelCsv(
      `${HEADER}\nethereum,0xdAC17F958D2ee523a2206206994597C13D831ec7,"Exchange, Ltd",exchange,MT;GB,0.9,"file ""a"""\n\ntron,${USDT_TRON},Issuer,service,,,\n`,
      'x.csv',
    );
    expect(labels).toEqual([
      {
        chain: 'ethereum',
        address: '0xdac17f958d2ee523a2206206994597c13d831ec7',
        entity: 'Exchange, Ltd',
        category: 'exchange',
        jurisdictions: ['MT', 'GB'],
        confidence: 0.9,
        source: 'file "a"',
      },
      { chain: 'tron', address: USDT_TRON, entity: 'Issuer', category: 'service', jurisdictions: [], confidence: 1, source: '' },
    ]);
  });

  it('names file and line for a bad category, country code, address or confidence', () => {
    const cases: [string, RegExp][] = [
      [`ethereum,0xdac17f958d2ee523a2206206994597c13d831ec7,X,casino,DE,1,s`, /bad\.csv: line 3: category/],
      [`ethereum,0xdac17f958d2ee523a2206206994597c13d831ec7,X,exchange,XX,1,s`, /bad\.csv: line 3: jurisdiction.*ISO 3166/],
      [`ethereum,0x1234,X,exchange,DE,1,s`, /bad\.csv: line 3: Invalid ethereum address/],
      [`ethereum,0xdac17f958d2ee523a2206206994597c13d831ec7,X,exchange,DE,1.5,s`, /bad\.csv: line 3: confidence/],
      [`solana,abc,X,exchange,DE,1,s`, /bad\.csv: line 3: Unknown chain/],
      [`ethereum,0xdac17f958d2ee523a2206206994597c13d831ec7,X,exchange`, /bad\.csv: line 3: expected 7 columns/],
    ];
    for (const [row, message] of cases) {
      const text = `${HEADER}\n\n${row}\n`;
      expect(() => parseLabelCsv(text, 'bad.csv')).toThrow(InvalidInputError);
      expect(() => parseLabelCsv(text, 'bad.csv')).toThrow(message);
    }
  });

  it('rejects a file without the documented header', () => {
    expect(() => parseLabelCsv('address,name\n0x1,a\n', 'h.csv')).toThrow(/h\.csv: line 1: header/);
  });
});

describe('label JSON and loading', () => {
  it('reads an array of rows and reports the failing index', () => {
    const ok = parseLabelJson(JSON.stringify([{ chain: 'tron', address: USDT_TRON, entity: 'T', category: 'exchange', jurisdiction: ['SC'] }]));
    expect(ok[0]).toMatchObject({ jurisdictions: ['SC'], confidence: 1 });
    expect(() => parseLabelJson(JSON.stringify([{ chain: 'tron', address: USDT_TRON, entity: '', category: 'exchange' }]), 'l.json')).toThrow(
      /l\.json: labels\[0\]: entity/,
    );
    expect(() => parseLabelJson('{', 'l.json')).toThrow(/not valid JSON/);
  });

  it('loads files by extension with precedence to earlier files on equal confidence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'labels-'));
    writeFileSync(join(dir, 'a.csv'), `${HEADER}\ntron,${USDT_TRON},First,exchange,SC,0.8,a\n`);
    writeFileSync(
      join(dir, 'b.json'),
      JSON.stringify([
        { chain: 'tron', address: USDT_TRON, entity: 'Second', category: 'exchange', confidence: 0.8 },
        { chain: 'tron', address: USDT_TRON, entity: 'Sure', category: 'mixer', confidence: 0.95 },
      ]),
    );
    const store = loadLabelFiles([join(dir, 'a.csv'), join(dir, 'b.json')]);
    expect(store.size).toBe(3);
    expect(store.getAll('tron', USDT_TRON).map((l) => l.entity)).toEqual(['Sure', 'First', 'Second']);
    expect(store.find('tron', USDT_TRON, 'exchange')?.entity).toBe('First');
    expect(() => readLabelFile(join(dir, 'labels.txt'))).toThrow(/Unknown label file type/);
    expect(() => readLabelFile(join(dir, 'missing.csv'))).toThrow(/Cannot read .*missing\.csv: ENOENT/);
  });

  it("applies a chain 'evm' label to every EVM chain but not to TRON", () => {
    const store = createLabelStore(parseLabelCsv(`${HEADER}\nevm,0xdac17f958d2ee523a2206206994597c13d831ec7,Any,exchange,,1,s\n`));
    expect(store.get('evm:56', '0xdac17f958d2ee523a2206206994597c13d831ec7')?.entity).toBe('Any');
    expect(store.get('ethereum', '0xdac17f958d2ee523a2206206994597c13d831ec7')?.entity).toBe('Any');
    expect(store.get('tron', '0xdac17f958d2ee523a2206206994597c13d831ec7')).toBeUndefined();
  });
});
