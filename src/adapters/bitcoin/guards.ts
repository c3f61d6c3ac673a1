import { InvalidInputError } from '../../core/errors.js';

/** A txid as sources expect it: 64 hex digits, lower case. */
export function checkTxid(txid: string): string {
  const clean = txid.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(clean)) throw new InvalidInputError(`Invalid Bitcoin txid "${txid.slice(0, 80)}": expected 64 hex digits`, { details: { txid: txid.slice(0, 80) } });
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
