import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAddress } from '../../src/core/address.js';
import { formatUnits } from '../../src/core/asset.js';
import { TraceReportSchema, type TraceReport } from '../../src/core/schema.js';
import { buildRequestPackets } from '../../src/report/packets.js';
import { freezeCandidates } from '../../src/report/freeze.js';
import { reportToJson } from '../../src/report/json.js';
import { createEvmRpcAdapter } from '../../src/adapters/evm-rpc/adapter.js';
import { createLabelStore } from '../../src/labels/store.js';
import { trace } from '../../src/trace/trace.js';
import { CHAIN } from '../support/ganache.js';
import { readChain, replayTaint, type TxMovements } from '../support/swap-oracle.js';
import { swapDataset, swapWorldParams, traceSwapWorld } from '../support/swap-dataset.js';
import { buildSwapWorld, drawSwapPlan } from '../support/swap-world.js';

const sumOf = (xs: readonly string[]) => xs.reduce((s, x) => s + BigInt(x), 0n);
const sameAsset = (a: TraceReport['endpoints'][number]['asset'], b: TraceReport['endpoints'][number]['asset']) =>
  a.chain === b.chain && (a.contract ?? '') === (b.contract ?? '');

describe('conservation through conversions', () => {
  it('balances every asset: seeded + convertedIn = endpoints + fees, figures from the report and the movements (generated swap worlds, Ethereum and TRON)', async () => {
    await fc.assert(
      fc.asyncProperty(swapWorldParams, async ([seed, taint, chain]) => {
        const world = swapDataset(seed, chain);
        const { in: paid, out: got } = world.symbols;
        const { report } = await traceSwapWorld(world, taint);
        const json = reportToJson(report);
        expect(TraceReportSchema.parse(JSON.parse(json))).toEqual(JSON.parse(json));
        const conversions = report.conversions ?? [];
        expect(conversions.length).toBeGreaterThan(0);
        for (const line of report.conservation) {
          // Recomputed from the report's own endpoints and conversions, not read from the line.
          const reached = sumOf(report.endpoints.filter((e) => sameAsset(e.asset, line.asset)).map((e) => e.amount));
          const producedHere = sumOf(conversions.filter((c) => sameAsset(c.assetOut, line.asset)).map((c) => c.taintedOut));
          expect(BigInt(line.convertedIn ?? '0')).toBe(producedHere);
          expect(line.endpoints).toBe(reached.toString());
          expect(BigInt(line.seeded) + BigInt(line.bridgedIn ?? '0') + BigInt(line.convertedIn ?? '0')).toBe(reached + BigInt(line.fees));
          expect(line).toMatchObject({ difference: '0', balanced: true });
          expect(line.explanation).toContain('every unit accounted for at an endpoint');
        }
        // The stablecoin's line names what went into swaps and what for; the output's line what came out and for what.
        const usdt = report.conservation.find((l) => l.asset.symbol === paid)!;
        const weth = report.conservation.find((l) => l.asset.symbol === got)!;
        const into = sumOf(conversions.filter((c) => c.assetIn.symbol === paid).map((c) => c.taintedIn));
        expect(usdt.explanation).toContain(`${formatUnits(into, 6)} ${paid} went into swaps/wraps in exchange for ${got}`);
        expect(weth.explanation).toContain(` ${got} came out of swaps/wraps for ${paid} (conversions)`);
        // Taint the pools kept stays at contracts: the USDT endpoints at contracts hold what the swaps took in less what
        // came back out in USDT (nothing here), and no clean user on the same pools is ever reached.
        const contracts = new Set(world.contracts.map((a) => formatAddress(chain, a)));
        const atContracts = report.endpoints.filter((e) => contracts.has(e.address));
        expect(atContracts.map((e) => e.kind)).toEqual(atContracts.map(() => 'contract'));
        expect(sumOf(atContracts.filter((e) => e.asset.symbol === paid).map((e) => e.amount))).toBe(into);
        const clean = new Set(world.actors.cleanUsers.map((a) => formatAddress(chain, a)));
        expect(report.endpoints.filter((e) => clean.has(e.address))).toEqual([]);
        expect(conversions.filter((c) => world.cleanSwapTxs.includes(c.tx))).toEqual([]);
        // Evidence: nothing kept by a contract is requested from anyone or offered as a freeze candidate.
        const requested = buildRequestPackets(report).flatMap((p) => p.addresses.map((a) => a.address));
        expect(requested.filter((a) => contracts.has(a))).toEqual([]);
        expect(freezeCandidates(report).flatMap((g) => g.endpoints.filter((e) => contracts.has(e.address)))).toEqual([]);
        expect(report.endpoints.filter((e) => e.kind === 'contract' && (e.freezable || e.inflows || e.victims))).toEqual([]);
      }),
      { numRuns: 16 },
    );
  }, 120_000);
});

describe('conservation through real contracts (ganache swap worlds against the independent oracle)', () => {
  it('every line balances, and its seeded, converted-in and fee figures, what contracts keep and others hold are the oracle’s', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const world = await buildSwapWorld(drawSwapPlan(seed));
        try {
          const chain = await readChain(world.chain.request, world.tokens.WETH.address, true);
          const charged = (tx: TxMovements) => tx.ok && tx.movements.some((m) => m.kind === 'value');
          const oracle = replayTaint(chain.txs, {
            contracts: chain.contracts,
            seeds: new Set(world.seeds),
            genesis: world.genesis,
            charged,
            feeOrder: 'after-value',
          });
          const { report } = await trace({
            seeds: world.seeds.map((tx) => ({ chain: CHAIN, tx })),
            adapters: [createEvmRpcAdapter({ url: world.chain.url, chain: CHAIN, wrappedNative: [world.tokens.WETH.address] })],
            labels: createLabelStore(world.labels.map((l) => ({ ...l, chain: CHAIN, jurisdictions: [], confidence: 1, source: 'test' }))),
            builtinLabels: false,
            maxHops: 20,
            from: 1,
          });
          TraceReportSchema.parse(JSON.parse(reportToJson(report)));
          // The oracle's streams, the wrapped token apart from native value as the engine keeps them ('ETH' or the
          // token's address): every figure of the report's line per asset is the oracle's.
          const streamOf = (a: { kind: string; contract?: string | undefined }) => (a.kind === 'native' ? 'ETH' : a.contract!.toLowerCase());
          const contracts = new Set([...chain.contracts].map((a) => formatAddress(CHAIN, a)));
          const zero = { seeded: 0n, produced: 0n, fees: 0n, held: 0n, kept: 0n };
          const figures = new Map<string, typeof zero>();
          const add = (stream: string, f: Partial<typeof zero>) => {
            const prev = figures.get(stream) ?? zero;
            figures.set(stream, Object.fromEntries(Object.entries(prev).map(([k, v]) => [k, v + (f[k as keyof typeof zero] ?? 0n)])) as typeof zero);
          };
          for (const line of report.conservation) {
            expect(line).toMatchObject({ difference: '0', balanced: true });
            add(streamOf(line.asset), { seeded: BigInt(line.seeded), produced: BigInt(line.convertedIn ?? '0'), fees: BigInt(line.fees) });
          }
          for (const e of report.endpoints) add(streamOf(e.asset), contracts.has(e.address) ? { kept: BigInt(e.amount) } : { held: BigInt(e.amount) });
          for (const [stream, l] of oracle.ledger) {
            const held = sumOf([...oracle.held.values()].map((byAsset) => (byAsset.get(stream) ?? 0n).toString()));
            expect({ stream, ...(figures.get(stream) ?? zero) }).toEqual({ stream, ...l, held });
          }
        } finally {
          await world.chain.close();
        }
      }),
      { numRuns: 2 },
    );
  }, 300_000);
});
