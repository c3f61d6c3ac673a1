import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { startEtherscanServer, type EtherscanServer, type Row } from '../support/etherscan-server.js';
import { evmAddress, timeOf, tokenRow } from '../support/etherscan-data.js';
import { startTronServer, trc20, tronAddress, type TronServer } from '../support/trongrid-server.js';

const SENTINEL = 'SENTINEL-KEY-7f3a9c2e51d04b8a';
let etherscan: EtherscanServer;
let tron: TronServer;
const T0 = 1_700_000_000_000;

beforeAll(async () => {
  const rows: Row[] = [tokenRow(1, 10, evmAddress(1), evmAddress(2), '5000000'), tokenRow(2, 11, evmAddress(2), evmAddress(3), '5000000')];
  etherscan = await startEtherscanServer({
    data: { tokentx: rows, blocks: Array.from({ length: 30 }, (_, b) => ({ number: b, timestamp: timeOf(b) })) },
    apiKey: SENTINEL,
  });
  tron = await startTronServer({
    data: { trc20: [trc20(1, tronAddress(1), tronAddress(2), '7000000', T0), trc20(2, tronAddress(2), tronAddress(3), '7000000', T0 + 60_000)] },
    apiKey: SENTINEL,
  });
});
afterAll(async () => {
  await etherscan.close();
  await tron.close();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('API keys never leak', () => {
  it('appear in no output, error, report, evidence or cache file', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const env = { ETHERSCAN_API_KEY: SENTINEL, TRONGRID_API_KEY: SENTINEL };
    const cache = join(dir, 'cache.db');
    const outputs: string[] = [];
    const run = async (args: string[], e: NodeJS.ProcessEnv = env) => {
      const r = await cli(args, e);
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    const eth = await run([
      'trace',
      '--chain',
      'ethereum',
      '--source',
      `etherscan:${etherscan.apiUrl}`,
      '--seed',
      evmAddress(2),
      '--from',
      String(timeOf(0)),
      '--to',
      String(timeOf(29)),
      '--cache',
      cache,
      '--format',
      'json',
      '--out',
      join(dir, 'eth.json'),
    ]);
    expect(eth.code).toBe(0);
    const trx = await run([
      'trace',
      '--chain',
      'tron',
      '--source',
      `trongrid:${tron.url}`,
      '--seed',
      tronAddress(2),
      '--from',
      String(T0 / 1000 - 1),
      '--to',
      String(T0 / 1000 + 3600),
      '--cache',
      cache,
      '--format',
      'json',
      '--out',
      join(dir, 'tron.json'),
    ]);
    expect(trx.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'eth.json'), 'utf8')).evidence.length).toBeGreaterThan(0);
    await run(['verify', join(dir, 'eth.json'), '--cache', cache]);
    // A wrong key: the error must not echo either key.
    const wrong = `${SENTINEL}-WRONG`;
    const bad = await run(
      [
        'trace',
        '--chain',
        'ethereum',
        '--source',
        `etherscan:${etherscan.apiUrl}`,
        '--seed',
        evmAddress(2),
        '--from',
        String(timeOf(0)),
        '--to',
        String(timeOf(29)),
        '--no-cache',
      ],
      { ETHERSCAN_API_KEY: wrong },
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/key/i);

    // The servers did receive the key: the check below is not vacuous.
    expect(etherscan.requests.some((r) => r.query.get('apikey') === SENTINEL)).toBe(true);
    expect(tron.requests.some((r) => r.headers['tron-pro-api-key'] === SENTINEL)).toBe(true);
    for (const text of outputs) expect(text).not.toContain(SENTINEL);
    for (const file of filesUnder(dir)) expect(readFileSync(file).includes(SENTINEL), file).toBe(false);
  });
});

describe('the source has no dynamic code', () => {
  it('uses neither eval nor new Function', () => {
    const offenders = filesUnder('src').filter((f) => /\beval\s*\(|new\s+Function\s*\(/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
