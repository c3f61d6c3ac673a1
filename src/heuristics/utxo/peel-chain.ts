import type { UtxoTransaction } from '../../core/movement.js';
import { btc, type HeuristicResult } from './result.js';

/** One link of a peel chain: the large output continues, the small ones are peeled off as payments. */
export interface PeelStep {
  txid: string;
  continueVout: number;
  peeled: { vout: number; address: string | null; value: bigint }[];
}

/** What `peelStep` returns: `peel` with the link, or `not-peel` (step null) with the reason. */
export interface PeelStepResult extends HeuristicResult<'peel' | 'not-peel'> {
  step: PeelStep | null;
}

/** What `detectPeelChain` returns: `peel-chain` or `not-peel-chain`, the links recognized and the peeled payments. */
export interface PeelChainResult extends HeuristicResult<'peel-chain' | 'not-peel-chain'> {
  /** The recognized links, in order (also when too short to call a chain). */
  steps: PeelStep[];
  /** Each peeled payment as its own branch, for a mode that follows the change and reports the payments. */
  branches: { hop: number; txid: string; vout: number; address: string | null; value: bigint }[];
}

/** Limits of a peel link and chain for `peelStep` and `detectPeelChain` (defaults: 1 input, 3 outputs, 3 links). */
export interface PeelOptions {
  /** Most inputs a peel link may have (default 1: a chain spends its own change). */
  maxInputs?: number;
  /** Most outputs (default 3: the change plus one or two payments). */
  maxOutputs?: number;
  /** Fewest links to call a chain (default 3). */
  minSteps?: number;
}

/**
 * Whether one transaction looks like a peel link: few inputs, two or three outputs, and one output holding more
 * than all the others together. That output continues the chain; the rest are peeled payments.
 */
export function peelStep(tx: UtxoTransaction, options: PeelOptions = {}): PeelStepResult {
  const maxInputs = options.maxInputs ?? 1;
  const maxOutputs = options.maxOutputs ?? 3;
  const not = (reason: string): PeelStepResult => ({ decision: 'not-peel', reason, confidence: 0.7, step: null });
  if (tx.coinbase) return not('coinbase transaction');
  if (tx.inputs.length < 1 || tx.inputs.length > maxInputs) return not(`${tx.inputs.length} inputs (a peel link has at most ${maxInputs})`);
  if (tx.outputs.length < 2 || tx.outputs.length > maxOutputs) return not(`${tx.outputs.length} outputs (a peel link has 2 to ${maxOutputs})`);
  const largest = tx.outputs.reduce((m, o) => (o.value > m.value || (o.value === m.value && o.n < m.n) ? o : m));
  const rest = tx.outputs.filter((o) => o !== largest);
  const restSum = rest.reduce((s, o) => s + o.value, 0n);
  if (largest.value <= restSum) return not('no output holds most of the value');
  // The more lopsided the split, the more it looks like peeling.
  const share = Number((largest.value * 1000n) / (largest.value + restSum)) / 1000;
  return {
    decision: 'peel',
    reason: `keeps ${btc(largest.value)} in output ${largest.n} and peels ${btc(restSum)} off in ${rest.length} payment(s)`,
    confidence: Math.min(0.9, 0.4 + share * 0.5),
    step: { txid: tx.txid, continueVout: largest.n, peeled: rest.map((o) => ({ vout: o.n, address: o.address, value: o.value })) },
  };
}

/**
 * Recognizes a peel chain over a sequence of transactions, each spending the previous one's continuing output.
 * Limits: a chain that changes shape mid-way (consolidates, or peels more than the change keeps) is cut there;
 * the steps before the cut are still returned.
 */
export function detectPeelChain(txs: readonly UtxoTransaction[], options: PeelOptions = {}): PeelChainResult {
  const minSteps = options.minSteps ?? 3;
  const steps: PeelStep[] = [];
  let cut: string | null = null;
  for (let i = 0; i < txs.length; i++) {
    const tx = txs[i]!;
    const result = peelStep(tx, options);
    if (!result.step) {
      cut = `transaction ${i} (${tx.txid}) is not a peel link: ${result.reason}`;
      break;
    }
    const previous = steps[steps.length - 1];
    if (previous && !tx.inputs.some((input) => input.prevTx === previous.txid && input.vout === previous.continueVout)) {
      cut = `transaction ${i} (${tx.txid}) does not spend the continuing output ${previous.txid}:${previous.continueVout}`;
      break;
    }
    steps.push(result.step);
  }
  const branches = steps.flatMap((step, hop) => step.peeled.map((p) => ({ hop, txid: step.txid, ...p })));
  const peeled = branches.reduce((s, b) => s + b.value, 0n);
  if (steps.length < minSteps) {
    return { decision: 'not-peel-chain', reason: cut ?? `only ${steps.length} link(s); a chain needs ${minSteps}`, confidence: 0.6, steps, branches };
  }
  return {
    decision: 'peel-chain',
    reason: `peel chain of ${steps.length} links peeling ${branches.length} payment(s) worth ${btc(peeled)}${cut ? `; ends: ${cut}` : ''}`,
    confidence: Math.min(0.95, 0.5 + steps.length * 0.08),
    steps,
    branches,
  };
}
