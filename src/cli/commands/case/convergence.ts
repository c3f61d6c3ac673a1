import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { InvalidInputError } from '../../../core/errors.js';
import { getChain } from '../../../core/chain.js';
import { caseLinkGraph, convergenceToCsv, convergenceToSummary, linkGraphToGexf, linkGraphToGraphml } from '../../../cases/convergence.js';
import type { CliIo } from '../../io.js';
import { caseSubcommand, emit, int, json, withStore } from './shared.js';

/** `chaintrail case convergence`: addresses reached by two or more cases, ranked, with the case-to-case link graph. */
export function registerCaseConvergence(cases: Command, io: CliIo): void {
  caseSubcommand(cases, 'convergence')
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
          if (ext !== '.gexf' && ext !== '.graphml')
            throw new InvalidInputError('--graph FILE must end in .gexf or .graphml', { details: { option: '--graph' } });
          const graph = caseLinkGraph(entries, await store.listCases());
          writeFileSync(opts.graph, ext === '.gexf' ? linkGraphToGexf(graph) : linkGraphToGraphml(graph));
        }
        emit(io, opts.out, opts.format === 'json' ? json(entries) : opts.format === 'csv' ? convergenceToCsv(entries) : convergenceToSummary(entries));
      });
    });
}
