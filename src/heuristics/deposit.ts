import type { AccountTransfer } from '../core/movement.js';

/** What makes a forward into an exchange a deposit-address sweep: time window and amount tolerance. */
export interface DepositRule {
  /** Seconds after receipt within which the forward must happen. */
  windowSeconds: number;
  /** Relative tolerance between received and forwarded amounts. */
  tolerance: number;
}

/**
 * An unlabeled address that forwards what it received to an exchange's labeled wallet is that exchange's deposit
 * address: each sweep matches an inflow of about the same amount (within tolerance) shortly before it, or all the
 * unmatched inflows of the window together (a batched sweep).
 * Returns the sweeps that matched; none means no inference.
 */
export function matchDepositSweeps(
  inflows: readonly AccountTransfer[],
  sweeps: readonly AccountTransfer[],
  rule: DepositRule,
): AccountTransfer[] {
  const matched: AccountTransfer[] = [];
  const used = new Set<AccountTransfer>();
  for (const sweep of sweeps) {
    const inflow = inflows.find(
      (i) =>
        !used.has(i) &&
        i.asset.chain === sweep.asset.chain &&
        i.asset.contract === sweep.asset.contract &&
        i.time <= sweep.time &&
        sweep.time - i.time <= rule.windowSeconds &&
        withinTolerance(i.amount, sweep.amount, rule.tolerance),
    );
    if (inflow) {
      used.add(inflow);
      matched.push(sweep);
      continue;
    }
    // Exchanges also sweep several deposits at once: the unmatched inflows of the window together.
    const batch = inflows.filter(
      (i) => !used.has(i) && i.asset.chain === sweep.asset.chain && i.asset.contract === sweep.asset.contract && i.time <= sweep.time && sweep.time - i.time <= rule.windowSeconds,
    );
    if (batch.length > 1 && withinTolerance(batch.reduce((s, i) => s + i.amount, 0n), sweep.amount, rule.tolerance)) {
      for (const i of batch) used.add(i);
      matched.push(sweep);
    }
  }
  return matched;
}

function withinTolerance(received: bigint, forwarded: bigint, tolerance: number): boolean {
  if (received === 0n) return false;
  const diff = received > forwarded ? received - forwarded : forwarded - received;
  // Compare in parts per million to stay in bigint.
  return diff * 1_000_000n <= received * BigInt(Math.round(tolerance * 1_000_000));
}
