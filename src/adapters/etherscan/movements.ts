import { nativeAsset } from '../../core/asset.js';
import { NotFoundError } from '../../core/errors.js';
import { compareTransfers, type AccountTransfer } from '../../core/movement.js';
import type { AssetRef } from '../../core/schema.js';
import { decodeWrapLog } from '../../core/wrapped-native.js';
import type { TransactionLog, TransactionMovements } from '../adapter.js';
import { decodeTransferLog } from '../evm-rpc/map.js';
import type { RpcLog } from '../evm-rpc/schema.js';
import { parseAnswer } from '../validate.js';
import { linkedAll } from '../per-address.js';
import { unwrapList, unwrapValue } from './envelope.js';
import { blockscoutLogs, receiptLogs, type createTransactionLookup } from './lookup.js';
import type { EtherscanSource } from './options.js';
import type { ListReader } from './paging.js';
import type { Call } from './requests.js';
import { BlockscoutLogsSchema, BlockscoutTokenSchema, ProxyBlockSchema, ProxyReceiptSchema, ProxyTransactionSchema, TokenTxListSchema } from './schema.js';

type Lookup = ReturnType<typeof createTransactionLookup>;

/** One transaction as the source answered it: who sent what to whom, when, whether it took effect, its logs. */
interface Read {
  hash: string;
  from: string;
  to: string;
  value: bigint;
  block: number;
  txIndex?: number;
  time?: number;
  ok: boolean;
  logs: TransactionLog[];
  internal: AccountTransfer[];
}

/**
 * Every value movement of some transactions, read per hash as the explorer allows (it has no batch call):
 * Etherscan: proxy eth_getTransactionByHash (value), proxy eth_getTransactionReceipt (status, Transfer and
 * Deposit/Withdrawal logs) and txlistinternal by txhash: 3 calls a hash, plus proxy eth_getBlockByNumber once per
 * block for its time. Blockscout: gettxinfo (value, status, time, logs) and txlistinternal: 2 calls a hash.
 * Token metadata: one call per token contract for the adapter's life (tokentx of that contract, offset 1; Blockscout
 * getToken). Internal value is always visible (the explorers index every call).
 */
export function createMovementReader(
  s: EtherscanSource,
  call: Call,
  lists: ListReader,
  lookup: Lookup,
  wrapped: Set<string>,
  facts: ReturnType<typeof createExplorerFacts> = createExplorerFacts(s, call),
) {
  const chain = s.chain.id;
  const { blockTime, tokenOf } = facts;

  async function getTransactionMovements(chainInput: string, hashes: string[], opts?: { signal?: AbortSignal | undefined }): Promise<TransactionMovements> {
    const signal = opts?.signal;
    const wanted = [...new Set(hashes.map((h) => lookup.checkedHash(chainInput, h, signal)))];
    const reads = await linkedAll(
      wanted.map((hash) => (sig: AbortSignal) => readOne(hash, sig)),
      signal,
    );
    const missing = wanted.filter((_, i) => reads[i] === undefined);
    if (missing.length > 0) {
      throw new NotFoundError(`Transactions not found or not mined on ${chain} at ${s.source}: ${missing.join(', ')}`, {
        details: { chain, txs: missing, source: s.source },
      });
    }
    const found = reads.filter((r): r is Read => r?.ok === true);
    const movements = await linkedAll(
      found.map((r) => (sig: AbortSignal) => movementsOf(r, sig)),
      signal,
    );
    return { movements: movements.flat().sort(compareTransfers), internalVisible: true, notes: [] };
  }

  /** One transaction's answers, or undefined when the source does not know it (or it is not mined). */
  async function readOne(hash: string, signal: AbortSignal): Promise<Read | undefined> {
    const [head, internal] = await Promise.all([
      s.flavor === 'etherscan' ? etherscanHead(call, hash, signal) : blockscoutHead(lookup, hash, signal),
      lists.read({ action: 'txlistinternal' }, { txhash: hash }, () => true, undefined, signal),
    ]);
    return head && { ...head, internal: internal.transfers };
  }

  /** A taken-effect transaction's value, internal calls, Transfer logs of any contract and wrap/unwrap logs. */
  async function movementsOf(r: Read, signal: AbortSignal): Promise<AccountTransfer[]> {
    const time = r.time ?? (await blockTime(r.block, signal));
    const base = { chain, tx: r.hash, block: r.block, time, ...(r.txIndex !== undefined ? { txIndex: r.txIndex } : {}) };
    const out: AccountTransfer[] = [];
    if (r.value > 0n && r.to) out.push({ ...base, type: 'native', from: r.from, to: r.to, asset: nativeAsset(chain), amount: r.value, logIndex: -1 });
    out.push(...r.internal.map((m) => ({ ...m, ...base })));
    for (const log of r.logs) {
      const decoded = decodeTransferLog({ ...log, removed: false } as unknown as RpcLog) ?? decodeWrapLog(log, wrapped);
      if (decoded) out.push({ ...base, type: 'token', ...decoded, asset: await tokenOf(log.address, signal), logIndex: log.logIndex });
    }
    return out;
  }

  return { getTransactionMovements };
}

/** Etherscan: the transaction (value) and its receipt (status, logs) through the proxy module. */
async function etherscanHead(call: Call, hash: string, signal: AbortSignal): Promise<Omit<Read, 'internal'> | undefined> {
  const [txAnswer, receiptAnswer] = await Promise.all([
    call({ module: 'proxy', action: 'eth_getTransactionByHash', txhash: hash }, `transaction ${hash}`, signal),
    call({ module: 'proxy', action: 'eth_getTransactionReceipt', txhash: hash }, `receipt ${hash}`, signal),
  ]);
  const tx = parseAnswer(ProxyTransactionSchema, txAnswer.json, txAnswer.where).result;
  const receipt = parseAnswer(ProxyReceiptSchema, receiptAnswer.json, receiptAnswer.where).result;
  if (!tx || !receipt || receipt.blockNumber === null) return undefined;
  const block = Number.parseInt(receipt.blockNumber, 16);
  return {
    hash,
    from: tx.from.toLowerCase(),
    to: (tx.to ?? '').toLowerCase(),
    value: BigInt(tx.value ?? '0x0'),
    block,
    ...(tx.transactionIndex ? { txIndex: Number.parseInt(tx.transactionIndex, 16) } : {}),
    ok: receipt.status === undefined || receipt.status === null || BigInt(receipt.status) !== 0n,
    logs: receiptLogs(receipt.logs, hash, block),
  };
}

/** Blockscout: gettxinfo holds value, status, time and logs. */
async function blockscoutHead(lookup: Lookup, hash: string, signal: AbortSignal): Promise<Omit<Read, 'internal'> | undefined> {
  const found = await lookup.txInfo(hash, signal).catch((error: unknown) => {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  });
  if (!found) return undefined;
  const { info, json, where } = found;
  const block = Number(info.blockNumber);
  return {
    hash,
    from: info.from.toLowerCase(),
    to: (info.to ?? '').toLowerCase(),
    value: BigInt(info.value ?? '0'),
    block,
    ...(info.timeStamp !== undefined ? { time: Number(info.timeStamp) } : {}),
    ok: info.success !== false,
    logs: blockscoutLogs(parseAnswer(BlockscoutLogsSchema, info.logs ?? [], where, json, 'logs'), hash, block),
  };
}

/** What the explorer tells about blocks (time) and tokens (symbol, decimals), each asked once for the adapter's life. */
export function createExplorerFacts(s: EtherscanSource, call: Call) {
  const chain = s.chain.id;
  const times = new Map<number, Promise<number>>();
  const tokens = new Map<string, Promise<AssetRef>>();

  /** A block's time (proxy eth_getBlockByNumber), asked once per block. */
  function blockTime(block: number, signal: AbortSignal): Promise<number> {
    return remember(times, block, async () => {
      const tag = `0x${block.toString(16)}`;
      const { json, where } = await call({ module: 'proxy', action: 'eth_getBlockByNumber', tag, boolean: 'false' }, `block ${block}`, signal);
      const result = parseAnswer(ProxyBlockSchema, json, where).result;
      if (!result) throw new NotFoundError(`Block ${block} not found on ${chain} at ${s.source}`, { details: { chain, block, source: s.source } });
      return Number.parseInt(result.timestamp, 16);
    });
  }

  /** A token's symbol and decimals as the explorer records them; a contract it has none for is "UNKNOWN", 0 decimals. */
  function tokenOf(contract: string, signal: AbortSignal): Promise<AssetRef> {
    return remember(tokens, contract, async () => {
      const asset = (symbol: string | null | undefined, decimals: string | null | undefined): AssetRef => ({
        chain,
        kind: 'token',
        contract,
        symbol: symbol || 'UNKNOWN',
        decimals: Math.min(77, Number(decimals || '0')),
      });
      if (s.flavor === 'blockscout') {
        const { json, where } = await call({ module: 'token', action: 'getToken', contractaddress: contract }, `token ${contract}`, signal);
        const r = unwrapValue(json, BlockscoutTokenSchema, where);
        return r.ok ? asset(r.value.symbol, r.value.decimals) : asset(undefined, undefined);
      }
      const query = { module: 'account', action: 'tokentx', contractaddress: contract, page: 1, offset: 1, sort: 'asc' };
      const { json, where } = await call(query, `token ${contract}`, signal);
      const row = unwrapList(json, TokenTxListSchema, where)[0];
      return asset(row?.tokenSymbol, row?.tokenDecimal);
    });
  }

  return { blockTime, tokenOf };
}

/** A cached answer per key; a failed one is asked again next time. */
function remember<K, V>(cache: Map<K, Promise<V>>, key: K, ask: () => Promise<V>): Promise<V> {
  let hit = cache.get(key);
  if (!hit) {
    hit = ask();
    hit.catch(() => cache.delete(key));
    cache.set(key, hit);
  }
  return hit;
}
