import { basename } from 'node:path';
import { z } from 'zod';
import type { Document, Node as YamlNode, YAMLMap } from 'yaml';
import { lazyPackage } from '../../core/lazy.js';
import { InvalidAddressError, InvalidInputError, describeZodIssues } from '../../core/errors.js';
import { checkInput } from '../../core/parse.js';
import { normalizeLabelAddress } from '../store.js';
import { JurisdictionSchema, type Category } from '../../core/schema.js';
import { chainForCurrency } from '../currency.js';
import { ImportCollector, emptySummary, mergeSummary, type ImportSummary, type LabelImport } from '../summary.js';
import { readText } from './csv.js';

/** The YAML parser, loaded with the first TagPack or ActorPack. */
const yaml = lazyPackage<typeof import('yaml')>('yaml');

/**
 * GraphSense confidence levels (graphsense-tagpack-tool, `confidence.csv`: level 0–100) divided by 100.
 * A tag without any confidence (neither tag nor pack header) gets the `unknown` level, with a warning.
 */
export const GRAPHSENSE_CONFIDENCE: Readonly<Record<string, number>> = {
  override: 1,
  ownership: 1,
  ledger_immanent: 1,
  manual_transaction: 0.9,
  service_api: 0.7,
  forensic_investigation: 0.7,
  authority_data: 0.6,
  trusted_provider: 0.5,
  service_data: 0.5,
  forensic: 0.5,
  untrusted_transaction: 0.4,
  web_crawl: 0.2,
  heuristic: 0.1,
  unknown: 0.05,
};

/**
 * GraphSense / INTERPOL DW-VA taxonomy concepts (tag `category`, actor `categories`) to chaintrail categories.
 * `user`, `organization`, `black_list` (e.g. the USDT issuer's freeze list) and the like are `other`.
 * Services an investigator can write to: `exchange`; `gambling` (DW-VA "Gambling Service") → gambling;
 * `payment_processor` → payment. The taxonomy (DW-VA entities, and the concepts the vendored TagPacks and ActorPack
 * use) names no swap-service subtype of exchange and no custodial-service concept: `instant-exchange` and `custody`
 * labels come from the project's CSV/JSON files, Etherscan labels or the built-in pack, not from a GraphSense concept.
 * `wallet_service` stays `service` (a wallet may be self-custodial).
 */
export const GRAPHSENSE_CATEGORIES: Readonly<Record<string, Category>> = {
  exchange: 'exchange',
  bridge: 'bridge',
  defi_bridge: 'bridge',
  mixing_service: 'mixer',
  mixer: 'mixer',
  coinjoin: 'mixer',
  sanction: 'sanctioned',
  sanctioned: 'sanctioned',
  defi: 'defi',
  defi_dex: 'defi',
  defi_lending: 'defi',
  defi_derivative: 'defi',
  defi_yield: 'defi',
  index: 'defi',
  collectible: 'defi',
  service: 'service',
  wallet_service: 'service',
  payment_processor: 'payment',
  gambling: 'gambling',
  miner: 'service',
  mining_service: 'service',
  faucet: 'service',
  market: 'service',
  atm: 'service',
  hosting: 'service',
  vpn: 'service',
  shop: 'service',
  donation: 'service',
  ico_wallet: 'service',
  cold_wallet: 'service',
  scam: 'scam',
  phishing: 'scam',
  ransomware: 'scam',
  sextortion: 'scam',
  service_hack: 'scam',
  hacking: 'scam',
  ponzi_scheme: 'scam',
  pyramid_scheme: 'scam',
  social_engineering: 'scam',
  investment_fraud: 'scam',
  extortion: 'scam',
  user: 'other',
  organization: 'other',
  entity: 'other',
  unknown: 'other',
  black_list: 'other',
  dark_web: 'other',
  drugs: 'other',
  weapons: 'other',
  terrorism: 'other',
  extremism: 'other',
};

/** Which actor category decides when an actor has several (Binance: organization, exchange, … → exchange). */
const ACTOR_PRIORITY: Category[] = [
  'sanctioned',
  'mixer',
  'bridge',
  'exchange',
  'instant-exchange',
  'payment',
  'gambling',
  'custody',
  'scam',
  'defi',
  'service',
  'other',
];

/**
 * The category of one tag, documented order:
 * 1. `sanctioned` when the abuse is `sanction` or the tag's or actor's category is a sanction;
 * 2. the tag's (or pack header's) category, unless it maps to `other` (`user`, `organization`);
 * 3. an abuse (`service_hack`, `scam`, `ransomware`, …) → `scam`;
 * 4. the most specific of the actor's categories (mixer, bridge, exchange, instant-exchange, payment, gambling,
 *    custody, scam, defi, service);
 * 5. `other`.
 * Names not in GRAPHSENSE_CATEGORIES are returned in `unknown` (the importer warns); an unknown abuse still
 * counts as `scam`, an unknown category as `other`.
 */
export function graphSenseCategory(input: { category?: string | undefined; abuse?: string | undefined; actorCategories?: readonly string[] | undefined }): {
  category: Category;
  unknown: string[];
} {
  const unknown: string[] = [];
  const map = (name: string | undefined): Category | undefined => {
    if (!name) return undefined;
    const hit = GRAPHSENSE_CATEGORIES[name.trim().toLowerCase()];
    if (!hit) unknown.push(name);
    return hit;
  };
  const tag = map(input.category);
  const abuse = input.abuse ? (map(input.abuse) ?? 'scam') : undefined;
  const actor = (input.actorCategories ?? []).map(map).filter((c): c is Category => c !== undefined);
  if (abuse === 'sanctioned' || tag === 'sanctioned' || actor.includes('sanctioned')) return { category: 'sanctioned', unknown };
  if (tag && tag !== 'other') return { category: tag, unknown };
  if (abuse) return { category: abuse === 'other' ? 'scam' : abuse, unknown };
  for (const c of ACTOR_PRIORITY) if (actor.includes(c)) return { category: c, unknown };
  return { category: 'other', unknown };
}

// ---------------------------------------------------------------------------------------------------------------
// YAML with line numbers

interface ParsedYaml {
  doc: Document.Parsed;
  data: unknown;
  lineOf(node: YamlNode | null | undefined): number;
}

function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new (yaml().LineCounter)();
  // failsafe: every scalar stays the string written in the file. Unquoted 0x… addresses are not read as numbers.
  const doc = yaml().parseDocument(text, { lineCounter, schema: 'failsafe', prettyErrors: false, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    const line = lineCounter.linePos(error.pos[0]).line;
    throw new InvalidInputError(`${file}: line ${line}: not valid YAML: ${error.message.split('\n')[0]}`, {
      details: { file, line, code: error.code },
    });
  }
  return {
    doc,
    data: doc.toJS({ maxAliasCount: 1000 }),
    lineOf: (node) => (node?.range ? lineCounter.linePos(node.range[0]).line : 1),
  };
}

function keyLine(parsed: ParsedYaml, map: YAMLMap | undefined, key: string): number {
  const pair = map?.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
  return parsed.lineOf((pair?.key as YamlNode | undefined) ?? map);
}

/** '' (and YAML's spelled-out nulls, which the failsafe schema keeps as text) mean "not given". */
const text = z.preprocess(
  (v) => (v === '' || v === '~' || v === 'null' || v === null ? undefined : v),
  z.string({ message: 'expected text' }).trim().optional(),
);
const list = z.preprocess((v) => (v === '' || v === null ? undefined : v), z.array(z.string({ message: 'expected text' })).optional());

// ---------------------------------------------------------------------------------------------------------------
// ActorPack

export const GraphSenseActorSchema = z
  .object({
    id: z.string({ message: 'id is required' }).trim().min(1, 'id is required'),
    label: z.string({ message: 'label is required' }).trim().min(1, 'label is required'),
    jurisdictions: list,
    categories: list,
    uri: text,
    aliases: list,
  })
  .loose();

/** A GraphSense actor: id, name, jurisdictions and categories. */
export interface GraphSenseActor {
  id: string;
  label: string;
  /** Validated ISO 3166-1 alpha-2 codes; empty means unknown. */
  jurisdictions: string[];
  categories: string[];
  uri?: string;
  file: string;
  line: number;
}

/** Actors by id and alias; `rejected` keeps ids whose entry was invalid, so tags naming them say why. */
export interface ActorIndex {
  actors: Map<string, GraphSenseActor>;
  rejected: Map<string, string>;
  summary: ImportSummary;
}

/** An empty index of GraphSense actors, filled by `parseActorPack`. */
export function createActorIndex(): ActorIndex {
  return { actors: new Map(), rejected: new Map(), summary: emptySummary() };
}

const ActorPackSchema = z.object({ actors: z.array(z.unknown(), { message: 'expected a list of actors' }) }).loose();

/**
 * Reads an ActorPack (`actors: [{ id, label, jurisdictions, categories, uri }]`) into `index` (a new one by
 * default). An actor with wrong types or a jurisdiction that is not ISO 3166-1 alpha-2 is skipped with its line;
 * the first actor of an id wins.
 */
export function parseActorPack(textIn: string, file = 'actors.yaml', index: ActorIndex = createActorIndex()): ActorIndex {
  mergeSummary(index.summary, addActorPack(textIn, file, index));
  return index;
}

/** Adds one ActorPack to `index` and returns that file's summary (`labels` counts the actors accepted). */
export function addActorPack(textIn: string, file: string, index: ActorIndex): ImportSummary {
  const parsed = parseYaml(textIn, file);
  const root = ActorPackSchema.safeParse(parsed.data);
  if (!root.success) throw shapeError(file, parsed, root.error.issues);
  const seq = (parsed.doc.contents as YAMLMap).get('actors', true);
  const items = yaml().isSeq(seq) ? seq.items : [];
  const out = new ImportCollector(file);
  root.data.actors.forEach((raw, i) => {
    const line = parsed.lineOf(items[i] as YamlNode | undefined);
    out.row();
    const actor = checkInput(GraphSenseActorSchema, raw);
    const id = typeof (raw as { id?: unknown })?.id === 'string' ? String((raw as { id: string }).id) : undefined;
    if (!actor.ok) {
      out.skip(line, 'invalid-row', `actor${id ? ` ${id}` : ''}: ${actor.problem}`);
      if (id) index.rejected.set(id, `${file}: line ${line}`);
      return;
    }
    const jurisdictions: string[] = [];
    for (const [j, code] of (actor.data.jurisdictions ?? []).entries()) {
      const ok = JurisdictionSchema.safeParse(code);
      if (!ok.success) {
        out.skip(line, 'invalid-jurisdiction', `actor ${actor.data.id}: jurisdictions.${j}: "${code}" is not an ISO 3166-1 alpha-2 country code`);
        index.rejected.set(actor.data.id, `${file}: line ${line}`);
        return;
      }
      if (!jurisdictions.includes(ok.data)) jurisdictions.push(ok.data);
    }
    const entry: GraphSenseActor = {
      id: actor.data.id,
      label: actor.data.label,
      jurisdictions,
      categories: actor.data.categories ?? [],
      ...(actor.data.uri ? { uri: actor.data.uri } : {}),
      file,
      line,
    };
    if (index.actors.has(entry.id)) return;
    index.actors.set(entry.id, entry);
    for (const alias of actor.data.aliases ?? []) if (!index.actors.has(alias)) index.actors.set(alias, entry);
    out.summary.labels++;
  });
  return out.summary;
}

/** Reads a GraphSense ActorPack file into an actor index. */
export function readActorPack(file: string, index?: ActorIndex): ActorIndex {
  return parseActorPack(readText(file), file, index);
}

// ---------------------------------------------------------------------------------------------------------------
// TagPack

export const TagPackHeaderSchema = z
  .object({
    title: text,
    creator: text,
    description: text,
    confidence: text,
    category: text,
    abuse: text,
    source: text,
    lastmod: text,
    label: text,
    currency: text,
    actor: text,
    tags: z.array(z.unknown(), { message: 'expected a list of tags' }),
  })
  .loose();

export const TagSchema = z
  .object({
    address: z.string({ message: 'address is required (text)' }).trim().min(1, 'address is required'),
    label: text,
    source: text,
    currency: text,
    actor: text,
    confidence: text,
    category: text,
    abuse: text,
  })
  .loose();

function shapeError(file: string, parsed: ParsedYaml, issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): InvalidInputError {
  const first = issues[0];
  const key = first?.path[0];
  const root = yaml().isMap(parsed.doc.contents) ? (parsed.doc.contents as YAMLMap) : undefined;
  const line = typeof key === 'string' ? keyLine(parsed, root, key) : 1;
  return new InvalidInputError(`${file}: line ${line}: ${describeZodIssues(issues)}`, { details: { file, line, issues } });
}

export interface TagPackOptions {
  /** Actors the tags may name (from readActorPack). Without it every `actor` is reported as unknown. */
  actors?: ActorIndex;
}

/**
 * Reads a TagPack: header fields are inherited by every tag unless the tag overrides them. A tag joins its actor
 * for the entity name, jurisdictions and (when the tag's own category says nothing more) the category.
 * A bad tag is skipped with its line and reason; a bad header fails the file (every tag would inherit it).
 */
export function parseTagPack(textIn: string, file = 'tagpack.yaml', options: TagPackOptions = {}): LabelImport {
  const parsed = parseYaml(textIn, file);
  const header = TagPackHeaderSchema.safeParse(parsed.data);
  if (!header.success) throw shapeError(file, parsed, header.error.issues);
  const h = header.data;
  const root = parsed.doc.contents as YAMLMap;
  if (h.confidence && GRAPHSENSE_CONFIDENCE[h.confidence] === undefined) {
    const line = keyLine(parsed, root, 'confidence');
    throw new InvalidInputError(`${file}: line ${line}: confidence: unknown GraphSense confidence level "${h.confidence}"`, {
      details: { file, line, known: Object.keys(GRAPHSENSE_CONFIDENCE) },
    });
  }
  const seq = root.get('tags', true);
  const nodes = yaml().isSeq(seq) ? seq.items : [];
  const out = new ImportCollector(file);
  const pack = basename(file);
  const actors = options.actors;

  h.tags.forEach((raw, i) => {
    const line = parsed.lineOf(nodes[i] as YamlNode | undefined);
    out.row();
    const tag = checkInput(TagSchema, raw);
    if (!tag.ok) return out.skip(line, 'invalid-row', tag.problem);
    const t = tag.data;
    const currency = t.currency ?? h.currency;
    if (!currency) return out.skip(line, 'invalid-row', 'currency: neither the tag nor the pack header gives one');
    const resolved = chainForCurrency(currency, t.address);
    if (!resolved.ok) return out.skip(line, resolved.code, resolved.reason);
    let address: string;
    try {
      address = normalizeLabelAddress(resolved.chain, t.address);
    } catch (error) {
      if (error instanceof InvalidAddressError) return out.skip(line, 'invalid-address', `${currency}: ${error.shortMessage}`);
      throw error;
    }

    const level = t.confidence ?? h.confidence;
    let confidence: number;
    if (level === undefined) {
      out.warnOnce(
        'confidence',
        line,
        'missing-confidence',
        `no confidence in the pack header or tag: using the GraphSense "unknown" level (${GRAPHSENSE_CONFIDENCE.unknown})`,
      );
      confidence = GRAPHSENSE_CONFIDENCE.unknown!;
    } else {
      const value = GRAPHSENSE_CONFIDENCE[level];
      if (value === undefined) return out.skip(line, 'unknown-confidence', `confidence: unknown GraphSense confidence level "${level}"`);
      confidence = value;
    }

    const actorId = t.actor ?? h.actor;
    const actor = actorId ? actors?.actors.get(actorId) : undefined;
    if (actorId && !actor) {
      const rejected = actors?.rejected.get(actorId);
      out.warnOnce(
        `actor:${actorId}`,
        line,
        'unknown-actor',
        rejected
          ? `actor "${actorId}" was rejected (${rejected}); entity from the tag label, jurisdiction unknown`
          : `actor "${actorId}" is not in the loaded ActorPack${actors ? '' : ' (none loaded)'}; entity from the tag label, jurisdiction unknown`,
      );
    }
    const entity = actor?.label ?? t.label ?? h.label;
    if (!entity) return out.skip(line, 'no-entity', 'neither an actor nor a label names the owner');

    const { category, unknown } = graphSenseCategory({ category: t.category ?? h.category, abuse: t.abuse ?? h.abuse, actorCategories: actor?.categories });
    for (const name of unknown) out.warnOnce(`category:${name}`, line, 'unknown-category', `unknown GraphSense category "${name}"`);

    const url = t.source ?? h.source;
    out.add(
      {
        chain: resolved.chain,
        address,
        entity: entity.slice(0, 200),
        category,
        jurisdictions: actor ? actor.jurisdictions : [],
        confidence,
        source: `GraphSense ${pack}:${line}${url ? ` ${url}` : ''}`.slice(0, 500),
      },
      line,
    );
  });
  return out.result();
}

/** Reads a GraphSense TagPack file as labels, with a summary of what was skipped. */
export function readTagPack(file: string, options?: TagPackOptions): LabelImport {
  return parseTagPack(readText(file), file, options);
}

/** 'actors' for an ActorPack, 'tags' for a TagPack (by its top-level keys), undefined otherwise. */
export function graphSenseKind(textIn: string): 'actors' | 'tags' | undefined {
  if (/^actors\s*:/m.test(textIn)) return 'actors';
  if (/^tags\s*:/m.test(textIn)) return 'tags';
  return undefined;
}
