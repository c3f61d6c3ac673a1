import { bitcoinLib } from '../../core/bitcoin-network.js';
import type { Transaction } from 'bitcoinjs-lib';
import { InvalidInputError } from '../../core/errors.js';
import { hashToTxid, hexToBytes, scriptAddress, type ScriptType } from './script.js';

/** An input of a decoded transaction: the outpoint it spends (funding txid and output index) and its sequence number. */
export interface DecodedInput {
  prevTx: string;
  vout: number;
  sequence: number;
}

/** An output of a decoded transaction: its index, value in satoshis, script, address (or script id) and script type. */
export interface DecodedOutput {
  n: number;
  value: bigint;
  /** Output script as hex. */
  script: string;
  /** Address, or a `script:` id for scripts without one (see scriptId). */
  address: string;
  type: ScriptType;
}

/** One raw transaction, decoded and hashed; prevouts are not part of a raw transaction and are resolved elsewhere. */
export interface DecodedTransaction {
  txid: string;
  coinbase: boolean;
  /** Empty for a coinbase: it spends nothing. */
  inputs: DecodedInput[];
  outputs: DecodedOutput[];
  segwit: boolean;
  vsize: number;
}

/** A bitcoinjs-lib Transaction -> the fields chaintrail needs, addresses rendered for `chain`. */
export function decodeParsedTransaction(tx: Transaction, chain: string): DecodedTransaction {
  const coinbase = tx.isCoinbase();
  return {
    txid: tx.getId(),
    coinbase,
    inputs: coinbase ? [] : tx.ins.map((input) => ({ prevTx: hashToTxid(input.hash), vout: input.index, sequence: input.sequence })),
    outputs: tx.outs.map((output, n) => {
      const { address, type } = scriptAddress(output.script, chain);
      return { n, value: output.value, script: Buffer.from(output.script).toString('hex'), address, type };
    }),
    segwit: tx.hasWitnesses(),
    vsize: tx.virtualSize(),
  };
}

/** Raw transaction hex (as `/tx/:id/hex` or `getrawtransaction` return it) -> decoded transaction. */
export function decodeTransactionHex(hex: string, chain: string): DecodedTransaction {
  let tx: Transaction;
  try {
    tx = bitcoinLib().Transaction.fromBuffer(hexToBytes(hex));
  } catch (error) {
    throw new InvalidInputError(`Not a raw Bitcoin transaction: ${(error as Error).message}`, { details: { length: hex.length }, cause: error });
  }
  return decodeParsedTransaction(tx, chain);
}
