import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { ChainAdapter } from '../../src/adapters/adapter.js';
import type { FixtureDatasetInput } from '../../src/adapters/fixture/schema.js';
import type * as Api from '../../src/index.js';
import { utxoWorld } from '../golden/worlds.js';
import { accountDataset, buildTransfers, caseArb, labelsOf, limitsOf, seedsOf, traceable } from './account-world.js';
import { build as sharedWorld, labelRows as sharedLabelRows, planArb as sharedPlanArb } from './shared-deposit-world.js';
import { swapDataset } from './swap-dataset.js';
import { addr, txOf } from './world.js';

/**
 * Drawn worlds whose outputs are pinned to the engine as it was before its core became columnar (#22, commit
 * ec9d1c5): random account worlds (cycles, three assets and a look-alike, fees, seeds by tx and by address, windows,
 * random labels and cuts), swap worlds on Ethereum and TRON (boxes, conversions), shared-deposit worlds (deposit
 * inference, attribution over several payments) and UTXO worlds, each under every taint model. The golden worlds and
 * the benchmark world pin layering; these pin the paths those do not reach.
 */

export const MODELS = ['fifo', 'haircut', 'poison', 'tiho'] as const;

type Options = Omit<Parameters<typeof Api.trace>[0], 'adapters' | 'labels'>;

export interface ReferenceWorld {
  name: string;
  dataset: FixtureDatasetInput;
  labels: Api.Label[];
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
  return [...accountWorlds(), ...swapWorlds(), ...sharedDepositWorlds(), ...utxoWorlds()];
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
      const r = await api.trace({ ...options, adapters: [adapter], labels: api.createLabelStore(world.labels), builtinLabels: false });
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
