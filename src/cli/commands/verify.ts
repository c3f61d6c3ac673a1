import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describeZodIssues, InvalidInputError } from '../../core/errors.js';
import { TraceReportSchema } from '../../core/schema.js';
import { createResponseCache, DEFAULT_CACHE_PATH } from '../../cache/store.js';
import { verifyEvidence } from '../../report/verify.js';
import type { CliIo } from '../main.js';

/** Exit code when some evidence does not match (documented in README). */
export const EXIT_VERIFY_FAILED = 5;

export function registerVerifyCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('verify')
    .description("Check a report's evidence: every answer it relied on must be in the cache with the same SHA-256")
    .argument('<report>', 'a JSON report written by chaintrail trace --format json')
    .option('--cache <file>', `the cache the trace ran with (default: $CHAINTRAIL_CACHE or ${DEFAULT_CACHE_PATH})`)
    .addHelpText('after', '\nExamples:\n  chaintrail verify report.json --cache case-17.answers.log\n')
    .action((file: string, opts: { cache?: string }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new InvalidInputError(`Cannot read report ${file}: ${(error as Error).message}`, { details: { file } });
      }
      const parsed = TraceReportSchema.safeParse(raw);
      if (!parsed.success) throw new InvalidInputError(`${file} is not a chaintrail report: ${describeZodIssues(parsed.error.issues)}`, { details: { file } });
      const cache = createResponseCache({ path: opts.cache ?? io.env.CHAINTRAIL_CACHE ?? DEFAULT_CACHE_PATH });
      try {
        const checks = verifyEvidence(parsed.data, cache);
        for (const c of checks) io.stdout.write(`${c.status.padEnd(8)} ${c.source}: ${c.request}\n`);
        const bad = checks.filter((c) => c.status !== 'match').length;
        io.stdout.write(`${checks.length - bad} of ${checks.length} answers verified${bad ? `, ${bad} missing or different` : ''}\n`);
        if (bad) setExit(EXIT_VERIFY_FAILED);
      } finally {
        cache.close();
      }
    });
}
