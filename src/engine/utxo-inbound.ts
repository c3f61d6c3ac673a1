import type { UtxoTransaction } from '../core/movement.js';
import type { Label } from '../core/schema.js';
import type { Terminal } from '../heuristics/classify.js';
import { THORCHAIN, utxoInbound } from '../heuristics/thorchain.js';
import type { BridgeData } from './endpoints.js';

/**
 * Bridges entered on a UTXO chain: an output that paid a THORChain vault (the transaction carries a THORChain swap
 * memo in an OP_RETURN output, src/heuristics/thorchain.ts `utxoInbound`) stops as a bridge endpoint that names the
 * memo's destination chain and recipient. It is not continued on the destination chain.
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
          note: 'a Bitcoin inbound is not continued on its destination chain',
        },
      ],
    },
  };
}
