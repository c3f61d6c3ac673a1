import { normalizeAddress } from '../../core/address.js';
import { getChain, type ChainInfo, isChain } from '../../core/chain.js';
import { describeZodIssues, InvalidInputError, NotFoundError } from '../../core/errors.js';
import { compareTransfers, sortChronologically, transferId, type AccountTransfer } from '../../core/movement.js';
import type { AdapterStats, ChainAdapter, TransactionLog, TransactionResult, TransferQuery, TransferResult } from '../adapter.js';
import { checkAborted } from './abort.js';
import { createSpanState } from './block-range.js';
import { createBlockClock, hexToNumber, type BlockRange } from './blocks.js';
import { isUnsupported, RpcError } from './errors.js';
import { fetchTransferLogs, mapTransferLogs } from './logs.js';
import { logToTransfer, traceToTransfer, transactionToTransfer, dropReverted } from './map.js';
import { createBlockScanner, createReceiptCache, nativeByTraces, type NativeContext } from './native.js';
import { EvmRpcOptionsSchema, type EvmRpcAdapterOptions, type EvmRpcSettings } from './options.js';
import { redactUrl } from '../../core/redact.js';
import { QuantitySchema, ReceiptSchema, TracesSchema, TransactionSchema, type RpcLog } from './schema.js';
import { createTokenRegistry } from './tokens.js';
import { createTransport, type TransportStats } from './transport.js';

/** Requests and cache hits of the JSON-RPC source, with its transport's figures. */
export interface EvmRpcStats extends AdapterStats, TransportStats {}

/** The JSON-RPC source: a ChainAdapter with its request statistics. */
export interface EvmRpcAdapter extends ChainAdapter {
  readonly kind: 'evm-rpc';
  stats(): EvmRpcStats;
  getTransactionLogs(chain: string, hash: string, options?: { signal?: AbortSignal | undefined }): Promise<TransactionLog[]>;
}

const TX_HASH = /^0x[0-9a-f]{64}$/;
const ZERO = '0x0000000000000000000000000000000000000000';

/**
 * An EVM chain through any JSON-RPC node or provider: ERC-20 Transfer logs for whole frontiers per eth_getLogs,
 * native value through trace_filter when the node has it (else a bounded block scan), timestamps and token
 * metadata fetched in batches and cached.
 */
export function createEvmRpcAdapter(input: EvmRpcAdapterOptions): EvmRpcAdapter {
  const { cache, clock: sleeper, fetch: fetchImpl, ...rest } = input;
  const options = parseOptions(rest);
  const info = evmChainInfo(options.chain);
  const endpoint = redactUrl(options.url);
  // fetch refuses URLs with credentials: user:password@ in the URL travels as Basic authorization instead.
  const { url, headers } = moveUserinfo(options.url, options.headers);
  const transport = createTransport({
    url,
    endpoint,
    rpcBatchSize: options.rpcBatchSize,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    reorgMarginBlocks: options.reorgMarginBlocks,
    ...(headers ? { headers } : {}),
    ...(cache ? { cache } : {}),
    ...(sleeper ? { clock: sleeper } : {}),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  const clock = createBlockClock(transport, endpoint);
  const tokens = createTokenRegistry(transport, info.id);
  const receipts = createReceiptCache(transport);
  const native: NativeContext = { chain: info.id, transport, clock, receipts };
  const scanner = createBlockScanner(native);
  const logSpan = createSpanState(options.maxBlockRange);
  const traceSpan = createSpanState(options.maxBlockRange);
  const notes = new Set<string>();
  let chainChecked: Promise<void> | undefined;
  let traces: Promise<boolean> | undefined = options.traceFilter === undefined ? undefined : Promise.resolve(options.traceFilter);
  let tracesKnown: boolean | undefined = options.traceFilter;

  /** The node must serve the chain we were asked about: a wrong endpoint would trace another chain's history. */
  function checkChain(signal?: AbortSignal): Promise<void> {
    chainChecked ??= (async () => {
      const answer = hexToNumber(await transport.call({ method: 'eth_chainId', params: [] }, QuantitySchema, signal));
      if (answer !== info.evmChainId) {
        throw new InvalidInputError(
          `The node at ${endpoint} says chainId ${answer} but chain ${info.id} (chainId ${info.evmChainId}) was asked`,
          { details: { endpoint, nodeChainId: answer, chain: info.id, expectedChainId: info.evmChainId } },
        );
      }
    })().catch((error: unknown) => {
      chainChecked = undefined; // a network failure may pass; ask again next time
      throw error;
    });
    return chainChecked;
  }

  /** Probed once: a tiny trace_filter either answers or says the method is not there. */
  function traceSupport(signal?: AbortSignal): Promise<boolean> {
    traces ??= (async () => {
      const head = await clock.head(signal);
      try {
        await transport.call(
          { method: 'trace_filter', params: [{ fromBlock: `0x${head.toString(16)}`, toBlock: `0x${head.toString(16)}`, toAddress: [ZERO] }] },
          TracesSchema,
          signal,
        );
        tracesKnown = true;
      } catch (error) {
        if (!(error instanceof RpcError)) throw error;
        // Any JSON-RPC refusal means the fallback, not a failed trace; an unexpected one is worth a note.
        if (!isUnsupported(error)) notes.add(`trace_filter was refused by the node (${error.rpcMessage}); native value was read without it.`);
        tracesKnown = false;
      }
      return tracesKnown;
    })().catch((error: unknown) => {
      traces = undefined;
      throw error;
    });
    return traces;
  }

  function chainOf(chain: string): string {
    const id = getChain(chain).id;
    if (id !== info.id) {
      throw new InvalidInputError(`This EVM RPC source serves ${info.id}, not ${id}`, { details: { endpoint, chain: id, serves: info.id } });
    }
    return id;
  }

  async function nativeTransfers(q: {
    addresses: string[];
    directions: ('in' | 'out')[];
    range: BlockRange;
    signal?: AbortSignal | undefined;
    onChunk: (direction: 'in' | 'out', items: readonly AccountTransfer[]) => Iterable<string>;
  }): Promise<AccountTransfer[]> {
    if (await traceSupport(q.signal)) {
      const lists = await Promise.all(
        q.directions.map((direction) =>
          nativeByTraces(native, { addresses: q.addresses, direction, range: q.range, batchSize: options.batchSize, span: traceSpan, onChunk: q.onChunk, signal: q.signal }),
        ),
      );
      return lists.flat();
    }
    notes.add(
      `Native ${info.native.symbol} on ${info.id} was read from transactions' own value by scanning blocks (the node offers no trace_filter): internal transfers made by contracts were not visible.`,
    );
    const last = Math.min(q.range.to, q.range.from + options.blockScanLimit - 1);
    if (last < q.range.to) {
      notes.add(
        `Native ${info.native.symbol} on ${info.id} was scanned in blocks ${q.range.from}–${last} only (blockScanLimit ${options.blockScanLimit}); native movements in later blocks of the window were not visible.`,
      );
    }
    const direction = q.directions.length === 2 ? 'both' : q.directions[0]!;
    return scanner.transfers(q.addresses, direction, { from: q.range.from, to: last }, q.signal);
  }

  async function getTransfers(q: TransferQuery): Promise<TransferResult> {
    checkAborted(q.signal);
    const chain = chainOf(q.chain);
    const addresses = [...new Set(q.addresses.map((a) => normalizeAddress(chain, a)))].sort();
    if (addresses.length === 0) return { transfers: [], truncated: [] };
    await checkChain(q.signal);
    const range = await clock.range(q.fromTime, q.toTime, q.signal);
    if (!range) return { transfers: [], truncated: [] };
    tokens.prime(q.assets);
    const traced = q.assets
      ? [...new Set([...q.assets.flatMap((a) => (a.kind === 'token' && a.contract ? [a.contract.toLowerCase()] : [])), ...(q.tokens ?? []).map((c) => c.toLowerCase())])].sort()
      : undefined;
    const wantTokens = traced === undefined || traced.length > 0;
    const contracts = options.tokenScope === 'all' ? undefined : traced;
    const wantNative = !q.assets || q.assets.some((a) => a.kind === 'native');
    const directions: ('in' | 'out')[] = q.direction === 'both' ? ['out', 'in'] : [q.direction];
    const requested = new Set(addresses);

    // Counted per side while scanning, so an address past maxPerAddress stops costing requests.
    const limit = q.maxPerAddress ?? Number.POSITIVE_INFINITY;
    const counts = new Map<string, number>();
    const cut = new Set<string>();
    const tally = (sides: Iterable<string>): string[] => {
      const newly: string[] = [];
      for (const a of sides) {
        if (!requested.has(a)) continue;
        const n = (counts.get(a) ?? 0) + 1;
        counts.set(a, n);
        if (n > limit && !cut.has(a)) {
          cut.add(a);
          newly.push(a);
        }
      }
      return newly;
    };

    const logs: RpcLog[] = [];
    if (wantTokens) {
      const jobs: Promise<RpcLog[]>[] = [];
      for (const direction of directions) {
        for (let i = 0; i < addresses.length; i += options.batchSize) {
          jobs.push(
            fetchTransferLogs(transport, {
              addresses: addresses.slice(i, i + options.batchSize),
              direction,
              range,
              contracts,
              span: logSpan,
              onChunk: tally,
              signal: q.signal,
            }),
          );
        }
      }
      for (const list of await Promise.all(jobs)) logs.push(...list);
    }
    const found = await mapTransferLogs(chain, logs, { tokens, clock }, q.signal);
    if (wantNative) {
      const sideOf = (direction: 'in' | 'out', items: readonly AccountTransfer[]) => tally(items.map((t) => (direction === 'out' ? t.from : t.to)));
      found.push(...(await nativeTransfers({ addresses, directions, range, signal: q.signal, onChunk: sideOf })));
    }
    return finish(found, requested, directions, limit, cut);
  }

  /** The checks both transaction lookups start with: a live signal, our chain, a well-formed hash. */
  async function transactionRequest(chainInput: string, hash: string, opts?: { signal?: AbortSignal | undefined }) {
    const signal = opts?.signal;
    checkAborted(signal);
    const chain = chainOf(chainInput);
    const h = hash.toLowerCase().startsWith('0x') ? hash.toLowerCase() : `0x${hash.toLowerCase()}`;
    if (!TX_HASH.test(h)) throw new InvalidInputError(`Invalid transaction hash "${hash}"`, { details: { chain, tx: hash } });
    await checkChain(signal);
    return { signal, chain, h };
  }

  async function getTransaction(chainInput: string, hash: string, opts?: { signal?: AbortSignal | undefined }): Promise<TransactionResult> {
    const { signal, chain, h } = await transactionRequest(chainInput, hash, opts);
    const [tx, receipt] = await Promise.all([
      transport.call({ method: 'eth_getTransactionByHash', params: [h] }, TransactionSchema.nullable(), signal),
      transport.call({ method: 'eth_getTransactionReceipt', params: [h] }, ReceiptSchema.nullable(), signal),
    ]);
    if (!tx || !receipt) {
      throw new NotFoundError(`Transaction ${h} ${tx ? 'is not mined yet' : 'not found'} on ${chain} at ${endpoint}`, { details: { chain, tx: h, endpoint } });
    }
    receipts.put(receipt);
    const block = hexToNumber(receipt.blockNumber);
    const time = (await clock.times([block], signal)).get(block)!;
    const transfers: AccountTransfer[] = [];
    if (await traceSupport(signal)) {
      const list = await transport.call({ method: 'trace_transaction', params: [h] }, TracesSchema, signal);
      for (const t of dropReverted(list)) {
        const m = traceToTransfer(chain, t, time, receipt);
        if (m) transfers.push(m);
      }
    } else {
      const m = transactionToTransfer(chain, tx, block, time, receipt);
      if (m) transfers.push(m);
    }
    const assets = await tokens.get(
      receipt.logs.map((l) => l.address.toLowerCase()),
      signal,
    );
    for (const log of receipt.logs) {
      const m = logToTransfer(chain, log, assets.get(log.address.toLowerCase())!, time);
      if (m) transfers.push(m);
    }
    return { chain, tx: h, transfers: transfers.sort(compareTransfers) };
  }

  /** Every log the transaction emitted (from its receipt, cached with the receipts the adapter already read). */
  async function getTransactionLogs(chainInput: string, hash: string, opts?: { signal?: AbortSignal | undefined }): Promise<TransactionLog[]> {
    const { signal, chain, h } = await transactionRequest(chainInput, hash, opts);
    const receipt = (await receipts.get([h], signal)).get(h);
    if (!receipt) throw new NotFoundError(`Transaction ${h} not found (or not mined) on ${chain} at ${endpoint}`, { details: { chain, tx: h, endpoint } });
    return receipt.logs
      .filter((l) => l.removed !== true)
      .map((l) => ({
        address: l.address.toLowerCase(),
        topics: l.topics.map((t) => t.toLowerCase()),
        data: l.data.toLowerCase(),
        logIndex: hexToNumber(l.logIndex),
        transactionHash: l.transactionHash.toLowerCase(),
        blockNumber: hexToNumber(l.blockNumber),
      }))
      .sort((a, b) => a.logIndex - b.logIndex);
  }

  return {
    kind: 'evm-rpc',
    endpoint,
    capabilities: {
      maxAddressesPerCall: options.batchSize,
      // Known once probed (or forced by the traceFilter option); false until then.
      get internalTransfers() {
        return tracesKnown === true;
      },
    },
    supports: (chain) => isChain(chain, info.id),
    getTransfers,
    getTransaction,
    getTransactionLogs,
    notes(chain) {
      try {
        if (getChain(chain).id !== info.id) return [];
      } catch {
        return [];
      }
      return [...notes, ...tokens.notes()];
    },
    stats() {
      const t = transport.stats();
      // requests = JSON-RPC calls (what providers bill); cacheHits = answer-cache hits plus block times reused.
      return { ...t, requests: t.calls, cacheHits: t.cacheHits + clock.cacheHits() };
    },
    evidence: (since) => transport.evidence(since),
    evidenceMark: () => transport.evidenceMark(),
  };
}

/** Dedupes (a movement between two requested addresses is found from both sides), orders, and applies the cut. */
function finish(
  found: AccountTransfer[],
  requested: ReadonlySet<string>,
  directions: readonly ('in' | 'out')[],
  limit: number,
  cut: Set<string>,
): TransferResult {
  const unique = new Map<string, AccountTransfer>();
  for (const t of found) unique.set(transferId(t), t);
  const sorted = sortChronologically([...unique.values()], (t) => t);
  const out = directions.includes('out');
  const inn = directions.includes('in');
  const counts = new Map<string, number>();
  for (const t of sorted) {
    if (out && requested.has(t.from)) counts.set(t.from, (counts.get(t.from) ?? 0) + 1);
    if (inn && requested.has(t.to) && !(out && t.from === t.to)) counts.set(t.to, (counts.get(t.to) ?? 0) + 1);
  }
  for (const [a, n] of counts) if (n > limit) cut.add(a);
  // A cut address's partial list is dropped: only movements of complete addresses are returned.
  const transfers = sorted.filter((t) => (out && requested.has(t.from) && !cut.has(t.from)) || (inn && requested.has(t.to) && !cut.has(t.to)));
  return { transfers, truncated: [...cut].sort() };
}

function parseOptions(input: unknown): EvmRpcSettings {
  const parsed = EvmRpcOptionsSchema.safeParse(input);
  if (!parsed.success) {
    // Issues name fields, never values: the URL may hold a key.
    throw new InvalidInputError(`Invalid EVM RPC adapter options: ${describeZodIssues(parsed.error.issues)}`, {
      details: { fields: parsed.error.issues.map((i) => i.path.join('.')) },
    });
  }
  return parsed.data;
}

function evmChainInfo(chain: string): ChainInfo {
  const info = getChain(chain);
  if (info.family !== 'evm' || info.evmChainId === undefined) {
    throw new InvalidInputError(`The EVM RPC source needs an EVM chain, not ${info.id}`, { details: { chain: info.id } });
  }
  return info;
}

export type { EvmRpcAdapterOptions };

/** `http://user:password@host/…` -> the URL without userinfo and an Authorization: Basic header (unless one is given). */
function moveUserinfo(raw: string, given: Record<string, string> | undefined): { url: string; headers: Record<string, string> | undefined } {
  const url = new URL(raw);
  if (!url.username && !url.password) return { url: raw, headers: given };
  const basic = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  const hasAuth = Object.keys(given ?? {}).some((k) => k.toLowerCase() === 'authorization');
  return { url: url.toString(), headers: hasAuth ? given : { ...given, authorization: basic } };
}
