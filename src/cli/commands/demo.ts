import { Option, type Command } from 'commander';
import { createFixtureAdapter } from '../../adapters/fixture/adapter.js';
import { loadLabelFiles } from '../../labels/load.js';
import { readCaseFile } from '../case-file.js';
import type { CliIo } from '../io.js';
import { collectExplorer, EXPLORER_HELP, OUT_HELP, PACKETS_HELP, OUTPUT_FORMATS, OUTPUT_HELP, writeOutput } from '../output.js';
import { demoCasePath } from '../paths.js';
import { runTrace } from '../run-trace.js';

const FORMATS = OUTPUT_FORMATS;

/** `chaintrail demo`: the bundled demo case, traced offline. */
export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('Trace the bundled demo case (offline) and print the summary')
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('summary'))
    .addOption(new Option('--taint <model>', 'taint model').choices(['poison', 'haircut', 'fifo', 'tiho']))
    .option('--out <path>', OUT_HELP)
    .option('--explorer <chain=url>', EXPLORER_HELP, collectExplorer)
    .option('--packets <dir>', PACKETS_HELP)
    .addHelpText('after', OUTPUT_HELP)
    .option('--quiet', 'no progress on stderr')
    .addHelpText('after', '\nExamples:\n  chaintrail demo\n  chaintrail demo --format json --out demo-report.json\n')
    .action(async (opts) => {
      const c = readCaseFile(demoCasePath());
      const result = await runTrace(
        {
          adapters: [createFixtureAdapter({ dataset: c.dataset })],
          labels: loadLabelFiles(c.labels),
          seeds: c.seeds,
          ...(c.jurisdiction ? { caseJurisdiction: c.jurisdiction } : {}),
          ...(c.reference ? { caseReference: c.reference } : {}),
          ...(c.minValue ? { minValue: c.minValue } : {}),
          ...(c.maxDegree ? { maxDegree: c.maxDegree } : {}),
          ...(c.maxMovements ? { maxMovements: c.maxMovements } : {}),
          ...(opts.taint ? { taint: opts.taint } : {}),
        },
        Boolean(opts.quiet),
        io,
      );
      writeOutput(result, opts, io);
    });
}
