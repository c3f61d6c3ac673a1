import { parseUnits } from '../../core/asset.js';
import { ResponseShapeError } from '../../core/errors.js';
import { assembleUtxoTransaction } from '../bitcoin/assemble.js';
import { decodeTransactionHex } from '../bitcoin/decode.js';
import type { SourcedUtxoTransaction } from '../bitcoin/utxo-adapter.js';
import type { RpcTransaction } from './schema.js';

/** A BTC amount as Core prints it (a JSON number with at most 8 decimals) -> satoshis, exactly. */
export function btcToSats(value: number): bigint {
  return parseUnits(value.toFixed(8), 8, 'BTC amount');
}

/**
 * `getrawtransaction <txid> 2` -> UtxoTransaction. The raw hex is decoded with bitcoinjs-lib and must hash to the
 * txid asked for; outputs (scripts and exact satoshi values) come from the decoded bytes, prevouts from Core.
 */
export function mapCoreTransaction(chain: string, asked: string, tx: RpcTransaction, height: number | null, source: string): SourcedUtxoTransaction {
  const decoded = decodeTransactionHex(tx.hex, chain);
  if (decoded.txid !== asked || tx.txid !== asked) {
    throw new ResponseShapeError(`${source} answered transaction ${decoded.txid} when asked for ${asked}`, { details: { asked, got: decoded.txid } });
  }
  const inputs = decoded.inputs.map((input, vin) => {
    const rpc = tx.vin[vin];
    const prevout = rpc && 'prevout' in rpc && rpc.prevout ? { script: rpc.prevout.scriptPubKey.hex, value: btcToSats(rpc.prevout.value) } : null;
    return { prevTx: input.prevTx, vout: input.vout, prevout };
  });
  return assembleUtxoTransaction({
    chain,
    txid: decoded.txid,
    coinbase: decoded.coinbase,
    inputs,
    outputs: decoded.outputs.map((o) => ({ script: o.script, value: o.value })),
    block: height,
    time: tx.blocktime ?? null,
    source,
  });
}
