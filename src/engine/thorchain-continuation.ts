import { InvalidInputError } from '../core/errors.js';
import type { AccountTransfer, UtxoTransaction } from '../core/movement.js';
import type { ChainAdapter } from '../adapters/adapter.js';
import { isUtxoChainAdapter } from '../adapters/bitcoin/utxo-adapter.js';
import type { BridgeExit } from '../heuristics/bridges.js';
import { arrivalKey, type BridgeMatch, type BridgeMatchRule } from '../heuristics/bridge-match.js';
import { normalizeAddress } from '../core/address.js';
import { getChain } from '../core/chain.js';
import { NotFoundError } from '../core/errors.js';
import type { BridgeRegistry } from '../heuristics/bridges.js';
import { decodeTransferOuts, memoText, outboundOf, THORCHAIN, thorchainTokenContract, thorchainTxId } from '../heuristics/thorchain.js';
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

/** A THORChain inbound on a UTXO chain whose memo swaps to an asset on an EVM chain. */
export interface UtxoInboundDeposit {
  /** The inbound transaction (the payment to the vault). */
  tx: string;
  time: number;
  /** The destination EVM chain and the recipient the memo names (normalized). */
  chain: string;
  recipient: string;
  /** The asset the memo swaps to, in THORChain notation (`ETH.ETH`, `ETH.USDT-0X…`). */
  destinationAsset: string;
}

/**
 * Finds THORChain's outbound of a Bitcoin inbound on an EVM chain: the router's `TransferOut` event paying the
 * recipient with the memo `OUT:<inbound txid>`. The recipient's incoming transfers of the destination asset from
 * `skewSeconds` before the inbound to `windowSeconds` after it are the candidates; the logs of their transactions are
 * read and a transfer is linked only when a THORChain router (the registry's, plus the trace's own definitions)
 * emitted a TransferOut to the recipient of that asset and amount whose memo names exactly this inbound.
 */
export async function findEvmOutbound(
  destination: ChainAdapter,
  deposit: UtxoInboundDeposit,
  req: OutboundRequest & { registry: BridgeRegistry; concurrency?: number },
): Promise<{ transfer: AccountTransfer; match: BridgeMatch } | { note: string }> {
  const { chain } = deposit;
  const recipient = normalizeAddress(chain, deposit.recipient);
  if (!destination.getTransactionLogs)
    return { note: `the ${destination.kind} source for ${chain} cannot read transaction logs, so THORChain's outbound was not looked for` };
  const routers = new Set(req.registry.onChain(chain, THORCHAIN).map((r) => r.address.toLowerCase()));
  if (routers.size === 0) return { note: `no THORChain router is known on ${chain}` };
  const inbound = thorchainTxId(deposit.tx);
  const token = thorchainTokenContract(deposit.destinationAsset);
  const native = getChain(chain).native;
  const skew = req.rule.skewSeconds ?? 300;
  const result = await destination.getTransfers({
    chain,
    addresses: [recipient],
    direction: 'in',
    fromTime: Math.max(0, deposit.time - skew),
    toTime: deposit.time + req.rule.windowSeconds,
    ...(token ? { assets: [], tokens: [token] } : { assets: [{ chain, kind: 'native' as const, symbol: native.symbol, decimals: native.decimals }] }),
    ...(req.signal ? { signal: req.signal } : {}),
  });
  const wanted = (t: AccountTransfer) =>
    t.to === recipient && t.amount > 0n && (token ? t.asset.kind === 'token' && t.asset.contract?.toLowerCase() === token : t.asset.kind === 'native');
  const direct = result.transfers.filter(wanted);
  // The router pays native value on in an internal call, which a source without internal transfers does not list at
  // the recipient: the routers' own native inflows in the window (the vaults' transferOut calls) are read instead, and
  // their movements (internal calls included) give the payments to the recipient.
  let viaRouter: AccountTransfer[] = [];
  if (!token && !destination.capabilities.internalTransfers && destination.getTransactionMovements) {
    const calls = await destination.getTransfers({
      chain,
      addresses: [...routers].sort(),
      direction: 'in',
      fromTime: Math.max(0, deposit.time - skew),
      toTime: deposit.time + req.rule.windowSeconds,
      assets: [{ chain, kind: 'native' as const, symbol: native.symbol, decimals: native.decimals }],
      ...(req.signal ? { signal: req.signal } : {}),
    });
    const seen = new Set(direct.map((t) => t.tx));
    const txs = [...new Set(calls.transfers.filter((t) => routers.has(t.to) && !seen.has(t.tx)).map((t) => t.tx))].sort();
    if (txs.length > 0) viaRouter = (await destination.getTransactionMovements(chain, txs, req.signal ? { signal: req.signal } : {})).movements.filter(wanted);
  }
  const candidates = [...direct, ...viaRouter].sort((a, b) => a.time - b.time || (a.tx < b.tx ? -1 : a.tx > b.tx ? 1 : a.logIndex - b.logIndex));
  const window = `${formatHours(req.rule.windowSeconds)} after the inbound`;
  // Each candidate's transaction logs, read once per transaction; a candidate is linked only by its own TransferOut.
  const outsOf = new Map<string, ReturnType<typeof decodeTransferOuts>>();
  for (const tx of new Set(candidates.map((t) => t.tx))) {
    let logs: Awaited<ReturnType<NonNullable<ChainAdapter['getTransactionLogs']>>>;
    try {
      logs = await destination.getTransactionLogs(chain, tx, req.signal ? { signal: req.signal } : {});
    } catch (error) {
      // A transfer the source just listed must have a receipt; anything else is a real failure.
      if (!(error instanceof NotFoundError)) throw error;
      logs = [];
    }
    outsOf.set(
      tx,
      decodeTransferOuts(logs, (a) => routers.has(a)),
    );
  }
  const outOf = (t: AccountTransfer) =>
    outsOf.get(t.tx)!.find((o) => o.to === recipient && o.asset === (token ?? null) && o.amount === t.amount && o.inboundTx === inbound);
  const linked = candidates.filter((t) => outOf(t) !== undefined);
  const others = candidates.length - linked.length;
  const t = linked.find((x) => !req.taken.has(arrivalKey({ chain, tx: x.tx, logIndex: x.logIndex })));
  if (t) {
    const out = outOf(t)!;
    return {
      transfer: t,
      match: {
        arrival: {
          chain,
          tx: t.tx,
          logIndex: t.logIndex,
          time: t.time,
          from: t.from,
          to: recipient,
          decimals: t.asset.decimals,
          symbol: t.asset.symbol,
          amount: t.amount,
          fills: [],
          ...(token ? { token } : {}),
        },
        method: 'protocol-id',
        confidence: 1,
        reason:
          `THORChain outbound ${t.tx} on ${chain}: router ${out.router} emitted TransferOut from vault ${out.vault} with memo ${out.memo}, paying ${t.amount} ${t.asset.symbol} base units to ${recipient}` +
          (others > 0 ? `; ${others} other transfer(s) to the recipient in the window carry no TransferOut for this inbound and were not linked` : ''),
      },
    };
  }
  const cut = result.truncated.includes(recipient) ? `; the source cut the recipient's list, so the outbound may lie beyond it` : '';
  return {
    note: `no THORChain TransferOut with OUT:${inbound} paying ${recipient} on ${chain} within ${window}${others > 0 ? ` (${others} other transfer(s) to the recipient, not linked)` : ''}${cut}`,
  };
}
