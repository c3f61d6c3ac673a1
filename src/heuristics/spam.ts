import { isLookalikeToken } from '../core/stablecoins.js';
import type { AccountTransfer } from '../core/movement.js';

/** Why a movement is ignored as spam: zero value, or a token borrowing a stablecoin's symbol. */
export type SpamReason = 'zero-value' | 'lookalike-token';

/**
 * Movements that never carry taint: zero-value Transfer events (address poisoning via transferFrom(victim, x, 0))
 * and tokens that borrow a canonical stablecoin's symbol from another contract.
 */
export function spamReason(t: AccountTransfer): SpamReason | undefined {
  if (t.amount === 0n) return 'zero-value';
  if (t.asset.kind === 'token' && isLookalikeToken(t.chain, t.asset.contract, t.asset.symbol)) return 'lookalike-token';
  return undefined;
}
