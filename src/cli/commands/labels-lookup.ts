import { type Command, Option } from 'commander';
import { InvalidAddressError, InvalidInputError, NotFoundError } from '../../core/errors.js';
import { JurisdictionSchema } from '../../core/schema.js';
import { createBuiltinLabelStore } from '../../labels/builtin.js';
import { readText } from '../../labels/formats/csv.js';
import { screenAddresses, screenCounts, type ScreenInput, type ScreenRow } from '../../labels/screen.js';
import { parseAddressList } from '../../labels/screen-input.js';
import { layerLabelStores, type LabelStore } from '../../labels/store.js';
import type { CliIo } from '../io.js';
import { labelsFrom } from '../labels-from.js';
import { inputPlace, labelText, screenCsv, screenJson, screenText } from '../screen-output.js';
import { append } from '../../core/lists.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const STDIN = 'stdin';
/** Invalid inputs listed on stderr before "… and N more". */
const SHOWN_INVALID = 20;

interface LookupOptions {
  chain?: string;
  file?: string[];
  labels?: string[];
  builtinLabels: boolean;
  caseJurisdiction?: string;
  format: 'text' | 'json' | 'csv';
  strict?: boolean;
}

/** `labels lookup`: one address as before, or many (arguments, --file, standard input) screened into rows. */
export function registerLabelsLookup(labels: Command, io: CliIo): void {
  labels
    .command('lookup')
    .description('Screen addresses against the labels: one or many, from arguments, --file or standard input')
    .argument('[addresses...]', 'addresses (any case; TRON base58 or 41-hex); "-" reads standard input')
    .option(
      '--chain <id>',
      'chain of every address without a chain column: ethereum, tron, bitcoin, evm:<chainId>, evm (any EVM chain); default: told from the address form',
    )
    .option('--file <path>', 'list of addresses: one a line, or CSV with an "address" (and optional "chain") column; repeatable', collect)
    .option('--labels <source>', 'label file or folder, repeatable (highest precedence first)', collect)
    .option('--no-builtin-labels', 'do not include the built-in labels')
    .option('--case-jurisdiction <cc>', 'ISO 3166 alpha-2 code of the case: says whether each entity is cross-border')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'csv']).default('text'))
    .option('--strict', 'exit with an error (code 2) when any input is invalid, after writing every row')
    .addHelpText(
      'after',
      '\nOne address as the only input prints its labels (exit 4 when it has none). Several, a --file, standard input or\n' +
        '--format csv print one row per input in input order: labeled, unlabeled (no label) or invalid (with the reason).\n' +
        'Examples:\n' +
        '  chaintrail labels lookup 0x28C6c06298d514Db089934071355E5743bf21d60\n' +
        '  chaintrail labels lookup --file addresses.csv --format csv --case-jurisdiction DE > screened.csv\n' +
        '  cut -d, -f3 transfers.csv | chaintrail labels lookup --chain tron --format json\n',
    )
    .action(async (addresses: string[], opts: LookupOptions) => {
      const caseJurisdiction = parseCaseJurisdiction(opts.caseJurisdiction);
      const single = addresses.length === 1 && addresses[0] !== '-' && !opts.file?.length && opts.format !== 'csv';
      const inputs = single ? [addresses[0]!] : await gatherInputs(addresses, opts.file ?? [], io);
      const own = labelsFrom(opts.labels ?? [], false, io);
      const store: LabelStore = opts.builtinLabels ? layerLabelStores(own, createBuiltinLabelStore()) : own;
      const rows = screenAddresses(inputs, {
        store,
        ...(opts.chain === undefined ? {} : { chain: opts.chain }),
        ...(caseJurisdiction === undefined ? {} : { caseJurisdiction }),
      });
      if (single) printOne(rows[0]!, opts.format, io);
      else printRows(rows, opts, caseJurisdiction !== undefined, io);
    });
}

function parseCaseJurisdiction(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const cc = JurisdictionSchema.safeParse(value);
  if (!cc.success) {
    throw new InvalidInputError(`--case-jurisdiction "${value}" is not an ISO 3166-1 alpha-2 country code`, { details: { option: '--case-jurisdiction' } });
  }
  return cc.data;
}

/** Arguments in order ("-" is standard input, read once), then every --file; standard input when nothing else is given. */
async function gatherInputs(addresses: string[], files: string[], io: CliIo): Promise<ScreenInput[]> {
  const inputs: ScreenInput[] = [];
  const piped = io.stdin !== undefined && io.stdin.isTTY !== true;
  const useStdin = addresses.includes('-') || (addresses.length === 0 && files.length === 0 && piped);
  if (useStdin && !piped) throw new InvalidInputError('"-" reads addresses from standard input, but nothing is piped in', { details: { argument: '-' } });
  const fromStdin = useStdin ? parseAddressList(await readAll(io.stdin!), STDIN) : [];
  addresses.forEach((address, i) => {
    if (address === '-') append(inputs, fromStdin.splice(0));
    else inputs.push({ address, line: i + 1 });
  });
  for (const file of files) append(inputs, parseAddressList(readText(file), file));
  if (useStdin && addresses.length === 0) append(inputs, fromStdin);
  if (!useStdin && addresses.length === 0 && files.length === 0) {
    throw new InvalidInputError('no address given: pass addresses as arguments, --file PATH, or pipe them into standard input', { details: {} });
  }
  return inputs;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The single-address form: its labels as `labels lookup` always printed them; an error when it has none. */
function printOne(row: ScreenRow, format: LookupOptions['format'], io: CliIo): void {
  if (row.status === 'invalid') throw new (row.chain === undefined ? InvalidInputError : InvalidAddressError)(row.error, { details: { input: row.input } });
  if (row.chainFrom === 'address')
    io.stderr.write(`chaintrail: chain assumed from the address form: ${row.chain === 'evm' ? 'evm = every EVM chain' : row.chain}\n`);
  if (!row.labels.length) throw new NotFoundError(`no label for ${row.chain} ${row.address}`, { details: { chain: row.chain, address: row.address } });
  io.stdout.write(format === 'json' ? `${JSON.stringify(row.labels, null, 2)}\n` : row.labels.map((label) => labelText(label)).join(''));
}

/** Every row in the format asked for; invalid inputs and the counts on stderr; --strict fails after the output. */
function printRows(rows: ScreenRow[], opts: LookupOptions, withCrossBorder: boolean, io: CliIo): void {
  io.stdout.write(opts.format === 'json' ? screenJson(rows) : opts.format === 'csv' ? screenCsv(rows, withCrossBorder) : screenText(rows));
  const invalid = rows.filter((r) => r.status === 'invalid');
  for (const row of invalid.slice(0, SHOWN_INVALID)) io.stderr.write(`chaintrail: ${inputPlace(row)}: ${row.error}\n`);
  if (invalid.length > SHOWN_INVALID) io.stderr.write(`chaintrail: … and ${invalid.length - SHOWN_INVALID} more invalid input(s), each a row of the output\n`);
  const c = screenCounts(rows);
  io.stderr.write(
    `screened ${c.inputs} input(s): ${c.labeled} labeled, ${c.unlabeled} unlabeled, ${c.invalid} invalid` +
      `${c.duplicates ? `; ${c.duplicates} repeat(s) of an earlier input` : ''}\n`,
  );
  if (opts.strict && invalid.length) {
    throw new InvalidInputError(`${invalid.length} invalid input(s) (--strict); the first: ${inputPlace(invalid[0]!)}: ${invalid[0]!.error}`, {
      details: { invalid: invalid.length },
    });
  }
}
