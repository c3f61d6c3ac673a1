import { Option, type Command } from 'commander';
import { eachRequestPacket, readReportFile } from '../../report/packets.js';
import { writePackets, writeReportOutput } from '../output.js';
import type { CliIo } from '../io.js';

/**
 * `chaintrail report`: work on a JSON report written earlier (`--format json`), validated with TraceReportSchema.
 * The JSON report holds endpoints, exchanges and paths but not every tainted transfer, so the graph outputs
 * (html, gexf, graphml and transfers.csv) are made at trace time only; `convert` offers what the report alone holds.
 */
export function registerReportCommand(program: Command, io: CliIo): void {
  const report = program
    .command('report')
    .description('Request packets and conversions from a saved JSON report (chaintrail trace --format json)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  chaintrail trace … --format json --out report.json\n' +
        '  chaintrail report packets --in report.json --out packets/\n' +
        '  chaintrail report convert --in report.json --format csv --out csv/\n',
    );

  report
    .command('packets')
    .description('Write one Markdown and one JSON request packet per exchange and per issuer of a freezable stablecoin still holding tainted funds')
    .requiredOption('--in <file>', 'JSON report (chaintrail trace --format json)')
    .requiredOption('--out <dir>', 'directory for the packets (created if missing)')
    .option('--quiet', 'do not list the files written')
    .addHelpText(
      'after',
      '\nEach packet names the entity and its jurisdiction, every deposit address (or address holding freezable tokens) with\n' +
        'amounts, UTC times, transaction hashes and the hop path from the victim payment, and the case reference.\n' +
        'File names: exchange-<entity>.md/.json, issuer-<issuer>.md/.json (names reduced to a-z, 0-9 and dashes).\n' +
        '\nExamples:\n  chaintrail report packets --in report.json --out packets/\n',
    )
    .action((opts: { in: string; out: string; quiet?: boolean }) => {
      writePackets(eachRequestPacket(readReportFile(opts.in)), opts.out, opts.quiet ? undefined : (path) => io.stdout.write(`${path}\n`), io.stderr);
    });

  report
    .command('convert')
    .description('Convert a JSON report to summary, json or csv (endpoints.csv); html, gexf, graphml need the trace graph: use trace --format')
    .requiredOption('--in <file>', 'JSON report (chaintrail trace --format json)')
    .addOption(new Option('--format <format>', 'output format').choices(['summary', 'json', 'csv', 'html', 'gexf', 'graphml']).default('summary'))
    .option('--out <path>', 'file to write (csv: a directory for endpoints.csv); default stdout')
    .option('--quiet', 'no progress bar and no list of the files written')
    .addHelpText('after', '\nExamples:\n  chaintrail report convert --in report.json\n  chaintrail report convert --in report.json --format csv --out csv/\n')
    .action((opts: { in: string; format: string; out?: string; quiet?: boolean }) => {
      writeReportOutput(() => readReportFile(opts.in), opts, io);
      if (opts.format === 'csv' && !opts.quiet) io.stderr.write('(transfers.csv needs the trace graph: trace --format csv)\n');
    });
}
