import { getChain } from '../../core/chain.js';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import { compareTransfers, type AccountTransfer } from '../../core/movement.js';
import { freezableStablecoin } from '../../core/stablecoins.js';
import type { TransactionResult } from '../adapter.js';
import type { HttpClient } from '../http/index.js';
import { mapTronReceipt, mapTronTransaction, normalizeTxid } from './map.js';
import { parseTron } from './options.js';
import { Trc20ListSchema, TronTransactionInfoSchema, TronTransactionSchema, type TronTransactionInfo } from './schema.js';

/** A failed or reverted transaction moved no value. */
export const txFailed = (info: TronTransactionInfo) => info.result === 'FAILED' || (info.receipt?.result !== undefined && info.receipt.result !== 'SUCCESS');
/** The full node answers `{}` for an unknown id. */
export const isEmpty = (j: unknown) => typeof j === 'object' && j !== null && Object.keys(j).length === 0;

export function tronOnly(chain: string): void {
  if (getChain(chain).id !== 'tron') throw new InvalidInputError(`The TronGrid adapter serves tron, not ${chain}`, { details: { chain } });
}

/** A TRON txid: 64 hex digits, lower-case, no 0x. */
export function checkTxid(hash: string): string {
  const txid = normalizeTxid(hash.trim());
  if (!/^[0-9a-f]{64}$/.test(txid)) throw new InvalidInputError(`Invalid TRON transaction id "${hash}": expected 64 hex digits`, { details: { tx: hash } });
  return txid;
}

/** Symbol and decimals of a TRC-20 token: the stablecoin registry, else TronGrid's token_info for the tx. */
export const tokenMeta = async (http: HttpClient, contract: string, txid: string, holder: string, timeMs: number, signal?: AbortSignal) => {
  const known = freezableStablecoin('tron', contract);
  if (known) return { symbol: known.symbol, decimals: known.decimals };
  const json = await http.requestJson({
    path: `/v1/accounts/${holder}/transactions/trc20`,
    query: { contract_address: contract, min_timestamp: timeMs, max_timestamp: timeMs, limit: 200, only_confirmed: true },
    what: `token info of ${contract}`,
    ...(signal ? { signal } : {}),
  });
  const hit = parseTron(Trc20ListSchema, json, `token info of ${contract}`).data.find((r) => normalizeTxid(r.transaction_id) === txid);
  return hit ? { symbol: hit.token_info.symbol || 'UNKNOWN', decimals: hit.token_info.decimals } : { symbol: 'UNKNOWN', decimals: 0 };
};

/** A seed transaction from the full-node API: its TRX value, fee, block, TRC-20 Transfer logs and internal TRX. */
export const readTransaction = async (http: HttpClient, chainInput: string, hashInput: string, signal: AbortSignal | undefined): Promise<TransactionResult> => {
  signal?.throwIfAborted();
  tronOnly(chainInput);
  const txid = checkTxid(hashInput);
  const post = (path: string) => http.requestJson({ method: 'POST', path, body: { value: txid }, what: `${path} ${txid}`, ...(signal ? { signal } : {}) });
  const [txJson, infoJson] = await Promise.all([post('/wallet/gettransactionbyid'), post('/wallet/gettransactioninfobyid')]);
  if (isEmpty(txJson) || isEmpty(infoJson)) {
    throw new NotFoundError(`Transaction ${txid} not found on tron at TronGrid (or not yet confirmed)`, {
      details: { chain: 'tron', tx: txid, source: 'TronGrid' },
    });
  }
  const tx = parseTron(TronTransactionSchema, txJson, `transaction ${txid}`);
  const info = parseTron(TronTransactionInfoSchema, infoJson, `transaction info ${txid}`);
  if (info.blockNumber === undefined || info.blockTimeStamp === undefined) {
    throw new NotFoundError(`Transaction ${txid} is not in a block yet`, { details: { chain: 'tron', tx: txid } });
  }
  const transfers: AccountTransfer[] = [];
  const failed = txFailed(info);
  const native = mapTronTransaction(tx, { block: info.blockNumber, timeMs: info.blockTimeStamp, ...(info.fee !== undefined ? { fee: info.fee } : {}) });
  if (native && !failed) transfers.push(native);
  if (!failed) {
    // Token metadata first (registry or one lookup per unknown contract), then the receipt's Transfer logs.
    const metas = new Map<string, { symbol: string; decimals: number }>();
    const draft = mapTronReceipt(txid, info, () => ({ symbol: '', decimals: 0 }));
    for (const t of draft) {
      if (t.type === 'token' && !metas.has(t.asset.contract!))
        metas.set(t.asset.contract!, await tokenMeta(http, t.asset.contract!, txid, t.to, info.blockTimeStamp, signal));
    }
    transfers.push(...mapTronReceipt(txid, info, (c) => metas.get(c)!));
  }
  return { chain: 'tron', tx: txid, transfers: transfers.sort(compareTransfers) };
};
