import type { UtxoTransaction } from '../../core/movement.js';
import type { HeuristicResult } from './result.js';

/** What `detectBatchPayout` returns: `batch-payout` or `not-batch-payout`, and the transaction's output count. */
export interface BatchPayoutResult extends HeuristicResult<'batch-payout' | 'not-batch-payout'> {
  outputs: number;
}

/** Fewest outputs for a batch payout. */
export const BATCH_MIN_OUTPUTS = 10;

/**
 * An exchange-style batch payout: one or two inputs (a hot wallet) paying ten or more outputs. The engine reports
 * it as a service endpoint and does not expand it: following every customer's withdrawal would be noise.
 * Limits: a thief fanning out to many fresh addresses from one input looks the same; the reason says so and the
 * confidence stays moderate unless the payer is labeled (the engine's label lookup decides that, not this rule).
 */
export function detectBatchPayout(tx: UtxoTransaction, minOutputs = BATCH_MIN_OUTPUTS): BatchPayoutResult {
  const inputs = tx.inputs.length;
  const outputs = tx.outputs.length;
  if (tx.coinbase || inputs < 1 || inputs > 2 || outputs < minOutputs) {
    return { decision: 'not-batch-payout', reason: `${inputs} input(s), ${outputs} output(s)`, confidence: 0.8, outputs };
  }
  const addresses = new Set(tx.outputs.map((o) => o.address).filter((a): a is string => a !== null));
  return {
    decision: 'batch-payout',
    reason: `batch payout: ${inputs} input(s) paying ${outputs} outputs to ${addresses.size} addresses (service-like; a fan-out by one owner looks the same)`,
    confidence: Math.min(0.9, 0.5 + (outputs - minOutputs) * 0.01 + (addresses.size === outputs ? 0.1 : 0)),
    outputs,
  };
}
