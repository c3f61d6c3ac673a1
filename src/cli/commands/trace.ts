import { Option, type Command, type OptionValues } from 'commander';
import type { ChainAdapter } from '../../adapters/adapter.js';
import { createResponseCache, DEFAULT_CACHE_PATH, type ResponseCache } from '../../cache/store.js';
import { getChain } from '../../core/chain.js';
import { InvalidInputError } from '../../core/errors.js';
import { readBridgeFile } from '../bridge-file.js';
import { cacheFile } from '../cache-flag.js';
import type { CliIo } from '../io.js';
import { collectExplorer, EXPLORER_HELP, OUT_HELP, PACKETS_HELP, OUTPUT_FORMATS, OUTPUT_HELP, writeOutput, type OutputOptions } from '../output.js';
import { labelsFrom } from '../labels-from.js';
import { runTrace } from '../run-trace.js';
import { parseSeedArg } from '../seed-arg.js';
import { createAdapterFromSource } from '../sources.js';
import { checkTraceFlags, typedFlag } from '../trace-flags.js';

const FORMATS = OUTPUT_FORMATS;
/** The parsed flags of `trace` (commander's values; each is checked before use). */
type TraceFlags = OptionValues & OutputOptions;
const collect = (value: string, previous: string[] = []) => [...previous, value];
const int = (name: string) => (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidInputError(`${name} must be a whole number, got "${value}"`, { details: { option: name, value } });
  return Number(value);
};

const num = (name: string) => (value: string) => {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidInputError(`${name} must be a non-negative number, got "${value}"`, { details: { option: name, value } });
  return Number(value);
};

/** `chaintrail trace`: trace funds from victim payments or addresses over the named sources. */
export function registerTraceCommand(program: Command, io: CliIo): void {
  program
    .command('trace')
    .description('Trace funds from victim payments (tx hashes) or addresses')
    .requiredOption('--chain <id>', 'chain of the seeds: ethereum, tron, bitcoin, evm:<chainId>')
    .option(
      '--source <[chain=]kind:target>',
      'data source, repeatable: fixture:FILE, rpc:URL, etherscan[:URL], esplora:URL, bitcoin-core:URL, trongrid[:URL]',
      collect,
    )
    .option(
      '--seed <[chain=]tx[:n]|address>',
      'victim payment tx hash (TX:N one movement of it: Bitcoin output, EVM/TRON token log index, or TX:native) or address, repeatable',
      collect,
    )
    .option('--hops <n>', 'maximum hops after the seed recipient', int('--hops'))
    .option('--min-value <amount>', 'smallest tainted amount to follow, in display units (e.g. 1 = 1 USDT)')
    .addOption(new Option('--taint <model>', 'taint model').choices(['poison', 'haircut', 'fifo', 'tiho']))
    .option(
      '--labels <path>',
      'label file or folder: chaintrail CSV/JSON, GraphSense TagPacks/ActorPack, OFAC lists, Etherscan labels; repeatable, earlier sources win ties',
      collect,
    )
    .option('--no-builtin-labels', 'do not use the curated labels shipped with chaintrail')
    .option('--case-jurisdiction <cc>', 'ISO 3166 alpha-2 code of the case (for cross-border flags)')
    .option('--case-reference <ref>', 'case reference printed in reports')
    .option('--from <time>', 'window start (ISO date/time or unix seconds)')
    .option('--to <time>', 'window end (ISO date/time or unix seconds)')
    .option('--max-nodes <n>', 'address budget', int('--max-nodes'))
    .option('--max-degree <n>', 'different addresses paid above which an address is a hub and not expanded (default 1000)', int('--max-degree'))
    .option('--max-movements <n>', 'movements read per address at most; one with more is not expanded (default 10000)', int('--max-movements'))
    .option(
      '--bridges <file>',
      'JSON file of extra bridge contracts to recognise (e.g. [{"chain":"evm:1337","address":"0x…","protocol":"across"}]); repeatable',
      collect,
    )
    .option(
      '--bridge-window <hours>',
      'cross-chain continuation: how long after a deposit an arrival matched by amount may come (default 6)',
      num('--bridge-window'),
    )
    .option(
      '--bridge-tolerance <fraction>',
      'cross-chain continuation: relative amount tolerance of a match by amount (default 0.05)',
      num('--bridge-tolerance'),
    )
    .addOption(
      new Option('--peel-mode <mode>', "UTXO chains: follow every output, or only a peel chain's change (peeled payments become endpoints)").choices([
        'all-outputs',
        'follow-change',
      ]),
    )
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('summary'))
    .option('--out <path>', OUT_HELP)
    .option('--explorer <chain=url>', EXPLORER_HELP, collectExplorer)
    .option('--packets <dir>', PACKETS_HELP)
    .option(
      '--wrapped-native <address>',
      'a wrapped native token contract (WETH9-style) beyond the built-in WETH, WBNB, WPOL, WAVAX, WTRX: its Deposit/Withdrawal are wrapping (repeatable)',
      (value: string, list: string[] = []) => [...list, value],
    )
    .addHelpText('after', OUTPUT_HELP)
    .option('--quiet', 'no progress on stderr')
    .option('--cache <file>', `answer cache of network sources (default: $CHAINTRAIL_CACHE or ${DEFAULT_CACHE_PATH})`)
    .option('--no-cache', 'do not read or write the answer cache')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  chaintrail trace --chain ethereum --source rpc:http://127.0.0.1:8545 --seed 0x<victim payment tx> --labels labels.csv --case-jurisdiction DE\n' +
        '  chaintrail trace --chain tron --source trongrid --seed <txid> --format json --out report.json\n' +
        '  chaintrail trace --chain bitcoin --source esplora:https://blockstream.info/api --seed <txid>:1   (only output 1 of the payment)\n' +
        '  chaintrail trace --chain ethereum --source fixture:fixtures/demo/dataset.json --seed 0x<tx> --seed tron=<txid>\n' +
        '  chaintrail trace --chain ethereum --source rpc:$ETH_RPC --source arbitrum=rpc:$ARB_RPC --seed 0x<tx>   (continues across bridges into Arbitrum)\n' +
        '  chaintrail trace --chain evm:1337 --source rpc:http://127.0.0.1:8545 --source evm:1338=rpc:http://127.0.0.1:8546 --bridges bridges.json --seed 0x<tx>\n',
    )
    .action((opts: TraceFlags) => traceCommand(opts, io));
}

/** Every option is checked before a source is built or asked: a typo costs no request. */
function traceSettings(opts: OptionValues) {
  const sources: string[] = opts.source ?? [];
  if (sources.length === 0) throw new InvalidInputError('--source is required (e.g. --source rpc:URL)', { details: { option: '--source' } });
  if (!opts.seed?.length) throw new InvalidInputError('at least one --seed is required', { details: { option: '--seed' } });
  getChain(opts.chain);
  const settings = {
    seeds: (opts.seed as string[]).map((s) => parseSeedArg(s, opts.chain)),
    ...(opts.hops !== undefined ? { maxHops: opts.hops } : {}),
    ...(opts.minValue !== undefined ? { minValue: opts.minValue } : {}),
    ...(opts.taint ? { taint: opts.taint } : {}),
    ...(opts.caseJurisdiction ? { caseJurisdiction: opts.caseJurisdiction } : {}),
    ...(opts.caseReference ? { caseReference: opts.caseReference } : {}),
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.to ? { to: opts.to } : {}),
    ...(opts.maxNodes !== undefined ? { maxNodes: opts.maxNodes } : {}),
    ...(opts.maxDegree !== undefined ? { maxDegree: opts.maxDegree } : {}),
    ...(opts.maxMovements !== undefined ? { maxMovements: opts.maxMovements } : {}),
    ...(opts.peelMode ? { peelMode: opts.peelMode } : {}),
    ...(opts.bridges?.length ? { bridges: (opts.bridges as string[]).flatMap(readBridgeFile) } : {}),
    ...(opts.bridgeWindow !== undefined ? { bridgeWindowHours: opts.bridgeWindow } : {}),
    ...(opts.bridgeTolerance !== undefined ? { bridgeTolerance: opts.bridgeTolerance } : {}),
  };
  const { seeds: _seeds, ...flags } = settings;
  checkTraceFlags(flags, typedFlag(opts));
  return { sources, settings };
}

/** Re-runs and resumed traces read answers from the cache; offline fixture sources need none. */
function answerCache(opts: OptionValues, sources: string[], io: CliIo): { cache: ResponseCache | undefined; cachePath: string } {
  const cachePath = cacheFile(opts.cache as string | boolean | undefined, io.env);
  const cache =
    opts.cache === false || sources.every((s) => /^([a-z0-9:-]+=)?fixture:/i.test(s))
      ? undefined
      : createResponseCache({
          path: cachePath,
          onNote: (message) => io.stderr.write(`${message}\n`),
        });
  return { cache, cachePath };
}

async function traceCommand(opts: TraceFlags, io: CliIo): Promise<void> {
  const { sources, settings } = traceSettings(opts);
  const { cache, cachePath } = answerCache(opts, sources, io);
  const sourceOptions = { ...(cache ? { cache } : {}), ...(opts.wrappedNative?.length ? { wrappedNative: opts.wrappedNative } : {}) };
  const adapters: ChainAdapter[] = await Promise.all(
    sources.map((spec) => {
      const m = /^([a-z0-9:-]+)=(.+)$/i.exec(spec);
      return m
        ? createAdapterFromSource(m[2]!, getChain(m[1]!).id, io.env, sourceOptions)
        : createAdapterFromSource(spec, getChain(opts.chain).id, io.env, sourceOptions);
    }),
  );
  const result = await runTrace(
    { adapters, labels: labelsFrom(opts.labels ?? [], Boolean(opts.quiet), io), builtinLabels: opts.builtinLabels !== false, ...settings },
    Boolean(opts.quiet),
    io,
    (partial) => writeOutput(partial, opts, io),
    cache ? cachePath : undefined,
  );
  writeOutput(result, opts, io);
}
