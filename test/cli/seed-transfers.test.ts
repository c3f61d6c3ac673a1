import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceReportSchema, type TraceReport } from '../../src/core/schema.js';
import { EXIT } from '../../src/cli/io.js';
import { actor, startLocalChain, type Deployed, type LocalChain, type Receipt } from '../support/ganache.js';
import { cli } from '../support/cli.js';

// One EVM transaction moving several token transfers (batchTransfer), drawn over varied recipients and amounts,
// and a plain native payment: `--seed TX:N` names one of them by log index, `TX:native` the transaction's own value.
const SLOW = 120_000;
const UNIT = 10n ** 6n;
const POOL = Array.from({ length: 8 }, (_, i) => `r${i}`);

interface Batch {
  receipt: Receipt;
  transfers: { logIndex: number; to: string; amount: bigint }[];
}

let chain: LocalChain;
let token: Deployed;
const batches: Batch[] = [];
let native: Receipt;

beforeAll(async () => {
  chain = await startLocalChain({ actors: ['deployer', 'alice', 'bob'] });
  token = await chain.deploy('deployer', 'TestToken', ['Case Token', 'CTK', 6, 10_000_000_000n * UNIT]);
  await chain.invoke('deployer', token, 'transfer', [actor('alice'), 1_000_000_000n * UNIT]);
  // Batches of 2 to 6 transfers to distinct recipients, amounts from one base unit to a million tokens.
  const drawn = fc.sample(
    fc.uniqueArray(fc.record({ to: fc.constantFrom(...POOL), amount: fc.bigInt({ min: 1n, max: 1_000_000n * UNIT }) }), {
      minLength: 2,
      maxLength: 6,
      selector: (r) => r.to,
    }),
    { numRuns: 4, seed: 17 },
  );
  for (const draw of drawn) {
    const to = draw.map((d) => actor(d.to));
    const receipt = await chain.invoke('alice', token, 'batchTransfer', [to, draw.map((d) => d.amount)]);
    const transfers = receipt.logs.map((log, i) => ({ logIndex: Number(log.logIndex), to: to[i]!, amount: draw[i]!.amount }));
    batches.push({ receipt, transfers });
  }
  native = await chain.send('alice', { to: actor('bob'), value: 3n * 10n ** 17n });
}, SLOW);

afterAll(async () => {
  await chain?.close();
});

async function run(seeds: string[]) {
  return cli([
    'trace',
    '--chain',
    chain.chain,
    '--source',
    `rpc:${chain.url}`,
    ...seeds.flatMap((s) => ['--seed', s]),
    '--hops',
    '0',
    '--no-cache',
    '--quiet',
    '--format',
    'json',
  ]);
}

async function report(seeds: string[]): Promise<TraceReport> {
  const r = await run(seeds);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return TraceReportSchema.parse(JSON.parse(r.stdout));
}

describe('--seed TX:N on an EVM chain (ganache, signed transactions)', () => {
  it('seeds exactly the token transfer the log index names, at its recipient', { timeout: SLOW }, async () => {
    let checked = 0;
    for (const { receipt, transfers } of batches) {
      for (const t of transfers) {
        const r = await report([`${receipt.transactionHash}:${t.logIndex}`]);
        expect(r.seeds.map((s) => [s.tx, s.address.toLowerCase(), s.amount, s.asset.symbol])).toEqual([
          [receipt.transactionHash, t.to, t.amount.toString(), 'CTK'],
        ]);
        expect(r.endpoints.map((e) => [e.kind, e.address.toLowerCase(), e.amount])).toEqual([['hop-limit', t.to, t.amount.toString()]]);
        checked++;
      }
    }
    expect(checked).toBe(batches.reduce((s, b) => s + b.transfers.length, 0));
  });

  it('seeds every transfer of the transaction when no index is given', { timeout: SLOW }, async () => {
    for (const { receipt, transfers } of batches) {
      const r = await report([receipt.transactionHash]);
      expect(r.seeds.map((s) => [s.address.toLowerCase(), s.amount]).sort()).toEqual(transfers.map((t) => [t.to, t.amount.toString()]).sort());
      expect(r.conservation[0]).toMatchObject({ seeded: transfers.reduce((s, t) => s + t.amount, 0n).toString(), balanced: true });
    }
  });

  it('names the native value TX:native, and refuses a number that names nothing, listing what the transaction holds', { timeout: SLOW }, async () => {
    const r = await report([`${native.transactionHash}:native`]);
    expect(r.seeds.map((s) => [s.address.toLowerCase(), s.amount, s.asset.kind])).toEqual([[actor('bob'), (3n * 10n ** 17n).toString(), 'native']]);
    const none = await run([`${native.transactionHash}:0`]);
    expect(none.code).toBe(EXIT.invalidInput);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toContain(
      `Seed ${native.transactionHash}:0 on evm:1337 names no movement of that transaction; it holds TX:native native value of 0.3 ETH`,
    );
    const { receipt, transfers } = batches[0]!;
    const missing = Math.max(...transfers.map((t) => t.logIndex)) + 1;
    const wrong = await run([`${receipt.transactionHash}:${missing}`]);
    expect(wrong.code).toBe(EXIT.invalidInput);
    for (const t of transfers) expect(wrong.stderr).toContain(`TX:${t.logIndex} token transfer of `);
    // A token call carries no native value: naming it is refused, not seeded as zero.
    const zero = await run([`${receipt.transactionHash}:native`]);
    expect(zero.code).toBe(EXIT.invalidInput);
    expect(zero.stderr).toContain(
      `Seed ${receipt.transactionHash}:native on evm:1337 names no movement of that transaction; it holds TX:${transfers[0]!.logIndex} token transfer`,
    );
  });
});
