import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { InvalidInputError } from '../../core/errors.js';
import type { Label } from '../../core/schema.js';
import { LABEL_CSV_HEADER } from '../../labels/formats/csv.js';
import { LABEL_FORMATS, loadLabelSources, sourceName, type LabelFormat, type LoadedLabels } from '../../labels/load.js';
import { formatSummary } from '../../labels/summary.js';
import { labelPackSources } from '../../labels/builtin.js';
import type { CliIo } from '../io.js';
import { registerLabelsLookup } from './labels-lookup.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** RFC 4180 quoting: a cell with a comma, quote or line break is quoted, quotes doubled. */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Labels as the project's CSV (`chain,address,entity,category,jurisdiction,confidence,source`), sorted by chain and address. */
export function labelsToCsv(labels: Iterable<Label>): string {
  const rows = [...labels].map((l, i) => ({ l, i }));
  rows.sort((a, b) => (a.l.chain < b.l.chain ? -1 : a.l.chain > b.l.chain ? 1 : a.l.address < b.l.address ? -1 : a.l.address > b.l.address ? 1 : a.i - b.i));
  const lines = [LABEL_CSV_HEADER.join(',')];
  for (const { l } of rows) {
    lines.push([l.chain, l.address, l.entity, l.category, l.jurisdictions.join(';'), String(l.confidence), l.source].map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function load(files: string[], opts: { format?: LabelFormat; builtinLabels?: boolean; confidence?: string }): LoadedLabels {
  const confidence = opts.confidence === undefined ? undefined : Number(opts.confidence);
  if (confidence !== undefined && !(confidence >= 0 && confidence <= 1)) {
    throw new InvalidInputError(`--confidence must be a number from 0 to 1, got "${opts.confidence}"`, { details: { option: '--confidence' } });
  }
  return loadLabelSources(
    files.map((file) => ({ file, ...(opts.format ? { format: opts.format } : {}), ...(confidence !== undefined ? { confidence } : {}) })),
    { builtin: opts.builtinLabels !== false },
  );
}

function countBy<T>(items: Iterable<T>, key: (t: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** `chaintrail labels import|lookup|stats`. */
export function registerLabelsCommand(program: Command, io: CliIo): void {
  const labels = program.command('labels').description('Import, look up and count attribution labels');

  registerLabelsImport(labels, io);
  registerLabelsLookup(labels, io);
  registerLabelsStats(labels, io);
  registerLabelsSources(labels, io);
}

/** `labels import`: label sources converted into the project's CSV; what was skipped is said on stderr. */
function registerLabelsImport(labels: Command, io: CliIo): void {
  labels
    .command('import')
    .description(
      "Convert label sources (GraphSense TagPacks/ActorPack, OFAC lists, Etherscan labels, chaintrail CSV/JSON; files or folders) into chaintrail's label CSV",
    )
    .argument('<sources...>', 'files or folders, highest precedence first')
    .addOption(new Option('--format <format>', 'format of every source (default: detected per file)').choices(LABEL_FORMATS))
    .option('--confidence <n>', 'replace the confidence of every imported label (0..1)')
    .option('--builtin-labels', 'include the built-in labels (lowest precedence)')
    .option('--out <file>', 'write the CSV to a file instead of stdout')
    .option('--strict', 'exit with an error (code 2) when any row was skipped')
    .option('--all-issues', 'list every skipped row and warning on stderr (default: the first 20 of each)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  chaintrail labels import graphsense-tagpacks/actors graphsense-tagpacks/packs --out graphsense.csv\n' +
        '  chaintrail labels import ofac-sanctioned-addresses/sanctioned_addresses_ETH.txt\n' +
        '  chaintrail labels import --format etherscan --confidence 0.6 binance.csv\n',
    )
    .action((sources: string[], opts) => {
      const loaded = load(sources, { ...opts, builtinLabels: Boolean(opts.builtinLabels) });
      const csv = labelsToCsv(loaded.store.entries());
      if (opts.out) writeFileSync(opts.out, csv);
      else io.stdout.write(csv);
      io.stderr.write(formatSummary(loaded.summary, opts.allIssues ? Infinity : 20));
      if (opts.strict && loaded.summary.skipped.length) {
        throw new InvalidInputError(`${loaded.summary.skipped.length} row(s) skipped (--strict)`, { details: { skipped: loaded.summary.skipped.length } });
      }
    });
}

/** `labels stats`: labels counted per source, category and chain. */
function registerLabelsStats(labels: Command, io: CliIo): void {
  labels
    .command('stats')
    .description('Count labels per source, category and chain')
    .option('--labels <source>', 'label file or folder, repeatable (highest precedence first)', collect)
    .option('--no-builtin-labels', 'do not include the built-in labels')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((opts) => {
      const loaded = load(opts.labels ?? [], { builtinLabels: opts.builtinLabels });
      const all = [...loaded.store.entries()];
      const stats = {
        labels: loaded.store.size,
        bySource: loaded.sources
          .filter((s) => s.format !== 'graphsense-actors')
          .map((s) => ({
            source: s.file === '(built-in)' ? s.file : sourceName(s.file),
            format: s.format,
            rows: s.summary.rows,
            labels: s.summary.labels,
            duplicates: s.summary.duplicates,
            skipped: s.summary.skipped.length,
            warnings: s.summary.warnings.length,
          })),
        byCategory: Object.fromEntries(countBy(all, (l) => l.category)),
        byChain: Object.fromEntries(countBy(all, (l) => l.chain)),
      };
      if (opts.format === 'json') {
        io.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
        return;
      }
      const out = [`${stats.labels} label(s)`, '', 'per source:'];
      for (const s of stats.bySource)
        out.push(
          `  ${s.source} (${s.format}): ${s.labels} label(s) of ${s.rows} row(s), ${s.duplicates} duplicate(s), ${s.skipped} skipped, ${s.warnings} warning(s)`,
        );
      out.push('', 'per category:');
      for (const [k, v] of Object.entries(stats.byCategory)) out.push(`  ${k}: ${v}`);
      out.push('', 'per chain:');
      for (const [k, v] of Object.entries(stats.byChain)) out.push(`  ${k}: ${v}`);
      io.stdout.write(`${out.join('\n')}\n`);
    });
}

/** `labels sources`: the built-in label pack's sources with licence, date of the data, origin and counts. */
function registerLabelsSources(labels: Command, io: CliIo): void {
  labels
    .command('sources')
    .description('List the sources of the built-in label pack: licence, date of the data, origin URL and label count')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((opts) => {
      const sources = labelPackSources();
      if (opts.format === 'json') {
        io.stdout.write(`${JSON.stringify(sources, null, 2)}\n`);
        return;
      }
      const total = sources.reduce((n, s) => n + s.labels, 0);
      const out = [`${total} label(s) from ${sources.length} source(s)`, ''];
      for (const s of sources) {
        out.push(`${s.id}: ${s.labels} label(s), ${s.addresses} address(es); licence ${s.licence}; data of ${s.date}`, `  ${s.title}`, `  ${s.url}`);
      }
      io.stdout.write(`${out.join('\n')}\n`);
    });
}
