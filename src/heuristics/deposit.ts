import type { AccountTransfer } from '../core/movement.js';
import type { AssetRef } from '../core/schema.js';

/** What the rule reads of a movement: an AccountTransfer has it all (the engine passes rows' values, no object). */
export type DepositTransfer = Pick<AccountTransfer, 'tx' | 'time' | 'amount' | 'from' | 'to'> & { asset: Pick<AssetRef, 'kind'> };

/**
 * A movement into or out of a candidate address, with its asset key; the entity of the service wallet on its other
 * side (an outflow: the wallet it paid; an inflow: the wallet that sent it), and for an outflow whether it paid a
 * mixer or a bridge.
 */
export interface DepositMovement {
  t: DepositTransfer;
  /** The asset key (`assetKey(t.asset)`). */
  asset: string;
  /** The entity of the counterparty when it is a labeled wallet of a service (exchange, instant-exchange, payment, gambling, custody). */
  service?: string | undefined;
  /** Outflows: the counterparty is a mixer or a bridge (labeled, or in the bridge registry): what it names. */
  barrier?: string | undefined;
}

/** Everything an address did in the trace window (non-zero movements, chronological), and what reached it tainted. */
export interface DepositBehaviour {
  inflows: readonly DepositMovement[];
  outflows: readonly DepositMovement[];
  /** Asset keys in which the address received tainted value. */
  taintedAssets: ReadonlySet<string>;
  /**
   * The chain creates an account with the first native transfer into it (TRON: "activation"), and the movements read
   * start with the address's first (the window reaches back to it): the first inflow, when it is native value from a
   * service's wallet, is that service activating the address.
   */
  activates?: boolean;
}

/** What still counts as sweeping everything to one service: the dust share and per-asset floor of payments elsewhere. */
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
  /** Movements from it to the service's wallets. */
  sweeps: number;
  received: bigint;
  swept: bigint;
  /** Dust paid to anyone else. */
  elsewhere: bigint;
  /** Per deposit followed by a sweep: the time until the next sweep (smallest and largest). */
  sweepDelaySeconds?: { min: number; max: number };
  sweepTxs: string[];
  /** Native value the service's wallets sent to the address before a token sweep (gas for it): the transactions. */
  gasTopUps?: string[];
  /** TRON: the first transfer into the address, which created (activated) its account, came from the service's wallet. */
  activation?: { tx: string; from: string };
}

/** An address read as a service's deposit address: the service, the wallets its sweeps paid, the evidence per asset. */
export interface DepositDecision {
  entity: string;
  /** The service's wallets the sweeps paid. */
  wallets: string[];
  /** By asset key, for every asset the address moved. */
  evidence: Map<string, DepositEvidence>;
  /**
   * Independent acts that fit a deposit address of this service: each sweep transaction, each gas top-up transaction
   * from the service's wallets, the activation by them (see `depositConfidence`).
   */
  acts: number;
  /** Whether anything beyond the sweeps (gas top-ups, activation) supports it. */
  corroborated: boolean;
}

/**
 * An address whose outflows all go to one service's wallets (all of them, or all but dust) is that service's
 * deposit address, however long after the deposits the sweeps came, however many deposits a sweep carried and
 * whatever share of the balance it took. Paying anyone else more than dust rules it out, and paying a mixer or a
 * bridge anything at all does: a deposit address is never inferred across one.
 *
 * Dust, per asset: payments elsewhere below the trace's `minValue`, plus others that together stay within
 * `tolerance` of what the address received in that asset. An address whose sweeps move tokens may also pass native
 * value on when no tainted native value ever reached it: that is the gas money services top deposit addresses up with.
 *
 * Evidence beyond the sweeps, never a reason on its own: native value the service's own wallets sent to the address
 * before a token sweep (gas top-ups), and on TRON the service's wallet activating the address. Both also happen to
 * a customer's private wallet (a withdrawal pays it, and activates a fresh TRON address), so they only add to
 * sweeps, never replace them: the decision is the outflow rule alone.
 */
export function inferDepositAddress(b: DepositBehaviour, rule: DepositRule): DepositDecision | undefined {
  if (b.outflows.some((o) => o.barrier !== undefined)) return undefined;
  const entities = [...new Set(b.outflows.flatMap((o) => (o.service === undefined ? [] : [o.service])))].sort();
  if (entities.length === 0) return undefined;
  const received = sums(b.inflows);
  for (const entity of entities) {
    const sweeps = b.outflows.filter((o) => o.service === entity);
    const sweptTokens = sweeps.some((o) => o.t.asset.kind !== 'native');
    const elsewhere = new Map<string, { amount: bigint; native: boolean }>();
    for (const o of b.outflows) {
      if (o.service === entity || o.t.amount < (rule.minValue?.get(o.asset) ?? 0n)) continue;
      const prev = elsewhere.get(o.asset);
      elsewhere.set(o.asset, { amount: (prev?.amount ?? 0n) + o.t.amount, native: o.t.asset.kind === 'native' });
    }
    const isDust = (asset: string, { amount, native }: { amount: bigint; native: boolean }) =>
      (native && sweptTokens && !b.taintedAssets.has(asset) && !sweeps.some((o) => o.asset === asset)) ||
      withinDustShare(amount, received.get(asset) ?? 0n, rule);
    if ([...elsewhere].every(([asset, paid]) => isDust(asset, paid))) return decide(b, entity, sweeps, received);
  }
  return undefined;
}

/** The decision for `entity`: its wallets, the evidence per asset with the service's own acts, and the count of acts. */
function decide(b: DepositBehaviour, entity: string, sweeps: readonly DepositMovement[], received: ReadonlyMap<string, bigint>): DepositDecision {
  const activation = activationOf(b, entity);
  // (The activation is one act: the same transfer is not counted again as a gas top-up.)
  const gasTopUps = gasTopUpsOf(b, entity, sweeps).filter((tx) => tx !== activation?.tx);
  const evidence = evidenceOf(b, sweeps, received);
  for (const ev of evidence.values()) {
    if (gasTopUps.length > 0) ev.gasTopUps = gasTopUps;
    if (activation) ev.activation = activation;
  }
  const sweepTxs = new Set(sweeps.map((o) => o.t.tx)).size;
  return {
    entity,
    wallets: [...new Set(sweeps.map((o) => o.t.to))].sort(),
    evidence,
    acts: sweepTxs + gasTopUps.length + (activation ? 1 : 0),
    corroborated: gasTopUps.length > 0 || activation !== undefined,
  };
}

/** Transactions in which the service's wallets sent the address native value before one of its token sweeps. */
function gasTopUpsOf(b: DepositBehaviour, entity: string, sweeps: readonly DepositMovement[]): string[] {
  let lastTokenSweep = Number.NEGATIVE_INFINITY;
  for (const o of sweeps) if (o.t.asset.kind !== 'native' && o.t.time > lastTokenSweep) lastTokenSweep = o.t.time;
  const txs = b.inflows.filter((i) => i.service === entity && i.t.asset.kind === 'native' && i.t.time <= lastTokenSweep).map((i) => i.t.tx);
  return [...new Set(txs)].sort();
}

/** TRON: the first movement into the address is native value from the service's wallet (it created the account). */
function activationOf(b: DepositBehaviour, entity: string): { tx: string; from: string } | undefined {
  const first = b.inflows[0];
  if (!b.activates || !first || first.service !== entity || first.t.asset.kind !== 'native') return undefined;
  if (b.outflows.some((o) => o.t.time < first.t.time)) return undefined;
  return { tx: first.t.tx, from: first.t.from };
}

/**
 * Confidence of an inferred deposit address: the confidence of the service wallet's label times 1 - 2^-acts, where
 * `acts` counts the independent acts that fit a deposit address of that service (each sweep transaction, each gas
 * top-up transaction from the service's wallets, the activation). Each such act halves the chance that the pattern
 * is a coincidence: one payment of everything to a service is also what a customer's own wallet does (0.5), two
 * sweeps 0.75, a sweep after a gas top-up from the service 0.75, and so on; never more than the label itself.
 */
export function depositConfidence(labelConfidence: number, acts: number): number {
  return Math.round(labelConfidence * (1 - 2 ** -acts) * 1_000_000) / 1_000_000;
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
