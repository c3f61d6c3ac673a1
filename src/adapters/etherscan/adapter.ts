import { z } from 'zod';
import { normalizeAddress } from '../../core/address.js';
import { getChain, isChain } from '../../core/chain.js';
import { describeZodIssues, InvalidInputError, NotFoundError } from '../../core/errors.js';
import { compareTransfers, transferId, type AccountTransfer } from '../../core/movement.js';
import type { AdapterStats, ChainAdapter, TransactionLog, TransactionResult, TransferQuery, TransferResult } from '../adapter.js';
import { combineAddressLists, mergeStreams } from '../per-address.js';
import { createHttpClient, HttpSourceOptionsSchema, type HttpSourceHooks } from '../http/index.js';
import { classifyEtherscan, ResultWindowError, shapeError, unwrapList, unwrapValue } from './envelope.js';
import { mapInternalTxs, mapNormalTx, mapTokenTxs } from './map.js';
import {
  BlockByTimeSchema,
  BlockscoutLogsSchema,
  BlockscoutTxInfoSchema,
  InternalTxListSchema,
  NormalTxListSchema,
  ProxyReceiptSchema,
  ProxyTransactionSchema,
  TokenTxListSchema,
} from './schema.js';

/** Etherscan's V2 API (one URL for every chain, selected by `chainid`). */
export const ETHERSCAN_V2_URL = 'https://api.etherscan.io/v2/api';

// baseUrl: Etherscan V2 by default; any other URL is taken as a Blockscout instance (its `/api` is appended if
// missing). rateLimit: Etherscan's free tier allows 3 requests/s; Blockscout instances about 5-10 without a key.
const OptionsSchema = HttpSourceOptionsSchema.extend({
  chain: z.string(),
  flavor: z.enum(['etherscan', 'blockscout']).optional(),
  concurrency: z.number().int().min(1).max(32).default(3),
  /** Rows per page (`offset`). */
  pageSize: z.number().int().min(1).max(10_000).default(1_000),
  /** page x offset may not pass this; beyond it the adapter restarts from the last block seen. */
  resultWindow: z.number().int().min(1).default(10_000),
});

/** `env`: where ETHERSCAN_API_KEY is read when `apiKey` is absent. */
export type EtherscanAdapterOptions = z.input<typeof OptionsSchema> & HttpSourceHooks;

type Action = 'txlist' | 'txlistinternal' | 'tokentx';
interface Stream {
  action: Action;
  contract?: string;
}
/** A list request's selector: an address (with a block window) or, for internal calls of one tx, its hash. */
type Target = { address: string; startBlock: number; endBlock?: number; until?: number } | { txhash: string };

/**
 * Etherscan V2 (one key, many EVM chains via `chainid`) and Blockscout's Etherscan-compatible API. Explorers
 * answer per address, so a call fans out over addresses x {txlist, txlistinternal, tokentx}; the shared HTTP
 * client bounds concurrency and rate.
 */
export function createEtherscanAdapter(input: EtherscanAdapterOptions): ChainAdapter {
  const parsed = OptionsSchema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(`Invalid Etherscan adapter options: ${describeZodIssues(parsed.error.issues)}`, { details: { issues: parsed.error.issues } });
  const o = parsed.data;
  const chain = getChain(o.chain);
  if (chain.family !== 'evm' || chain.evmChainId === undefined) {
    throw new InvalidInputError(`The Etherscan adapter serves EVM chains, not ${chain.id}`, { details: { chain: chain.id } });
  }
  const flavor = o.flavor ?? (!o.baseUrl || /\/v2\/api\/?$/.test(new URL(o.baseUrl).pathname) ? 'etherscan' : 'blockscout');
  const baseUrl = o.baseUrl ? (flavor === 'blockscout' && !/\/api\/?$/.test(new URL(o.baseUrl).pathname) ? `${o.baseUrl.replace(/\/+$/, '')}/api` : o.baseUrl) : ETHERSCAN_V2_URL;
  const apiKey = o.apiKey ?? (flavor === 'etherscan' ? (input.env ?? process.env).ETHERSCAN_API_KEY || undefined : undefined);
  if (flavor === 'etherscan' && !apiKey) {
    throw new InvalidInputError('Etherscan V2 needs an API key: set ETHERSCAN_API_KEY (free at etherscan.io/myapikey), or use a Blockscout URL', { details: { source: 'etherscan' } });
  }
  const source = flavor === 'etherscan' ? 'Etherscan' : 'Blockscout';
  const pageSize = Math.min(o.pageSize, o.resultWindow);
  const http = createHttpClient({
    ...(input.cache ? { cache: input.cache } : {}),
    source,
    baseUrl,
    timeoutMs: o.timeoutMs,
    retries: o.retries,
    concurrency: o.concurrency,
    rateLimit: o.rateLimit ?? { perSecond: flavor === 'etherscan' ? 3 : 5, burst: 1 },
    query: { ...(flavor === 'etherscan' ? { chainid: chain.evmChainId } : {}), ...(apiKey ? { apikey: apiKey } : {}) },
    secrets: { query: ['apikey'] },
    classify: classifyEtherscan(source, `${chain.name} (chainid ${chain.evmChainId})`),
    ...(input.clock ? { clock: input.clock } : {}),
    ...(input.random ? { random: input.random } : {}),
    ...(input.fetch ? { fetch: input.fetch } : {}),
    ...(input.onLog ? { onLog: input.onLog } : {}),
  });
  const blockByTime = new Map<string, Promise<number | undefined>>();
  let synthesizedIndex = false;
  let windowRestarts = 0;

  /** `until`: the newest block time the answer can hold; answers about settled history are cached for good. */
  const call = async (query: Record<string, string | number | undefined>, what: string, signal?: AbortSignal, until?: number) => {
    const json = await http.requestJson({ query, what, ...(signal ? { signal } : {}), ...(until !== undefined ? { dataUntil: until } : {}) });
    return { json, where: { source, what, url: http.redact(`${http.endpoint}?${new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)])).toString()}`) } };
  };

  /** The first block at/after (or last at/before) a time; undefined when the source cannot tell (then no bound). */
  const blockAt = (time: number, closest: 'before' | 'after', signal?: AbortSignal): Promise<number | undefined> => {
    const key = `${time}|${closest}`;
    let hit = blockByTime.get(key);
    if (!hit) {
      hit = call({ module: 'block', action: 'getblocknobytime', timestamp: time, closest }, `block ${closest} ${new Date(time * 1000).toISOString()}`, signal, time).then(({ json, where }) => {
        const r = unwrapValue(json, BlockByTimeSchema, where);
        return r.ok ? r.value : undefined;
      });
      hit.catch(() => blockByTime.delete(key));
      blockByTime.set(key, hit);
    }
    return hit;
  };

  const mapRows = (action: Action, rows: unknown[], txhash?: string): AccountTransfer[] => {
    switch (action) {
      case 'txlist':
        return (rows as z.infer<typeof NormalTxListSchema>).flatMap((r) => mapNormalTx(chain.id, r) ?? []);
      case 'txlistinternal':
        return mapInternalTxs(chain.id, rows as z.infer<typeof InternalTxListSchema>, txhash);
      case 'tokentx': {
        const m = mapTokenTxs(chain.id, rows as z.infer<typeof TokenTxListSchema>);
        synthesizedIndex ||= m.synthesized;
        return m.transfers;
      }
    }
  };
  const schemaOf = { txlist: NormalTxListSchema, txlistinternal: InternalTxListSchema, tokentx: TokenTxListSchema } as const;

  /**
   * All rows of one list, paging with sort=asc. Past the result window, restart at the last block seen with a
   * fresh startblock, dropping that block's rows first so it is read whole once: nothing lost, nothing doubled.
   * Stops early (complete=false) once more than `limit` relevant movements are known.
   */
  const fetchStream = async (
    stream: Stream,
    target: Target,
    keep: (t: AccountTransfer) => boolean,
    limit: number | undefined,
    signal: AbortSignal,
  ): Promise<{ transfers: AccountTransfer[]; complete: boolean }> => {
    const label = 'address' in target ? target.address : target.txhash;
    let rows: Array<{ blockNumber: string }> = [];
    let start = 'address' in target ? target.startBlock : 0;
    let page = 1;
    const maxPage = Math.max(1, Math.floor(o.resultWindow / pageSize));
    const mapped = () => mapRows(stream.action, rows, 'txhash' in target ? target.txhash : undefined).filter(keep);
    for (;;) {
      let windowFull = page > maxPage;
      if (!windowFull) {
        const query = {
          module: 'account',
          action: stream.action,
          ...('address' in target ? { address: target.address, startblock: start, endblock: target.endBlock } : { txhash: target.txhash }),
          ...(stream.contract ? { contractaddress: stream.contract } : {}),
          page,
          offset: pageSize,
          sort: 'asc',
        };
        const until = 'until' in target ? target.until : undefined;
        const { json, where } = await call(query, `${stream.action}${stream.contract ? ` ${stream.contract}` : ''} of ${label} from block ${start} page ${page}`, signal, until);
        try {
          const batch = unwrapList(json, schemaOf[stream.action] as z.ZodType<Array<{ blockNumber: string }>>, where);
          rows.push(...batch);
          if (batch.length < pageSize) return { transfers: mapped(), complete: true };
          if (limit !== undefined) {
            const sofar = mapped();
            if (sofar.length > limit) return { transfers: sofar, complete: false };
          }
          page++;
          continue;
        } catch (error) {
          if (!(error instanceof ResultWindowError)) throw error;
          windowFull = true;
        }
      }
      const last = rows.length ? Number(rows[rows.length - 1]!.blockNumber) : start;
      // One block holding more rows than the window cannot be paged past: say the list is incomplete.
      if (last <= start || !('address' in target)) return { transfers: mapped(), complete: false };
      windowRestarts++;
      rows = rows.filter((r) => Number(r.blockNumber) < last);
      start = last;
      page = 1;
    }
  };

  /** Native value only when traced (or nothing is said); tokens per `tokenFilter`. */
  const streamsFor = (q: TransferQuery): Stream[] => {
    if (!q.assets) return [{ action: 'txlist' }, { action: 'txlistinternal' }, { action: 'tokentx' }];
    const own = q.assets.filter((a) => getChain(a.chain).id === chain.id);
    const streams: Stream[] = [];
    if (own.some((a) => a.kind === 'native')) streams.push({ action: 'txlist' }, { action: 'txlistinternal' });
    if (o.tokenFilter === 'all') return [...streams, { action: 'tokentx' }];
    const contracts = [
      ...new Set([...own.filter((a) => a.kind === 'token' && a.contract).map((a) => a.contract!), ...(q.tokens ?? [])].map((c) => normalizeAddress(chain.id, c))),
    ].sort();
    for (const contract of contracts) streams.push({ action: 'tokentx', contract });
    return streams;
  };

  /** Aborts the fan-out's other requests as soon as one fails, instead of letting them run to no purpose. */
  const linked = (outer?: AbortSignal) => {
    const controller = new AbortController();
    const signal = outer ? AbortSignal.any([outer, controller.signal]) : controller.signal;
    return { signal, cancel: () => controller.abort(new Error('a sibling request failed')) };
  };

  const all = async <T>(tasks: Array<(signal: AbortSignal) => Promise<T>>, outer?: AbortSignal): Promise<T[]> => {
    const { signal, cancel } = linked(outer);
    try {
      return await Promise.all(tasks.map((t) => t(signal)));
    } catch (error) {
      cancel();
      throw error;
    }
  };

  const getTransfers = async (q: TransferQuery): Promise<TransferResult> => {
    q.signal?.throwIfAborted();
    if (getChain(q.chain).id !== chain.id) throw new InvalidInputError(`This ${source} adapter serves ${chain.id}, not ${q.chain}`, { details: { chain: q.chain } });
    const addresses = [...new Set(q.addresses.map((a) => normalizeAddress(chain.id, a)))];
    const streams = streamsFor(q);
    if (!addresses.length || !streams.length) return { transfers: [], truncated: [] };
    const [startBlock, endBlock] = await Promise.all([
      q.fromTime !== undefined ? blockAt(q.fromTime, 'after', q.signal) : Promise.resolve(0),
      q.toTime !== undefined ? blockAt(q.toTime, 'before', q.signal) : Promise.resolve(undefined),
    ]);
    const inWindow = (t: AccountTransfer) => (q.fromTime === undefined || t.time >= q.fromTime) && (q.toTime === undefined || t.time <= q.toTime);
    const limit = q.maxPerAddress;
    const perAddress = await all(
      addresses.map((address) => async (signal: AbortSignal) => {
        const keep = (t: AccountTransfer) =>
          inWindow(t) && ((q.direction !== 'in' && t.from === address) || (q.direction !== 'out' && t.to === address));
        const target: Target = { address, startBlock: startBlock ?? 0, ...(endBlock !== undefined ? { endBlock } : {}), ...(q.toTime !== undefined ? { until: q.toTime } : {}) };
        const results = await all(streams.map((s) => (sig: AbortSignal) => fetchStream(s, target, keep, limit, sig)), signal);
        return mergeStreams(address, results, limit);
      }),
      q.signal,
    );
    return combineAddressLists(perAddress);
  };

  /** Block and sender of a transaction, or NotFoundError. */
  const locate = async (hash: string, signal?: AbortSignal): Promise<{ block: number; from: string }> => {
    const notFound = () => new NotFoundError(`Transaction ${hash} not found on ${chain.id} at ${source} (or not yet mined)`, { details: { chain: chain.id, tx: hash, source } });
    if (flavor === 'etherscan') {
      const { json, where } = await call({ module: 'proxy', action: 'eth_getTransactionByHash', txhash: hash }, `transaction ${hash}`, signal);
      const r = ProxyTransactionSchema.safeParse(json);
      if (!r.success) throw shapeError(where, describeZodIssues(r.error.issues), json);
      if (!r.data.result || r.data.result.blockNumber === null) throw notFound();
      return { block: Number.parseInt(r.data.result.blockNumber, 16), from: normalizeAddress(chain.id, r.data.result.from) };
    }
    const { json, where } = await call({ module: 'transaction', action: 'gettxinfo', txhash: hash }, `transaction ${hash}`, signal);
    const r = unwrapValue(json, BlockscoutTxInfoSchema, where);
    if (!r.ok) throw notFound();
    return { block: Number(r.value.blockNumber), from: normalizeAddress(chain.id, r.value.from) };
  };

  const getTransaction = async (chainInput: string, hashInput: string, opts?: { signal?: AbortSignal | undefined }): Promise<TransactionResult> => {
    const signal = opts?.signal;
    signal?.throwIfAborted();
    if (getChain(chainInput).id !== chain.id) throw new InvalidInputError(`This ${source} adapter serves ${chain.id}, not ${chainInput}`, { details: { chain: chainInput } });
    const hash = hashInput.trim().toLowerCase().replace(/^(0x)?/, '0x');
    if (!/^0x[0-9a-f]{64}$/.test(hash)) throw new InvalidInputError(`Invalid transaction hash "${hashInput}": expected 0x and 64 hex digits`, { details: { tx: hashInput } });
    const { block, from } = await locate(hash, signal);
    const ofTx = (t: AccountTransfer) => t.tx === hash;
    const target: Target = { address: from, startBlock: block, endBlock: block };
    // The sender's own lists in that one block give the tx's value, fee and token events with full token data;
    // internal calls come by txhash, which lists all of them whoever they involve.
    const results = await all(
      [
        (s: AbortSignal) => fetchStream({ action: 'txlist' }, target, ofTx, undefined, s),
        (s: AbortSignal) => fetchStream({ action: 'tokentx' }, target, ofTx, undefined, s),
        (s: AbortSignal) => fetchStream({ action: 'txlistinternal' }, { txhash: hash }, ofTx, undefined, s),
      ],
      signal,
    );
    const unique = new Map<string, AccountTransfer>();
    for (const t of results.flatMap((r) => r.transfers)) unique.set(transferId(t), t);
    return { chain: chain.id, tx: hash, transfers: [...unique.values()].sort(compareTransfers) };
  };

  /**
   * Every event log of a transaction: Etherscan's receipt (`proxy` eth_getTransactionReceipt), Blockscout's
   * gettxinfo `logs`. Bridge deposit and fill events are read from these.
   */
  const getTransactionLogs = async (chainInput: string, hashInput: string, opts?: { signal?: AbortSignal | undefined }): Promise<TransactionLog[]> => {
    const signal = opts?.signal;
    signal?.throwIfAborted();
    if (getChain(chainInput).id !== chain.id) throw new InvalidInputError(`This ${source} adapter serves ${chain.id}, not ${chainInput}`, { details: { chain: chainInput } });
    const hash = hashInput.trim().toLowerCase().replace(/^(0x)?/, '0x');
    if (!/^0x[0-9a-f]{64}$/.test(hash)) throw new InvalidInputError(`Invalid transaction hash "${hashInput}": expected 0x and 64 hex digits`, { details: { tx: hashInput } });
    const notFound = () => new NotFoundError(`Transaction ${hash} not found on ${chain.id} at ${source} (or not yet mined)`, { details: { chain: chain.id, tx: hash, source } });
    if (flavor === 'etherscan') {
      const { json, where } = await call({ module: 'proxy', action: 'eth_getTransactionReceipt', txhash: hash }, `receipt ${hash}`, signal);
      const r = ProxyReceiptSchema.safeParse(json);
      if (!r.success) throw shapeError(where, describeZodIssues(r.error.issues), json);
      const receipt = r.data.result;
      if (!receipt || receipt.blockNumber === null) throw notFound();
      const block = Number.parseInt(receipt.blockNumber, 16);
      return receipt.logs
        .filter((l) => l.removed !== true)
        .map((l) => ({ address: l.address.toLowerCase(), topics: l.topics.map((t) => t.toLowerCase()), data: l.data.toLowerCase(), logIndex: Number.parseInt(l.logIndex, 16), transactionHash: hash, blockNumber: block }))
        .sort((a, b) => a.logIndex - b.logIndex);
    }
    const { json, where } = await call({ module: 'transaction', action: 'gettxinfo', txhash: hash }, `transaction ${hash}`, signal);
    const r = unwrapValue(json, BlockscoutTxInfoSchema, where);
    if (!r.ok) throw notFound();
    const logs = BlockscoutLogsSchema.safeParse(r.value.logs ?? []);
    if (!logs.success) throw shapeError(where, `logs: ${describeZodIssues(logs.error.issues)}`, json);
    const block = Number(r.value.blockNumber);
    return logs.data
      .map((l) => ({
        address: l.address.toLowerCase(),
        topics: l.topics.filter((t): t is string => t !== null).map((t) => t.toLowerCase()),
        data: l.data.toLowerCase(),
        logIndex: Number(l.index),
        transactionHash: hash,
        blockNumber: block,
      }))
      .sort((a, b) => a.logIndex - b.logIndex);
  };

  return {
    kind: 'etherscan',
    endpoint: flavor === 'etherscan' ? `${http.endpoint} (chainid ${chain.evmChainId})` : http.endpoint,
    capabilities: { maxAddressesPerCall: o.maxAddressesPerCall, internalTransfers: true },
    supports: (c) => isChain(c, chain.id),
    getTransfers,
    getTransaction,
    getTransactionLogs,
    evidence: (since?: number) => http.evidence(since),
    evidenceMark: () => http.evidenceMark(),
    notes: (c) => {
      if (getChain(c).id !== chain.id) return [];
      const notes = [
        `${source}: ERC-20 transfers via tokentx; NFT (ERC-721/1155) transfers are not followed.`,
        `${source}: failed transactions (isError=1) moved no value and are not listed; their fees are not counted.`,
        `${source}: a seed transaction's movements are its value and fee, the token transfers that involve its sender, and all its internal calls.`,
      ];
      if (windowRestarts) notes.push(`${source}: lists longer than the ${o.resultWindow}-result window were read in block ranges (${windowRestarts} restarts), de-duplicated.`);
      if (synthesizedIndex) notes.push(`${source}: some token transfers came without a log index; a stable index was derived from their content.`);
      return notes;
    },
    stats: (): AdapterStats => {
      const s = http.stats();
      const out = { requests: s.requests, cacheHits: s.cacheHits, retries: s.retries, rateLimited: s.rateLimited };
      return out;
    },
  };
}
