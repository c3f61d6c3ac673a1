import { mkdirSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Command, Option } from 'commander';
import { InvalidInputError } from '../../core/errors.js';
import { getChain } from '../../core/chain.js';
import { formatAddress } from '../../core/address.js';
import { formatUnits } from '../../core/asset.js';
import type { ChainAdapter } from '../../adapters/adapter.js';
import { loadLabelFiles } from '../../labels/load.js';
import { csvRow } from '../../report/csv.js';
import { ComplaintImportError } from '../../cases/errors.js';
import { importComplaints, type ImportResult } from '../../cases/import.js';
import { openCaseStore, type CaseStore } from '../../cases/store.js';
import { traceCases, type TraceCaseOptions } from '../../cases/trace.js';
import { caseLinkGraph, convergenceToCsv, convergenceToSummary, linkGraphToGexf, linkGraphToGraphml } from '../../cases/convergence.js';
import { casePackets, consolidatedPacketFiles } from '../../cases/packets.js';
import { createAdapterFromSource } from '../sources.js';
import { checkTraceFlags, typedFlag } from '../trace-flags.js';
import type { CliIo } from '../io.js';

const FORMATS = ['summary', 'json', 'csv'] as const;
const collect = (value: string, previous: string[] = []) => [...previous, value];
const int = (name: string) => (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidInputError(`${name} must be a whole number, got "${value}"`, { details: { option: name, value } });
  return Number(value);
};
const DB_HELP = 'case database: sqlite:PATH, a file path or postgres://user@host/db (default: $CHAINTRAIL_DB, else ./chaintrail.db)';

const withDb = (cmd: Command) => cmd.option('--db <target>', DB_HELP);
const withFormat = (cmd: Command) => cmd.addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('summary'));

async function withStore<T>(opts: { db?: string }, io: CliIo, work: (store: CaseStore) => Promise<T>): Promise<T> {
  const store = await openCaseStore({ ...(opts.db ? { target: opts.db } : {}), env: io.env, ...(io.signal ? { signal: io.signal } : {}) });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const csv = (header: readonly string[], rows: readonly (string | number | boolean | null | undefined)[][]) =>
  [csvRow(header), ...rows.map(csvRow)].map((l) => `${l}\r\n`).join('');

function emit(io: CliIo, out: string | undefined, text: string) {
  if (out) writeFileSync(out, text);
  else io.stdout.write(text);
}

/** One status line on stderr, only on a terminal and without --quiet. */
function statusLine(io: CliIo, quiet: boolean) {
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

function importSummary(r: ImportResult): string {
  return (
    `${r.file}: ${r.rows} row(s), ${r.payments} distinct payment(s) in ${r.cases} case(s): ${r.inserted} stored, ` +
    `${r.duplicates} duplicate(s) (${r.duplicatesInFile} repeated in the file, ${r.alreadyStored} already stored), ` +
    `${r.casesCreated} new case(s), ${r.transactions} transaction(s)\n`
  );
}

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

/** `chaintrail case add|import|trace|list|show|convergence|packets`: the case database. */
export function registerCaseCommand(program: Command, io: CliIo): void {
  const cases = program
    .command('case')
    .description('Case database: victims’ payments of many cases, their traces, shared addresses and consolidated requests')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  chaintrail case import complaints.csv --db cases.db\n' +
        '  chaintrail case trace --all --source fixture:fixtures/demo/dataset.json --labels fixtures/demo/labels.csv --db cases.db\n' +
        '  chaintrail case convergence --db cases.db --graph cases.gexf\n' +
        '  chaintrail case packets --out-dir requests --db postgres://investigator@127.0.0.1/cases\n',
    );

  withFormat(withDb(cases.command('add')))
    .description('Create a case (or update it with --update)')
    .argument('<reference>', 'case reference (unique)')
    .option('--jurisdiction <cc>', 'ISO 3166-1 alpha-2 code of the investigating jurisdiction')
    .option('--opened <date>', 'date the case was opened (YYYY-MM-DD)')
    .option('--notes <text>', 'free-text notes')
    .option('--update', 'update an existing case instead of failing')
    .action(async (reference: string, opts) => {
      await withStore(opts, io, async (store) => {
        const c = await store.addCase(
          { reference, ...(opts.jurisdiction ? { jurisdiction: opts.jurisdiction } : {}), ...(opts.opened ? { opened: opts.opened } : {}), ...(opts.notes ? { notes: opts.notes } : {}) },
          { ifExists: opts.update ? 'update' : 'error' },
        );
        if (opts.format === 'json') io.stdout.write(json(c));
        else if (opts.format === 'csv') io.stdout.write(csv(['reference', 'jurisdiction', 'opened', 'notes'], [[c.reference, c.jurisdiction, c.opened, c.notes]]));
        else io.stdout.write(`case ${c.reference}${c.jurisdiction ? ` (${c.jurisdiction})` : ''} stored in ${store.location}\n`);
      });
    });

  withFormat(withDb(cases.command('import')))
    .description('Import victim complaints: one row per payment (CSV, JSON or JSON Lines); every row is checked before anything is written')
    .argument('<files...>', 'complaint files (.csv, .json, .jsonl)')
    .option('--batch-size <n>', 'rows per transaction, rounded up to whole cases (default 500)', int('--batch-size'))
    .option('--quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      '\nColumns: case_ref, victim_id (pseudonymous), chain, tx_hash and/or address, amount (display units of asset) or\n' +
        'amount_base (base units), asset (native, USDT, USDC or a token contract + decimals), time (ISO or unix seconds),\n' +
        'optional log_index, jurisdiction (of the case). The same payment twice is stored once and counted as a duplicate.\n',
    )
    .action(async (files: string[], opts) => {
      await withStore(opts, io, async (store) => {
        const results: ImportResult[] = [];
        for (const file of files) {
          const status = statusLine(io, Boolean(opts.quiet));
          try {
            results.push(
              await importComplaints(store, file, {
                ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
                ...(io.signal ? { signal: io.signal } : {}),
                onProgress: (e) => status.update(`${file}: ${e.done}/${e.total} payments written (${e.inserted} new, ${e.duplicates} already stored)`),
              }),
            );
          } catch (error) {
            if (error instanceof ComplaintImportError) {
              for (const i of error.issues.slice(0, 50)) io.stderr.write(`${i.file}: line ${i.line}: ${i.field}: ${i.message}\n`);
              if (error.issues.length > 50) io.stderr.write(`… and ${error.issues.length - 50} more\n`);
            }
            throw error;
          } finally {
            status.done();
          }
        }
        if (opts.format === 'json') io.stdout.write(json(results));
        else if (opts.format === 'csv') {
          io.stdout.write(
            csv(
              ['file', 'rows', 'payments', 'inserted', 'duplicates', 'duplicates_in_file', 'already_stored', 'cases', 'cases_created'],
              results.map((r) => [r.file, r.rows, r.payments, r.inserted, r.duplicates, r.duplicatesInFile, r.alreadyStored, r.cases, r.casesCreated]),
            ),
          );
        } else for (const r of results) io.stdout.write(importSummary(r));
      });
    });

  withFormat(withDb(cases.command('trace')))
    .description("Trace cases' payments (all cases with --all) and store the reports and the addresses reached")
    .argument('[references...]', 'case references')
    .option('--all', 'every case that has payments')
    .option('--source <[chain=]kind:target>', 'data source, repeatable (as for chaintrail trace): fixture:FILE, rpc:URL, etherscan[:URL], trongrid[:URL], …', collect)
    .option('--chain <id>', 'chain served by unprefixed network sources (default: each chain of the case payments)')
    .option('--labels <file>', 'label file (.csv or .json), repeatable', collect)
    .option('--hops <n>', 'maximum hops after the seed recipient', int('--hops'))
    .option('--min-value <amount>', 'smallest tainted amount to follow, in display units')
    .addOption(new Option('--taint <model>', 'taint model').choices(['poison', 'haircut', 'fifo', 'tiho']))
    .option('--max-nodes <n>', 'address budget per case', int('--max-nodes'))
    .option('--max-degree <n>', 'movements above which an address is a hub', int('--max-degree'))
    .option('--out <file>', 'write the result to a file instead of stdout')
    .option('--quiet', 'no progress on stderr')
    .action(async (references: string[], opts) => {
      const sources: string[] = opts.source ?? [];
      if (sources.length === 0) throw new InvalidInputError('--source is required (e.g. --source fixture:fixtures/demo/dataset.json)', { details: { option: '--source' } });
      if (!opts.all && references.length === 0) throw new InvalidInputError('name the cases to trace or give --all', { details: {} });
      const flags = {
        ...(opts.hops !== undefined ? { maxHops: opts.hops } : {}),
        ...(opts.minValue !== undefined ? { minValue: opts.minValue } : {}),
        ...(opts.taint ? { taint: opts.taint } : {}),
        ...(opts.maxNodes !== undefined ? { maxNodes: opts.maxNodes } : {}),
        ...(opts.maxDegree !== undefined ? { maxDegree: opts.maxDegree } : {}),
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
          onProgress: (e) => status.update(`case ${n + 1}/${refs.length} ${current}: round ${e.round}, ${e.expanded} expanded, ${e.transfers} transfers, ${e.requests} requests`),
        };
        let result;
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
        const rows = [
          ...result.traced.map((t) => ({ reference: t.reference, status: t.complete ? 'traced' : 'incomplete', traceId: t.traceId, endpoints: t.endpoints, error: '' })),
          ...result.failed.map((f) => ({ reference: f.reference, status: 'failed', traceId: null, endpoints: null, error: f.error.message })),
        ].sort((a, b) => (a.reference < b.reference ? -1 : 1));
        const text =
          opts.format === 'json'
            ? json(rows)
            : opts.format === 'csv'
              ? csv(['reference', 'status', 'trace_id', 'endpoints', 'error'], rows.map((r) => [r.reference, r.status, r.traceId, r.endpoints, r.error]))
              : `${result.traced.length} case(s) traced, ${result.failed.length} failed\n` +
                rows.map((r) => `  ${r.reference}: ${r.status}${r.endpoints !== null ? `, ${r.endpoints} endpoint(s)` : ''}${r.error ? ` (${r.error})` : ''}\n`).join('');
        emit(io, opts.out, text);
        if (result.failed.length > 0 && result.traced.length === 0) {
          throw result.failed[0]!.error;
        }
      });
    });

  withFormat(withDb(cases.command('list')))
    .description('List the cases with their victims, payments and traces')
    .action(async (opts) => {
      await withStore(opts, io, async (store) => {
        const list = await store.listCases();
        if (opts.format === 'json') io.stdout.write(json(list));
        else if (opts.format === 'csv') {
          io.stdout.write(
            csv(
              ['reference', 'jurisdiction', 'opened', 'victims', 'payments', 'traces', 'last_trace'],
              list.map((c) => [c.reference, c.jurisdiction, c.opened, c.victims, c.payments, c.traces, c.lastTraceAt]),
            ),
          );
        } else {
          io.stdout.write(`${list.length} case(s) in ${store.location}\n`);
          for (const c of list) {
            io.stdout.write(`  ${c.reference}${c.jurisdiction ? ` [${c.jurisdiction}]` : ''}: ${c.victims} victim(s), ${c.payments} payment(s), ${c.traces} trace(s)${c.lastTraceAt ? `, last ${c.lastTraceAt}` : ''}\n`);
          }
        }
      });
    });

  withFormat(withDb(cases.command('show')))
    .description('Show a case: its payments and what its latest trace found')
    .argument('<reference>', 'case reference')
    .action(async (reference: string, opts) => {
      await withStore(opts, io, async (store) => {
        const c = await store.getCase(reference);
        if (!c) throw new InvalidInputError(`No case "${reference}" in ${store.location}`, { details: { reference } });
        const payments = await store.payments(reference);
        const latest = await store.latestTrace(reference);
        if (opts.format === 'json') {
          io.stdout.write(json({ case: c, payments, latestTrace: latest ? { id: latest.id, createdAt: latest.createdAt, report: latest.report } : null }));
        } else if (opts.format === 'csv') {
          io.stdout.write(
            csv(
              ['case_ref', 'victim_id', 'chain', 'tx_hash', 'log_index', 'address', 'symbol', 'token_address', 'amount_base', 'amount', 'time', 'source'],
              payments.map((p) => [
                p.caseReference,
                p.victim,
                p.chain,
                p.tx,
                p.logIndex,
                p.address ? formatAddress(p.chain, p.address) : '',
                p.asset.symbol,
                p.asset.contract,
                p.amount,
                formatUnits(BigInt(p.amount), p.asset.decimals),
                new Date(p.time * 1000).toISOString(),
                p.source,
              ]),
            ),
          );
        } else {
          const lines = [`case ${c.reference}${c.jurisdiction ? ` [${c.jurisdiction}]` : ''}${c.opened ? `, opened ${c.opened}` : ''}${c.notes ? `: ${c.notes}` : ''}`];
          lines.push(`${payments.length} payment(s) by ${new Set(payments.map((p) => p.victim)).size} victim(s):`);
          for (const p of payments) {
            lines.push(`  ${new Date(p.time * 1000).toISOString()} ${p.victim} ${formatUnits(BigInt(p.amount), p.asset.decimals)} ${p.asset.symbol} on ${p.chain} ${p.tx ?? `to ${p.address}`}`);
          }
          if (latest) {
            const r = latest.report;
            lines.push(`latest trace #${latest.id} (${latest.createdAt})${r.complete ? '' : ' INCOMPLETE'}: ${r.endpoints.length} endpoint(s)`);
            for (const x of r.exchanges) lines.push(`  exchange ${x.entity} [${x.jurisdictions.join(';') || 'unknown'}]: ${x.totals.map((t) => `${t.amountDisplay} ${t.asset.symbol}`).join(' + ')}`);
          } else lines.push('not traced yet (chaintrail case trace)');
          io.stdout.write(`${lines.join('\n')}\n`);
        }
      });
    });

  withFormat(withDb(cases.command('convergence')))
    .description('Addresses reached by two or more cases (collectors, layering hubs, exchange deposit addresses), ranked by victims and amount')
    .option('--min-cases <n>', 'cases that must share an address (default 2)', int('--min-cases'))
    .option('--chain <id>', 'only this chain')
    .option('--limit <n>', 'only the first N of the ranking', int('--limit'))
    .option('--graph <file>', 'also write the case-to-case link graph (.gexf or .graphml)')
    .option('--out <file>', 'write the result to a file instead of stdout')
    .action(async (opts) => {
      await withStore(opts, io, async (store) => {
        const entries = await store.convergence({
          ...(opts.minCases !== undefined ? { minCases: opts.minCases } : {}),
          ...(opts.chain ? { chain: getChain(opts.chain).id } : {}),
          ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
          ...(io.signal ? { signal: io.signal } : {}),
        });
        if (opts.graph) {
          const ext = extname(opts.graph).toLowerCase();
          if (ext !== '.gexf' && ext !== '.graphml') throw new InvalidInputError('--graph FILE must end in .gexf or .graphml', { details: { option: '--graph' } });
          const graph = caseLinkGraph(entries, await store.listCases());
          writeFileSync(opts.graph, ext === '.gexf' ? linkGraphToGexf(graph) : linkGraphToGraphml(graph));
        }
        emit(io, opts.out, opts.format === 'json' ? json(entries) : opts.format === 'csv' ? convergenceToCsv(entries) : convergenceToSummary(entries));
      });
    });

  withFormat(withDb(cases.command('packets')))
    .description('One consolidated request per exchange (and per stablecoin issuer) covering every case that reached it')
    .option('--out-dir <dir>', 'write Markdown and JSON files per recipient into this folder')
    .option('--entity <name>', 'only this recipient')
    .option('--out <file>', 'write the listing to a file instead of stdout')
    .action(async (opts) => {
      await withStore(opts, io, async (store) => {
        const packets = await casePackets(store, { ...(opts.entity ? { entity: opts.entity } : {}), ...(io.signal ? { signal: io.signal } : {}) });
        if (opts.outDir) {
          mkdirSync(opts.outDir, { recursive: true });
          for (const f of consolidatedPacketFiles(packets)) writeFileSync(join(opts.outDir, f.name), f.content);
        }
        const text =
          opts.format === 'json'
            ? json(packets)
            : opts.format === 'csv'
              ? csv(
                  ['type', 'recipient', 'case_ref', 'chain', 'address', 'amount_base', 'amount', 'symbol', 'traced_base', 'address_requested_base', 'address_received_base', 'first_seen', 'last_seen', 'incoming_txs', 'outgoing_txs', 'victim_payments'],
                  packets.flatMap((p) =>
                    p.addresses.flatMap((a) =>
                      a.shares.map((s) => [
                        p.type,
                        p.recipient.entity,
                        s.reference,
                        a.chain,
                        a.address,
                        s.amount,
                        s.amountDisplay,
                        a.asset.symbol,
                        s.traced.amount,
                        a.amount,
                        a.received?.amount ?? '',
                        a.firstSeen,
                        a.lastSeen,
                        a.incoming.map((m) => m.tx).join(' '),
                        a.outgoing.map((m) => m.tx).join(' '),
                        s.victims.map((v) => `${v.tx}:${v.amount}`).join(' '),
                      ]),
                    ),
                  ),
                )
              : packets.length === 0
                ? 'No exchange or freezable balance reached by the traced cases.\n'
                : packets
                    .map((p) => `${p.type} ${p.recipient.entity}: ${p.caseCount} case(s), ${p.addresses.length} address(es), ${p.totals.map((t) => `${t.amountDisplay} ${t.asset.symbol}`).join(' + ')}\n`)
                    .join('') + (opts.outDir ? `files written to ${opts.outDir}\n` : '');
        emit(io, opts.out, text);
      });
    });
}
