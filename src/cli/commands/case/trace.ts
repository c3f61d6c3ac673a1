import { Option, type Command } from 'commander';
import { InvalidInputError } from '../../../core/errors.js';
import { getChain } from '../../../core/chain.js';
import type { ChainAdapter } from '../../../adapters/adapter.js';
import { loadLabelFiles } from '../../../labels/load.js';
import { traceCases, type TraceCaseOptions, type TraceCasesResult } from '../../../cases/trace.js';
import { createAdapterFromSource } from '../../sources.js';
import { checkTraceFlags, typedFlag } from '../../trace-flags.js';
import type { CliIo } from '../../io.js';
import { caseSubcommand, collect, csv, emit, int, json, statusLine, withStore } from './shared.js';

/** `--source [chain=]kind:target` for a case: unprefixed sources serve --chain, or every chain of the case's payments. */
async function adaptersFor(sources: string[], chain: string | undefined, io: CliIo, chains: string[]): Promise<ChainAdapter[]> {
  const out: Promise<ChainAdapter>[] = [];
  for (const spec of sources) {
    const m = /^([a-z0-9:-]+)=(.+)$/i.exec(spec);
    if (m) out.push(createAdapterFromSource(m[2]!, getChain(m[1]!).id, io.env));
    else if (spec.startsWith('fixture:')) out.push(createAdapterFromSource(spec, chain ? getChain(chain).id : 'ethereum', io.env));
    else for (const c of chain ? [getChain(chain).id] : chains) out.push(createAdapterFromSource(spec, c, io.env));
  }
  return Promise.all(out);
}

/** What `case trace` prints: each case traced, incomplete or failed, by reference. */
function traceListing(result: TraceCasesResult, format: string): string {
  const rows = [
    ...result.traced.map((t) => ({
      reference: t.reference,
      status: t.complete ? 'traced' : 'incomplete',
      traceId: t.traceId,
      endpoints: t.endpoints,
      error: '',
    })),
    ...result.failed.map((f) => ({ reference: f.reference, status: 'failed', traceId: null, endpoints: null, error: f.error.message })),
  ].sort((a, b) => (a.reference < b.reference ? -1 : 1));
  if (format === 'json') return json(rows);
  if (format === 'csv')
    return csv(
      ['reference', 'status', 'trace_id', 'endpoints', 'error'],
      rows.map((r) => [r.reference, r.status, r.traceId, r.endpoints, r.error]),
    );
  return (
    `${result.traced.length} case(s) traced, ${result.failed.length} failed\n` +
    rows.map((r) => `  ${r.reference}: ${r.status}${r.endpoints !== null ? `, ${r.endpoints} endpoint(s)` : ''}${r.error ? ` (${r.error})` : ''}\n`).join('')
  );
}

/** `chaintrail case trace`: trace cases' payments and store the reports and the addresses reached. */
export function registerCaseTrace(cases: Command, io: CliIo): void {
  caseSubcommand(cases, 'trace')
    .description("Trace cases' payments (all cases with --all) and store the reports and the addresses reached")
    .argument('[references...]', 'case references')
    .option('--all', 'every case that has payments')
    .option(
      '--source <[chain=]kind:target>',
      'data source, repeatable (as for chaintrail trace): fixture:FILE, rpc:URL, etherscan[:URL], trongrid[:URL], …',
      collect,
    )
    .option('--chain <id>', 'chain served by unprefixed network sources (default: each chain of the case payments)')
    .option('--labels <file>', 'label file (.csv or .json), repeatable', collect)
    .option('--hops <n>', 'maximum hops after the seed recipient', int('--hops'))
    .option('--min-value <amount>', 'smallest tainted amount to follow, in display units')
    .addOption(new Option('--taint <model>', 'taint model').choices(['poison', 'haircut', 'fifo', 'tiho']))
    .option('--max-nodes <n>', 'address budget per case', int('--max-nodes'))
    .option('--max-degree <n>', 'different addresses paid above which an address is a hub (default 1000)', int('--max-degree'))
    .option('--max-movements <n>', 'movements read per address at most (default 10000)', int('--max-movements'))
    .option('--out <file>', 'write the result to a file instead of stdout')
    .option('--quiet', 'no progress on stderr')
    .action(async (references: string[], opts) => {
      const sources: string[] = opts.source ?? [];
      if (sources.length === 0)
        throw new InvalidInputError('--source is required (e.g. --source fixture:fixtures/demo/dataset.json)', { details: { option: '--source' } });
      if (!opts.all && references.length === 0) throw new InvalidInputError('name the cases to trace or give --all', { details: {} });
      const flags = {
        ...(opts.hops !== undefined ? { maxHops: opts.hops } : {}),
        ...(opts.minValue !== undefined ? { minValue: opts.minValue } : {}),
        ...(opts.taint ? { taint: opts.taint } : {}),
        ...(opts.maxNodes !== undefined ? { maxNodes: opts.maxNodes } : {}),
        ...(opts.maxDegree !== undefined ? { maxDegree: opts.maxDegree } : {}),
        ...(opts.maxMovements !== undefined ? { maxMovements: opts.maxMovements } : {}),
      };
      // Checked once, named by flag, before any case is traced (not once per case, by option field).
      checkTraceFlags(flags, typedFlag(opts));
      await withStore(opts, io, async (store) => {
        const refs = opts.all ? (await store.listCases()).filter((c) => c.payments > 0).map((c) => c.reference) : references;
        const chains = new Set<string>();
        for (const r of refs) for (const p of await store.payments(r)) chains.add(p.chain);
        const status = statusLine(io, Boolean(opts.quiet));
        let current = '';
        let n = 0;
        const base: TraceCaseOptions = {
          adapters: await adaptersFor(sources, opts.chain, io, [...chains].sort()),
          labels: loadLabelFiles(opts.labels ?? []),
          ...flags,
          ...(io.signal ? { signal: io.signal } : {}),
          onProgress: (e) =>
            status.update(
              `case ${n + 1}/${refs.length} ${current}: round ${e.round}, ${e.expanded} expanded, ${e.transfers} transfers, ${e.requests} requests`,
            ),
        };
        let result: Awaited<ReturnType<typeof traceCases>>;
        try {
          current = refs[0] ?? '';
          result = await traceCases(store, {
            ...base,
            references: refs,
            onCase: (e) => {
              n = e.done;
              current = refs[e.done] ?? '';
              status.update(`case ${e.done}/${e.total} ${e.reference}: ${e.error ? 'failed' : 'traced'}`);
            },
          });
        } finally {
          status.done();
        }
        for (const f of result.failed) io.stderr.write(`case ${f.reference}: ${f.error.message}\n`);
        emit(io, opts.out, traceListing(result, opts.format));
        if (result.failed.length > 0 && result.traced.length === 0) {
          throw result.failed[0]!.error;
        }
      });
    });
}
