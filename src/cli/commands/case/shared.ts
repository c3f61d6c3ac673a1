/** What every `chaintrail case` subcommand shares: --db and --format, the open store, JSON/CSV/text output, a status line. */
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { InvalidInputError } from '../../../core/errors.js';
import { csvRow } from '../../../report/csv.js';
import { openCaseStore, type CaseStore } from '../../../cases/store.js';
import type { CliIo } from '../../io.js';

const FORMATS = ['summary', 'json', 'csv'] as const;
const DB_HELP = 'case database: sqlite:PATH, a file path or postgres://user@host/db (default: $CHAINTRAIL_DB, else ./chaintrail.db)';

/** Commander collector of a repeatable option. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Commander parser of a whole-number option; anything else is an InvalidInputError naming the option. */
export const int =
  (name: string) =>
  (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidInputError(`${name} must be a whole number, got "${value}"`, { details: { option: name, value } });
    return Number(value);
  };

/** A case subcommand with `--db` and `--format summary|json|csv`. */
export const caseSubcommand = (cases: Command, name: string): Command =>
  cases.command(name).option('--db <target>', DB_HELP).addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('summary'));

/** Opens the store named by --db (else CHAINTRAIL_DB, else ./chaintrail.db), runs `work`, and closes it whatever happens. */
export async function withStore<T>(opts: { db?: string }, io: CliIo, work: (store: CaseStore) => Promise<T>): Promise<T> {
  const store = await openCaseStore({ ...(opts.db ? { target: opts.db } : {}), env: io.env, ...(io.signal ? { signal: io.signal } : {}) });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Indented JSON with a final newline. */
export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** RFC 4180 CSV (CRLF, formula-injection safe) with a header row. */
export const csv = (header: readonly string[], rows: readonly (string | number | boolean | null | undefined)[][]): string =>
  [csvRow(header), ...rows.map(csvRow)].map((l) => `${l}\r\n`).join('');

/** Writes the text to `--out` when given, else to stdout. */
export function emit(io: CliIo, out: string | undefined, text: string): void {
  if (out) writeFileSync(out, text);
  else io.stdout.write(text);
}

/** One status line on stderr, only on a terminal and without --quiet. */
export function statusLine(io: CliIo, quiet: boolean): { update(text: string): void; done(): void } {
  const active = !quiet && io.stderr.isTTY === true;
  let drawn = false;
  return {
    update(text: string) {
      if (!active) return;
      io.stderr.write(`\r\x1b[2K${text.slice(0, (io.stderr.columns || 120) - 1)}`);
      drawn = true;
    },
    done() {
      if (active && drawn) io.stderr.write('\r\x1b[2K');
    },
  };
}
