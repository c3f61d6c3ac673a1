import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isValidAddress } from '../../src/core/address.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { detectLabelFormat, loadLabelSources } from '../../src/labels/load.js';
import { builtinLabels } from '../../src/labels/builtin.js';
import { referencePath } from '../support/reference.js';

const HEADER = 'chain,address,entity,category,jurisdiction,confidence,source';
const A = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const OFAC = referencePath('labels/ofac-sanctioned-addresses');

function tmp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'label-sources-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('loadLabelSources', () => {
  it('orders by precedence (higher first, ties by order given) and keeps each label its source', () => {
    const dir = tmp({
      'low.csv': `${HEADER}\n\nethereum,${A},Low Corp,exchange,DE,0.8,low file\n`,
      'high.csv': `${HEADER}\nethereum,${A},High Corp,exchange,FR,0.8,high file\n`,
    });
    const { store, summary } = loadLabelSources([{ file: join(dir, 'low.csv') }, { file: join(dir, 'high.csv'), precedence: 10 }]);
    expect(store.getAll('ethereum', A).map((l) => [l.entity, l.source])).toEqual([
      ['High Corp', 'high file'],
      ['Low Corp', 'low file'],
    ]);
    // Different entity for the same address: stored, and a conflict warning with file and line.
    expect(summary.warnings).toEqual([
      { file: join(dir, 'low.csv'), line: 3, code: 'conflict', reason: `ethereum ${A} is "Low Corp" (exchange) here but "High Corp" (exchange) in high file` },
    ]);
  });

  it('lets a source replace the confidence of its labels, which outranks precedence', () => {
    const dir = tmp({
      'a.csv': `${HEADER}\nethereum,${A},Alpha,exchange,,0.9,a\n`,
      'b.csv': `${HEADER}\nethereum,${A},Beta,service,,0.9,b\n`,
    });
    const { store } = loadLabelSources([{ file: join(dir, 'a.csv'), precedence: 5, confidence: 0.3 }, { file: join(dir, 'b.csv') }]);
    expect(store.getAll('ethereum', A).map((l) => [l.entity, l.confidence])).toEqual([
      ['Beta', 0.9],
      ['Alpha', 0.3],
    ]);
  });

  it('counts exact duplicates once and warns on conflicts within a GraphSense pack, with the lines', () => {
    const dir = tmp({
      'pack.yaml': [
        'title: dup',
        'confidence: forensic',
        'currency: ETH',
        'tags:',
        `- address: '${A}'`,
        '  label: Same Corp',
        '  category: exchange',
        `- address: '${A.toUpperCase().replace('0X', '0x')}'`,
        '  label: same corp',
        '  category: exchange',
        `- address: '${A}'`,
        '  label: Other Corp',
        '  category: mixing_service',
        '',
      ].join('\n'),
    });
    const { store, summary } = loadLabelSources([{ file: join(dir, 'pack.yaml') }]);
    expect(summary.rows).toBe(3);
    expect(summary.duplicates).toBe(1);
    expect(summary.labels).toBe(2);
    expect(store.size).toBe(2);
    expect(summary.warnings).toEqual([
      {
        file: join(dir, 'pack.yaml'),
        line: 11,
        code: 'conflict',
        reason: `ethereum ${A} is "Other Corp" (mixer) here but "Same Corp" (exchange) in GraphSense pack.yaml:5`,
      },
    ]);
  });

  it('reads a folder: actor packs first, formats detected, the OFAC .json copies counted as duplicates', () => {
    const dir = tmp({
      'packs/z.yaml': `title: z\nconfidence: service_data\ncurrency: TRX\nactor: northwind\ncategory: exchange\ntags:\n- address: TMzsdiAKdrC79pSXDEwXsxY5qeQWeLUS5A\n`,
      'actors/a.yaml': `actors:\n- id: northwind\n  label: Northwind Exchange\n  jurisdictions: [SC, MT]\n  categories: [exchange]\n`,
    });
    const { store, sources } = loadLabelSources([{ file: dir }]);
    expect(sources.map((s) => s.format)).toEqual(['graphsense-actors', 'graphsense']);
    expect(store.get('tron', 'TMzsdiAKdrC79pSXDEwXsxY5qeQWeLUS5A')).toMatchObject({
      entity: 'Northwind Exchange',
      jurisdictions: ['SC', 'MT'],
      category: 'exchange',
    });

    // The real OFAC folder: every supported (chain, address) once, whatever the number of files naming it.
    const supported: Record<string, (a: string) => string | undefined> = {
      ETH: () => 'ethereum',
      XBT: (a) => (isValidAddress('bitcoin', a) ? 'bitcoin' : undefined),
      TRX: () => 'tron',
      ARB: () => 'evm:42161',
      BSC: () => 'evm:56',
      USDT: (a) => (a.startsWith('0x') ? 'ethereum' : a.startsWith('T') ? 'tron' : 'bitcoin'),
      USDC: (a) => (a.startsWith('0x') ? 'ethereum' : a.startsWith('T') ? 'tron' : 'bitcoin'),
    };
    const expected = new Set<string>();
    let rows = 0;
    let valid = 0;
    for (const f of readdirSync(OFAC)) {
      const m = /^sanctioned_addresses_(\w+)\.(txt|json)$/.exec(f);
      if (!m) continue;
      const values =
        m[2] === 'json'
          ? (JSON.parse(readFileSync(join(OFAC, f), 'utf8')) as string[])
          : readFileSync(join(OFAC, f), 'utf8')
              .split('\n')
              .filter((l) => l.trim());
      rows += values.length;
      const chainOf = supported[m[1]!];
      for (const v of chainOf ? values : []) {
        const chain = chainOf!(v.trim());
        if (chain) valid++;
        if (chain) expected.add(`${chain}|${v.startsWith('0x') ? v.toLowerCase() : v}`);
      }
    }
    const ofac = loadLabelSources([{ file: OFAC }]);
    expect(new Set([...ofac.store.entries()].map((l) => `${l.chain}|${l.address}`))).toEqual(expected);
    expect(ofac.store.size).toBe(expected.size);
    expect(ofac.summary.rows).toBe(rows);
    expect(ofac.summary.duplicates).toBe(valid - expected.size);
    expect(ofac.summary.rows).toBe(ofac.summary.labels + ofac.summary.duplicates + ofac.summary.skipped.length);
  });

  it('adds the built-in labels last when asked', () => {
    const dir = tmp({ 'mine.csv': `${HEADER}\nethereum,0xbe0eb53f46cd790cd13851d5eff43d12404d33e8,Binance,exchange,MT,1,case file\n` });
    const { store, summary, sources } = loadLabelSources([{ file: join(dir, 'mine.csv') }], { builtin: true });
    expect(sources.at(-1)).toMatchObject({ file: '(built-in)', format: 'builtin' });
    expect(store.get('ethereum', '0xbe0eb53f46cd790cd13851d5eff43d12404d33e8')?.source).toBe('case file');
    // Every built-in label repeating one already stored (the investigator's Binance label, or the same entity and
    // category from an earlier pack source) is a duplicate.
    const seen = new Set(['ethereum|0xbe0eb53f46cd790cd13851d5eff43d12404d33e8|binance|exchange']);
    let repeated = 0;
    for (const l of builtinLabels()) {
      const key = `${l.chain}|${l.address}|${l.entity.toLowerCase()}|${l.category}`;
      if (seen.has(key)) repeated++;
      seen.add(key);
    }
    expect(repeated).toBeGreaterThan(0);
    expect(summary.duplicates).toBe(repeated);
    expect(store.size).toBe(builtinLabels().length + 1 - repeated);
  });

  it('detects formats and rejects bad source options', () => {
    expect(detectLabelFormat('x.csv', `${HEADER}\n`)).toBe('csv');
    expect(detectLabelFormat('x.csv', ',Address,Name Tag\n')).toBe('etherscan');
    expect(detectLabelFormat('x.json', '[{"chain":"tron"}]')).toBe('json');
    expect(detectLabelFormat('x.json', '{"labels": []}')).toBe('json');
    expect(detectLabelFormat('x.json', '{"0xabc": "Name"}')).toBe('etherscan');
    expect(detectLabelFormat('p.yml', 'title: x\ntags: []\n')).toBe('graphsense');
    expect(detectLabelFormat('a.yaml', 'actors: []\n')).toBe('graphsense-actors');
    expect(detectLabelFormat('sanctioned_addresses_ETH.txt', '')).toBe('ofac');
    expect(() => detectLabelFormat('notes.txt', '')).toThrow(InvalidInputError);
    expect(() => loadLabelSources([{ file: 'x.csv', confidence: 2 }])).toThrow(/label source 1: confidence/);
    expect(() => loadLabelSources([{ file: '/nonexistent/labels.csv' }])).toThrow(/Cannot read .*ENOENT/);
  });
});
