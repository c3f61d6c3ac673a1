import type { UtxoTransaction } from '../../core/movement.js';
import { btc, type HeuristicResult } from './result.js';

/** The CoinJoin pattern `detectCoinJoin` recognized: Whirlpool, Wasabi 2, JoinMarket, or generic equal outputs. */
export type CoinJoinKind = 'whirlpool' | 'wasabi2' | 'joinmarket' | 'generic';

/** What `detectCoinJoin` returns: `coinjoin` with its kind and denomination, or `not-coinjoin` (both null). */
export interface CoinJoinResult extends HeuristicResult<'coinjoin' | 'not-coinjoin'> {
  kind: CoinJoinKind | null;
  /** The equal output value that hides who got what, when there is one. */
  denomination: bigint | null;
}

/** Samourai/Sparrow Whirlpool pools: 0.5, 0.05, 0.01 and 0.001 BTC, 5 inputs and 5 equal outputs per mix. */
export const WHIRLPOOL_POOLS: readonly bigint[] = [50_000_000n, 5_000_000n, 1_000_000n, 100_000n];

const WASABI2_MIN = 5_000n;
const WASABI2_MAX = 137_438_953_472n;

/**
 * Wasabi 2 standard denominations (WabiSabi): powers of 2 and 3, 2·3^n, 10^n, 2·10^n and 5·10^n satoshis
 * between 5,000 sat and 2^37 sat, the set Wasabi's output decomposer picks from.
 */
export const WASABI2_DENOMINATIONS: ReadonlySet<bigint> = (() => {
  const set = new Set<bigint>();
  const add = (v: bigint) => {
    if (v >= WASABI2_MIN && v <= WASABI2_MAX) set.add(v);
  };
  for (let v = 1n; v <= WASABI2_MAX; v *= 2n) add(v);
  for (let v = 1n; v <= WASABI2_MAX; v *= 3n) {
    add(v);
    add(2n * v);
  }
  for (let v = 1n; v <= WASABI2_MAX; v *= 10n) {
    add(v);
    add(2n * v);
    add(5n * v);
  }
  return set;
})();

/** Outputs smaller than this are dust: equal dust outputs are spam, not mixing. */
const DUST = 1_000n;

function valueCounts(tx: UtxoTransaction): Map<bigint, number> {
  const counts = new Map<bigint, number>();
  for (const o of tx.outputs) if (o.value >= DUST) counts.set(o.value, (counts.get(o.value) ?? 0) + 1);
  return counts;
}

/** The most repeated output value (ties: the larger value). */
function mostEqual(counts: Map<bigint, number>): { value: bigint; count: number } {
  let best = { value: 0n, count: 0 };
  for (const [value, count] of counts) {
    if (count > best.count || (count === best.count && value > best.value)) best = { value, count };
  }
  return best;
}

const no = (reason: string): CoinJoinResult => ({ decision: 'not-coinjoin', reason, confidence: 0.8, kind: null, denomination: null });

/**
 * Recognizes CoinJoin transactions, most specific pattern first: Whirlpool (5 inputs, 5 outputs all one pool
 * denomination), Wasabi 2 (many inputs and outputs, most outputs standard denominations, several repeated),
 * JoinMarket (k equal outputs and k-1..k change outputs, at least k inputs), then the generic equal-output rule
 * (at least 3 equal non-dust outputs and at least as many inputs). Funds entering a CoinJoin cannot be followed
 * by value: the engine ends the branch at a `mixer` endpoint with reason `coinjoin`.
 * Limits: a payjoin or a small 2-party join looks like a payment and is not recognized; an exchange paying several
 * customers the same amount from many inputs can look like a generic CoinJoin.
 */
export function detectCoinJoin(tx: UtxoTransaction): CoinJoinResult {
  if (tx.coinbase) return no('coinbase transaction');
  const inputs = tx.inputs.length;
  const outputs = tx.outputs.length;
  if (inputs < 2 || outputs < 3) return no(`${inputs} input(s) and ${outputs} output(s): too few to mix`);
  const counts = valueCounts(tx);
  const equal = mostEqual(counts);

  if (inputs === 5 && outputs === 5 && equal.count === 5 && WHIRLPOOL_POOLS.includes(equal.value)) {
    return {
      decision: 'coinjoin',
      kind: 'whirlpool',
      denomination: equal.value,
      confidence: 0.97,
      reason: `Whirlpool mix: 5 inputs into 5 outputs of exactly ${btc(equal.value)} (a Whirlpool pool)`,
    };
  }

  if (inputs >= 10 && outputs >= 10) {
    let standard = 0;
    let repeated = 0;
    for (const [value, count] of counts) {
      if (!WASABI2_DENOMINATIONS.has(value)) continue;
      standard += count;
      if (count >= 2) repeated++;
    }
    if (repeated >= 2 && standard * 2 >= outputs) {
      return {
        decision: 'coinjoin',
        kind: 'wasabi2',
        denomination: equal.value,
        confidence: Math.min(0.95, 0.7 + repeated * 0.03),
        reason: `Wasabi 2 round: ${inputs} inputs, ${standard} of ${outputs} outputs at standard denominations, ${repeated} of them repeated`,
      };
    }
  }

  const k = equal.count;
  if (k >= 3 && inputs >= k) {
    const others = outputs - k;
    const othersDistinct = [...counts.entries()].every(([value, count]) => value === equal.value || count === 1);
    if ((others === k || others === k - 1) && othersDistinct) {
      return {
        decision: 'coinjoin',
        kind: 'joinmarket',
        denomination: equal.value,
        confidence: Math.min(0.9, 0.6 + k * 0.05),
        reason: `JoinMarket pattern: ${k} equal outputs of ${btc(equal.value)} and ${others} distinct change outputs from ${inputs} inputs`,
      };
    }
    return {
      decision: 'coinjoin',
      kind: 'generic',
      denomination: equal.value,
      confidence: Math.min(0.9, 0.5 + k * 0.04),
      reason: `equal-output CoinJoin: ${k} outputs of exactly ${btc(equal.value)} from ${inputs} inputs`,
    };
  }
  return no(k >= 2 ? `only ${k} equal outputs for ${inputs} inputs` : 'no equal outputs');
}
