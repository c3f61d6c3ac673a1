import type { Command } from 'commander';
import { ComplaintImportError } from '../../../cases/errors.js';
import { importComplaints, type ImportResult } from '../../../cases/import.js';
import type { CliIo } from '../../io.js';
import { caseSubcommand, csv, int, json, statusLine, withStore } from './shared.js';

function importSummary(r: ImportResult): string {
  return (
    `${r.file}: ${r.rows} row(s), ${r.payments} distinct payment(s) in ${r.cases} case(s): ${r.inserted} stored, ` +
    `${r.duplicates} duplicate(s) (${r.duplicatesInFile} repeated in the file, ${r.alreadyStored} already stored), ` +
    `${r.casesCreated} new case(s), ${r.transactions} transaction(s)\n`
  );
}

/** `chaintrail case import`: import victim complaints (CSV, JSON, JSON Lines); every row is checked before anything is written. */
export function registerCaseImport(cases: Command, io: CliIo): void {
  caseSubcommand(cases, 'import')
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
}
