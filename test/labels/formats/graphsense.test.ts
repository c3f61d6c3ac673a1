import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.js';
import {
  GRAPHSENSE_CONFIDENCE,
  graphSenseCategory,
  parseActorPack,
  parseTagPack,
  readActorPack,
  readTagPack,
  type ActorIndex,
} from '../../../src/labels/formats/graphsense.js';
import type { LabelImport } from '../../../src/labels/summary.js';
import { referencePath } from '../../support/reference.js';

const ROOT = referencePath('labels/graphsense-tagpacks');
const PACKS = join(ROOT, 'packs');
const ACTORS = join(ROOT, 'actors/graphsense.actorpack.yaml');
const TAG_LINE = /^\s*- address:/;

let actors: ActorIndex;
const packs = new Map<string, LabelImport>();
const pack = (f: string) => packs.get(f)!;
beforeAll(() => {
  actors = readActorPack(ACTORS);
  for (const f of readdirSync(PACKS).filter((x) => x.endsWith('.yaml'))) packs.set(f, readTagPack(join(PACKS, f), { actors }));
}, 120_000);

/** An actor's jurisdictions read straight from the ActorPack text (not through the importer). */
function actorFromText(id: string): { label: string; jurisdictions: string[] } {
  const lines = readFileSync(ACTORS, 'utf8').split('\n');
  const at = lines.indexOf(`- id: ${id}`);
  let label = '';
  const jurisdictions: string[] = [];
  for (let i = at + 1; i < lines.length && !lines[i]!.startsWith('- '); i++) {
    const m = /^ {2}label: (.+)$/.exec(lines[i]!);
    if (m) label = m[1]!.replace(/^'(.*)'$/, '$1');
    if (lines[i] === '  jurisdictions:') for (let k = i + 1; /^ {2}- [A-Z]{2}$/.test(lines[k] ?? ''); k++) jurisdictions.push(lines[k]!.trim().slice(2));
  }
  return { label, jurisdictions };
}

describe('GraphSense ActorPack (real)', () => {
  it('reads every actor of the pack, keyed by id', () => {
    const expected = readFileSync(ACTORS, 'utf8')
      .split('\n')
      .filter((l) => /^- id:/.test(l)).length;
    expect(actors.summary.rows).toBe(expected);
    expect(actors.summary.skipped).toEqual([]);
    const binance = actors.actors.get('binance');
    expect(binance?.label).toBe('Binance');
    expect(binance?.line).toBeGreaterThan(1);
    expect(readFileSync(ACTORS, 'utf8').split('\n')[binance!.line - 1]).toMatch(/id: binance$/);
  });
});

describe('GraphSense TagPacks (real)', () => {
  const files = readdirSync(PACKS)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

  it('accounts for every tag of every pack: labels + skipped = the "- address:" entries, skipped rows point at tags', () => {
    expect(files.length).toBeGreaterThan(15);
    let totalLabels = 0;
    for (const f of files) {
      const text = readFileSync(join(PACKS, f), 'utf8');
      const lines = text.split('\n');
      const tags = lines.filter((l) => TAG_LINE.test(l)).length;
      const r = pack(f);
      expect(r.summary.rows, f).toBe(tags);
      expect(r.summary.labels + r.summary.skipped.length, f).toBe(tags);
      expect(r.labels.length).toBe(r.summary.labels);
      for (const s of r.summary.skipped) {
        expect(s.file).toBe(join(PACKS, f));
        expect(lines[s.line - 1], `${f}:${s.line}`).toMatch(TAG_LINE);
      }
      r.lines.forEach((line, i) => expect(lines[line - 1]!.toLowerCase()).toContain(r.labels[i]!.address.toLowerCase().slice(0, 12)));
      totalLabels += r.summary.labels;
    }
    expect(totalLabels).toBeGreaterThan(2500);
  });

  it('resolves a Binance reserve wallet tag to its actor: entity and jurisdictions from the ActorPack', () => {
    const binance = actorFromText('binance');
    const kucoin = actorFromText('kucoin');
    expect(binance.jurisdictions).toContain('MT');
    expect(kucoin.jurisdictions).toEqual(['SC']);
    const r = pack('exchange-wallets-binance.yaml');
    const eth = r.labels.find((l) => l.address === '0xbe0eb53f46cd790cd13851d5eff43d12404d33e8' && l.chain === 'ethereum');
    expect(eth).toMatchObject({
      entity: binance.label,
      category: 'exchange',
      jurisdictions: binance.jurisdictions,
      confidence: GRAPHSENSE_CONFIDENCE.service_data,
    });
    expect(eth?.jurisdictions.length).toBeGreaterThan(1);
    const k = pack('exchange-wallets-kucoin.yaml');
    const trx = k.labels.find((l) => l.chain === 'tron' && l.address === 'TRYL7PKCG4b4xRCM554Q5J6o8f1UjUmfnY');
    expect(trx).toMatchObject({ entity: kucoin.label, category: 'exchange', jurisdictions: kucoin.jurisdictions });
    expect(trx?.source).toMatch(/^GraphSense exchange-wallets-kucoin\.yaml:\d+ https:\/\/www\.kucoin\.com/);
  });

  it('skips BCH, LTC and ZEC tags as unsupported and counts them', () => {
    const file = join(PACKS, 'ofac.yaml');
    const lines = readFileSync(file, 'utf8').split('\n');
    const unsupportedTags = lines.filter(
      (l, i) => TAG_LINE.test(l) && /currency: (BCH|LTC|ZEC|DASH|XMR|ETC|BSV|XVG|BTG|XRP)\s*$/.test(lines[i + 1] ?? ''),
    ).length;
    const r = pack('ofac.yaml');
    const unsupported = r.summary.skipped.filter((s) => s.code === 'unsupported-currency');
    expect(unsupported.length).toBe(unsupportedTags);
    expect(unsupported.some((s) => /currency BCH has no chain/.test(s.reason))).toBe(true);
    expect(unsupported.some((s) => /currency LTC has no chain/.test(s.reason))).toBe(true);
    expect(unsupported.some((s) => /currency ZEC has no chain/.test(s.reason))).toBe(true);
    // The pack has no confidence anywhere: one warning, the "unknown" level.
    expect(r.summary.warnings.filter((w) => w.code === 'missing-confidence')).toHaveLength(1);
    expect(new Set(r.labels.map((l) => l.confidence))).toEqual(new Set([GRAPHSENSE_CONFIDENCE.unknown]));
  });

  it('maps the taxonomy: tornado.cash mixer, Lazarus sanction, hacks scam, exchanges exchange', () => {
    const first = (f: string) => pack(f).labels;
    expect(new Set(first('tornado_cash.yaml').map((l) => l.category))).toEqual(new Set(['mixer']));
    expect(first('tornado_cash.yaml')[0]).toMatchObject({ entity: 'Tornado Cash', chain: 'ethereum', confidence: 0.6 });
    expect(new Set(first('lazarus.yaml').map((l) => l.category))).toEqual(new Set(['sanctioned']));
    expect(new Set(first('binance_hack.yaml').map((l) => l.category))).toEqual(new Set(['scam']));
    expect(new Set(first('usdt_blacklist.yaml').map((l) => l.category))).toEqual(new Set(['other']));
  });
});

describe('GraphSense crafted packs', () => {
  const ACTOR_PACK = [
    'title: test actors',
    'actors:',
    '- id: goodex',
    '  label: Good Exchange',
    '  jurisdictions: [SC, mt]',
    '  categories: [organization, exchange]',
    '- id: badcc',
    '  label: Bad Country',
    '  jurisdictions: [XX]',
    '  categories: [exchange]',
    '- id: wrongtype',
    '  label: Wrong Type',
    '  jurisdictions: SC',
    '',
  ].join('\n');

  it('rejects an actor with an invalid country code or wrong types, with file and line', () => {
    const index = parseActorPack(ACTOR_PACK, 'actors.yaml');
    expect(index.actors.get('goodex')).toMatchObject({ jurisdictions: ['SC', 'MT'], line: 3 });
    expect(index.actors.has('badcc')).toBe(false);
    expect(index.summary.skipped).toEqual([
      {
        file: 'actors.yaml',
        line: 7,
        code: 'invalid-jurisdiction',
        reason: expect.stringMatching(/actor badcc: jurisdictions\.0: "XX" is not an ISO 3166-1 alpha-2/),
      },
      { file: 'actors.yaml', line: 11, code: 'invalid-row', reason: expect.stringMatching(/actor wrongtype: jurisdictions: /) },
    ]);
  });

  it('skips bad tags with their line and reason, keeps the good ones', () => {
    const index = parseActorPack(ACTOR_PACK, 'actors.yaml');
    const pack = [
      'title: crafted',
      'creator: test',
      'confidence: forensic',
      'currency: ETH',
      'tags:',
      '- address: 0x742d35Cc6634C0532925a3b844Bc454e4438f44e', // 6: unquoted 0x, mixed-case checksum: kept as text
      '  actor: goodex',
      '- address: [0x1, 0x2]', // 8: wrong type
      '- address: bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h', // 9: unknown currency
      '  currency: FOO',
      '  label: x',
      '- address: LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb', // 12: LTC
      '  currency: LTC',
      '  label: y',
      '- address: 0x1234', // 15: invalid address
      '  label: z',
      '- address: 0xbe0eb53f46cd790cd13851d5eff43d12404d33e8', // 17: rejected actor
      '  actor: badcc',
      '  label: Tag label',
      '- address: 0xf977814e90da44bfa03b6295a0616a897441acec', // 20: no entity at all
      '- address: 0x5a52e96bacdabb82fd05763e25335261b270efcb', // 21: unknown confidence level
      '  label: w',
      '  confidence: pretty_sure',
      '- address: 0x3c783c21a0383057d128bae431894a5c19f9cf06', // 24: unknown category name
      '  label: v',
      '  category: casino_royale',
      '',
    ].join('\n');
    const r = parseTagPack(pack, 'crafted.yaml', { actors: index });
    expect(r.summary.rows).toBe(9);
    expect(r.summary.skipped.map((s) => [s.line, s.code])).toEqual([
      [8, 'invalid-row'],
      [9, 'unknown-currency'],
      [12, 'unsupported-currency'],
      [15, 'invalid-address'],
      [20, 'no-entity'],
      [21, 'unknown-confidence'],
    ]);
    expect(r.summary.skipped[0]!.reason).toMatch(/address: /);
    expect(r.summary.skipped[1]!.reason).toBe('unknown currency "FOO"');
    expect(r.summary.skipped[2]!.reason).toBe('currency LTC has no chain in chaintrail yet');
    expect(r.labels).toEqual([
      {
        chain: 'ethereum',
        address: '0x742d35cc6634c0532925a3b844bc454e4438f44e',
        entity: 'Good Exchange',
        category: 'exchange',
        jurisdictions: ['SC', 'MT'],
        confidence: 0.5,
        source: 'GraphSense crafted.yaml:6',
      },
      {
        chain: 'ethereum',
        address: '0xbe0eb53f46cd790cd13851d5eff43d12404d33e8',
        entity: 'Tag label',
        category: 'other',
        jurisdictions: [],
        confidence: 0.5,
        source: 'GraphSense crafted.yaml:17',
      },
      {
        chain: 'ethereum',
        address: '0x3c783c21a0383057d128bae431894a5c19f9cf06',
        entity: 'v',
        category: 'other',
        jurisdictions: [],
        confidence: 0.5,
        source: 'GraphSense crafted.yaml:24',
      },
    ]);
    expect(r.lines).toEqual([6, 17, 24]);
    expect(r.summary.warnings).toEqual([
      { file: 'crafted.yaml', line: 17, code: 'unknown-actor', reason: expect.stringMatching(/actor "badcc" was rejected \(actors\.yaml: line 7\)/) },
      { file: 'crafted.yaml', line: 24, code: 'unknown-category', reason: 'unknown GraphSense category "casino_royale"' },
    ]);
  });

  it('fails the file when the header is wrong (every tag would inherit it), naming the line', () => {
    expect(() => parseTagPack('title: t\ncurrency: ETH\ntags: not-a-list\n', 'h.yaml')).toThrow(InvalidInputError);
    expect(() => parseTagPack('title: t\ncurrency: ETH\ntags: not-a-list\n', 'h.yaml')).toThrow(/h\.yaml: line 3: tags: expected a list of tags/);
    expect(() => parseTagPack('title: t\nconfidence: very_high\ntags:\n- address: x\n', 'c.yaml')).toThrow(
      /c\.yaml: line 2: confidence: unknown GraphSense confidence level "very_high"/,
    );
    expect(() => parseTagPack('title: t\nlabel: [a\ntags: []\n', 'y.yaml')).toThrow(/y\.yaml: line \d+: not valid YAML/);
  });
});

describe('graphSenseCategory', () => {
  it('follows the documented order', () => {
    expect(graphSenseCategory({ category: 'user', abuse: 'sanction' }).category).toBe('sanctioned');
    expect(graphSenseCategory({ category: 'exchange', abuse: 'service_hack' }).category).toBe('exchange');
    expect(graphSenseCategory({ abuse: 'ransomware' }).category).toBe('scam');
    expect(graphSenseCategory({ category: 'organization', actorCategories: ['organization', 'exchange', 'miner'] }).category).toBe('exchange');
    expect(graphSenseCategory({ actorCategories: ['defi_dex', 'defi_bridge'] }).category).toBe('bridge');
    expect(graphSenseCategory({ actorCategories: ['organization', 'sanction'] }).category).toBe('sanctioned');
    expect(graphSenseCategory({})).toEqual({ category: 'other', unknown: [] });
    expect(graphSenseCategory({ abuse: 'new_crime' })).toEqual({ category: 'scam', unknown: ['new_crime'] });
  });
});
