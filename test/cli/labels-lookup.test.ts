import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/io.js';
import type { Label } from '../../src/core/schema.js';
import { createBuiltinLabelStore } from '../../src/labels/builtin.js';
import { labelsOnChain } from '../../src/labels/screen.js';
import { cli } from '../support/cli.js';
import { referencePath } from '../support/reference.js';
import { expectRows, screenWorld, type ExpectedRow, type ScreenWorld } from '../support/screen-world.js';

const LABEL_HEADER = 'chain,address,entity,category,jurisdiction,confidence,source';
const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
/** A spreadsheet would evaluate these; chaintrail's CSV writes them with a leading quote. */
const asCsvCell = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

/** The world's labels as the project's label CSV, in the world's order (precedence on equal confidence follows it). */
function labelCsv(labels: readonly Label[]): string {
  const rows = labels.map((l) => [l.chain, l.address, l.entity, l.category, l.jurisdictions.join(';'), String(l.confidence), l.source].map(quote).join(','));
  return `${[LABEL_HEADER, ...rows].join('\n')}\n`;
}

/**
 * The world's inputs as a list file with blank and comment lines between them: CSV (`address,chain` in either order)
 * when a row names its chain, else one address a line. Returns the text and each input's line.
 */
function listFile(world: ScreenWorld, seed: number): { text: string; lines: number[]; csv: boolean } {
  const csv = world.inputs.some((i) => i.chain !== undefined);
  const chainFirst = seed % 2 === 0;
  const out = ['# screening list', csv ? (chainFirst ? 'Chain,Address' : 'address,chain,note') : ''];
  const lines: number[] = [];
  world.inputs.forEach((input, i) => {
    if ((seed + i) % 4 === 0) out.push('');
    if ((seed + i) % 5 === 0) out.push('# between rows');
    const chain = input.chain ?? '';
    out.push(csv ? (chainFirst ? `${chain},${input.text}` : `${input.text},${chain},n${i}`) : `${input.text}${i % 3 === 0 ? '  # note' : ''}`);
    lines.push(out.length);
  });
  return { text: out.join(seed % 3 === 0 ? '\r\n' : '\n'), lines, csv };
}

interface JsonRow extends ExpectedRow {
  line: number;
  file?: string;
  input: string;
  error?: string;
}

const comparable = (row: JsonRow): ExpectedRow =>
  row.status === 'invalid'
    ? { index: row.index, status: row.status, labels: row.labels }
    : {
        index: row.index,
        status: row.status,
        chain: row.chain!,
        chainFrom: row.chainFrom!,
        address: row.address!,
        ...(row.duplicateOf === undefined ? {} : { duplicateOf: row.duplicateOf }),
        labels: row.labels,
      };

function worldFiles(world: ScreenWorld, seed: number) {
  const dir = mkdtempSync(join(tmpdir(), 'cli-screen-'));
  const labels = join(dir, 'labels.csv');
  const list = listFile(world, seed);
  const file = join(dir, list.csv ? 'list.csv' : 'list.txt');
  writeFileSync(labels, labelCsv(world.labels));
  writeFileSync(file, list.text);
  return { labels, file, lines: list.lines };
}

const worldParams = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  addresses: fc.integer({ min: 1, max: 10 }),
  labeledShare: fc.integer({ min: 20, max: 90 }).map((p) => p / 100),
  inputs: fc.integer({ min: 1, max: 40 }),
  invalidShare: fc.integer({ min: 0, max: 30 }).map((p) => p / 100),
  rowChainShare: fc.constantFrom(0, 0, 0.3, 1),
  optionChain: fc.constantFrom(undefined, undefined, 'evm', 'bsc', 'tron'),
});

describe('chaintrail labels lookup (bulk)', () => {
  it('screens a generated list file into JSON and CSV rows that match the label rows, in input order, lines named', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(worldParams, async ({ optionChain, ...params }) => {
        const world = screenWorld({ ...params, noLicence: true, ...(optionChain === undefined ? {} : { optionChain }) });
        const expected = expectRows(world);
        const files = worldFiles(world, params.seed);
        const args = [
          'labels',
          'lookup',
          '--file',
          files.file,
          '--labels',
          files.labels,
          '--no-builtin-labels',
          ...(optionChain ? ['--chain', optionChain] : []),
        ];

        const json = await cli([...args, '--format', 'json']);
        expect(json.code, json.stderr).toBe(EXIT.ok);
        const rows = JSON.parse(json.stdout) as JsonRow[];
        expect(rows.map(comparable)).toEqual(expected);
        expect(rows.map((r) => [r.file, r.line, r.input])).toEqual(world.inputs.map((input, i) => [files.file, files.lines[i], input.text.trim()]));
        const invalid = rows.filter((r) => r.status === 'invalid');
        for (const row of invalid.slice(0, 20)) expect(json.stderr).toContain(`${files.file}: line ${row.line}: ${row.error}`);
        const repeats = expected.filter((r) => r.duplicateOf !== undefined).length;
        const counted = `${expected.filter((r) => r.status === 'labeled').length} labeled, ${expected.filter((r) => r.status === 'unlabeled').length} unlabeled, ${invalid.length} invalid`;
        expect(json.stderr).toContain(`screened ${expected.length} input(s): ${counted}${repeats ? `; ${repeats} repeat(s)` : ''}`);

        const csv = await cli([...args, '--format', 'csv']);
        expect(csv.code).toBe(EXIT.ok);
        const records = parse(csv.stdout, { columns: true }) as Record<string, string>[];
        expect(records.length).toBe(expected.reduce((n, r) => n + Math.max(1, r.labels.length), 0));
        let at = 0;
        for (const row of expected) {
          const mine = records.slice(at, at + Math.max(1, row.labels.length));
          at += mine.length;
          for (const r of mine) {
            expect([r.index, r.status, r.chain, r.address, r.duplicate_of, r.line]).toEqual([
              String(row.index),
              row.status,
              row.status === 'invalid' ? r.chain : row.chain,
              row.address ?? '',
              row.duplicateOf === undefined ? '' : String(row.duplicateOf),
              String(files.lines[row.index - 1]),
            ]);
          }
          if (row.status === 'invalid') expect(mine[0]!.error).not.toBe('');
          expect(mine.map((r) => [r.rank, r.label_chain, r.entity, r.category, r.jurisdictions, r.confidence, r.source])).toEqual(
            row.labels.length
              ? row.labels.map((l, i) => [String(i + 1), l.chain, asCsvCell(l.entity), l.category, l.jurisdictions.join(';'), String(l.confidence), l.source])
              : [['', '', '', '', '', '', '']],
          );
        }
      }),
      { numRuns: 12, seed: 9 },
    );
  });

  it('takes addresses as arguments and from standard input ("-" in place, or all of it when nothing else is given)', async () => {
    const binance = '0xBE0EB53F46CD790CD13851D5EFF43D12404D33E8';
    const kucoin = 'TRYL7PKCG4b4xRCM554Q5J6o8f1UjUmfnY';
    const args = await cli(['labels', 'lookup', binance, 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', '0x12']);
    expect(args.code).toBe(EXIT.ok);
    const onEvm = labelsOnChain(createBuiltinLabelStore(), 'evm', binance.toLowerCase());
    expect(onEvm.length).toBeGreaterThan(0);
    const head = `#1 0xbe0eb53f46cd790cd13851d5eff43d12404d33e8 (evm = every EVM chain, assumed from the address form): ${onEvm.length} label(s)\n  1. Binance  exchange`;
    expect(args.stdout.startsWith(head)).toBe(true);
    // Each label under it, in precedence order, naming its own chain.
    let at = 0;
    for (const label of onEvm) {
      at = args.stdout.indexOf(`${label.chain} ${label.address}  source: ${label.source}`, at + 1);
      expect(at).toBeGreaterThan(0);
    }
    expect(args.stdout).toContain('#2 bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq (bitcoin, assumed from the address form): no label\n');
    expect(args.stdout).toContain('#3 argument 3: invalid: Invalid ethereum address "0x12"');
    expect(args.stderr).toContain('screened 3 input(s): 1 labeled, 1 unlabeled, 1 invalid\n');

    const piped = await cli(['labels', 'lookup', '--format', 'json', kucoin, '-'], {}, `# from a spreadsheet\n${binance}\n\n${kucoin}\n`);
    const rows = JSON.parse(piped.stdout);
    expect(rows.map((r: JsonRow) => [r.index, r.file, r.line, r.status, r.duplicateOf])).toEqual([
      [1, undefined, 1, 'labeled', undefined],
      [2, 'stdin', 2, 'labeled', undefined],
      [3, 'stdin', 4, 'labeled', 1],
    ]);
    const implicit = await cli(['labels', 'lookup', '--format', 'csv'], {}, `address\n${kucoin}\n`);
    expect(parse(implicit.stdout, { columns: true })).toMatchObject([
      { file: 'stdin', line: '2', chain: 'tron', entity: 'KuCoin & KuCoin Futures', rank: '1' },
    ]);
    const nothing = await cli(['labels', 'lookup']);
    expect(nothing.code).toBe(EXIT.invalidInput);
    expect(nothing.stderr).toMatch(/no address given: pass addresses as arguments, --file PATH, or pipe them into standard input/);
    expect((await cli(['labels', 'lookup', '-'])).stderr).toMatch(/"-" reads addresses from standard input, but nothing is piped in/);
  });

  it('--strict exits 2 after writing every row; the cross-border columns come with --case-jurisdiction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-screen-'));
    const list = join(dir, 'list.txt');
    writeFileSync(list, 'TRYL7PKCG4b4xRCM554Q5J6o8f1UjUmfnY\n\n# a typo below\nTRYL7PKCG4b4xRCM554Q5J6o8f1UjUmfnZ\n');
    const strict = await cli(['labels', 'lookup', '--file', list, '--format', 'csv', '--strict', '--case-jurisdiction', 'de']);
    expect(strict.code).toBe(EXIT.invalidInput);
    expect(strict.stderr).toContain(`chaintrail: 1 invalid input(s) (--strict); the first: ${list}: line 4: Invalid tron address`);
    const records = parse(strict.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0]!)).toEqual([
      'index',
      'file',
      'line',
      'input',
      'status',
      'chain',
      'chain_from',
      'address',
      'duplicate_of',
      'rank',
      'label_chain',
      'entity',
      'category',
      'jurisdictions',
      'confidence',
      'source',
      'licence',
      'cross_border',
      'cross_border_reason',
      'error',
    ]);
    expect(records.map((r) => [r.line, r.status, r.cross_border, r.cross_border_reason])).toEqual([
      ['1', 'labeled', 'true', 'entity answers in SC, not DE'],
      ['4', 'invalid', '', ''],
    ]);
    expect(records[1]!.error).toMatch(/bad base58check checksum/);
    const lenient = await cli(['labels', 'lookup', '--file', list, '--format', 'csv']);
    expect(lenient.code).toBe(EXIT.ok);
    expect(Object.keys(parse(lenient.stdout, { columns: true })[0] as object)).not.toContain('cross_border');
    expect((await cli(['labels', 'lookup', '--file', list, '--chain', 'dogecoin'])).stderr).toMatch(/Unknown chain "dogecoin"/);
    expect((await cli(['labels', 'lookup', '--file', join(dir, 'missing.txt')])).stderr).toMatch(/Cannot read .*missing\.txt: ENOENT/);
  });

  it('screens real GraphSense and OFAC addresses from the vendored lists against those lists', async () => {
    const ofac = referencePath('labels/ofac-sanctioned-addresses');
    const eth = readFileSync(join(ofac, 'sanctioned_addresses_ETH.txt'), 'utf8').split('\n').filter(Boolean);
    const trx = readFileSync(join(ofac, 'sanctioned_addresses_TRX.txt'), 'utf8').split('\n').filter(Boolean);
    const stdin = [...eth, ...trx, ...eth.slice(0, 3).map((a) => a.toUpperCase().replace(/^0X/, '0x'))].join('\n');
    const { code, stdout } = await cli(['labels', 'lookup', '--labels', ofac, '--no-builtin-labels', '--format', 'json'], {}, stdin);
    expect(code).toBe(EXIT.ok);
    const rows = JSON.parse(stdout) as JsonRow[];
    expect(rows.length).toBe(eth.length + trx.length + 3);
    expect(rows.every((r) => r.status === 'labeled' && r.labels.some((l) => l.category === 'sanctioned'))).toBe(true);
    expect(rows.slice(-3).map((r) => r.duplicateOf)).toEqual([1, 2, 3]);
    expect(rows.slice(eth.length, eth.length + trx.length).every((r) => r.chain === 'tron')).toBe(true);
  });
});

/** The command as an investigator runs it: a separate process through tsx, reading a file or a pipe. */
function spawnLookup(args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'labels', 'lookup', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  if (stdin !== undefined) child.stdin.end(stdin);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('chaintrail labels lookup as a process', () => {
  it('reads a file and a pipe', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-screen-'));
    const file = join(dir, 'list.csv');
    writeFileSync(
      file,
      'chain,address\nethereum,0xbe0eb53f46cd790cd13851d5eff43d12404d33e8\n,TRYL7PKCG4b4xRCM554Q5J6o8f1UjUmfnY\ntron,0xbe0eb53f46cd790cd13851d5eff43d12404d33e8\n',
    );
    const fromFile = await spawnLookup(['--file', file, '--format', 'csv']);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect((parse(fromFile.stdout, { columns: true }) as Record<string, string>[]).map((r) => [r.line, r.status, r.chain, r.chain_from, r.entity])).toEqual([
      ['2', 'labeled', 'ethereum', 'input', 'Binance'],
      ['3', 'labeled', 'tron', 'address', 'KuCoin & KuCoin Futures'],
      ['4', 'invalid', 'tron', 'input', ''],
    ]);
    const piped = await spawnLookup(['--format', 'json', '--strict'], '0xbe0eb53f46cd790cd13851d5eff43d12404d33e8\nnot-an-address\n');
    expect(piped.code).toBe(EXIT.invalidInput);
    expect(JSON.parse(piped.stdout).map((r: JsonRow) => [r.file, r.line, r.status])).toEqual([
      ['stdin', 1, 'labeled'],
      ['stdin', 2, 'invalid'],
    ]);
    expect(piped.stderr).toContain('stdin: line 2: cannot tell the chain of "not-an-address"');
  });

  it('screens lists longer than a call takes arguments (150,000 addresses from a file and from a pipe)', { timeout: 120_000 }, async () => {
    const count = 150_000;
    const list = Array.from({ length: count }, (_, i) => `0x${(i * 2654435761).toString(16).padStart(40, '0').slice(-40)}`);
    list[count - 1] = '0xbe0eb53f46cd790cd13851d5eff43d12404d33e8';
    const file = join(mkdtempSync(join(tmpdir(), 'cli-screen-')), 'many.txt');
    writeFileSync(file, `${list.join('\n')}\n`);
    const fromFile = await cli(['labels', 'lookup', '--file', file, '--format', 'csv']);
    const piped = await cli(['labels', 'lookup', '--format', 'csv'], {}, `${list.join('\n')}\n`);
    for (const run of [fromFile, piped]) {
      expect(run.code, run.stderr).toBe(EXIT.ok);
      const rows = parse(run.stdout, { columns: true }) as Record<string, string>[];
      // A row per input (the labeled one has a row per chain its label is on), in input order.
      expect(new Set(rows.map((r) => r.line)).size).toBe(count);
      expect(rows[0]!.address!.toLowerCase()).toBe(list[0]);
      const last = rows.filter((r) => r.line === String(count));
      expect(last.length).toBeGreaterThan(0);
      expect(last.every((r) => r.status === 'labeled' && r.entity === 'Binance')).toBe(true);
      expect(rows.slice(-last.length)).toEqual(last);
    }
  });
});
