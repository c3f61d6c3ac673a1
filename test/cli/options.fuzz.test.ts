import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const token = fc.oneof(
  fc.constantFrom(
    'trace',
    'demo',
    '--chain',
    'ethereum',
    'tron',
    '--source',
    'fixture:fixtures/demo/dataset.json',
    '--seed',
    '--hops',
    '-1',
    '99999999999',
    '--min-value',
    'abc',
    '--taint',
    'magic',
    '--format',
    'xml',
    '--case-jurisdiction',
    'ZZ',
    '--max-nodes',
    '0',
    '--quiet',
    '--from',
    'yesterday',
  ),
  fc.string({ maxLength: 20 }),
);

describe('CLI option parsing under fuzzing', () => {
  it('answers any argument list with a documented exit code and never an unexpected error', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 8 }), async (args) => {
        const { code, stderr } = await cli(args.filter((a) => a !== 'demo'));
        expect([0, 2, 3, 4]).toContain(code);
        expect(stderr).not.toMatch(/unexpected error/);
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
