import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/io.js';
import { OPTIONAL_PACKAGES, type OptionalPackage } from '../../src/core/optional.js';

const exec = promisify(execFile);
const HIDE = ['--import', 'tsx', '--import', './test/support/hide-packages-register.mjs'];

/** Runs a script in a child node whose module resolution does not find `hidden` (as if never installed). */
async function node(args: string[], hidden: string[]) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [...HIDE, ...args], {
      env: { ...process.env, CHAINTRAIL_HIDE_PACKAGES: hidden.join(',') },
      maxBuffer: 32 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const chaintrail = (args: string[], hidden: string[]) => node(['src/cli/bin.ts', ...args], hidden);

const tmp = mkdtempSync(join(tmpdir(), 'optional-'));
const tables = join(tmp, 'etl');
mkdirSync(tables, { recursive: true });
writeFileSync(join(tables, 'token_transfers.csv'), 'token_address,from_address,to_address,value,transaction_hash,log_index,block_number,block_timestamp\n');
const SEED = `0x${'11'.repeat(32)}`;

/** A command per optional package that needs it (never reaching a network service). */
const COMMANDS: [OptionalPackage, string[]][] = [
  ['@duckdb/node-api', ['trace', '--chain', 'ethereum', '--source', `duckdb:${tables}`, '--seed', SEED, '--quiet', '--no-cache']],
  ['@google-cloud/bigquery', ['trace', '--chain', 'ethereum', '--source', 'bigquery:my-project', '--seed', SEED, '--quiet', '--no-cache']],
  ['better-sqlite3', ['case', 'list', '--db', join(tmp, 'cases.db')]],
  ['pg', ['case', 'list', '--db', 'postgres://investigator:s3cret-pw@127.0.0.1:1/cases']],
];

describe('optional packages', () => {
  it.each(COMMANDS)('without %s, the feature fails in one line naming the package to install', { timeout: 120_000 }, async (name, args) => {
    const { code, stdout, stderr } = await chaintrail(args, [name]);
    const major = OPTIONAL_PACKAGES[name].range.replace(/^\^/, '').split('.')[0];
    expect(code).toBe(EXIT.failure);
    expect(stdout).toBe('');
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).toContain(`needs the optional package ${name}, which is not installed: run \`npm install ${name}@${major}\``);
    expect(stderr).toMatch(/\[MISSING_DEPENDENCY\]\n$/);
    expect(stderr).not.toContain('s3cret-pw');
  });

  it('with the package present, the same commands get past loading it', { timeout: 120_000 }, async () => {
    for (const [name, args] of COMMANDS.filter(([n]) => n === '@duckdb/node-api' || n === 'better-sqlite3')) {
      const { stderr } = await chaintrail(args, []);
      expect(stderr, name).not.toContain('MISSING_DEPENDENCY');
    }
  });

  it('the root entry traces the demo with none of the optional or CLI-only packages installed', { timeout: 120_000 }, async () => {
    const all = await node(['test/support/root-demo.ts'], []);
    const bare = await node(['test/support/root-demo.ts'], [...Object.keys(OPTIONAL_PACKAGES), 'commander', 'cli-progress']);
    expect(bare.stderr).toBe('');
    expect(bare.code).toBe(0);
    expect(JSON.parse(bare.stdout).endpoints.length).toBeGreaterThan(0);
    expect(bare.stdout).toBe(all.stdout);
  });
});
