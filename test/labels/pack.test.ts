import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getChain } from '../../src/core/chain.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { normalizeLabelAddress } from '../../src/labels/store.js';
import type { Label } from '../../src/core/schema.js';
import { builtinLabels, createBuiltinLabelStore, labelPackPath, labelPackSources } from '../../src/labels/builtin.js';
import { decodeLabelPack, encodeLabelPack, labelPackText, parseLabelPack, type LabelPackSource } from '../../src/labels/pack/format.js';
import { PROTOCOL_DEPLOYMENTS } from '../../src/labels/protocols/dex.js';
import { BRIDGE_REGISTRY } from '../../src/heuristics/bridges.js';
import { compileLabelPack } from '../../scripts/build-label-pack.js';
import { referencePath } from '../support/reference.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const sources = new Map(labelPackSources().map((s) => [s.id, s]));

// An independent reading of the raw files: plain line scans, a currency table of its own, address forms by regex.
const BTC = /^(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[02-9ac-hj-np-z]{6,87})$/;
const EVM = /^0x[0-9a-fA-F]{40}$/;
const TRON = /^T[1-9A-HJ-NP-Za-km-z]{33}$/;
function chainOf(currency: string, address: string): string | undefined {
  const c = currency.toUpperCase();
  const byForm = EVM.test(address) ? 'ethereum' : TRON.test(address) ? 'tron' : BTC.test(address) ? 'bitcoin' : undefined;
  const fixed: Record<string, [string, RegExp]> = {
    BTC: ['bitcoin', BTC],
    XBT: ['bitcoin', BTC],
    ETH: ['ethereum', EVM],
    TRX: ['tron', TRON],
    BSC: ['evm:56', EVM],
    BEP20: ['evm:56', EVM],
    BNB: ['evm:56', EVM],
    MATIC: ['evm:137', EVM],
    POL: ['evm:137', EVM],
    ARB: ['evm:42161', EVM],
    AVAX: ['evm:43114', EVM],
  };
  const hit = fixed[c];
  if (hit) return hit[1].test(address) ? hit[0] : undefined;
  return c === 'USDT' || c === 'USDC' ? byForm : undefined;
}
const key = (chain: string, address: string) => `${chain}|${/^(0x|bc1)/i.test(address) ? address.toLowerCase() : address}`;

function graphSenseAddresses(text: string): Set<string> {
  const header = /^currency:\s*(\S+)/m.exec(text)?.[1];
  const out = new Set<string>();
  const blocks = text.split(/^- /m).slice(1);
  for (const block of blocks) {
    const address = /^address:\s*'?([^'\s]+)'?/m.exec(block)?.[1];
    const currency = /^\s+currency:\s*(\S+)/m.exec(block)?.[1] ?? header;
    if (!address || !currency) continue;
    const chain = chainOf(currency, address);
    if (chain) out.add(key(chain, address));
  }
  return out;
}

describe('built-in label pack', () => {
  it('holds per OFAC list and GraphSense pack exactly the addresses a plain scan of the raw files finds', () => {
    const ofac = referencePath('labels/ofac-sanctioned-addresses');
    const sanctioned = new Set<string>();
    for (const f of readdirSync(ofac).filter((n) => n.endsWith('.txt'))) {
      const asset = /_([A-Z]+)\.txt$/.exec(f)![1]!;
      for (const line of readFileSync(join(ofac, f), 'utf8').split('\n')) {
        const chain = line.trim() && chainOf(asset, line.trim());
        if (chain) sanctioned.add(key(chain, line.trim()));
      }
    }
    expect(sanctioned.size).toBeGreaterThan(500);
    expect(sources.get('ofac-sdn')?.addresses).toBe(sanctioned.size);

    const packs = referencePath('labels/graphsense-tagpacks/packs');
    const files = readdirSync(packs).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(15);
    for (const f of files) {
      const expected = graphSenseAddresses(readFileSync(join(packs, f), 'utf8'));
      expect(sources.get(`graphsense:${f.replace(/\.yaml$/, '')}`)?.addresses, f).toBe(expected.size);
    }
    // The labels themselves: each source's labels name exactly as many distinct addresses as its entry says.
    const bySource = new Map<string, Set<string>>();
    for (const l of builtinLabels()) {
      if (!bySource.has(l.source)) bySource.set(l.source, new Set());
      bySource.get(l.source)!.add(key(l.chain, l.address));
    }
    for (const s of sources.values()) expect(bySource.get(s.id)?.size ?? 0, s.id).toBe(s.addresses);
  });

  it('takes the bridge registry and the protocols’ published deployments as written', () => {
    const store = createBuiltinLabelStore();
    for (const b of BRIDGE_REGISTRY) {
      expect(store.find(getChain(b.chain).id, normalizeLabelAddress(b.chain, b.address), 'bridge'), b.name).toMatchObject({
        source: `bridges:${b.protocol}`,
        licence: 'MIT',
      });
    }
    let deployments = 0;
    for (const p of PROTOCOL_DEPLOYMENTS) {
      const count = p.contracts.reduce((n, c) => n + c.chains.length, 0);
      deployments += count;
      expect(sources.get(`protocols:${p.id}`)?.labels, p.id).toBe(count);
      for (const c of p.contracts) {
        for (const chain of c.chains) expect(store.find(chain, c.address.toLowerCase(), 'defi'), `${c.name} ${chain}`).toMatchObject({ entity: c.name });
      }
    }
    expect(deployments).toBeGreaterThan(15);
    for (const s of sources.values()) expect(s.url, s.id).toMatch(/^https:\/\//);
  });

  it('is committed exactly as the build script compiles it from the repository', () => {
    const committed = gunzipSync(readFileSync(labelPackPath())).toString('utf8');
    const rebuilt = compileLabelPack().text;
    expect(committed.length).toBe(rebuilt.length);
    expect(committed === rebuilt).toBe(true);
  });

  it('adds an eth-labels checkout as one more source when the build is given one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eth-labels-pack-'));
    try {
      const rows = [
        { address: '0x2c35df41a8abeac6438b709bbc1bee872a8210e3', nameTag: 'ChangeNOW: Deployer' },
        { address: '0x48c04ed5691981c42154c6167398f95e8f38a7ff', nameTag: 'ChangeNOW 2' },
      ];
      mkdirSync(join(dir, 'data/etherscan/changenow'), { recursive: true });
      writeFileSync(join(dir, 'data/etherscan/changenow/accounts.json'), JSON.stringify(rows));
      const pack = parseLabelPack(JSON.parse(compileLabelPack({ ethLabels: dir, ethLabelsDate: '2025-01-31' }).text), 'rebuilt');
      expect(pack.sources.at(-1)).toMatchObject({ id: 'eth-labels', licence: 'MIT', date: '2025-01-31', labels: 2, addresses: 2 });
      const labels = decodeLabelPack(pack).filter((l) => l.source === 'eth-labels');
      expect(labels.map((l) => [l.address, l.entity]).sort()).toEqual(rows.map((r) => [r.address, 'ChangeNOW']).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('round-trips any labels through the pack format, and rejects a damaged pack with a typed error', () => {
    const source = (id: string): LabelPackSource => ({
      id,
      title: id,
      licence: 'MIT',
      date: '2024-01-02',
      url: 'https://example.org',
      labels: 0,
      addresses: 0,
    });
    const label = fc.record({
      chain: fc.constantFrom('ethereum', 'tron', 'bitcoin', 'evm:56'),
      address: fc.stringMatching(/^[0-9a-z]{8,42}$/),
      entity: fc.string({ minLength: 1, maxLength: 20 }),
      category: fc.constantFrom('exchange', 'instant-exchange', 'payment', 'mixer', 'defi', 'sanctioned' as const),
      jurisdictions: fc.uniqueArray(fc.constantFrom('SC', 'MT', 'US', 'VG'), { maxLength: 3 }),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
      source: fc.constantFrom('a', 'b', 'c'),
    });
    fc.assert(
      fc.property(fc.array(label, { maxLength: 40 }), (labels) => {
        const sources = ['a', 'b', 'c'].map(source);
        const text = labelPackText(encodeLabelPack(labels as Label[], sources));
        const decoded = decodeLabelPack(parseLabelPack(JSON.parse(text), 'p'));
        const expected = [...labels].map((l, i) => ({ l, i })).sort((x, y) => (x.l.chain < y.l.chain ? -1 : x.l.chain > y.l.chain ? 1 : x.i - y.i));
        expect(decoded).toEqual(expected.map(({ l }) => ({ ...l, licence: 'MIT' })));
      }),
      { numRuns: 60 },
    );
    const good = JSON.parse(
      labelPackText(
        encodeLabelPack([{ chain: 'tron', address: 'Tx', entity: 'E', category: 'exchange', jurisdictions: [], confidence: 1, source: 'a' }], [source('a')]),
      ),
    );
    const outOfRange = structuredClone(good);
    outOfRange.chains[0].entity[0] = 7;
    expect(() => parseLabelPack(outOfRange, 'p.gz')).toThrow(InvalidInputError);
    expect(() => parseLabelPack(outOfRange, 'p.gz')).toThrow(/p\.gz is damaged .*chains\.0\.entity\.0: index 7 is outside its table of 1/);
    const short = structuredClone(good);
    short.chains[0].confidence = [];
    expect(() => parseLabelPack(short, 'p.gz')).toThrow(/confidence: has 0 rows, address has 1/);
    expect(() => parseLabelPack({ ...good, version: 9 }, 'p.gz')).toThrow(InvalidInputError);
    expect(() =>
      encodeLabelPack([{ chain: 'tron', address: 'T', entity: 'E', category: 'exchange', jurisdictions: [], confidence: 1, source: 'z' }], []),
    ).toThrow(/unknown source "z"/);
  });

  it('is read on first use, not when the root entry is imported', () => {
    // A child process (a fresh module cache) counts the reads of the pack file around the import and the first use.
    const script = `
      import fs from 'node:fs';
      import { syncBuiltinESMExports } from 'node:module';
      let reads = 0;
      const read = fs.readFileSync;
      fs.readFileSync = (file, ...rest) => { if (String(file).endsWith('label-pack.json.gz')) reads++; return read(file, ...rest); };
      syncBuiltinESMExports();
      const root = await import('./src/index.ts');
      const afterImport = reads;
      const first = root.builtinLabels().length;
      root.createBuiltinLabelStore();
      root.labelPackSources();
      process.stdout.write(JSON.stringify({ afterImport, afterUse: reads, first }));
    `;
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })) as {
      afterImport: number;
      afterUse: number;
      first: number;
    };
    expect(out).toEqual({ afterImport: 0, afterUse: 1, first: builtinLabels().length });
  });
});
