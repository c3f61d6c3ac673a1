import type { Label } from '../core/schema.js';

/**
 * Why a row was not imported, or what an investigator should know about one that was. Codes are stable:
 * - skipped: `invalid-row` (wrong types / missing fields), `invalid-address`, `invalid-jurisdiction`,
 *   `unsupported-currency` (a known asset with no chain in chaintrail yet, e.g. BCH, LTC, ZEC),
 *   `unknown-currency`, `unknown-confidence`, `no-entity` (neither actor nor label names who it is);
 * - warnings: `conflict` (same chain and address, different entity or category), `unknown-actor`,
 *   `unknown-category`, `missing-confidence`, `yaml` (a YAML parser warning).
 */
export type ImportIssueCode =
  | 'invalid-row'
  | 'invalid-address'
  | 'invalid-jurisdiction'
  | 'unsupported-currency'
  | 'unknown-currency'
  | 'unknown-confidence'
  | 'no-entity'
  | 'conflict'
  | 'unknown-actor'
  | 'unknown-category'
  | 'missing-confidence'
  | 'yaml';

/** A skipped or conflicting label row, with its file and line. */
export interface ImportIssue {
  file: string;
  /** 1-based line in the file (for JSON lists: the line of the element). */
  line: number;
  code: ImportIssueCode;
  reason: string;
}

/** Counts of a label import: read, imported, duplicates, skipped, conflicts. */
export interface ImportSummary {
  files: string[];
  /** Rows (tags, list lines, CSV records, JSON entries) read. */
  rows: number;
  /** Labels produced (after the loader: stored). */
  labels: number;
  /** Rows that repeated an earlier label (same chain, address, entity and category) and were not stored again. */
  duplicates: number;
  skipped: ImportIssue[];
  warnings: ImportIssue[];
}

/** What one importer returns: the labels, the line each came from (same index) and the summary. */
export interface LabelImport {
  labels: Label[];
  lines: number[];
  summary: ImportSummary;
}

export function emptySummary(files: string[] = []): ImportSummary {
  return { files: [...files], rows: 0, labels: 0, duplicates: 0, skipped: [], warnings: [] };
}

/** Adds `part` into `into` (files, counts and issues in order). */
export function mergeSummary(into: ImportSummary, part: ImportSummary): ImportSummary {
  into.files.push(...part.files);
  into.rows += part.rows;
  into.labels += part.labels;
  into.duplicates += part.duplicates;
  for (const s of part.skipped) into.skipped.push(s);
  for (const w of part.warnings) into.warnings.push(w);
  return into;
}

/** Collects labels and issues for one file while an importer walks it. */
export class ImportCollector {
  readonly labels: Label[] = [];
  readonly lines: number[] = [];
  readonly summary: ImportSummary;
  private readonly warnedOnce = new Set<string>();

  constructor(readonly file: string) {
    this.summary = emptySummary([file]);
  }

  row(): void {
    this.summary.rows++;
  }

  add(label: Label, line: number): void {
    this.labels.push(label);
    this.lines.push(line);
    this.summary.labels++;
  }

  skip(line: number, code: ImportIssueCode, reason: string): void {
    this.summary.skipped.push({ file: this.file, line, code, reason });
  }

  warn(line: number, code: ImportIssueCode, reason: string): void {
    this.summary.warnings.push({ file: this.file, line, code, reason });
  }

  /** One warning per key and file (e.g. one per unknown actor id), at its first line. */
  warnOnce(key: string, line: number, code: ImportIssueCode, reason: string): void {
    if (this.warnedOnce.has(key)) return;
    this.warnedOnce.add(key);
    this.warn(line, code, reason);
  }

  result(): LabelImport {
    return { labels: this.labels, lines: this.lines, summary: this.summary };
  }
}

/** One line per issue, as the CLI prints them: `file: line 7: [code] reason`. */
export function formatIssue(issue: ImportIssue): string {
  return `${issue.file}: line ${issue.line}: [${issue.code}] ${issue.reason}`;
}

/** A short human summary (counts, then every skipped row and warning). */
export function formatSummary(summary: ImportSummary, limit = Infinity): string {
  const out = [
    `${summary.files.length} file(s), ${summary.rows} row(s): ${summary.labels} label(s), ${summary.duplicates} duplicate(s), ` +
      `${summary.skipped.length} skipped, ${summary.warnings.length} warning(s)`,
  ];
  const list = (title: string, issues: ImportIssue[]) => {
    if (!issues.length) return;
    out.push(`${title}:`);
    for (const issue of issues.slice(0, limit)) out.push(`  ${formatIssue(issue)}`);
    if (issues.length > limit) out.push(`  … and ${issues.length - limit} more`);
  };
  list('skipped', summary.skipped);
  list('warnings', summary.warnings);
  return `${out.join('\n')}\n`;
}
