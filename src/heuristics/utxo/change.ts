import type { UtxoTransaction } from '../../core/movement.js';
import { addressType } from './address-type.js';
import type { HeuristicResult } from './result.js';

/** A rule that can vote for an output as the change in `detectChange` (`self-change` weighs 3, the others 1). */
export type ChangeRule = 'self-change' | 'smaller-than-inputs' | 'address-type' | 'round-payment' | 'fresh-address' | 'peel-continuation';

/** One rule's vote for an output as the change. */
export interface ChangeVote {
  rule: ChangeRule;
  vout: number;
  weight: number;
  reason: string;
}

/** Optional knowledge `detectChange` can use: whether an address was seen before, spenders' shapes, the round unit. */
export interface ChangeOptions {
  /** True when the address had appeared on chain before this transaction (reused, so likely not fresh change). */
  seenBefore?: (address: string) => boolean;
  /** The shape of the transaction that spent output `vout`, when known. */
  spenderShape?: (vout: number) => { inputs: number; outputs: number } | undefined;
  /** A payment is "round" when divisible by this many satoshis (default 100,000 sat = 0.001 BTC). */
  roundUnit?: bigint;
}

/** What `detectChange` returns: `change` with the change output, or `no-decision`, and every rule's vote. */
export interface ChangeResult extends HeuristicResult<'change' | 'no-decision'> {
  /** The change output, when decided. */
  vout: number | null;
  votes: ChangeVote[];
}

const WEIGHTS: Record<ChangeRule, number> = {
  'self-change': 3,
  'smaller-than-inputs': 1,
  'address-type': 1,
  'round-payment': 1,
  'fresh-address': 1,
  'peel-continuation': 1,
};

/** The one index for which `test` holds, or null when none or several do. */
function only<T>(items: readonly T[], test: (item: T) => boolean): number | null {
  let found: number | null = null;
  for (let i = 0; i < items.length; i++) {
    if (!test(items[i]!)) continue;
    if (found !== null) return null;
    found = i;
  }
  return found;
}

function collectVotes(tx: UtxoTransaction, options: ChangeOptions): ChangeVote[] {
  const votes: ChangeVote[] = [];
  const vote = (rule: ChangeRule, index: number | null, reason: string) => {
    if (index !== null) votes.push({ rule, vout: tx.outputs[index]!.n, weight: WEIGHTS[rule], reason });
  };
  const outs = tx.outputs;
  const inputAddresses = new Set(tx.inputs.map((i) => i.address).filter((a): a is string => a !== null));

  // Change sent back to a spending address: the wallet reuses its own address.
  vote(
    'self-change',
    only(outs, (o) => o.address !== null && inputAddresses.has(o.address)),
    'pays back to one of its input addresses',
  );

  // With several inputs, a payment larger than an input needed that input; the change is smaller than all of them.
  if (tx.inputs.length >= 2) {
    const smallest = tx.inputs.reduce((m, i) => (i.value < m ? i.value : m), tx.inputs[0]!.value);
    vote(
      'smaller-than-inputs',
      only(outs, (o) => o.value < smallest),
      'the only output smaller than the smallest input',
    );
  }

  // Wallets send change to the script type they spend from.
  const inTypes = new Set(tx.inputs.map((i) => (i.address ? addressType(i.address) : 'unknown')));
  const [inType] = inTypes;
  if (inTypes.size === 1 && inType !== 'unknown') {
    vote(
      'address-type',
      only(outs, (o) => o.address !== null && addressType(o.address) === inType),
      `the only output of the inputs' type (${inType})`,
    );
  }

  // People pay round amounts; the change is what is left over.
  const unit = options.roundUnit ?? 100_000n;
  const round = (v: bigint) => v > 0n && v % unit === 0n;
  if (outs.some((o) => round(o.value)))
    vote(
      'round-payment',
      only(outs, (o) => !round(o.value)),
      'the only output that is not a round amount',
    );

  if (options.seenBefore) {
    const seen = options.seenBefore;
    const fresh = only(outs, (o) => o.address !== null && !seen(o.address));
    if (fresh !== null && outs.some((o) => o.address !== null && seen(o.address)))
      vote('fresh-address', fresh, 'the only output to a fresh (never seen) address');
  }

  if (options.spenderShape && outs.length === 2) {
    const shape = options.spenderShape;
    vote(
      'peel-continuation',
      only(outs, (o) => {
        const s = shape(o.n);
        return s !== undefined && s.inputs === 1 && s.outputs === 2;
      }),
      'the only output spent again in a 1-input/2-output transaction (a peel chain continues there)',
    );
  }
  return votes;
}

/**
 * Picks the change output by combining rules, each a weighted vote (an output paying back to an input address
 * weighs 3, the other rules 1). Decides only when the winner has weight ≥ 2 and at least twice any rival's;
 * otherwise "no decision": a guess would send the trace down the wrong branch.
 * Limits: wallets that randomize change position/type, pay round change or reuse addresses defeat these rules;
 * a CoinJoin or batch payout has no single change and must be recognized before this runs.
 */
export function detectChange(tx: UtxoTransaction, options: ChangeOptions = {}): ChangeResult {
  if (tx.coinbase || tx.outputs.length < 2) {
    return { decision: 'no-decision', vout: null, votes: [], confidence: 0, reason: tx.coinbase ? 'coinbase transaction' : 'a single output has no change' };
  }
  const votes = collectVotes(tx, options);
  const scores = new Map<number, number>();
  for (const v of votes) scores.set(v.vout, (scores.get(v.vout) ?? 0) + v.weight);
  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const [best, second] = ranked;
  if (!best) return { decision: 'no-decision', vout: null, votes, confidence: 0, reason: 'no rule points at an output' };
  const rival = second?.[1] ?? 0;
  const total = votes.reduce((s, v) => s + v.weight, 0);
  if (best[1] < 2 || best[1] < 2 * rival) {
    return {
      decision: 'no-decision',
      vout: null,
      votes,
      confidence: 0,
      reason:
        rival > 0
          ? `rules disagree (output ${best[0]}: ${best[1]}, output ${second![0]}: ${rival})`
          : `one weak signal only (${votes.map((v) => v.rule).join(', ')})`,
    };
  }
  const agreeing = votes.filter((v) => v.vout === best[0]);
  return {
    decision: 'change',
    vout: best[0],
    votes,
    confidence: Math.min(0.95, (0.35 + 0.15 * best[1]) * (best[1] / total)),
    reason: `output ${best[0]} is change: ${agreeing.map((v) => v.reason).join('; ')}`,
  };
}
