import fc from 'fast-check';
import type { FixtureDatasetInput } from '../../src/adapters/fixture/schema.js';
import type { Category } from '../../src/core/schema.js';

/**
 * Random account-chain worlds: a small address pool (so there are cycles, merges and splits), victims that only pay
 * in, three traceable assets plus a look-alike token, zero and one-unit amounts, multi-log transactions, fees on native
 * transfers, seeds by tx and by address, random labels and limits. Drawn by the conservation property and pinned to
 * the pre-columnar engine's outputs (test/engine/reference-worlds.test.ts).
 */

const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const TKN = '0x7777777777777777777777777777777777777777';
const FAKE = '0xfafafafafafafafafafafafafafafafafafafafa';
export const T0 = 1_760_000_000;
const VICTIMS = 2;

export type AssetId = 'usdt' | 'native' | 'tkn' | 'fake';
export const ASSET_KEY: Record<AssetId, string> = { usdt: `token:${USDT}`, native: 'native:', tkn: `token:${TKN}`, fake: `token:${FAKE}` };
/** An asset's key as the report names it (kind and lower-cased contract), comparable with ASSET_KEY. */
export const reportAssetKey = (a: { kind: string; contract?: string | undefined }) => `${a.kind}:${a.contract?.toLowerCase() ?? ''}`;

/** Addresses of the pool (they trade among themselves), of the victims (they only pay in), and tx hashes by number. */
export const poolAddress = (i: number) => `0x${(0xa0 + i).toString(16)}${'5e'.repeat(19)}`;
export const victimAddress = (i: number) => `0x${(0xe0 + i).toString(16)}${'71'.repeat(19)}`;
export const txHash = (n: number) => `0x${(n + 1).toString(16).padStart(64, '0')}`;

interface TransferSpec {
  from: number;
  to: number;
  asset: AssetId;
  amount: bigint;
  time: number;
  sameTx: boolean;
  /** Forwards (about) what the previous movement delivered, from its recipient: layering chains and deposit sweeps. */
  follow: boolean;
  fee: bigint | null;
}

/** A movement of the world as built (amounts exact, times in seconds). */
export interface Built {
  tx: string;
  type: 'native' | 'internal' | 'token';
  logIndex: number;
  from: string;
  to: string;
  asset: AssetId;
  amount: bigint;
  time: number;
  fee?: bigint;
}

const amountArb = fc.oneof(
  fc.constantFrom(0n, 1n, 2n),
  fc.bigInt({ min: 0n, max: 1_000n }),
  fc.bigInt({ min: 0n, max: 10n ** 9n }),
  fc.bigInt({ min: 0n, max: 10n ** 24n }),
);

const transferArb: fc.Arbitrary<TransferSpec> = fc.record({
  from: fc.nat(63),
  to: fc.nat(63),
  asset: fc.constantFrom<AssetId>('usdt', 'usdt', 'native', 'native', 'tkn', 'fake'),
  amount: amountArb,
  time: fc.nat(7),
  sameTx: fc.boolean(),
  follow: fc.boolean(),
  fee: fc.option(fc.oneof(fc.constantFrom(0n, 1n), fc.bigInt({ min: 0n, max: 10n ** 22n }))),
});

type SeedSpec =
  | { kind: 'tx'; pick: number; fromVictim: boolean; withLogIndex: boolean }
  | { kind: 'address'; pick: number; before: number | null; after: number | null };

const seedArb: fc.Arbitrary<SeedSpec> = fc.oneof(
  fc.record({ kind: fc.constant('tx' as const), pick: fc.nat(1000), fromVictim: fc.boolean(), withLogIndex: fc.boolean() }),
  fc.record({ kind: fc.constant('address' as const), pick: fc.nat(1000), before: fc.option(fc.nat(6)), after: fc.option(fc.nat(6)) }),
);

/** One drawn world: its address pool, transfers, seeds, labels, time window, limits and case jurisdiction. */
export const caseArb = fc.record({
  poolSize: fc.integer({ min: 2, max: 7 }),
  transfers: fc.array(transferArb, { minLength: 1, maxLength: 40, size: 'medium' }),
  seeds: fc.array(seedArb, { minLength: 1, maxLength: 3 }),
  labels: fc.array(
    fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, fc.constantFrom<Category>('exchange', 'exchange', 'bridge', 'mixer', 'sanctioned', 'scam')),
    {
      minLength: 7,
      maxLength: 7,
    },
  ),
  // A trace-wide time window now and then (it also bounds address seeds that have none of their own).
  window: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, fc.record({ from: fc.option(fc.nat(50)), to: fc.option(fc.nat(50)) })),
  // Half the worlds are traced with generous limits (deep traces), half with tight random ones (every kind of cut).
  limits: fc.oneof(
    fc.record({
      maxHops: fc.integer({ min: 4, max: 10 }),
      maxNodes: fc.constant(50),
      maxDegree: fc.constant(null),
      minValue: fc.constant('0'),
    }),
    fc.record({
      maxHops: fc.integer({ min: 0, max: 6 }),
      maxNodes: fc.integer({ min: 1, max: 8 }),
      maxDegree: fc.option(fc.integer({ min: 1, max: 12 }), { freq: 2 }),
      minValue: fc.constantFrom('0', '0', '0.01', '0.5', '1'),
    }),
  ),
  caseJurisdiction: fc.constantFrom(undefined, 'DE'),
});

/** The movements a case's transfer specs make: joined into multi-log transactions, forwards following what they forward. */
export function buildTransfers(poolSize: number, specs: TransferSpec[]): Built[] {
  const built: Built[] = [];
  let txNo = -1;
  let nextLog = 0;
  for (const s of specs) {
    const prev = built[built.length - 1];
    const follow = s.follow && prev !== undefined;
    const join = !follow && s.sameTx && prev !== undefined;
    if (!join) {
      txNo++;
      nextLog = 0;
    }
    const asset = follow ? prev.asset : s.asset;
    const type = asset === 'native' ? (join ? 'internal' : 'native') : 'token';
    const from = s.from % (poolSize + VICTIMS);
    const forwarded = follow ? prev.amount - (s.amount % 3n) : s.amount;
    built.push({
      tx: txHash(txNo),
      type,
      logIndex: type === 'native' ? -1 : nextLog++,
      from: follow ? prev.to : from < poolSize ? poolAddress(from) : victimAddress(from - poolSize),
      to: poolAddress(s.to % poolSize),
      asset,
      amount: forwarded < 0n ? 0n : forwarded,
      // A transaction's movements share its block and time; a forward comes a little after what it forwards.
      // Otherwise roughly in generation order with jitter, so funds can move on for several hops (ties included).
      time: join ? prev.time : follow ? prev.time + (s.time % 4) : T0 + built.length + (s.time % 8),
      ...(type === 'native' && s.fee !== null ? { fee: s.fee } : {}),
    });
  }
  return built;
}

/** The movements as a fixture dataset (USDT, TKN and the look-alike token on Ethereum). */
export function accountDataset(built: Built[]): FixtureDatasetInput {
  return {
    format: 'chaintrail-fixture',
    version: 1,
    assets: [
      { id: 'usdt', chain: 'ethereum', kind: 'token', contract: USDT, symbol: 'USDT', decimals: 6 },
      { id: 'tkn', chain: 'ethereum', kind: 'token', contract: TKN, symbol: 'TKN', decimals: 2 },
      { id: 'fake', chain: 'ethereum', kind: 'token', contract: FAKE, symbol: 'USDT', decimals: 6 },
    ],
    transfers: built.map((b) => ({
      chain: 'ethereum',
      tx: b.tx,
      type: b.type,
      logIndex: b.logIndex,
      block: b.time - T0 + 1_000,
      time: b.time,
      from: b.from,
      to: b.to,
      asset: b.asset,
      amount: b.amount.toString(),
      ...(b.fee !== undefined ? { fee: b.fee.toString() } : {}),
    })),
  };
}

/** A movement a trace can follow (an amount above zero, not the look-alike token). */
export const traceable = (b: Built) => b.amount > 0n && b.asset !== 'fake';
/** A movement's identity: tx, type and log index. */
export const idOf = (b: Built) => `${b.tx}|${b.type}|${b.logIndex}`;

export type AccountCase = typeof caseArb extends fc.Arbitrary<infer C> ? C : never;
export type AccountSeed = { chain: string; tx: string; logIndex?: number } | { chain: string; address: string; from?: number; to?: number };

/** The trace-wide time window a case draws. */
export function windowOf(c: AccountCase): { from?: number; to?: number } {
  return {
    ...(c.window?.from != null ? { from: T0 + c.window.from } : {}),
    ...(c.window?.to != null ? { to: T0 + c.window.to } : {}),
  };
}

/**
 * The case's seeds over its traceable movements, and the movements each of them taints by the documented contract;
 * `resolvable` is false when an address seed received nothing traceable in its window (an input error).
 */
export function seedsOf(c: AccountCase, built: Built[]): { seeds: AccountSeed[]; seeded: Map<string, Built>; resolvable: boolean } {
  const eligible = built.filter(traceable);
  const window = windowOf(c);
  const seeds: AccountSeed[] = [];
  const seeded = new Map<string, Built>();
  let resolvable = true;
  for (const s of c.seeds) {
    if (s.kind === 'tx') {
      const fromVictims = eligible.filter((b) => b.from.startsWith('0xe'));
      const pool = s.fromVictim && fromVictims.length > 0 ? fromVictims : eligible;
      const b = pool[s.pick % pool.length]!;
      seeds.push({ chain: 'ethereum', tx: b.tx, ...(s.withLogIndex ? { logIndex: b.logIndex } : {}) });
      for (const t of built) if (t.tx === b.tx && traceable(t) && (!s.withLogIndex || t.logIndex === b.logIndex)) seeded.set(idOf(t), t);
    } else {
      const b = eligible[s.pick % eligible.length]!;
      const from = s.before !== null ? b.time - s.before : undefined;
      const to = s.after !== null ? b.time + s.after : undefined;
      seeds.push({ chain: 'ethereum', address: b.to, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
      const lo = from ?? window.from ?? -Infinity;
      const hi = to ?? window.to ?? Infinity;
      const received = built.filter((t) => t.to === b.to && traceable(t) && t.time >= lo && t.time <= hi);
      if (received.length === 0) resolvable = false;
      for (const t of received) seeded.set(idOf(t), t);
    }
  }
  return { seeds, seeded, resolvable };
}

/** The labels a case draws for its pool addresses. */
export function labelsOf(c: AccountCase) {
  return c.labels.slice(0, c.poolSize).flatMap((category, i) =>
    category
      ? [
          {
            chain: 'ethereum',
            address: poolAddress(i),
            entity: `Entity ${i}`,
            category,
            jurisdictions: i % 2 ? ['DE'] : ['SC'],
            confidence: 1,
            source: 'property test',
          },
        ]
      : [],
  );
}

/** The trace options a case draws (limits, jurisdiction, window), without seeds, sources and labels. */
export function limitsOf(c: AccountCase) {
  return {
    maxHops: c.limits.maxHops,
    maxNodes: c.limits.maxNodes,
    minValue: c.limits.minValue,
    ...(c.limits.maxDegree !== null ? { maxDegree: c.limits.maxDegree } : {}),
    ...(c.caseJurisdiction ? { caseJurisdiction: c.caseJurisdiction } : {}),
    ...windowOf(c),
  };
}
