import { createHash } from 'node:crypto';
import { Interface } from 'ethers';
import fc from 'fast-check';
import type { ChainAdapter } from '../../src/adapters/adapter.js';
import type { FixtureDatasetInput } from '../../src/adapters/fixture/schema.js';
import type * as Api from '../../src/index.js';
import { utxoWorld } from './utxo-world.js';
import { accountDataset, buildTransfers, caseArb, labelsOf, limitsOf, seedsOf, traceable } from './account-world.js';
import { build as sharedWorld, labelRows as sharedLabelRows, planArb as sharedPlanArb } from './shared-deposit-world.js';
import { BRIDGE_REGISTRY } from '../../src/heuristics/bridges.js';
import { mulberry32 } from './random.js';
import { swapDataset } from './swap-dataset.js';
import { addr, T0, txOf, USDT } from './world.js';

/**
 * Drawn worlds whose outputs are pinned to the engine as it was before its core became columnar (#22, commit
 * ec9d1c5): random account worlds (cycles, three assets and a look-alike, fees, seeds by tx and by address, windows,
 * random labels and cuts), swap worlds on Ethereum and TRON (boxes, conversions), bridge worlds (Across deposits from
 * Ethereum continued on Arbitrum by amount and time, with decoy fills), shared-deposit worlds (deposit inference,
 * attribution over several payments) and UTXO worlds, each under every taint model. The golden worlds and the
 * benchmark world pin layering; these pin the paths those do not reach.
 */

const MODELS = ['fifo', 'haircut', 'poison', 'tiho'] as const;

type Options = Omit<Parameters<typeof Api.trace>[0], 'adapters' | 'labels'>;

export interface ReferenceWorld {
  name: string;
  dataset: FixtureDatasetInput;
  labels: Api.Label[];
  /** Whether the built-in labels (and so the bridge registry's contracts) are read. */
  builtinLabels?: boolean;
  runs: Options[];
}

const label = (chain: string, address: string, entity: string, category: Api.Label['category'], jurisdictions: string[]): Api.Label => ({
  chain,
  address,
  entity,
  category,
  jurisdictions,
  confidence: 1,
  source: 'reference worlds',
  // A licence makes reports and packets cite the label's source (report/endpoint.ts statesLabelSource).
  licence: 'CC0-1.0',
});

function accountWorlds(): ReferenceWorld[] {
  return fc.sample(caseArb, { seed: 20261205, numRuns: 96 }).flatMap((c, i) => {
    const built = buildTransfers(c.poolSize, c.transfers);
    if (!built.some(traceable)) return [];
    const { seeds } = seedsOf(c, built);
    return [{ name: `account-${i}`, dataset: accountDataset(built), labels: labelsOf(c), runs: MODELS.map((taint) => ({ seeds, taint, ...limitsOf(c) })) }];
  });
}

function swapWorlds(): ReferenceWorld[] {
  return [11, 23, 37, 41, 53, 67, 79, 97].flatMap((seed) =>
    (['ethereum', 'tron'] as const).map((chain) => {
      const w = swapDataset(seed, chain);
      return {
        name: `swap-${chain}-${seed}`,
        dataset: w.dataset,
        labels: w.labels,
        runs: MODELS.map((taint) => ({ seeds: [{ chain, tx: w.seedTx }], taint })),
      };
    }),
  );
}

const USDT_ARB = '0xfd086bc7cd5c481dcc9c85ebe478a1c0b69fcbb9';

/**
 * A victim's USDT layered on Ethereum with clean money mixed in, part of it bridged through Across to Arbitrum in
 * one to three deposits (drawn amounts and relayer fees), each filled on Arbitrum within the hour beside decoy
 * payments of near amounts, then layered on Arbitrum towards a labeled exchange. Drawn from an integer seed.
 */
export function bridgeWorld(seed: number): ReferenceWorld {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const across = BRIDGE_REGISTRY.find((b) => b.protocol === 'across' && b.chain === 'ethereum')!;
  const event = new Interface([across.events[0]!.abi]);
  const name = (n: string) => addr(`bridge-${seed}:${n}`);
  const transfers: NonNullable<FixtureDatasetInput['transfers']> = [];
  const logs: NonNullable<FixtureDatasetInput['logs']> = [];
  let n = 0;
  const move = (chain: string, from: string, to: string, amount: bigint, at: number, asset: string) => {
    const tx = txOf(`bridge-${seed}:${n++}`);
    transfers.push({ chain, tx, logIndex: 0, block: 1_000 + at, time: T0 + at, from, to, asset, amount: String(amount) });
    return tx;
  };
  const paid = BigInt(int(1_000, 90_000)) * 1_000_000n;
  const seedTx = move('ethereum', name('victim'), name('collector'), paid, 0, 'usdt');
  move('ethereum', name('clean'), name('collector'), BigInt(int(0, 50_000)) * 1_000_000n, int(1, 300), 'usdt');
  let at = 600;
  let holder = name('collector');
  for (let hop = int(0, 2); hop > 0; hop--) {
    const next = name(`layer-${hop}`);
    move('ethereum', holder, next, (paid * BigInt(int(70, 100))) / 100n, at, 'usdt');
    holder = next;
    at += int(60, 7_200);
  }
  const deposits = int(1, 3);
  for (let d = 0; d < deposits; d++) {
    const amount = (paid * BigInt(int(10, 30))) / 100n;
    const output = amount - (amount * BigInt(int(1, 30))) / 10_000n;
    const recipient = name(`arb-${d}`);
    const depositAt = at + d * int(60, 1_800);
    const tx = move('ethereum', holder, across.address, amount, depositAt, 'usdt');
    const encoded = event.encodeEventLog(event.fragments[0] as never, [
      USDT,
      USDT_ARB,
      amount,
      output,
      42161n,
      100 + d,
      T0 + depositAt,
      T0 + depositAt + 3_600,
      0,
      holder,
      recipient,
      '0x0000000000000000000000000000000000000000',
      '0x',
    ]);
    logs.push({ chain: 'ethereum', tx, block: 1_000 + depositAt, logIndex: 1, address: across.address, topics: encoded.topics, data: encoded.data });
    const fillAt = depositAt + int(30, 3_000);
    move('evm:42161', name('relayer'), recipient, output, fillAt, 'usdt-arb');
    // Decoys: the relayer's payment of a near amount to someone else, before or after the fill.
    if (random() < 0.6) move('evm:42161', name('relayer'), name(`decoy-${d}`), output + BigInt(int(-5, 5)) * 1_000n, fillAt + int(-600, 600), 'usdt-arb');
    move(
      'evm:42161',
      recipient,
      random() < 0.7 ? name('exchange') : name(`hold-${d}`),
      (output * BigInt(int(50, 100))) / 100n,
      fillAt + int(60, 86_400),
      'usdt-arb',
    );
  }
  return {
    name: `bridge-${seed}`,
    dataset: {
      format: 'chaintrail-fixture',
      version: 1,
      assets: [
        { id: 'usdt', chain: 'ethereum', kind: 'token', contract: USDT, symbol: 'USDT', decimals: 6 },
        { id: 'usdt-arb', chain: 'evm:42161', kind: 'token', contract: USDT_ARB, symbol: 'USDT', decimals: 6 },
      ],
      transfers,
      logs,
    },
    labels: [label('evm:42161', name('exchange'), 'Arb Exchange', 'exchange', ['SC'])],
    builtinLabels: true,
    runs: MODELS.map((taint) => ({ seeds: [{ chain: 'ethereum', tx: seedTx }], taint })),
  };
}

function sharedDepositWorlds(): ReferenceWorld[] {
  const labels = sharedLabelRows().map(([name, entity, category, jurisdictions]) => label('ethereum', addr(name), entity, category, jurisdictions));
  return fc.sample(sharedPlanArb, { seed: 20261205, numRuns: 6 }).map((plan, i) => {
    const w = sharedWorld(plan);
    const seeds = w.payments.map((p) => ({ chain: 'ethereum', tx: txOf(p.tx) }));
    return { name: `shared-deposit-${i}`, dataset: w.dataset, labels, runs: MODELS.map((taint) => ({ seeds, taint })) };
  });
}

function utxoWorlds(): ReferenceWorld[] {
  return [101, 202, 303].map((seed) => {
    const w = utxoWorld(seed);
    return {
      name: `utxo-${seed}`,
      dataset: w.dataset,
      labels: [label('bitcoin', w.exchange, 'Coin Exchange', 'exchange', ['SC'])],
      runs: MODELS.flatMap((taint) =>
        (['all-outputs', 'follow-change'] as const).map((peelMode) => ({
          seeds: [{ chain: 'bitcoin', tx: w.seedTx }],
          taint,
          peelMode,
          caseJurisdiction: 'DE',
          maxHops: 5,
        })),
      ),
    };
  });
}

export function referenceWorlds(): ReferenceWorld[] {
  return [...accountWorlds(), ...swapWorlds(), ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(bridgeWorld), ...sharedDepositWorlds(), ...utxoWorlds()];
}

/** The source's answers without their ids: the engine then reads the movement objects (as from every network source). */
export function answeringWithObjects(adapter: ChainAdapter): ChainAdapter {
  return {
    ...adapter,
    async getTransfers(query) {
      const { transfers, truncated } = await adapter.getTransfers(query);
      return { transfers, truncated };
    },
  };
}

const text = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * Every output of every run of `world` (report JSON, summary, endpoint, conversion and graph CSVs, request packets,
 * freeze candidates; a rejected trace: its error's message) hashed together, traced by the engine `api` gives; with
 * the number of endpoints, so a digest of empty reports shows as such.
 */
export async function worldDigest(
  api: typeof Api,
  world: ReferenceWorld,
  answering: (adapter: ChainAdapter) => ChainAdapter = (a) => a,
): Promise<[endpoints: number, digest: string]> {
  const adapter = answering(api.createFixtureAdapter({ dataset: world.dataset }));
  const h = createHash('sha256');
  let endpoints = 0;
  for (const options of world.runs) {
    try {
      const r = await api.trace({ ...options, adapters: [adapter], labels: api.createLabelStore(world.labels), builtinLabels: world.builtinLabels ?? false });
      endpoints += r.report.endpoints.length;
      h.update(api.reportToJson(r.report));
      h.update(api.reportToSummary(r.report));
      h.update(api.reportToEndpointsCsv(r.report));
      h.update(api.reportToConversionsCsv(r.report));
      h.update(api.graphToTransfersCsv(r.graph, r.report));
      h.update(text(api.buildRequestPackets(r.report)));
      h.update(text(api.freezeCandidates(r.report)));
    } catch (e) {
      h.update(`rejected: ${(e as Error).message}`);
    }
  }
  return [endpoints, h.digest('hex').slice(0, 16)];
}
