import type { Command } from 'commander';
import type { CliIo } from '../../io.js';
import { caseSubcommand, csv, json, withStore } from './shared.js';

/** `chaintrail case list`: list the cases with their victims, payments and traces. */
export function registerCaseList(cases: Command, io: CliIo): void {
  caseSubcommand(cases, 'list')
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
            io.stdout.write(
              `  ${c.reference}${c.jurisdiction ? ` [${c.jurisdiction}]` : ''}: ${c.victims} victim(s), ${c.payments} payment(s), ${c.traces} trace(s)${c.lastTraceAt ? `, last ${c.lastTraceAt}` : ''}\n`,
            );
          }
        }
      });
    });
}
