import { id } from 'ethers';
import type { FixtureDatasetInput } from '../../src/adapters/fixture/schema.js';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { createLabelStore } from '../../src/labels/store.js';
import type { Label } from '../../src/core/schema.js';

/** Small hand-made account-chain worlds for engine tests: named addresses, one USDT-like token. */
export const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
export const addr = (name: string) => `0x${id(`test:${name}`).slice(26)}`;
export const txOf = (name: string) => id(`tx:${name}`);
export const T0 = 1_760_000_000;

export interface Step {
  tx: string;
  from: string;
  to: string;
  amount: number | bigint;
  at: number;
  asset?: string;
  fee?: bigint;
}

export function world(steps: Step[], extraAssets: FixtureDatasetInput['assets'] = []): FixtureDatasetInput {
  return {
    format: 'chaintrail-fixture',
    version: 1,
    assets: [{ id: 'usdt', chain: 'ethereum', kind: 'token', contract: USDT, symbol: 'USDT', decimals: 6 }, ...(extraAssets ?? [])],
    transfers: steps.map((s, i) => ({
      chain: 'ethereum',
      tx: txOf(s.tx),
      logIndex: s.asset === 'native' ? -1 : 0,
      block: 100 + i,
      time: T0 + s.at,
      from: addr(s.from),
      to: addr(s.to),
      asset: s.asset ?? 'usdt',
      amount: String(s.amount),
      ...(s.fee !== undefined ? { fee: String(s.fee) } : {}),
    })),
  };
}

export function adapterFor(steps: Step[], extraAssets?: FixtureDatasetInput['assets']) {
  return createFixtureAdapter({ dataset: world(steps, extraAssets) });
}

export function labels(rows: [name: string, entity: string, category: Label['category'], jurisdictions?: string[]][]) {
  return createLabelStore(
    rows.map(([name, entity, category, jurisdictions = []]) => ({
      chain: 'ethereum',
      address: addr(name),
      entity,
      category,
      jurisdictions,
      confidence: 1,
      source: 'test',
    })),
  );
}
