import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/io.js';
import { parseLabelCsv } from '../../src/labels/formats/csv.js';
import { builtinLabels } from '../../src/labels/builtin.js';
import { cli } from '../support/cli.js';
import { referencePath } from '../support/reference.js';

const OFAC = referencePath('labels/ofac-sanctioned-addresses');

function crafted(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cli-labels-'));
  writeFileSync(join(dir, 'actors.yaml'), 'actors:\n- id: northwind\n  label: Northwind, "NW" Exchange\n  jurisdictions: [SC]\n  categories: [exchange]\n');
  writeFileSync(
    join(dir, 'pack.yaml'),
    'title: t\nconfidence: service_data\ncurrency: ETH\nactor: northwind\ntags:\n- address: "0xa8d67b83c404ad1e3665a904f8259e46a57d198f"\n- address: "0x1234"\n- address: LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb\n  currency: LTC\n',
  );
  return dir;
}

describe('chaintrail labels', () => {
  it('import writes the project CSV (re-readable) on stdout and the summary with skipped rows on stderr', async () => {
    const dir = crafted();
    const { code, stdout, stderr } = await cli(['labels', 'import', dir, join(OFAC, 'sanctioned_addresses_TRX.txt')]);
    expect(code).toBe(EXIT.ok);
    const labels = parseLabelCsv(stdout, 'out.csv');
    expect(labels).toContainEqual({
      chain: 'ethereum',
      address: '0xa8d67b83c404ad1e3665a904f8259e46a57d198f',
      entity: 'Northwind, "NW" Exchange',
      category: 'exchange',
      jurisdictions: ['SC'],
      confidence: 0.5,
      source: 'GraphSense pack.yaml:6',
    });
    const trx = readFileSync(join(OFAC, 'sanctioned_addresses_TRX.txt'), 'utf8').split('\n').filter(Boolean);
    expect(
      labels
        .filter((l) => l.category === 'sanctioned')
        .map((l) => l.address)
        .sort(),
    ).toEqual([...trx].sort());
    expect(stderr).toMatch(/3 file\(s\), \d+ row\(s\): \d+ label\(s\)/);
    expect(stderr).toContain(`${join(dir, 'pack.yaml')}: line 7: [invalid-address]`);
    expect(stderr).toContain(`${join(dir, 'pack.yaml')}: line 8: [unsupported-currency] currency LTC has no chain in chaintrail yet`);
  });

  it('import --strict fails (code 2) when rows were skipped, after writing --out', async () => {
    const dir = crafted();
    const out = join(dir, 'out.csv');
    const { code, stderr } = await cli(['labels', 'import', '--strict', '--out', out, dir]);
    expect(code).toBe(EXIT.invalidInput);
    expect(stderr).toMatch(/2 row\(s\) skipped \(--strict\)/);
    expect(parseLabelCsv(readFileSync(out, 'utf8'))).toHaveLength(1);
  });

  it('lookup prints the built-in labels of an address with the cross-border verdict, and exit 4 when there is none', async () => {
    const hit = await cli(['labels', 'lookup', '--chain', 'tron', 'TRYL7PKCG4b4xRCM554Q5J6o8f1UjUmfnY', '--case-jurisdiction', 'de']);
    expect(hit.code).toBe(EXIT.ok);
    expect(hit.stdout).toMatch(/^KuCoin & KuCoin Futures {2}exchange {2}SC {2}confidence 0\.5 {2}cross-border: yes \(entity answers in SC, not DE\)/m);
    expect(hit.stdout).toMatch(/source: graphsense:exchange-wallets-kucoin {2}licence: MIT$/m);
    const json = await cli(['labels', 'lookup', '--chain', 'ethereum', '0xBE0EB53F46CD790CD13851D5EFF43D12404D33E8', '--format', 'json']);
    expect(JSON.parse(json.stdout)[0]).toMatchObject({ entity: 'Binance', category: 'exchange' });
    const off = await cli(['labels', 'lookup', '--chain', 'tron', 'TRYL7PKCG4b4xRCM554Q5J6o8f1UjUmfnY', '--no-builtin-labels']);
    expect(off.code).toBe(EXIT.notFound);
    expect(off.stderr).toMatch(/no label for tron TRYL7PKCG4b4xRCM554Q5J6o8f1UjUmfnY \[NOT_FOUND\]/);
    expect((await cli(['labels', 'lookup', '--chain', 'ethereum', '0x1234'])).code).toBe(EXIT.invalidInput);
  });

  it('stats counts per source, category and chain', async () => {
    const { code, stdout } = await cli(['labels', 'stats', '--labels', join(OFAC, 'sanctioned_addresses_ETH.txt'), '--format', 'json']);
    expect(code).toBe(EXIT.ok);
    const stats = JSON.parse(stdout);
    const eth = readFileSync(join(OFAC, 'sanctioned_addresses_ETH.txt'), 'utf8').split('\n').filter(Boolean).length;
    expect(stats.bySource[0]).toMatchObject({ source: 'sanctioned_addresses_ETH.txt', format: 'ofac', rows: eth, labels: eth });
    expect(stats.bySource[1]).toMatchObject({ source: '(built-in)', format: 'builtin' });
    expect(stats.labels).toBe(eth + stats.bySource[1].labels);
    // The pack's own OFAC list holds every one of these addresses with the same entity and category: duplicates.
    expect(stats.bySource[1].duplicates).toBeGreaterThanOrEqual(eth);
    // Exchange labels of the pack, each distinct chain, address and entity once (a repeat in a later source is a duplicate).
    const exchanges = new Set(builtinLabels().flatMap((l) => (l.category === 'exchange' ? [`${l.chain}|${l.address}|${l.entity.toLowerCase()}`] : [])));
    expect(stats.byCategory.exchange).toBe(exchanges.size);
    const text = await cli(['labels', 'stats', '--no-builtin-labels', '--labels', join(OFAC, 'sanctioned_addresses_ETH.txt')]);
    expect(text.stdout).toMatch(new RegExp(`^${eth} label\\(s\\)\\n`));
    expect(text.stdout).toMatch(new RegExp(`^ {2}ethereum: ${eth}$`, 'm'));
  });
});

describe('chaintrail labels sources', () => {
  it('lists every pack source with licence, date, origin and count, as text and JSON', async () => {
    const json = await cli(['labels', 'sources', '--format', 'json']);
    expect(json.code).toBe(EXIT.ok);
    const sources = JSON.parse(json.stdout) as { id: string; licence: string; date: string; url: string; labels: number }[];
    const counts = new Map<string, number>();
    for (const l of builtinLabels()) counts.set(l.source, (counts.get(l.source) ?? 0) + 1);
    for (const s of sources) expect(s.labels, s.id).toBe(counts.get(s.id) ?? 0);
    expect(sources.map((s) => s.id)).toEqual(
      expect.arrayContaining(['ofac-sdn', 'graphsense:exchange-wallets-binance', 'protocols:cow', 'chaintrail-curated']),
    );
    expect(sources.find((s) => s.id === 'ofac-sdn')).toMatchObject({ licence: 'US government (public domain)', date: '2024-09-27' });
    const text = await cli(['labels', 'sources']);
    const total = sources.reduce((n, s) => n + s.labels, 0);
    expect(text.stdout).toMatch(new RegExp(`^${total} label\\(s\\) from ${sources.length} source\\(s\\)`));
    for (const s of sources) expect(text.stdout).toContain(`${s.id}: ${s.labels} label(s)`);
  });
});
