import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { InvalidInputError } from '../core/errors.js';
import { parseInput } from '../core/parse.js';
import { CategorySchema, type Label } from '../core/schema.js';
import { parseLabelCsv, readLabelCsv, readText, realLineNumbers } from './formats/csv.js';
import { parseLabelJson, readLabelJson } from './formats/json.js';
import { addActorPack, createActorIndex, graphSenseKind, parseTagPack, type ActorIndex } from './formats/graphsense.js';
import { ofacAssetOf, parseOfacList } from './formats/ofac.js';
import { parseEtherscanCsv, parseEtherscanJson } from './formats/etherscan.js';
import { builtinLabels } from './builtin.js';
import { createLabelInterner, createLabelStore, type LabelStore } from './store.js';
import { emptySummary, mergeSummary, type ImportSummary, type LabelImport } from './summary.js';

/** Reads one label file by its extension. */
export function readLabelFile(file: string): Label[] {
  if (/\.csv$/i.test(file)) return readLabelCsv(file);
  if (/\.json$/i.test(file)) return readLabelJson(file);
  throw new InvalidInputError(`Unknown label file type: ${file} (expected .csv or .json)`, { details: { file } });
}

/** Loads files in order; on equal confidence the earlier file takes precedence. */
export function loadLabelFiles(files: readonly string[], store: LabelStore = createLabelStore()): LabelStore {
  for (const file of files) store.addAll(readLabelFile(file));
  return store;
}

// ---------------------------------------------------------------------------------------------------------------
// Label sources: several formats, precedence, per-source confidence, one summary

/** The label file formats chaintrail reads. */
export const LABEL_FORMATS = ['csv', 'json', 'graphsense', 'graphsense-actors', 'ofac', 'etherscan'] as const;
/** Schema of a label file format. */
export const LabelFormatSchema = z.enum(LABEL_FORMATS);
/** A label file format. */
export type LabelFormat = z.infer<typeof LabelFormatSchema>;

/** Schema of a label source. */
export const LabelSourceSchema = z
  .object({
    /** A file, or a directory: every .yaml/.yml/.csv/.json/.txt file under it, by name, its format detected. */
    file: z.string().min(1, 'file is required'),
    /** Detected when absent (see detectLabelFormat). */
    format: LabelFormatSchema.optional(),
    /** Higher loads first and wins ties on equal confidence; equal precedence keeps the order given. Default 0. */
    precedence: z.number().int().default(0),
    /** Replaces the confidence of every label of this source (0..1). */
    confidence: z.number().min(0).max(1).optional(),
    /** Etherscan files: the explorer's chain (default ethereum). */
    chain: z.string().min(1).optional(),
    /** Etherscan files: one category for every row. */
    category: CategorySchema.optional(),
    /** OFAC lists whose file name does not say the asset. */
    asset: z.string().min(1).optional(),
  })
  .strict();
/** A label source as given: a file or folder, optionally its format and confidence. */
export type LabelSourceInput = z.input<typeof LabelSourceSchema>;
/** A label source, validated. */
export type LabelSource = z.infer<typeof LabelSourceSchema>;

/** Options of `loadLabelSources`: the store to fill and the built-in labels. */
export interface LoadLabelSourcesOptions {
  /** Store to add to (default: a new one). */
  store?: LabelStore;
  /** Add the built-in labels (src/labels/builtin.ts) after every source, i.e. with the lowest precedence. */
  builtin?: boolean;
}

/** What one label source gave: labels imported, skipped and warnings, with lines. */
export interface SourceReport {
  file: string;
  format: LabelFormat | 'builtin';
  precedence: number;
  summary: ImportSummary;
}

/** The filled label store and a summary of every source (imported, skipped, conflicting). */
export interface LoadedLabels {
  store: LabelStore;
  /** All sources together. */
  summary: ImportSummary;
  /** One entry per file read, in load order. */
  sources: SourceReport[];
}

const SOURCE_EXTENSIONS = /\.(ya?ml|csv|json|txt)$/i;

/**
 * The format of a file: `.yaml`/`.yml` GraphSense (ActorPack when it has top-level `actors`), `sanctioned_addresses_
 * <ASSET>.txt|json` OFAC, `.csv` the project's CSV when its header starts `chain,address,entity` else Etherscan
 * (`Address`, `Name Tag`), `.json` the project's JSON when it is an array or `{"labels": [...]}` else Etherscan.
 */
export function detectLabelFormat(file: string, text: string): LabelFormat {
  if (/\.ya?ml$/i.test(file)) return graphSenseKind(text) === 'actors' ? 'graphsense-actors' : 'graphsense';
  if (ofacAssetOf(file)) return 'ofac';
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (/\.csv$/i.test(file)) return /^chain\s*,\s*address\s*,\s*entity/i.test(head) ? 'csv' : 'etherscan';
  if (/\.json$/i.test(file)) return head.startsWith('[') || /^\{\s*"labels"\s*:/.test(head) ? 'json' : 'etherscan';
  throw new InvalidInputError(`${file}: cannot tell the label format from the name; give format (${LABEL_FORMATS.join(', ')})`, {
    details: { file },
  });
}

function expand(file: string): string[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file);
  } catch (error) {
    throw new InvalidInputError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      details: { file },
      cause: error,
    });
  }
  if (!stat.isDirectory()) return [file];
  const out: string[] = [];
  for (const name of readdirSync(file).sort()) {
    if (name.startsWith('.')) continue;
    const path = join(file, name);
    if (statSync(path).isDirectory()) out.push(...expand(path));
    else if (SOURCE_EXTENSIONS.test(name)) out.push(path);
  }
  return out;
}

/** The project's own formats fail on a bad row, so every row is a label. CSV lines are known; JSON ones are 0. */
function projectImport(labels: Label[], file: string, lines: number[] = []): LabelImport {
  const summary = emptySummary([file]);
  summary.rows = labels.length;
  summary.labels = labels.length;
  return { labels, lines, summary };
}

function importFile(file: string, text: string, format: LabelFormat, source: LabelSource, actors: ActorIndex): LabelImport {
  switch (format) {
    case 'csv':
      // Record 0 is the header.
      return projectImport(parseLabelCsv(text, file), file, realLineNumbers(text).slice(1));
    case 'json':
      return projectImport(parseLabelJson(text, file), file);
    case 'graphsense':
      return parseTagPack(text, file, { actors });
    case 'ofac':
      return parseOfacList(text, file, source.asset ? { asset: source.asset } : {});
    case 'etherscan': {
      const opts = { ...(source.chain ? { chain: source.chain } : {}), ...(source.category ? { category: source.category } : {}) };
      return /\.csv$/i.test(file) ? parseEtherscanCsv(text, file, opts) : parseEtherscanJson(text, file, opts);
    }
    case 'graphsense-actors':
      throw new Error('actor packs are read before the tag packs');
  }
}

const sameEntity = (a: Label, b: Label) => a.entity.trim().toLowerCase() === b.entity.trim().toLowerCase();

/**
 * Adds one file's labels to the store, label by label against what is already there (earlier rows of the same
 * file and every earlier source):
 * - same chain, address, entity (case-insensitive) and category as a stored label: a duplicate, not stored again
 *   (the earlier, higher-precedence label keeps its source and confidence);
 * - same chain and address but a different entity or category: stored, and a `conflict` warning names both;
 * Labels are stored with shared strings and jurisdiction lists (createLabelInterner). Returns the number stored.
 */
function mergeInto(
  store: LabelStore,
  imported: LabelImport,
  file: string,
  summary: ImportSummary,
  confidence: number | undefined,
  intern: (label: Label) => Label,
): number {
  let stored = 0;
  const { labels, lines } = imported;
  for (let i = 0; i < labels.length; i++) {
    const label = intern(labels[i]!);
    if (confidence !== undefined) label.confidence = confidence;
    const existing = store.getAll(label.chain, label.address);
    if (existing.length) {
      if (existing.some((e) => e.category === label.category && sameEntity(e, label))) {
        summary.duplicates++;
        continue;
      }
      const other = existing[0]!;
      summary.warnings.push({
        file,
        line: lines[i] ?? 0,
        code: 'conflict',
        reason:
          `${label.chain} ${label.address} is "${label.entity}" (${label.category}) here but "${other.entity}" (${other.category})` +
          ` in ${other.source || 'an earlier source'}`,
      });
    }
    store.add(label);
    stored++;
  }
  return stored;
}

/**
 * Loads label sources of any supported format into one store.
 *
 * Precedence: sources are loaded in descending `precedence` (default 0; equal precedence keeps the order given).
 * The store orders an address's labels by confidence, then load order, so a higher-precedence source wins every
 * tie on confidence; `confidence` on a source replaces the confidence of all its labels, which is how an
 * investigator makes a source outrank (or rank below) the rest. Every label keeps its own `source` (file and line
 * or the dataset's reference) and `confidence`. GraphSense ActorPacks among the sources are read first, whatever
 * their precedence, so tags of every pack can join their actors. Built-in labels, when asked for, come last.
 *
 * Bad rows are skipped and listed with file, line and reason; duplicates are counted; conflicting labels (same
 * chain and address, different entity or category) are stored and listed as warnings. A file that cannot be read
 * at all (not YAML/JSON/CSV, wrong header) throws InvalidInputError naming the file and line.
 */
export function loadLabelSources(sources: readonly LabelSourceInput[], options: LoadLabelSourcesOptions = {}): LoadedLabels {
  const parsed = sources.map((s, i) => parseInput(LabelSourceSchema, s, `label source ${i + 1}`, { details: { index: i } }));
  const ordered = parsed
    .map((s, i) => ({ s, i }))
    .sort((a, b) => b.s.precedence - a.s.precedence || a.i - b.i)
    .map((x) => x.s);
  const files = ordered.flatMap((source) =>
    expand(source.file).map((file) => {
      const text = readText(file);
      return { file, text, source, format: source.format ?? detectLabelFormat(file, text) };
    }),
  );

  const store = options.store ?? createLabelStore();
  const summary = emptySummary();
  const reports: SourceReport[] = [];
  const actors = createActorIndex();
  const intern = createLabelInterner();
  for (const f of files.filter((x) => x.format === 'graphsense-actors')) {
    // An actor pack adds no labels: its rows are actors (counted in its own report), its skipped rows are actors
    // that tags cannot join.
    const part = addActorPack(f.text, f.file, actors);
    mergeSummary(summary, { ...part, labels: 0 });
    reports.push({ file: f.file, format: f.format, precedence: f.source.precedence, summary: part });
  }
  for (const f of files) {
    if (f.format === 'graphsense-actors') continue;
    const imported = importFile(f.file, f.text, f.format, f.source, actors);
    const part: ImportSummary = { ...imported.summary, labels: 0 };
    part.labels = mergeInto(store, imported, f.file, part, f.source.confidence, intern);
    mergeSummary(summary, part);
    reports.push({ file: f.file, format: f.format, precedence: f.source.precedence, summary: part });
  }
  if (options.builtin) {
    const labels = builtinLabels();
    const part = emptySummary(['(built-in)']);
    part.rows = labels.length;
    part.labels = mergeInto(store, { labels, lines: [], summary: part }, '(built-in)', part, undefined, intern);
    mergeSummary(summary, part);
    reports.push({ file: '(built-in)', format: 'builtin', precedence: -Infinity, summary: part });
  }
  return { store, summary, sources: reports };
}

/** A short name for a source file in stats (`exchange-wallets-binance.yaml`). */
export function sourceName(file: string): string {
  return basename(file);
}
