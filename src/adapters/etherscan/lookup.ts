import type { z } from 'zod';
import { normalizeAddress } from '../../core/address.js';
import { getChain } from '../../core/chain.js';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import { compareTransfers, transferId, type AccountTransfer } from '../../core/movement.js';
import type { TransactionLog, TransactionResult } from '../adapter.js';
import { parseAnswer } from '../validate.js';
import { linkedAll } from '../per-address.js';
import { unwrapValue } from './envelope.js';
import type { EtherscanSource } from './options.js';
import type { ListReader, Target } from './paging.js';
import type { Call } from './requests.js';
import { BlockscoutLogsSchema, BlockscoutTxInfoSchema, ProxyReceiptSchema, ProxyTransactionSchema } from './schema.js';

type LookupOptions = { signal?: AbortSignal | undefined };

/**
 * One transaction by hash: its movements (getTransaction) and its event logs (getTransactionLogs), through
 * Etherscan's `proxy` module (the node's own answers) or Blockscout's `gettxinfo`.
 */
export function createTransactionLookup(s: EtherscanSource, call: Call, lists: ListReader) {
  const chain = s.chain.id;
  const notFound = (hash: string) =>
    new NotFoundError(`Transaction ${hash} not found on ${chain} at ${s.source} (or not yet mined)`, { details: { chain, tx: hash, source: s.source } });

  /** The checks both lookups start with: a live signal, our chain, a well-formed hash (returned as 0x + lowercase). */
  const checkedHash = (chainInput: string, hashInput: string, signal: AbortSignal | undefined): string => {
    signal?.throwIfAborted();
    if (getChain(chainInput).id !== chain)
      throw new InvalidInputError(`This ${s.source} adapter serves ${chain}, not ${chainInput}`, { details: { chain: chainInput } });
    const hash = hashInput
      .trim()
      .toLowerCase()
      .replace(/^(0x)?/, '0x');
    if (!/^0x[0-9a-f]{64}$/.test(hash))
      throw new InvalidInputError(`Invalid transaction hash "${hashInput}": expected 0x and 64 hex digits`, { details: { tx: hashInput } });
    return hash;
  };

  /** Blockscout's gettxinfo: the transaction, or NotFoundError. */
  const txInfo = async (hash: string, signal?: AbortSignal) => {
    const { json, where } = await call({ module: 'transaction', action: 'gettxinfo', txhash: hash }, `transaction ${hash}`, signal);
    const r = unwrapValue(json, BlockscoutTxInfoSchema, where);
    if (!r.ok) throw notFound(hash);
    return { info: r.value, json, where };
  };

  /** Block and sender of a transaction, or NotFoundError. */
  const locate = async (hash: string, signal?: AbortSignal): Promise<{ block: number; from: string }> => {
    if (s.flavor === 'etherscan') {
      const { json, where } = await call({ module: 'proxy', action: 'eth_getTransactionByHash', txhash: hash }, `transaction ${hash}`, signal);
      const { result } = parseAnswer(ProxyTransactionSchema, json, where);
      if (!result || result.blockNumber === null) throw notFound(hash);
      return { block: Number.parseInt(result.blockNumber, 16), from: normalizeAddress(chain, result.from) };
    }
    const { info } = await txInfo(hash, signal);
    return { block: Number(info.blockNumber), from: normalizeAddress(chain, info.from) };
  };

  const getTransaction = async (chainInput: string, hashInput: string, opts?: LookupOptions): Promise<TransactionResult> => {
    const signal = opts?.signal;
    const hash = checkedHash(chainInput, hashInput, signal);
    const { block, from } = await locate(hash, signal);
    const ofTx = (t: AccountTransfer) => t.tx === hash;
    const target: Target = { address: from, startBlock: block, endBlock: block };
    // The sender's own lists in that one block give the tx's value, fee and token events with full token data;
    // internal calls come by txhash, which lists all of them whoever they involve.
    const results = await linkedAll(
      [
        (sig: AbortSignal) => lists.read({ action: 'txlist' }, target, ofTx, undefined, sig),
        (sig: AbortSignal) => lists.read({ action: 'tokentx' }, target, ofTx, undefined, sig),
        (sig: AbortSignal) => lists.read({ action: 'txlistinternal' }, { txhash: hash }, ofTx, undefined, sig),
      ],
      signal,
    );
    const unique = new Map<string, AccountTransfer>();
    for (const t of results.flatMap((r) => r.transfers)) unique.set(transferId(t), t);
    return { chain, tx: hash, transfers: [...unique.values()].sort(compareTransfers) };
  };

  /**
   * Every event log of a transaction: Etherscan's receipt (`proxy` eth_getTransactionReceipt), Blockscout's
   * gettxinfo `logs`. Bridge deposit and fill events are read from these.
   */
  const getTransactionLogs = async (chainInput: string, hashInput: string, opts?: LookupOptions): Promise<TransactionLog[]> => {
    const signal = opts?.signal;
    const hash = checkedHash(chainInput, hashInput, signal);
    if (s.flavor === 'etherscan') {
      const { json, where } = await call({ module: 'proxy', action: 'eth_getTransactionReceipt', txhash: hash }, `receipt ${hash}`, signal);
      const receipt = parseAnswer(ProxyReceiptSchema, json, where).result;
      if (!receipt || receipt.blockNumber === null) throw notFound(hash);
      return receiptLogs(receipt.logs, hash, Number.parseInt(receipt.blockNumber, 16));
    }
    const { info, json, where } = await txInfo(hash, signal);
    const logs = parseAnswer(BlockscoutLogsSchema, info.logs ?? [], where, json, 'logs');
    return blockscoutLogs(logs, hash, Number(info.blockNumber));
  };

  return { getTransaction, getTransactionLogs, checkedHash, txInfo };
}

/** An Etherscan receipt's logs (removed ones left out), lower-cased, in log order. */
export function receiptLogs(logs: NonNullable<z.output<typeof ProxyReceiptSchema>['result']>['logs'], hash: string, block: number): TransactionLog[] {
  return logs
    .filter((l) => l.removed !== true)
    .map((l) => ({
      address: l.address.toLowerCase(),
      topics: l.topics.map((t) => t.toLowerCase()),
      data: l.data.toLowerCase(),
      logIndex: Number.parseInt(l.logIndex, 16),
      transactionHash: hash,
      blockNumber: block,
    }))
    .sort((a, b) => a.logIndex - b.logIndex);
}

/** Blockscout's gettxinfo logs (null topics left out), lower-cased, in log order. */
export function blockscoutLogs(logs: z.output<typeof BlockscoutLogsSchema>, hash: string, block: number): TransactionLog[] {
  return logs
    .map((l) => ({
      address: l.address.toLowerCase(),
      topics: l.topics.filter((t): t is string => t !== null).map((t) => t.toLowerCase()),
      data: l.data.toLowerCase(),
      logIndex: Number(l.index),
      transactionHash: hash,
      blockNumber: block,
    }))
    .sort((a, b) => a.logIndex - b.logIndex);
}
