import { InvalidInputError } from '../core/errors.js';
import type { AccountTransfer, UtxoTransaction } from '../core/movement.js';
import type { ChainAdapter } from '../adapters/adapter.js';
import { isUtxoChainAdapter } from '../adapters/bitcoin/utxo-adapter.js';
import type { BridgeExit } from '../heuristics/bridges.js';
import { arrivalKey, type BridgeMatch, type BridgeMatchRule } from '../heuristics/bridge-match.js';
import { memoText, outboundOf, THORCHAIN, thorchainTxId } from '../heuristics/thorchain.js';
import { seedTransfer } from './state.js';

/**
 * THORChain's outbound on a UTXO chain (Bitcoin): the vault pays the swap's recipient in a transaction whose
 * OP_RETURN output carries `OUT:<inbound tx hash>` (THORChain writes the hash upper-case, without 0x). That memo is
 * the exact link from the deposit on the source chain to the payment on the destination chain: no amount or time
 * guess. The recipient's transactions are read from the deposit (less the clock skew) to `windowSeconds` after it.
 */

/** A UTXO output the trace continues at: as an account-style transfer (chain, tx, output index as logIndex). */
export interface OutboundFound {
  transfer: AccountTransfer;
  match: BridgeMatch;
}

export interface OutboundRequest {
  rule: BridgeMatchRule;
  /** Arrivals already handed over (arrivalKey): one output answers one deposit. */
  taken: ReadonlySet<string>;
  signal?: AbortSignal | undefined;
}

/**
 * Finds the outbound of a THORChain deposit (`exit`, made in transaction `deposit.tx`) among its recipient's
 * transactions on the destination UTXO chain. Outputs to the recipient in transactions without the memo, or with an
 * OUT memo naming another inbound, are never linked; the reason says how many there were.
 */
export async function findUtxoOutbound(
  destination: ChainAdapter,
  exit: BridgeExit,
  deposit: { tx: string; time: number },
  req: OutboundRequest,
): Promise<OutboundFound | { note: string }> {
  const chain = exit.destinationChain!;
  if (exit.protocol !== THORCHAIN) return { note: `${exit.protocol} names no outbound link on ${chain}: only THORChain's OUT:<hash> memo is known` };
  if (!isUtxoChainAdapter(destination)) return { note: `the ${destination.kind} source cannot list ${chain} transactions` };
  const recipient = exit.recipient!;
  const inbound = thorchainTxId(deposit.tx);
  const skew = req.rule.skewSeconds ?? 300;
  let listed: Awaited<ReturnType<typeof destination.getAddressTransactions>>;
  try {
    listed = await destination.getAddressTransactions(chain, [recipient], {
      fromTime: Math.max(0, deposit.time - skew),
      toTime: deposit.time + req.rule.windowSeconds,
      ...(req.signal ? { signal: req.signal } : {}),
    });
  } catch (error) {
    // A source without an address index (Bitcoin Core) cannot list the recipient's payments: said, not a failure.
    if (!(error instanceof InvalidInputError)) throw error;
    return {
      note: `the ${destination.kind} source cannot list ${recipient}'s transactions (${error.shortMessage}), so THORChain's outbound was not looked for`,
    };
  }
  const window = `${formatHours(req.rule.windowSeconds)} after the deposit`;
  // Every payment to the recipient in the window: those whose OP_RETURN names this deposit, and the others.
  const paying = listed.transactions.flatMap((tx) => {
    const paid = tx.outputs.filter((o) => o.address === recipient && o.value > 0n);
    return paid.length > 0 ? [{ tx, paid, linked: outboundMemo(tx) === inbound }] : [];
  });
  const others = paying.filter((x) => !x.linked).length;
  for (const { tx, paid } of paying.filter((x) => x.linked)) {
    const output = paid.find((o) => !req.taken.has(arrivalKey({ chain, tx: tx.txid, logIndex: o.n })));
    if (!output) continue;
    const transfer = seedTransfer(chain, tx, output.n);
    return {
      transfer,
      match: {
        arrival: {
          chain,
          tx: tx.txid,
          logIndex: output.n,
          time: transfer.time,
          from: transfer.from,
          to: recipient,
          decimals: transfer.asset.decimals,
          symbol: transfer.asset.symbol,
          amount: output.value,
          fills: [],
        },
        method: 'protocol-id',
        confidence: 1,
        reason:
          `THORChain outbound ${tx.txid} on ${chain} carries OUT:${inbound} in its OP_RETURN output and pays ${output.value} sat to ${recipient} (output ${output.n})` +
          (others > 0 ? `; ${others} other payment(s) to the recipient in the window carry no OUT memo for this deposit and were not linked` : ''),
      },
    };
  }
  const cut = listed.truncated.includes(recipient) ? `; the source cut the recipient's list, so the outbound may lie beyond it` : '';
  return {
    note: `no THORChain outbound with OUT:${inbound} paying ${recipient} on ${chain} within ${window}${others > 0 ? ` (${others} other payment(s) to the recipient, not linked)` : ''}${cut}`,
  };
}

/** The inbound an outbound's OP_RETURN names (`OUT:<hash>`), if any. */
function outboundMemo(tx: UtxoTransaction): string | undefined {
  for (const o of tx.outputs) {
    const text = o.data ? memoText(o.data) : undefined;
    const inbound = text ? outboundOf(text) : undefined;
    if (inbound) return inbound;
  }
  return undefined;
}

const formatHours = (seconds: number) => `${Math.round((seconds / 3600) * 100) / 100} h`;
