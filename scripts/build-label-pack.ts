/**
 * `npm run labels:build`: rebuilds the built-in label pack (data/label-pack.json.gz) from files in the repository:
 * - the OFAC SDN digital-currency lists (fixtures/reference/labels/ofac-sanctioned-addresses/*.txt), source `ofac-sdn`;
 * - every GraphSense TagPack (fixtures/reference/labels/graphsense-tagpacks/packs), joined with the ActorPack for
 *   entities and jurisdictions, categories through GRAPHSENSE_CATEGORIES, one source `graphsense:<pack>` each;
 * - the bridge registry (src/heuristics/bridges.ts), one source `bridges:<protocol>` each;
 * - the DEX routers and settlement contracts the protocols publish (src/labels/protocols/dex.ts), `protocols:<id>`;
 * - the curated list (src/labels/builtin/data.ts), `chaintrail-curated`, minus entries another source already holds;
 * - optionally a dawsbot/eth-labels checkout: `npm run labels:build -- --eth-labels <dir> [--eth-labels-date YYYY-MM-DD]`.
 * Deterministic: the same files give the same bytes (no clock, sorted input, fixed gzip level). Prints per source
 * what was read, kept, repeated and skipped (with every skipped row's reason).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import type { Label } from '../src/core/schema.js';
import { normalizeLabel } from '../src/labels/store.js';
import { addActorPack, createActorIndex, parseTagPack } from '../src/labels/formats/graphsense.js';
import { parseOfacList } from '../src/labels/formats/ofac.js';
import { readEthLabelsDir } from '../src/labels/formats/eth-labels.js';
import { formatIssue, type ImportSummary } from '../src/labels/summary.js';
import { encodeLabelPack, labelPackText, type LabelPackSource } from '../src/labels/pack/format.js';
import { LABEL_PACK_FILE } from '../src/labels/builtin.js';
import { PROTOCOL_DEPLOYMENTS, PROTOCOL_LIST_DATE } from '../src/labels/protocols/dex.js';
import { BUILTIN_LABELS } from '../src/labels/builtin/data.js';
import { BRIDGE_REGISTRY } from '../src/heuristics/bridges.js';
import { bridgeDefinitionLabels } from '../src/engine/bridge-continuation.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LABELS = join(ROOT, 'fixtures/reference/labels');
const GRAPHSENSE = join(LABELS, 'graphsense-tagpacks');
const OFAC = join(LABELS, 'ofac-sanctioned-addresses');
const PROJECT_LICENCE = 'MIT';
/**
 * The vendored TagPacks' commit (fixtures/reference/labels/graphsense-tagpacks/COMMIT) and its commit date, the date of
 * their data (`git log -1 --format=%cs 29ff93c8` in graphsense/graphsense-tagpacks). A new commit needs its date here.
 */
const GRAPHSENSE_COMMIT = { commit: '29ff93c8ab0db37370453a290b7becba429b73f8', date: '2026-05-12' };

/** What one source gave before it became pack labels. */
interface SourceInput {
  meta: Omit<LabelPackSource, 'labels' | 'addresses'>;
  labels: Label[];
  summary?: ImportSummary;
  /** Drop a label when any earlier source holds the same chain, address and category (the curated list). */
  onlyNew?: boolean;
}

export interface BuildLabelPackOptions {
  /** A dawsbot/eth-labels checkout (its `data` folder or the checkout). */
  ethLabels?: string;
  /** The date of that checkout's data (default: its last commit's date, read with git). */
  ethLabelsDate?: string;
}

/** The OFAC lists' date, as fixtures/reference/README.md states it for the vendored copy. */
function ofacDate(): string {
  const readme = readFileSync(join(LABELS, '..', 'README.md'), 'utf8');
  const date = /ofac-sanctioned-digital-currency-addresses, branch lists \((\d{4}-\d{2}-\d{2})\)/.exec(readme)?.[1];
  if (!date) throw new Error("fixtures/reference/README.md does not state the OFAC lists' date");
  return date;
}

function ofacSource(): SourceInput {
  const files = readdirSync(OFAC)
    .filter((f) => /^sanctioned_addresses_.+\.txt$/.test(f))
    .sort();
  const labels: Label[] = [];
  const summary: ImportSummary = { files: [], rows: 0, labels: 0, duplicates: 0, skipped: [], warnings: [] };
  for (const f of files) {
    const part = parseOfacList(readFileSync(join(OFAC, f), 'utf8'), `ofac-sanctioned-addresses/${f}`);
    labels.push(...part.labels);
    summary.files.push(...part.summary.files);
    summary.rows += part.summary.rows;
    summary.skipped.push(...part.summary.skipped);
  }
  return {
    meta: {
      id: 'ofac-sdn',
      title: 'OFAC SDN list: digital currency addresses (0xB10C/ofac-sanctioned-digital-currency-addresses)',
      licence: 'US government (public domain)',
      date: ofacDate(),
      url: 'https://github.com/0xB10C/ofac-sanctioned-digital-currency-addresses/tree/lists',
    },
    labels,
    summary,
  };
}

function graphSenseSources(): SourceInput[] {
  const commit = readFileSync(join(GRAPHSENSE, 'COMMIT'), 'utf8').trim();
  if (commit !== GRAPHSENSE_COMMIT.commit) throw new Error(`the vendored TagPacks are at ${commit}: set GRAPHSENSE_COMMIT to it and its commit date`);
  const actors = createActorIndex();
  addActorPack(readFileSync(join(GRAPHSENSE, 'actors/graphsense.actorpack.yaml'), 'utf8'), 'actors/graphsense.actorpack.yaml', actors);
  const packs = readdirSync(join(GRAPHSENSE, 'packs'))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  return packs.map((file) => {
    const text = readFileSync(join(GRAPHSENSE, 'packs', file), 'utf8');
    const header = parseYaml(text, { schema: 'failsafe' }) as { title?: string; lastmod?: string };
    const imported = parseTagPack(text, `packs/${file}`, { actors });
    const name = basename(file).replace(/\.ya?ml$/, '');
    return {
      meta: {
        id: `graphsense:${name}`,
        title: `GraphSense TagPack: ${header.title ?? name}${header.lastmod ? ` (pack lastmod ${header.lastmod})` : ''}`,
        licence: 'MIT',
        date: GRAPHSENSE_COMMIT.date,
        url: `https://github.com/graphsense/graphsense-tagpacks/blob/${commit}/packs/${file}`,
      },
      labels: imported.labels,
      summary: imported.summary,
    };
  });
}

function bridgeSources(): SourceInput[] {
  const protocols = [...new Set(BRIDGE_REGISTRY.map((b) => b.protocol))].sort();
  return protocols.map((protocol) => {
    const contracts = BRIDGE_REGISTRY.filter((b) => b.protocol === protocol);
    return {
      meta: {
        id: `bridges:${protocol}`,
        title: `Bridge registry (src/heuristics/bridges.ts): ${protocol}`,
        licence: PROJECT_LICENCE,
        date: PROTOCOL_LIST_DATE,
        url: [...new Set(contracts.map((b) => b.reference))].join(' ; '),
      },
      // Addresses normalized for their chain (bridgeDefinitionLabels lower-cases, right for EVM addresses only).
      labels: bridgeDefinitionLabels(contracts).map((l, i) => normalizeLabel({ ...l, address: contracts[i]!.address })),
    };
  });
}

function protocolSources(): SourceInput[] {
  return PROTOCOL_DEPLOYMENTS.map((p) => ({
    meta: {
      id: `protocols:${p.id}`,
      title: `${p.entity}: published router and settlement deployments`,
      licence: PROJECT_LICENCE,
      date: PROTOCOL_LIST_DATE,
      url: p.url,
    },
    labels: p.contracts.flatMap((c) =>
      c.chains.map((chain) =>
        normalizeLabel({ chain, address: c.address.toLowerCase(), entity: c.name, category: 'defi', jurisdictions: [], confidence: 1, source: '' }),
      ),
    ),
  }));
}

function curatedSource(): SourceInput {
  return {
    meta: {
      id: 'chaintrail-curated',
      title: 'chaintrail curated labels (src/labels/builtin/data.ts)',
      licence: PROJECT_LICENCE,
      date: PROTOCOL_LIST_DATE,
      url: 'https://github.com/chaintrail/chaintrail/blob/main/src/labels/builtin/data.ts',
    },
    labels: BUILTIN_LABELS.map((e) => normalizeLabel({ ...e, jurisdictions: [...e.jurisdictions] })),
    onlyNew: true,
  };
}

function ethLabelsSource(dir: string, date: string | undefined): SourceInput {
  const imported = readEthLabelsDir(dir);
  for (const f of imported.unreadFolders) console.error(`eth-labels: not read: ${f.folder}: ${f.reason}`);
  const when = date ?? execFileSync('git', ['-C', dir, 'log', '-1', '--format=%cs'], { encoding: 'utf8' }).trim();
  return {
    meta: {
      id: 'eth-labels',
      title: 'dawsbot/eth-labels (explorer labels, EVM chains)',
      licence: 'MIT',
      date: when,
      url: 'https://github.com/dawsbot/eth-labels',
    },
    labels: imported.labels,
    summary: imported.summary,
  };
}

/** The sources, in precedence order (on equal confidence an earlier source's label comes first). */
function collectSources(options: BuildLabelPackOptions): SourceInput[] {
  return [
    ofacSource(),
    ...graphSenseSources(),
    ...bridgeSources(),
    ...protocolSources(),
    curatedSource(),
    ...(options.ethLabels ? [ethLabelsSource(options.ethLabels, options.ethLabelsDate)] : []),
  ];
}

/** What the build kept of one source, for the log. */
export interface SourceOutcome {
  id: string;
  read: number;
  kept: number;
  repeated: number;
  summary?: ImportSummary;
}

/**
 * Compiles the pack: each source's labels tagged with its id and licence; a label repeating one of the same source
 * (same chain, address, entity and category) is kept once; the curated list keeps only what no other source holds.
 * Labels are ordered by chain, address, then source order, so the bytes depend on the inputs only.
 */
export function compileLabelPack(options: BuildLabelPackOptions = {}): { text: string; outcomes: SourceOutcome[] } {
  const inputs = collectSources(options);
  const all: { label: Label; source: number; order: number }[] = [];
  const held = new Set<string>();
  const outcomes: SourceOutcome[] = [];
  const metas: LabelPackSource[] = [];
  inputs.forEach((input, s) => {
    const seen = new Set<string>();
    const places = new Set<string>();
    const addresses = new Set<string>();
    let kept = 0;
    for (const l of input.labels) {
      const place = `${l.chain}|${l.address}|${l.category}`;
      const key = `${place}|${l.entity.trim().toLowerCase()}`;
      if (seen.has(key) || (input.onlyNew && held.has(place))) continue;
      seen.add(key);
      places.add(place);
      addresses.add(`${l.chain}|${l.address}`);
      all.push({ label: { ...l, source: input.meta.id, licence: input.meta.licence }, source: s, order: all.length });
      kept++;
    }
    for (const place of places) held.add(place);
    metas.push({ ...input.meta, labels: kept, addresses: addresses.size });
    outcomes.push({
      id: input.meta.id,
      read: input.labels.length,
      kept,
      repeated: input.labels.length - kept,
      ...(input.summary ? { summary: input.summary } : {}),
    });
  });
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  all.sort((a, b) => cmp(a.label.chain, b.label.chain) || cmp(a.label.address, b.label.address) || a.source - b.source || a.order - b.order);
  const pack = encodeLabelPack(
    all.map((x) => x.label),
    metas,
  );
  return { text: labelPackText(pack), outcomes };
}

/** The pack's bytes on disk: gzip at level 9 (Node writes no file name and mtime 0, so equal text gives equal bytes). */
export function gzipLabelPack(text: string): Buffer {
  return gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
}

function main(argv: string[]): void {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const ethLabels = arg('--eth-labels');
  const ethLabelsDate = arg('--eth-labels-date');
  const { text, outcomes } = compileLabelPack({ ...(ethLabels ? { ethLabels } : {}), ...(ethLabelsDate ? { ethLabelsDate } : {}) });
  const bytes = gzipLabelPack(text);
  writeFileSync(join(ROOT, LABEL_PACK_FILE), bytes);
  for (const o of outcomes) {
    const skipped = o.summary?.skipped ?? [];
    console.log(`${o.id}: ${o.read} read, ${o.kept} kept, ${o.repeated} repeated, ${skipped.length} rows skipped`);
    for (const issue of skipped) console.log(`  skipped ${formatIssue(issue)}`);
  }
  const total = outcomes.reduce((n, o) => n + o.kept, 0);
  console.log(`${LABEL_PACK_FILE}: ${total} labels from ${outcomes.length} sources, ${bytes.length} bytes (${text.length} bytes of JSON)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
