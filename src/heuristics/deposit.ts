import type { AccountTransfer } from '../core/movement.js';

/** A movement into or out of a candidate address, with its asset key; for an outflow, whose exchange wallet it paid. */
export interface DepositMovement {
  t: AccountTransfer;
  /** The asset key (`assetKey(t.asset)`). */
  asset: string;
  /** Outflows: the entity of the recipient when it is a labeled exchange wallet. */
  exchange?: string | undefined;
}

/** Everything an address did in the trace window (non-zero movements, chronological), and what reached it tainted. */
export interface DepositBehaviour {
  inflows: readonly DepositMovement[];
  outflows: readonly DepositMovement[];
  /** Asset keys in which the address received tainted value. */
  taintedAssets: ReadonlySet<string>;
}

/** What still counts as sweeping everything to one exchange: the dust share and per-asset floor of payments elsewhere. */
export interface DepositRule {
  /** Share of what the address received in an asset that it may pay to anyone else (dust), e.g. 0.001. */
  tolerance: number;
  /** Per asset key: payments elsewhere below this are dust by the trace's own floor (`minValue`). */
  minValue?: ReadonlyMap<string, bigint>;
}

/** What decided, per asset: the figures a report states beside an inferred deposit address. */
export interface DepositEvidence {
  /** Movements into the address (every sender, tainted or not). */
  deposits: number;
  /** Movements from it to the exchange's wallets. */
  sweeps: number;
  received: bigint;
  swept: bigint;
  /** Dust paid to anyone else. */
  elsewhere: bigint;
  /** Per deposit followed by a sweep: the time until the next sweep (smallest and largest). */
  sweepDelaySeconds?: { min: number; max: number };
  sweepTxs: string[];
}

/** An address read as an exchange's deposit address: the exchange, the wallets its sweeps paid, the evidence per asset. */
export interface DepositDecision {
  entity: string;
  /** The exchange wallets the sweeps paid. */
  wallets: string[];
  /** By asset key, for every asset the address moved. */
  evidence: Map<string, DepositEvidence>;
}

/**
 * An address whose outflows all go to one exchange's wallets (all of them, or all but dust) is that exchange's
 * deposit address, however long after the deposits the sweeps came, however many deposits a sweep carried and
 * whatever share of the balance it took. Paying anyone else more than dust rules it out.
 *
 * Dust, per asset: payments elsewhere below the trace's `minValue`, plus others that together stay within
 * `tolerance` of what the address received in that asset. An address whose sweeps move tokens may also pass native
 * value on when no tainted native value ever reached it: that is the gas money exchanges top deposit addresses up with.
 */
export function inferDepositAddress(b: DepositBehaviour, rule: DepositRule): DepositDecision | undefined {
  const entities = [...new Set(b.outflows.flatMap((o) => (o.exchange === undefined ? [] : [o.exchange])))].sort();
  if (entities.length === 0) return undefined;
  const received = sums(b.inflows);
  for (const entity of entities) {
    const sweeps = b.outflows.filter((o) => o.exchange === entity);
    const sweptTokens = sweeps.some((o) => o.t.asset.kind !== 'native');
    const elsewhere = new Map<string, { amount: bigint; native: boolean }>();
    for (const o of b.outflows) {
      if (o.exchange === entity || o.t.amount < (rule.minValue?.get(o.asset) ?? 0n)) continue;
      const prev = elsewhere.get(o.asset);
      elsewhere.set(o.asset, { amount: (prev?.amount ?? 0n) + o.t.amount, native: o.t.asset.kind === 'native' });
    }
    const isDust = (asset: string, { amount, native }: { amount: bigint; native: boolean }) =>
      (native && sweptTokens && !b.taintedAssets.has(asset) && !sweeps.some((o) => o.asset === asset)) ||
      withinDustShare(amount, received.get(asset) ?? 0n, rule);
    if ([...elsewhere].every(([asset, paid]) => isDust(asset, paid))) {
      return { entity, wallets: [...new Set(sweeps.map((o) => o.t.to))].sort(), evidence: evidenceOf(b, sweeps, received) };
    }
  }
  return undefined;
}

/** Whether payments elsewhere of `amount` stay within the dust share (`tolerance`) of what the address received. */
export function withinDustShare(amount: bigint, received: bigint, rule: DepositRule): boolean {
  // Parts per million, to stay in bigint.
  return amount * 1_000_000n <= received * BigInt(Math.round(rule.tolerance * 1_000_000));
}

function sums(list: readonly DepositMovement[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const m of list) out.set(m.asset, (out.get(m.asset) ?? 0n) + m.t.amount);
  return out;
}

function evidenceOf(b: DepositBehaviour, sweeps: readonly DepositMovement[], received: ReadonlyMap<string, bigint>): Map<string, DepositEvidence> {
  const assets = [...new Set([...b.inflows, ...b.outflows].map((m) => m.asset))].sort();
  const out = new Map<string, DepositEvidence>();
  for (const asset of assets) {
    const ins = b.inflows.filter((m) => m.asset === asset);
    const own = sweeps.filter((m) => m.asset === asset);
    const elsewhere = b.outflows.filter((m) => m.asset === asset && !own.includes(m)).reduce((s, m) => s + m.t.amount, 0n);
    // Each deposit's delay: until the first sweep at or after it (inflows and sweeps are chronological).
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let next = 0;
    for (const i of ins) {
      while (next < own.length && own[next]!.t.time < i.t.time) next++;
      if (next === own.length) break;
      const delay = own[next]!.t.time - i.t.time;
      if (delay < min) min = delay;
      if (delay > max) max = delay;
    }
    out.set(asset, {
      deposits: ins.length,
      sweeps: own.length,
      received: received.get(asset) ?? 0n,
      swept: own.reduce((s, m) => s + m.t.amount, 0n),
      elsewhere,
      ...(min <= max ? { sweepDelaySeconds: { min, max } } : {}),
      sweepTxs: [...new Set(own.map((m) => m.t.tx))].sort(),
    });
  }
  return out;
}
