import { ResponseShapeError } from '../../core/errors.js';
import { checkTxid, servedChain } from '../bitcoin/guards.js';
import type { Outspend, SourcedUtxoTransaction } from '../bitcoin/utxo-adapter.js';
import { mapEsploraOutspends, mapEsploraTransaction } from './map.js';
import type { EsploraSource } from './options.js';
import { EsploraOutspendsSchema, EsploraTransactionSchema } from './schema.js';

export async function getOutspends(src: EsploraSource, requested: string, txid: string, opts?: { signal?: AbortSignal | undefined }): Promise<Outspend[]> {
  servedChain(src.chain, src.source, requested);
  const id = checkTxid(txid);
  return mapEsploraOutspends(await src.get(`/tx/${id}/outspends`, EsploraOutspendsSchema, `outspends of ${id}`, opts?.signal));
}

export async function getUtxoTransaction(
  src: EsploraSource,
  requested: string,
  txid: string,
  opts?: { signal?: AbortSignal | undefined },
): Promise<SourcedUtxoTransaction> {
  const id = servedChain(src.chain, src.source, requested);
  const hash = checkTxid(txid);
  const [tx, outspends] = await Promise.all([
    src.get(`/tx/${hash}`, EsploraTransactionSchema, `transaction ${hash}`, opts?.signal),
    src.get(`/tx/${hash}/outspends`, EsploraOutspendsSchema, `outspends of ${hash}`, opts?.signal),
  ]);
  if (tx.txid !== hash)
    throw new ResponseShapeError(`${src.source} answered transaction ${tx.txid} when asked for ${hash}`, { details: { asked: hash, got: tx.txid } });
  if (outspends.length !== tx.vout.length) {
    throw new ResponseShapeError(`${src.source} gave ${outspends.length} outspends for ${tx.vout.length} outputs of ${hash}`, { details: { txid: hash } });
  }
  return mapEsploraTransaction(id, tx, src.source, outspends);
}
