import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { InvalidInputError } from '../../core/errors.js';
import { reportToConversionsCsv, reportToEndpointsCsv } from '../../report/csv.js';
import { reportToJson } from '../../report/json.js';
import { buildRequestPackets, readReportFile } from '../../report/packets.js';
import { writePackets } from '../output.js';
import { reportToSummary } from '../../report/summary.js';
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
      writePackets(buildRequestPackets(readReportFile(opts.in)), opts.out, opts.quiet ? undefined : (path) => io.stdout.write(`${path}\n`), io.stderr);
    });

  report
    .command('convert')
    .description('Convert a JSON report to summary, json or csv (endpoints.csv); html, gexf, graphml need the trace graph: use trace --format')
    .requiredOption('--in <file>', 'JSON report (chaintrail trace --format json)')
    .addOption(new Option('--format <format>', 'output format').choices(['summary', 'json', 'csv', 'html', 'gexf', 'graphml']).default('summary'))
    .option('--out <path>', 'file to write (csv: a directory for endpoints.csv); default stdout')
    .addHelpText('after', '\nExamples:\n  chaintrail report convert --in report.json\n  chaintrail report convert --in report.json --format csv --out csv/\n')
    .action((opts: { in: string; format: string; out?: string }) => {
      if (opts.format === 'html' || opts.format === 'gexf' || opts.format === 'graphml') {
        throw new InvalidInputError(
          `--format ${opts.format} needs the trace graph, which a JSON report does not hold: run \`chaintrail trace … --format ${opts.format}\` (or demo) instead`,
          { details: { option: '--format', value: opts.format } },
        );
      }
      const r = readReportFile(opts.in);
      if (opts.format === 'csv') {
        if (!opts.out) throw new InvalidInputError('--format csv needs --out DIR (endpoints.csv is written there)', { details: { option: '--out' } });
        mkdirSync(opts.out, { recursive: true });
        writeFileSync(join(opts.out, 'endpoints.csv'), reportToEndpointsCsv(r));
        if (r.conversions) writeFileSync(join(opts.out, 'conversions.csv'), reportToConversionsCsv(r));
        io.stderr.write(
          `wrote ${join(opts.out, 'endpoints.csv')}${r.conversions ? ` and ${join(opts.out, 'conversions.csv')}` : ''} (transfers.csv needs the trace graph: trace --format csv)\n`,
        );
        return;
      }
      const text = opts.format === 'json' ? reportToJson(r) : reportToSummary(r);
      if (opts.out) writeFileSync(opts.out, text);
      else io.stdout.write(text);
    });
}
