import type { Command } from 'commander';
import type { CliIo } from '../../io.js';
import { caseSubcommand, csv, json, withStore } from './shared.js';

/** `chaintrail case add`: create a case (or update it with --update). */
export function registerCaseAdd(cases: Command, io: CliIo): void {
  caseSubcommand(cases, 'add')
    .description('Create a case (or update it with --update)')
    .argument('<reference>', 'case reference (unique)')
    .option('--jurisdiction <cc>', 'ISO 3166-1 alpha-2 code of the investigating jurisdiction')
    .option('--opened <date>', 'date the case was opened (YYYY-MM-DD)')
    .option('--notes <text>', 'free-text notes')
    .option('--update', 'update an existing case instead of failing')
    .action(async (reference: string, opts) => {
      await withStore(opts, io, async (store) => {
        const c = await store.addCase(
          {
            reference,
            ...(opts.jurisdiction ? { jurisdiction: opts.jurisdiction } : {}),
            ...(opts.opened ? { opened: opts.opened } : {}),
            ...(opts.notes ? { notes: opts.notes } : {}),
          },
          { ifExists: opts.update ? 'update' : 'error' },
        );
        if (opts.format === 'json') io.stdout.write(json(c));
        else if (opts.format === 'csv')
          io.stdout.write(csv(['reference', 'jurisdiction', 'opened', 'notes'], [[c.reference, c.jurisdiction, c.opened, c.notes]]));
        else io.stdout.write(`case ${c.reference}${c.jurisdiction ? ` (${c.jurisdiction})` : ''} stored in ${store.location}\n`);
      });
    });
}
