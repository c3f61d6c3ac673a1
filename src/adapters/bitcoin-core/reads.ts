import { InvalidInputError } from '../../core/errors.js';
import { checkTxid, servedChain } from '../bitcoin/guards.js';
import { hexToBytes, scriptType } from '../bitcoin/script.js';
import type { AddressTransactionsResult, Outspend, SourcedUtxoTransaction } from '../bitcoin/utxo-adapter.js';
import { mapCoreTransaction } from './map.js';
import type { CoreSource } from './options.js';
import type { CoreRpc } from './rpc.js';
import { RpcBlockHeaderSchema, RpcTransactionSchema, RpcTxOutSchema } from './schema.js';

type Opts = { signal?: AbortSignal | undefined } | undefined;

/** What the node can answer: a transaction (with its block height), whether its outputs are spent; no address index. */
export interface CoreReads {
  getUtxoTransaction(requested: string, txid: string, opts?: Opts): Promise<SourcedUtxoTransaction>;
  getOutspends(requested: string, txid: string, opts?: Opts): Promise<Outspend[]>;
  getAddressTransactions(requested: string): Promise<AddressTransactionsResult>;
}

export function createCoreReads({ chain, http, source }: CoreSource, rpc: CoreRpc): CoreReads {
  const headers = new Map<string, Promise<number>>();
  const heightOf = (blockhash: string, signal?: AbortSignal): Promise<number> => {
    let hit = headers.get(blockhash);
    if (!hit) {
      hit = rpc.call('getblockheader', [blockhash, true], RpcBlockHeaderSchema, `block header ${blockhash}`, signal).then((h) => h.height);
      hit.catch(() => headers.delete(blockhash));
      headers.set(blockhash, hit);
    }
    return hit;
  };

  const onChain = (requested: string): string => servedChain(chain, source, requested);

  async function getUtxoTransaction(requested: string, txid: string, opts?: { signal?: AbortSignal | undefined }): Promise<SourcedUtxoTransaction> {
    const id = onChain(requested);
    const hash = checkTxid(txid);
    const tx = await rpc.call('getrawtransaction', [hash, 2], RpcTransactionSchema, `transaction ${hash}`, opts?.signal);
    const height = tx.blockhash && (tx.confirmations ?? 0) > 0 ? await heightOf(tx.blockhash, opts?.signal) : null;
    return mapCoreTransaction(id, hash, tx, height, source);
  }

  async function getOutspends(requested: string, txid: string, opts?: { signal?: AbortSignal | undefined }): Promise<Outspend[]> {
    const id = onChain(requested);
    const hash = checkTxid(txid);
    const tx = await rpc.call('getrawtransaction', [hash, 2], RpcTransactionSchema, `transaction ${hash}`, opts?.signal);
    const coins = await rpc.batch(
      'gettxout',
      tx.vout.map((o) => [hash, o.n, true]),
      RpcTxOutSchema,
      `unspent outputs of ${hash}`,
      opts?.signal,
    );
    void id;
    return tx.vout.map((o, i): Outspend => {
      // OP_RETURN outputs never enter the UTXO set: unspendable, not spent.
      if (scriptType(hexToBytes(o.scriptPubKey.hex)) === 'op_return') return { spent: false };
      return coins[i] === null ? { spent: true, txid: null, vin: null } : { spent: false };
    });
  }

  async function getAddressTransactions(requested: string): Promise<AddressTransactionsResult> {
    onChain(requested);
    throw new InvalidInputError(
      `${source} keeps no address index: seed a Bitcoin trace with a txid or txid:vout, or use an Esplora source (--source esplora:URL) for address seeds`,
      { details: { source: 'Bitcoin Core', endpoint: http.endpoint, reason: 'no-address-index' } },
    );
  }

  return { getUtxoTransaction, getOutspends, getAddressTransactions };
}
