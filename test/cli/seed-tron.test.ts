import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceReportSchema } from '../../src/core/schema.js';
import { EXIT } from '../../src/cli/io.js';
import { startTronServer, transferLog, triggerCall, tronAddress, tronTxid, USDT_TRC20, type TronServer } from '../support/trongrid-server.js';
import { cli } from '../support/cli.js';

// TRON receipts number events per transaction (the `log` array of /wallet/gettransactioninfobyid): `TX:N` names the
// Transfer event at position N, whatever other events (an Approval) come before it.
const KEY = 'tron-test-key';
const T0 = 1_700_000_000_000;
const APPROVAL = '8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925';
const VICTIM = tronAddress(0x1001);

interface Case {
  txid: string;
  /** Event positions of the Transfers, with recipient and amount. */
  transfers: { position: number; to: string; amount: bigint }[];
  events: number;
}

let server: TronServer;
const cases: Case[] = [];

beforeAll(async () => {
  const drawn = fc.sample(
    fc.record({
      amounts: fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: 1, maxLength: 5 }),
      approvalAt: fc.nat({ max: 5 }),
    }),
    { numRuns: 5, seed: 23 },
  );
  const transactions = [];
  const infos: Record<string, unknown> = {};
  for (const [i, d] of drawn.entries()) {
    const n = 0x7000 + i;
    const txid = tronTxid(n);
    const logs: unknown[] = d.amounts.map((amount, k) => transferLog(USDT_TRC20, VICTIM, tronAddress(0x9000 + i * 16 + k), amount));
    const at = Math.min(d.approvalAt, logs.length);
    const approval = transferLog(USDT_TRC20, VICTIM, tronAddress(0xabc), 0n);
    logs.splice(at, 0, { ...approval, topics: [APPROVAL, ...approval.topics.slice(1)] });
    const transfers = d.amounts.map((amount, k) => ({ position: k < at ? k : k + 1, to: tronAddress(0x9000 + i * 16 + k), amount }));
    transactions.push(triggerCall(n, VICTIM, USDT_TRC20, undefined, 600 + i, T0 + i * 3_000, 1_000));
    infos[txid] = { id: txid, fee: 1_000, blockNumber: 600 + i, blockTimeStamp: T0 + i * 3_000, receipt: { result: 'SUCCESS' }, log: logs };
    cases.push({ txid, transfers, events: logs.length });
  }
  server = await startTronServer({ data: { transactions, infos }, apiKey: KEY });
});

afterAll(async () => {
  await server?.close();
});

const run = (seed: string) =>
  cli(['trace', '--chain', 'tron', '--source', `trongrid:${server.url}`, '--seed', seed, '--hops', '0', '--no-cache', '--quiet', '--format', 'json'], {
    TRONGRID_API_KEY: KEY,
  });

describe('--seed TX:N on TRON (TronGrid receipts)', () => {
  it('seeds the Transfer event at position N of the receipt, counting the events before it', { timeout: 60_000 }, async () => {
    for (const c of cases) {
      for (const t of c.transfers) {
        const r = await run(`${c.txid}:${t.position}`);
        expect(r.code, r.stderr).toBe(0);
        const report = TraceReportSchema.parse(JSON.parse(r.stdout));
        expect(report.seeds.map((s) => [s.tx, s.address, s.amount, s.asset.symbol])).toEqual([[c.txid, t.to, t.amount.toString(), 'USDT']]);
      }
    }
  });

  it("refuses the Approval's position and a position past the log, listing the transfers it holds", { timeout: 60_000 }, async () => {
    for (const c of cases) {
      const approval = [...Array(c.events).keys()].find((p) => !c.transfers.some((t) => t.position === p))!;
      for (const position of [approval, c.events]) {
        const r = await run(`${c.txid}:${position}`);
        expect(r.code).toBe(EXIT.invalidInput);
        expect(r.stderr).toContain(`Seed ${c.txid}:${position} on tron names no movement of that transaction; it holds `);
        for (const t of c.transfers) expect(r.stderr).toContain(`TX:${t.position} token transfer of `);
      }
    }
  });
});
