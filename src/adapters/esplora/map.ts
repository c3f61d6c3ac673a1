import { assembleUtxoTransaction } from '../bitcoin/assemble.js';
import type { Outspend, SourcedUtxoTransaction } from '../bitcoin/utxo-adapter.js';
import type { EsploraOutspend, EsploraTransaction } from './schema.js';

/** An Esplora transaction (and its outspends, when fetched) -> UtxoTransaction. */
export function mapEsploraTransaction(chain: string, tx: EsploraTransaction, source: string, outspends?: EsploraOutspend[]): SourcedUtxoTransaction {
  const coinbase = tx.vin.length > 0 && tx.vin.every((input) => input.is_coinbase);
  return assembleUtxoTransaction({
    chain,
    txid: tx.txid,
    coinbase,
    inputs: tx.vin.map((input) => ({
      prevTx: input.txid,
      vout: input.vout,
      prevout: input.prevout ? { script: input.prevout.scriptpubkey, value: BigInt(input.prevout.value) } : null,
    })),
    outputs: tx.vout.map((output) => ({ script: output.scriptpubkey, value: BigInt(output.value) })),
    block: tx.status.confirmed ? tx.status.block_height : null,
    time: tx.status.confirmed ? tx.status.block_time : null,
    ...(outspends ? { spentBy: outspends.map((o) => (o.spent ? { txid: o.txid, vin: o.vin } : null)) } : {}),
    source,
  });
}

export function mapEsploraOutspends(outspends: EsploraOutspend[]): Outspend[] {
  return outspends.map((o) => (o.spent ? { spent: true, txid: o.txid, vin: o.vin } : { spent: false }));
}
