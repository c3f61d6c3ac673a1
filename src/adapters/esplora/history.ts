import { normalizeAddress } from '../../core/address.js';
import { InvalidInputError } from '../../core/errors.js';
import { isScriptId } from '../bitcoin/script.js';
import { servedChain } from '../bitcoin/guards.js';
import type { AddressTransactionsOptions, AddressTransactionsResult, SourcedUtxoTransaction } from '../bitcoin/utxo-adapter.js';
import { mapEsploraTransaction } from './map.js';
import type { EsploraSource } from './options.js';
import { EsploraTransactionListSchema, type EsploraTransaction } from './schema.js';

/** Esplora serves an address's confirmed history 25 transactions per page, newest first. */
export const ESPLORA_PAGE_SIZE = 25;

/** One address's confirmed history inside the window, paging back until the window's start. */
async function history(
  src: EsploraSource,
  address: string,
  window: AddressTransactionsOptions,
  limit: number,
): Promise<{ txs: EsploraTransaction[]; truncated: boolean }> {
  const txs: EsploraTransaction[] = [];
  let last: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= src.maxPagesPerAddress) return { txs, truncated: true };
    const path = `/address/${address}/txs/chain${last ? `/${last}` : ''}`;
    const batch = await src.get(path, EsploraTransactionListSchema, `transactions of ${address} page ${page + 1}`, window.signal);
    for (const tx of batch) {
      const time = tx.status.confirmed ? tx.status.block_time : null;
      if (time === null) continue;
      if (window.toTime !== undefined && time > window.toTime) continue;
      if (window.fromTime !== undefined && time < window.fromTime) return { txs, truncated: false };
      if (txs.length >= limit) return { txs, truncated: true };
      txs.push(tx);
    }
    if (batch.length < ESPLORA_PAGE_SIZE) return { txs, truncated: false };
    last = batch[batch.length - 1]!.txid;
  }
}

/** The confirmed transactions of many addresses in a window, each once, oldest block first; cut lists named. */
export async function getAddressTransactions(
  src: EsploraSource,
  requested: string,
  addresses: string[],
  window: AddressTransactionsOptions = {},
): Promise<AddressTransactionsResult> {
  const id = servedChain(src.chain, src.source, requested);
  const normalized = [
    ...new Set(
      addresses.map((a) => {
        if (isScriptId(a)) throw new InvalidInputError(`${a} is a script id, not an address: Esplora cannot list its history`, { details: { address: a } });
        return normalizeAddress(id, a);
      }),
    ),
  ];
  const limit = window.maxPerAddress ?? Number.POSITIVE_INFINITY;
  const results = await Promise.all(normalized.map((a) => history(src, a, window, limit)));
  const byTxid = new Map<string, SourcedUtxoTransaction>();
  const truncated: string[] = [];
  results.forEach((r, i) => {
    if (r.truncated) truncated.push(normalized[i]!);
    for (const tx of r.txs) if (!byTxid.has(tx.txid)) byTxid.set(tx.txid, mapEsploraTransaction(id, tx, src.source));
  });
  const transactions = [...byTxid.values()].sort((a, b) => (a.block ?? 0) - (b.block ?? 0) || (a.txid < b.txid ? -1 : a.txid > b.txid ? 1 : 0));
  return { transactions, truncated: truncated.sort() };
}
