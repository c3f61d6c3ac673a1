import { getChain, type ChainInfo } from '../../core/chain.js';
import { InvalidInputError } from '../../core/errors.js';

/** A txid as sources expect it: 64 hex digits, lower case. */
export function checkTxid(txid: string): string {
  const clean = txid.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(clean))
    throw new InvalidInputError(`Invalid Bitcoin txid "${txid.slice(0, 80)}": expected 64 hex digits`, { details: { txid: txid.slice(0, 80) } });
  return clean;
}

/**
 * Bitcoin sources do not answer account-style transfer queries: an empty answer would read as "nothing moved".
 * The engine asks them UTXO questions instead (getUtxoTransaction, getOutspends, getAddressTransactions).
 */
export function utxoOnlyTransfers(source: string): InvalidInputError {
  return new InvalidInputError(
    `${source} is a Bitcoin source: it answers UTXO queries (getUtxoTransaction, getOutspends, getAddressTransactions), not getTransfers`,
    { details: { source, use: ['getUtxoTransaction', 'getOutspends', 'getAddressTransactions'] } },
  );
}

/** The chain a Bitcoin source is set up for: a Bitcoin-family one. `name` is the source's kind ("Esplora"). */
export function utxoChain(name: string, chainInput: string): ChainInfo {
  const chain = getChain(chainInput);
  if (chain.family !== 'utxo') throw new InvalidInputError(`${name} serves Bitcoin-family chains, not ${chain.id}`, { details: { chain: chain.id } });
  return chain;
}

/** The chain a query asks for, when it is the one the source serves; `source` names the source in the message. */
export function servedChain(served: ChainInfo, source: string, requested: string): string {
  const id = getChain(requested).id;
  if (id !== served.id) throw new InvalidInputError(`${source} serves ${served.id}, not ${id}`, { details: { chain: id, served: served.id } });
  return id;
}
