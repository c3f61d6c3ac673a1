import { dirname } from 'node:path';
import type { Command } from 'commander';
import { createResponseCache, DEFAULT_CACHE_PATH } from '../../cache/store.js';
import { readReportEvidence } from '../../report/packets.js';
import { cacheFile } from '../cache-flag.js';
import { verifyEvidence } from '../../report/verify.js';
import type { CliIo } from '../io.js';

/** Exit code when some evidence does not match or nothing could be checked (documented in README). */
export const EXIT_VERIFY_FAILED = 5;

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerVerifyCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('verify')
    .description("Check a report's evidence: every answer it relied on in the cache, every fixture dataset by its SHA-256")
    .argument('<report>', 'a JSON report written by chaintrail trace --format json')
    .option('--cache <file>', `the cache the trace ran with (default: $CHAINTRAIL_CACHE or ${DEFAULT_CACHE_PATH})`)
    .option(
      '--dataset <file>',
      "a fixture source's dataset file (default: the file named in the report, next to the report or in the current folder); repeatable",
      collect,
    )
    .addHelpText(
      'after',
      '\nExamples:\n  chaintrail verify report.json --cache case-17.answers.log\n  chaintrail verify demo.json --dataset fixtures/demo/dataset.json\n',
    )
    .action((file: string, opts: { cache?: string; dataset?: string[] }) => {
      const report = readReportEvidence(file);
      const network = report.evidence.some((e) => e.source !== 'fixture');
      // A fixture-only report needs no cache (and verifying must not create one).
      const cache = network ? createResponseCache({ path: cacheFile(opts.cache, io.env) }) : undefined;
      try {
        const checks = verifyEvidence(report, cache, { ...(opts.dataset ? { datasets: opts.dataset } : {}), searchDirs: [dirname(file), '.'] });
        for (const c of checks) {
          io.stdout.write(`${c.status.padEnd(8)} ${c.source}: ${c.request}${c.file ? ` (${c.file})` : ''}${c.hint ? `: ${c.hint}` : ''}\n`);
        }
        const bad = checks.filter((c) => c.status !== 'match').length;
        if (checks.length === 0) {
          io.stdout.write(
            `nothing verified: ${file} lists no evidence (no answer or dataset the trace relied on), so it cannot be checked; trace again with this version to record it\n`,
          );
          setExit(EXIT_VERIFY_FAILED);
          return;
        }
        io.stdout.write(`${checks.length - bad} of ${checks.length} answers verified${bad ? `, ${bad} missing or different` : ''}\n`);
        if (bad) setExit(EXIT_VERIFY_FAILED);
      } finally {
        cache?.close();
      }
    });
}
