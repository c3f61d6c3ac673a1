import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerCaseAdd } from './case/add.js';
import { registerCaseConvergence } from './case/convergence.js';
import { registerCaseImport } from './case/import.js';
import { registerCaseList } from './case/list.js';
import { registerCasePackets } from './case/packets.js';
import { registerCaseShow } from './case/show.js';
import { registerCaseTrace } from './case/trace.js';

/** `chaintrail case add|import|trace|list|show|convergence|packets`: the case database (one file per subcommand in case/). */
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
  for (const register of [
    registerCaseAdd,
    registerCaseImport,
    registerCaseTrace,
    registerCaseList,
    registerCaseShow,
    registerCaseConvergence,
    registerCasePackets,
  ]) {
    register(cases, io);
  }
}
