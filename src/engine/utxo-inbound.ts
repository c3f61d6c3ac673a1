import { getChain } from '../core/chain.js';
import { ChaintrailError } from '../core/errors.js';
import type { UtxoTransaction } from '../core/movement.js';
import type { Label } from '../core/schema.js';
import type { Terminal } from '../heuristics/classify.js';
import { THORCHAIN, utxoInbound } from '../heuristics/thorchain.js';
import { arrivalKey } from '../heuristics/bridge-match.js';
import { handedOver } from './bridge-continuation.js';
import type { BridgeData, BridgeDepositData, EndpointData } from './endpoints.js';
import { assetKeyOf, noteSeedTx, traceAsset, type RunState } from './run-state.js';
import { nodeKey } from './state.js';
import { findEvmOutbound } from './thorchain-continuation.js';

/**
 * Bridges entered on a UTXO chain: an output that paid a THORChain vault (the transaction carries a THORChain swap
 * memo in an OP_RETURN output, src/heuristics/thorchain.ts `utxoInbound`) stops as a bridge endpoint that names the
 * memo's destination chain and recipient. When the destination is an EVM chain the trace has a source for, THORChain's
 * outbound there (the router's TransferOut with `OUT:<inbound txid>`, engine/thorchain-continuation.ts) seeds the
 * account trace at the recipient with the tainted share (`continueUtxoInbounds`).
 */

/** The stop of output `n` of `tx` when it paid a THORChain vault. */
export function inboundTerminal(chain: string, tx: UtxoTransaction | undefined, n: number): Terminal | undefined {
  const d = tx && utxoInbound(tx, n);
  const output = tx?.outputs.find((o) => o.n === n);
  if (!d || !output?.address) return undefined;
  const label: Label = {
    chain,
    address: output.address,
    entity: 'THORChain',
    category: 'bridge',
    jurisdictions: [],
    // The memo is THORChain's own format; the vault address itself is not checked against THORChain's list.
    confidence: 0.9,
    source: `THORChain swap memo in the OP_RETURN output of ${tx.txid}`,
  };
  return { kind: 'bridge', label, reason: `paid a THORChain vault: ${d.says}` };
}

/** That output's bridge data for its endpoint: the memo, its destination chain and recipient, what was tainted. */
export function inboundBridge(tx: UtxoTransaction | undefined, n: number, taint: bigint): { bridge: BridgeData } | Record<string, never> {
  const d = tx && utxoInbound(tx, n);
  if (!d) return {};
  // A destination chaintrail has no chain for is named by THORChain's code (DOGE, GAIA, THOR, …).
  const where = {
    ...(d.destinationChain ? { destinationChain: d.destinationChain } : d.destinationNetwork ? { destinationNetwork: d.destinationNetwork } : {}),
    ...(d.recipient ? { recipient: d.recipient } : {}),
  };
  return {
    bridge: {
      protocol: THORCHAIN,
      name: 'THORChain',
      ...where,
      deposits: [
        {
          tx: tx.txid,
          ...where,
          memo: d.memo,
          ...(d.destinationAsset ? { destinationAsset: d.destinationAsset } : {}),
          amount: tx.outputs.find((o) => o.n === n)!.value,
          tainted: taint,
          note: NOT_CONTINUED,
        },
      ],
    },
  };
}

const NOT_CONTINUED = 'a Bitcoin inbound is not continued on its destination chain';

/** What became of one inbound on its EVM destination: the deposit's new fields (continuation, or why not). */
type InboundOutcome = Pick<BridgeDepositData, 'continuation' | 'note'>;

/**
 * THORChain inbounds among a UTXO trace's bridge endpoints whose memo swaps to an EVM chain: with a source for that
 * chain, the outbound is looked for (exact link on OUT:<inbound txid>) and, when found, seeds the account trace at the
 * recipient with output value x tainted / what the inbound paid the vault (rounded down), one hop after the vault
 * output, its path the Bitcoin path followed by the outbound. Without a source, the deposit says the chain was not
 * traced. Returns each inbound's outcome by transaction (`applyInboundOutcomes` writes them into endpoints).
 */
export async function continueUtxoInbounds(state: RunState, endpoints: readonly EndpointData[]): Promise<Map<string, InboundOutcome>> {
  const out = new Map<string, InboundOutcome>();
  const rule = { windowSeconds: state.settings.bridgeWindowHours * 3600, tolerance: state.settings.bridgeTolerance };
  const taken = new Set<string>();
  for (const e of endpoints) {
    for (const d of e.bridge?.protocol === THORCHAIN ? (e.bridge.deposits ?? []) : []) {
      const chain = d.destinationChain;
      if (!chain || !d.recipient || !d.destinationAsset || getChain(chain).family !== 'evm' || d.amount === undefined) continue;
      const destination = state.adapters.find((a) => a.supports(chain));
      if (!destination) {
        out.set(d.tx, { note: `${chain} is not traced (no source configured for it): THORChain's outbound to ${d.recipient} was not looked for` });
        continue;
      }
      let found: Awaited<ReturnType<typeof findEvmOutbound>>;
      try {
        found = await findEvmOutbound(
          destination,
          { tx: d.tx, time: e.firstSeen, chain, recipient: d.recipient, destinationAsset: d.destinationAsset },
          { rule, taken, registry: state.bridges, ...(state.run.signal ? { signal: state.run.signal } : {}) },
        );
      } catch (error) {
        // A failing source leaves this inbound where it stopped, said in its deposit (the Bitcoin side stands).
        if (!(error instanceof ChaintrailError)) throw error;
        out.set(d.tx, { note: `THORChain's outbound on ${chain} could not be looked for: the ${destination.kind} source failed (${error.shortMessage})` });
        continue;
      }
      if ('note' in found) {
        out.set(d.tx, { note: found.note });
        continue;
      }
      const t = found.transfer;
      taken.add(arrivalKey(found.match.arrival));
      const taint = handedOver(t.amount, d.tainted, d.amount);
      out.set(d.tx, {
        continuation: {
          chain: t.chain,
          tx: t.tx,
          recipient: t.to,
          asset: t.asset,
          amount: t.amount,
          taint,
          match: found.match.method,
          confidence: found.match.confidence,
          reason: found.match.reason,
        },
      });
      if (taint === 0n) continue;
      const key = assetKeyOf(t.asset);
      traceAsset(state, key, t.asset);
      // Crossing THORChain is one more hop: the hop limit holds for the whole path, across chains.
      state.flow.seed(state.flow.add(t, key) ?? state.flow.find(t)!, taint, e.hops + 1);
      const node = nodeKey(t.chain, t.to);
      noteSeedTx(state, node, t);
      if (!state.pathBefore.has(node)) state.pathBefore.set(node, e.path);
      if (state.settings.from === undefined && t.time < state.fetchWindow.from) state.fetchWindow.from = t.time;
    }
  }
  return out;
}

/** Writes the inbounds' outcomes into the bridge endpoints' deposits, and says a continuation in the reason. */
export function applyInboundOutcomes(endpoints: EndpointData[], outcomes: ReadonlyMap<string, InboundOutcome>): void {
  if (outcomes.size === 0) return;
  for (const e of endpoints) {
    const deposits = e.bridge?.deposits;
    if (!deposits) continue;
    e.bridge!.deposits = deposits.map((d) => {
      const o = outcomes.get(d.tx);
      if (!o) return d;
      const { note: _, ...rest } = d;
      return { ...rest, ...o };
    });
    const continued = e.bridge!.deposits.flatMap((d) =>
      d.continuation ? [`continued on ${d.continuation.chain} at ${d.continuation.recipient} (matched by OUT:<inbound txid>)`] : [],
    );
    if (continued.length > 0) e.reason = `${e.reason}; ${[...new Set(continued)].join('; ')}`;
  }
}
