/**
 * Transaction-level flow (issue #20) on REAL mainnet data: the ethereum-etl stream sample of blocks 17173049–17173050
 * (Uniswap v2 and v3 swaps, Universal Router, 1inch, MetaMask Swaps) through the DuckDB warehouse source, with the
 * contracts the sample itself proves (fixtures/reference/ethereum/proven-contracts, made by
 * test/support/proven-contracts.ts). Every expected figure is computed here from the raw JSON rows, with the box
 * rule of test/support/swap-oracle.ts, which shares no code with src/.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWarehouseAdapter, type WarehouseAdapter } from '../../../src/adapters/warehouse/adapter.js';
import { createDuckDbWarehouse } from '../../../src/adapters/warehouse/duckdb.js';
import { trace, type TraceResult } from '../../../src/trace/trace.js';
import {
  PROVEN_CONTRACTS,
  provenContracts,
  sampleLogs,
  sampleTransactions,
  sampleTransfers,
  STREAM_SAMPLE,
  type SampleTransfer,
} from '../../support/etl-sample.js';
import { cli } from '../../support/cli.js';
import { classifyByLabel } from '../../../src/heuristics/classify.js';
import { createBuiltinLabelStore } from '../../../src/labels/builtin.js';
import { contractsFileText, deriveContracts, readExport } from '../../support/proven-contracts.js';
import { throughContracts } from '../../support/swap-oracle.js';

const WETH = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
const DEPOSIT = '0xe1fffcc4923d04b559f4d29a8bfc6cda04eb5b0d3c460751c2402c5c5cc9109c';
const WITHDRAWAL = '0x7fcf532c15f0a6db0bd6d0e038bea71d30d808c7d98cb3bf7268a95bf5081b65';
const ZERO = `0x${'0'.repeat(40)}`;

const transfers = sampleTransfers();
const transactions = sampleTransactions();
const logs = sampleLogs();
const contracts = provenContracts();
const isContract = (a: string) => contracts.has(a);
const txByHash = new Map(transactions.map((t) => [t.hash, t]));

/** One value movement of a transaction as the oracle reads the rows: WETH counts as ETH (asset 'ETH'). */
interface Move {
  from: string;
  to: string;
  asset: string;
  amount: bigint;
  /** Log index; -1 for the transaction's own value. */
  log: number;
}

/** Every value movement the sample shows for a transaction: its own ETH value, Transfer rows, WETH Deposit/Withdrawal. */
function movesOf(hash: string): Move[] {
  const tx = txByHash.get(hash)!;
  if (!tx.ok) return [];
  const moves: Move[] = [];
  if (tx.to !== null && tx.value > 0n) moves.push({ from: tx.from, to: tx.to, asset: 'ETH', amount: tx.value, log: -1 });
  for (const t of transfers.filter((r) => r.tx === hash)) {
    moves.push({ from: t.from, to: t.to, asset: t.token === WETH ? 'ETH' : t.token, amount: t.value, log: t.logIndex });
  }
  for (const l of logs.filter((r) => r.tx === hash && r.address === WETH && r.topics.length === 2)) {
    const who = `0x${l.topics[1]!.slice(-40)}`;
    if (l.topics[0] === DEPOSIT) moves.push({ from: WETH, to: who, asset: 'ETH', amount: BigInt(l.data), log: l.logIndex });
    if (l.topics[0] === WITHDRAWAL) moves.push({ from: who, to: WETH, asset: 'ETH', amount: BigInt(l.data), log: l.logIndex });
  }
  return moves;
}

interface Expected {
  /** The box's inputs in the seed's asset (movements from non-contracts into contracts), with their tainted part. */
  inputs: { amount: bigint; tainted: bigint }[];
  /** Box outputs (contract -> non-contract) with their tainted part, by recipient and asset. */
  outputs: { to: string; asset: string; amount: bigint; tainted: bigint; log: number }[];
  /** Per asset: tainted input the contracts keep; tainted output beyond tainted input. */
  kept: Map<string, bigint>;
  produced: Map<string, bigint>;
  contracts: string[];
}

/**
 * The box rule over one transaction whose payment `seed` (a Transfer row into a contract) is tainted in full: the
 * share is the seed over every input of its asset (inputs in other assets do not dilute it), step 4 of the oracle.
 */
function expectedBox(seed: Payment): Expected {
  const moves = movesOf(seed.tx);
  const asset = seed.asset;
  const inputs = moves
    .filter((m) => !isContract(m.from) && isContract(m.to) && m.asset === asset)
    .map((m) => ({ asset: m.asset, amount: m.amount, tainted: m.log === seed.logIndex ? m.amount : 0n }));
  const outputs = moves.filter((m) => isContract(m.from) && !isContract(m.to));
  const box = throughContracts(inputs, outputs);
  const out = outputs.map((o, i) => ({ to: o.to, asset: o.asset, amount: o.amount, tainted: box.tainted[i]!, log: o.log }));
  const kept = new Map<string, bigint>();
  const produced = new Map<string, bigint>();
  for (const a of new Set([asset, ...out.map((o) => o.asset)])) {
    const taintIn = a === asset ? seed.value : 0n;
    const taintOut = out.filter((o) => o.asset === a).reduce((s, o) => s + o.tainted, 0n);
    if (taintIn > taintOut) kept.set(a, taintIn - taintOut);
    if (taintOut > taintIn) produced.set(a, taintOut - taintIn);
  }
  const touched = [...new Set(moves.flatMap((m) => [m.from, m.to]).filter(isContract))].sort();
  return { inputs, outputs: out, kept, produced, contracts: touched };
}

/** A payment a seed can name: a Transfer row (`TX:N`) or a transaction's own value (`TX:-1`); WETH counts as ETH. */
interface Payment {
  tx: string;
  logIndex: number;
  from: string;
  to: string;
  asset: string;
  value: bigint;
}
const paymentOf = (t: SampleTransfer): Payment => ({ ...t, asset: t.token === WETH ? 'ETH' : t.token });
const seedRow = (tx: string, logIndex: number) => paymentOf(transfers.find((t) => t.tx.startsWith(tx) && t.logIndex === logIndex)!);
/** Every payment of the sample from a non-contract into a proven contract, in a successful transaction. */
function paymentsIntoContracts(): Payment[] {
  const intoContract = (p: Payment) => txByHash.get(p.tx)!.ok && p.from !== ZERO && !isContract(p.from) && isContract(p.to);
  const native = transactions.flatMap((t) =>
    t.to !== null && t.value > 0n ? [{ tx: t.hash, logIndex: -1, from: t.from, to: t.to, asset: 'ETH', value: t.value }] : [],
  );
  return [...native, ...transfers.map(paymentOf)].filter(intoContract);
}

/** The sample's tables as the warehouse source reads them, with the proven contracts as the `contracts` table. */
const TABLES = {
  token_transfers: join(STREAM_SAMPLE, 'expected_token_transfers.json'),
  transactions: join(STREAM_SAMPLE, 'expected_transactions.json'),
  logs: join(STREAM_SAMPLE, 'expected_logs.json'),
  contracts: PROVEN_CONTRACTS,
};

let adapter: WarehouseAdapter;
beforeAll(() => {
  adapter = createWarehouseAdapter({ chain: 'ethereum', engine: createDuckDbWarehouse({ tables: TABLES }) });
});
afterAll(async () => {
  await adapter?.close();
});

async function traceSeed(seed: Payment): Promise<TraceResult> {
  return trace({ seeds: [{ chain: 'ethereum', tx: seed.tx, index: seed.logIndex }], adapters: [adapter] });
}

/** Tainted part of every movement of the trace's graph, by tx and log index (only those above zero). */
function taintedEdges(result: TraceResult): { tx: string; log: number; from: string; to: string; taint: bigint }[] {
  const g = result.graph;
  return g
    .mapEdges((_k, a, s, t) => ({
      tx: String(a.tx),
      log: Number(a.logIndex),
      from: String(g.getNodeAttribute(s, 'address')).toLowerCase(),
      to: String(g.getNodeAttribute(t, 'address')).toLowerCase(),
      taint: BigInt(String(a.taint)),
    }))
    .filter((e) => e.taint > 0n);
}

/** Non-contract addresses that traded with `pool` in the sample's other transactions: their senders and payees. */
function customersOf(pool: string, except: string): Set<string> {
  const txs = new Set(transfers.filter((t) => t.tx !== except && (t.from === pool || t.to === pool)).map((t) => t.tx));
  const people = [...txs].flatMap((h) => [txByHash.get(h)!.from, ...movesOf(h).flatMap((m) => [m.from, m.to])]);
  return new Set(people.filter((a) => !isContract(a) && a !== ZERO));
}

/** Whether `address` moves `asset` out in a transaction after `tx` (then the trace follows it on). */
function spendsLater(address: string, asset: string, tx: string): boolean {
  const after = (h: string) => {
    const [a, b] = [txByHash.get(h)!, txByHash.get(tx)!];
    return a.block > b.block || (a.block === b.block && a.index > b.index);
  };
  return transactions.some((t) => after(t.hash) && movesOf(t.hash).some((m) => m.from === address && m.asset === asset));
}

/**
 * Traces one seed payment into a contract and checks the trace against the rule computed from the rows: the tainted
 * part of each box output of the seed's transaction, nothing tainted paid by a contract in any other transaction,
 * conservation, what the contracts keep, the recipients' holdings and no endpoint anywhere else.
 */
async function checkSeed(seed: Payment): Promise<{ result: TraceResult; want: Expected }> {
  expect(isContract(seed.to) && !isContract(seed.from)).toBe(true);
  const want = expectedBox(seed);
  // What the one-box reckoning here relies on: no recipient moves what came back on, in this transaction or later
  // in the sample (then the trace ends at the box's recipients). True of every seed of these two blocks.
  const tainted = want.outputs.filter((o) => o.tainted > 0n);
  const passedOn = tainted.filter((o) => movesOf(seed.tx).some((m) => m.from === o.to && m.asset === o.asset) || spendsLater(o.to, o.asset, seed.tx));
  expect(passedOn).toEqual([]);
  const result = await traceSeed(seed);
  const edges = taintedEdges(result);
  const outputs = edges.filter((e) => e.tx === seed.tx && isContract(e.from) && !isContract(e.to));
  const key = (o: { to: string; log: number }) => `${o.log}>${o.to}`;
  const sortKeys = <T extends { to: string; log: number }>(rows: T[]) => [...rows].sort((a, b) => a.log - b.log || (key(a) < key(b) ? -1 : 1));
  expect(sortKeys(outputs).map((o) => [key(o), o.taint])).toEqual(sortKeys(tainted).map((o) => [key(o), o.tainted]));
  // What a contract kept never taints its payouts in other transactions.
  expect(edges.filter((e) => e.tx !== seed.tx)).toEqual([]);
  const report = result.report;
  const assetOf = (e: { asset: { kind: string; contract?: string | undefined } }) =>
    e.asset.kind === 'native' || e.asset.contract?.toLowerCase() === WETH ? 'ETH' : e.asset.contract!.toLowerCase();
  // Conservation with the conversion's output: seeded + produced (the report's convertedIn) = endpoints + fees, per
  // asset, every row balanced.
  for (const row of report.conservation) {
    const produced = want.produced.get(assetOf(row)) ?? 0n;
    expect(BigInt(row.convertedIn ?? '0'), `convertedIn of ${row.asset.symbol}`).toBe(produced);
    expect(BigInt(row.seeded) + produced, `conservation of ${row.asset.symbol}`).toBe(BigInt(row.endpoints) + BigInt(row.fees));
    expect(row.balanced).toBe(true);
  }
  // The conversions section: one row per asset the box paid out other than the seed's, with the rule's figures.
  const totalIn = want.inputs.reduce((s, m) => s + m.amount, 0n);
  const outAssets = [...new Set(want.outputs.map((o) => o.asset))].filter((a) => a !== seed.asset);
  const expectedRows = outAssets.map((a) => {
    const rows = want.outputs.filter((o) => o.asset === a);
    const sum = (f: (o: (typeof rows)[number]) => bigint) => String(rows.reduce((s, o) => s + f(o), 0n));
    return [seed.tx, seed.asset, String(seed.value), String(totalIn), a, sum((o) => o.amount), sum((o) => o.tainted)];
  });
  const gotRows = (report.conversions ?? []).map((c) => [
    c.tx,
    assetOf({ asset: c.assetIn }),
    c.taintedIn,
    c.totalIn,
    assetOf({ asset: c.assetOut }),
    c.amountOut,
    c.taintedOut,
  ]);
  expect(gotRows.sort()).toEqual(expectedRows.sort());
  // What the contracts kept rests at the box's contracts; what came back, at its recipients; nothing anywhere else.
  const sums = (rows: { asset: { kind: string; contract?: string | undefined }; amount: string }[]) => {
    const out = new Map<string, bigint>();
    for (const e of rows) out.set(assetOf(e), (out.get(assetOf(e)) ?? 0n) + BigInt(e.amount));
    return out;
  };
  const recipients = new Set(tainted.map((o) => o.to));
  const at = (e: { address: string }) => e.address.toLowerCase();
  expect(report.endpoints.filter((e) => !want.contracts.includes(at(e)) && !recipients.has(at(e))).map(at)).toEqual([]);
  // Taint kept by the box's contracts ends there as kind 'contract', whichever contract of the box received it.
  expect(report.endpoints.filter((e) => want.contracts.includes(at(e)) && e.kind !== 'contract').map((e) => [at(e), e.kind])).toEqual([]);
  expect(sums(report.endpoints.filter((e) => want.contracts.includes(at(e))))).toEqual(want.kept);
  for (const to of recipients) {
    expect(sums(report.endpoints.filter((e) => at(e) === to))).toEqual(
      sums(
        tainted
          .filter((o) => o.to === to)
          .map((o) => ({ asset: o.asset === 'ETH' ? { kind: 'native' } : { kind: 'token', contract: o.asset }, amount: String(o.tainted) })),
      ),
    );
  }
  return { result, want };
}

describe('transaction-level flow on real mainnet swaps (ethereum-etl blocks 17173049–50, DuckDB)', { timeout: 120_000 }, () => {
  it('serves as contracts exactly what the sample proves: the vendored table is the derivation, no sender is in it', () => {
    const derived = deriveContracts(readExport(STREAM_SAMPLE));
    expect(readFileSync(PROVEN_CONTRACTS, 'utf8')).toBe(contractsFileText(derived));
    // A transaction's sender holds no code: a rule that put one in the table would be wrong.
    expect(transactions.filter((t) => isContract(t.from))).toEqual([]);
    // The Uniswap pools CREATE2 derives are all pools that logged: the two proofs agree.
    const pools = derived.filter((r) => r.proven_by.some((p) => p.startsWith('uniswap')));
    expect(pools.length).toBeGreaterThan(0);
    expect(pools.filter((r) => !r.proven_by.includes('log'))).toEqual([]);
  });

  it("a swapper's USDT paid into the USDT/WETH pair (0xc11b64ab…:261) taints all that came back to it, and no other customer of the pair", async () => {
    const seed = seedRow('0xc11b64ab', 261);
    const { result, want } = await checkSeed(seed);
    // The whole USDT input of the transaction is the seed, so everything the box paid out is tainted, all to the payer.
    const back = want.outputs.filter((o) => o.tainted > 0n);
    expect(back.length).toBeGreaterThan(0);
    expect(back.every((o) => o.to === seed.from && o.tainted === o.amount && o.asset !== seed.asset)).toBe(true);
    expect(want.kept).toEqual(new Map([[seed.asset, seed.value]]));
    // The pair's other customers in these blocks, among them 0x802455ad…, paid 7,200 USDT by the pair one block later.
    const others = customersOf(seed.to, seed.tx);
    const later = transfers.filter((t) => t.from === seed.to && t.token === seed.asset && t.tx !== seed.tx);
    expect(later.map((t) => [t.to, t.value])).toEqual([['0x802455ad7b3a6b7db54ce2698343e80778456e1c', 7_200_000_000n]]);
    expect(others.has(later[0]!.to)).toBe(true);
    const reached = new Set([...result.report.endpoints.map((e) => e.address.toLowerCase()), ...taintedEdges(result).flatMap((e) => [e.from, e.to])]);
    expect([...others].filter((a) => reached.has(a))).toEqual([]);
    expect(taintedEdges(result).every((e) => e.tx === seed.tx)).toBe(true);
  });

  it("does the same from the command line: `--source duckdb:DIR` over the sample's tables and the contracts table, `--seed TX:N`", async () => {
    const seed = seedRow('0xc11b64ab', 261);
    const want = expectedBox(seed);
    const dir = mkdtempSync(join(tmpdir(), 'chaintrail-real-swaps-'));
    try {
      for (const [table, file] of Object.entries(TABLES)) symlinkSync(file, join(dir, `${table}.json`));
      const { code, stdout } = await cli([
        'trace',
        '--chain',
        'ethereum',
        '--source',
        `duckdb:${dir}`,
        '--seed',
        `${seed.tx}:${seed.logIndex}`,
        '--format',
        'json',
        '--quiet',
      ]);
      expect(code).toBe(0);
      const report = JSON.parse(stdout) as { endpoints: { kind: string; address: string; asset: { contract?: string }; amount: string }[] };
      const got = report.endpoints.map((e) => [e.kind, e.address.toLowerCase(), e.asset.contract?.toLowerCase(), e.amount]).sort();
      const back = want.outputs.filter((o) => o.tainted > 0n).map((o) => ['unspent', o.to, o.asset, String(o.tainted)]);
      expect(got).toEqual([['contract', seed.to, seed.asset, String(seed.value)], ...back].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a v3 pool that pays out before it collects (0xeda67199…:323, USDC for USDT): all of the output is tainted all the same', async () => {
    const seed = seedRow('0xeda67199', 323);
    // The order in the rows: the pool's payment to the swapper is logged before the swapper's payment to the pool.
    const paid = transfers.filter((t) => t.tx === seed.tx && t.from === seed.to && t.to === seed.from);
    expect(paid.length).toBe(1);
    expect(paid[0]!.logIndex).toBeLessThan(seed.logIndex);
    const { result, want } = await checkSeed(seed);
    expect(want.outputs.map((o) => [o.to, o.asset, o.tainted])).toEqual([[seed.from, paid[0]!.token, paid[0]!.value]]);
    const held = result.report.endpoints.filter((e) => e.kind !== 'contract');
    expect(held.map((e) => [e.address.toLowerCase(), e.asset.contract?.toLowerCase(), e.amount])).toEqual([
      [seed.from, paid[0]!.token, String(paid[0]!.value)],
    ]);
  });

  it('a partly tainted input (0xec56bfb5…:290, one of two payments of a token into the box) taints each output by its share, rounded down', async () => {
    const seed = seedRow('0xec56bfb5', 290);
    const inputs = movesOf(seed.tx).filter((m) => !isContract(m.from) && isContract(m.to) && m.asset === seed.asset);
    expect(inputs).toHaveLength(2);
    const total = inputs.reduce((s, m) => s + m.amount, 0n);
    expect(seed.value * 10n).toBeLessThan(total);
    const { result, want } = await checkSeed(seed);
    const tainted = want.outputs.filter((o) => o.tainted > 0n);
    expect(new Set(tainted.map((o) => o.asset)).size).toBe(tainted.length);
    expect(tainted.length).toBeGreaterThanOrEqual(2);
    // One output per asset here: its tainted part is floor(amount × seed / total input of the seed's asset).
    for (const o of tainted) expect(o.tainted).toBe((o.amount * seed.value) / total);
    const held = result.report.endpoints.filter((e) => !isContract(e.address.toLowerCase()));
    expect(held.map((e) => BigInt(e.amount)).sort()).toEqual(tainted.map((o) => o.tainted).sort());
  });

  it.each([
    ['0xec7cc4df', -1],
    ['0x550f63a5', 26],
  ])("a sandwich victim's payment (%s…:%i) taints nothing of the front-run, the back-run or the pool's other customers", async (prefix, index) => {
    const seed = paymentsIntoContracts().find((p) => p.tx.startsWith(prefix) && p.logIndex === index)!;
    const { result, want } = await checkSeed(seed);
    // The transactions just before and after it in its block: the same bot, on a pool of the victim's box.
    const victim = txByHash.get(seed.tx)!;
    const legs = [victim.index - 1, victim.index + 1].map((i) => transactions.find((t) => t.block === victim.block && t.index === i)!);
    expect(legs[0]!.to).toBe(legs[1]!.to);
    const pools = want.contracts.filter((c) => legs.every((l) => transfers.some((r) => r.tx === l.hash && (r.from === c || r.to === c))));
    expect(pools.length).toBeGreaterThan(0);
    const around = transactions.filter((t) => t.hash !== seed.tx && transfers.some((r) => r.tx === t.hash && pools.some((p) => r.from === p || r.to === p)));
    expect(around.length).toBeGreaterThanOrEqual(2);
    const touched = new Set(taintedEdges(result).map((e) => e.tx));
    expect(touched.has(seed.tx)).toBe(true);
    expect(around.filter((t) => touched.has(t.hash)).map((t) => t.hash)).toEqual([]);
  });

  it('for every payment into a contract in the sample (token transfers and ETH value), the trace taints what the rule computed from the rows, and nothing else', async () => {
    const seeds = paymentsIntoContracts();
    expect(seeds.filter((p) => p.logIndex >= 0).length).toBeGreaterThanOrEqual(30);
    expect(seeds.filter((p) => p.logIndex < 0).length).toBeGreaterThanOrEqual(30);
    let outputs = 0;
    const failed: string[] = [];
    const builtin = createBuiltinLabelStore();
    let labeledStops = 0;
    for (const seed of seeds) {
      try {
        // A contract the built-in labels name as a stop (a bridge of the registry) ends the branch with the whole
        // payment; the box rule is not applied there.
        const stop = classifyByLabel(builtin, 'ethereum', seed.to);
        if (stop) {
          const { report } = await traceSeed(seed);
          expect(report.endpoints.map((e) => [e.kind, e.address.toLowerCase(), e.amount])).toEqual([[stop.kind, seed.to, String(seed.value)]]);
          labeledStops++;
          continue;
        }
        const { want } = await checkSeed(seed);
        outputs += want.outputs.filter((o) => o.tainted > 0n).length;
      } catch (error) {
        failed.push(`${seed.tx}:${seed.logIndex}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    expect(failed).toEqual([]);
    expect(outputs).toBeGreaterThan(0);
    // Most payments go into unlabeled contracts (pools, routers, token contracts), so the box rule above is what is tested.
    expect(labeledStops).toBeLessThan(seeds.length / 10);
  });

  it('an ETH leg paid by internal call (0xd5b8345a…:0) cannot be seen: the USDT stays with the contracts and a note names the conversion', async () => {
    const seed = seedRow('0xd5b8345a', 0);
    const { result, want } = await checkSeed(seed);
    // In the rows: the USDT reaches the pair through the MetaMask spender, WETH goes to 1inch, which unwraps it
    // (Withdrawal); nothing comes back to the swapper in a row, because its ETH came by an internal call.
    expect(want.outputs.filter((o) => o.tainted > 0n)).toEqual([]);
    const unwraps = movesOf(seed.tx).filter((m) => m.to === WETH && m.asset === 'ETH');
    expect(unwraps).toHaveLength(1);
    expect(want.kept).toEqual(new Map([[seed.asset, seed.value]]));
    // The report names that unwrap: its transaction, who unwrapped, how much, and that its ETH could not be followed.
    const [unwrap] = unwraps;
    const whole = unwrap!.amount / 10n ** 18n;
    const fraction = (unwrap!.amount % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '');
    const named = result.report.notes.filter((n) => n.startsWith(`Transaction ${seed.tx}: `));
    expect(named).toHaveLength(1);
    expect(named[0]).toContain(`${whole}.${fraction} wrapped ETH was unwrapped by ${unwrap!.from} (Withdrawal, log ${unwrap!.log})`);
    expect(named[0]).toMatch(/internal calls, which no traces table .* shows, so where it went \(a swap's output\) cannot be seen/);
  });
});
