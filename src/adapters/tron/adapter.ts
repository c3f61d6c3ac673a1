import { z } from 'zod';
import { normalizeAddress } from '../../core/address.js';
import { getChain, isChain } from '../../core/chain.js';
import { AdapterError, InvalidInputError, NotFoundError, ResponseShapeError } from '../../core/errors.js';
import { parseInput } from '../../core/parse.js';
import { parseAnswer } from '../validate.js';
import { compareTransfers, type AccountTransfer } from '../../core/movement.js';
import { freezableStablecoin } from '../../core/stablecoins.js';
import type { AdapterStats, ChainAdapter, TransactionResult, TransferQuery, TransferResult } from '../adapter.js';
import { combineAddressLists, linkedAll, mergeStreams } from '../per-address.js';
import { clientHooks, createHttpClient, HttpSourceOptionsSchema, type Classify, type HttpSourceHooks } from '../http/index.js';
import { mapTrc20Records, mapTronList, mapTronReceipt, mapTronTransaction, normalizeTxid } from './map.js';
import { TronErrorSchema, Trc20ListSchema, TronTransactionInfoSchema, TronTransactionListSchema, TronTransactionSchema } from './schema.js';

/** TronGrid's public API. */
export const TRONGRID_URL = 'https://api.trongrid.io';

// rateLimit: TronGrid allows 15 requests/s per key; without a key far less.
const OptionsSchema = HttpSourceOptionsSchema.extend({
  /** Records per page; TronGrid's maximum is 200. */
  pageSize: z.number().int().min(1).max(200).default(200),
});

/** `env`: where TRONGRID_API_KEY is read when `apiKey` is absent. */
export type TronGridAdapterOptions = z.input<typeof OptionsSchema> & HttpSourceHooks;

const SUSPENDED = /suspended for (\d+(?:\.\d+)?) ?s/i;

/** TronGrid's 429 body names the suspension; key errors and v1 `success:false` bodies fail at once. */
export const classifyTronGrid: Classify = (answer) => {
  const body = TronErrorSchema.safeParse(answer.json);
  const text = body.success ? (body.data.Error ?? body.data.error ?? '') : '';
  const suspended = SUSPENDED.exec(text);
  if (answer.status === 429 || suspended) {
    return { kind: 'retry', reason: text || 'HTTP 429', rateLimited: true, ...(suspended ? { afterMs: Math.ceil(Number(suspended[1]) * 1000) } : {}) };
  }
  if (/api ?-?key/i.test(text) || answer.status === 401) {
    return {
      kind: 'fail',
      error: new AdapterError(`TronGrid rejected the API key (${text || `HTTP ${answer.status}`}): set TRONGRID_API_KEY to a valid key from trongrid.io`, {
        details: { source: 'TronGrid', url: answer.url, status: answer.status, reason: 'invalid-api-key' },
      }),
    };
  }
  if (body.success && body.data.success === false && answer.status < 500) {
    return { kind: 'fail', error: new AdapterError(`TronGrid refused the request: ${text || 'success=false'}`, { details: { source: 'TronGrid', url: answer.url, status: answer.status, message: text } }) };
  }
  return undefined;
};

/**
 * TronGrid (TRON): TRC-20 transfers from `/v1/accounts/:a/transactions/trc20`, TRX from
 * `/v1/accounts/:a/transactions` (with internal transactions), fingerprint paging, base58 addresses throughout.
 * A seed transaction is read from the full-node API: `/wallet/gettransactionbyid` (its TRX value) and
 * `/wallet/gettransactioninfobyid` (fee, block, TRC-20 Transfer logs, internal TRX transfers).
 */
export function createTronGridAdapter(input: TronGridAdapterOptions = {}): ChainAdapter {
  const o = parseInput(OptionsSchema, input, 'Invalid TronGrid adapter options');
  const apiKey = o.apiKey ?? ((input.env ?? process.env).TRONGRID_API_KEY || undefined);
  const http = createHttpClient({
    ...clientHooks(input),
    source: 'TronGrid',
    baseUrl: o.baseUrl ?? TRONGRID_URL,
    timeoutMs: o.timeoutMs,
    retries: o.retries,
    concurrency: o.concurrency,
    rateLimit: o.rateLimit ?? { perSecond: apiKey ? 15 : 3, burst: apiKey ? 5 : 1 },
    headers: apiKey ? { 'TRON-PRO-API-KEY': apiKey } : {},
    secrets: { headers: ['TRON-PRO-API-KEY'] },
    classify: classifyTronGrid,
  });

  const parse = <S extends z.ZodType>(schema: S, json: unknown, what: string): z.output<S> => parseAnswer(schema, json, { source: 'TronGrid', what });

  /**
   * Every record of one v1 list, oldest first, following `meta.fingerprint` while `meta.links.next` is present.
   * Stops early (complete=false) once more than `limit` movements are known.
   */
  const fetchList = async <R>(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    schema: z.ZodType<{ data: R[]; meta?: { fingerprint?: string | undefined; links?: { next?: string | undefined } | undefined } | undefined }>,
    map: (records: R[]) => AccountTransfer[],
    limit: number | undefined,
    what: string,
    signal: AbortSignal,
  ): Promise<{ transfers: AccountTransfer[]; complete: boolean }> => {
    const records: R[] = [];
    const seen = new Set<string>();
    let fingerprint: string | undefined;
    for (let page = 1; ; page++) {
      // A list bounded by an old max_timestamp is settled history: cached for good.
      const until = typeof query.max_timestamp === 'number' ? Math.floor(query.max_timestamp / 1000) : undefined;
      const json = await http.requestJson({ path, query: { ...query, limit: o.pageSize, fingerprint }, what: `${what} page ${page}`, signal, ...(until !== undefined ? { dataUntil: until } : {}) });
      const body = parse(schema, json, `${what} page ${page}`);
      records.push(...body.data);
      const next = body.meta?.links?.next ? body.meta.fingerprint : undefined;
      if (!next || body.data.length === 0) return { transfers: map(records), complete: true };
      if (seen.has(next)) throw new ResponseShapeError(`TronGrid repeated a page fingerprint for ${what}: paging would not end`, { details: { what, page } });
      seen.add(next);
      fingerprint = next;
      if (limit !== undefined) {
        const sofar = map(records);
        if (sofar.length > limit) return { transfers: sofar, complete: false };
      }
    }
  };

  const mapList = (records: Parameters<typeof mapTronList>[0]) => mapTronList(records).transfers;

  const getTransfers = async (q: TransferQuery): Promise<TransferResult> => {
    q.signal?.throwIfAborted();
    if (getChain(q.chain).id !== 'tron') throw new InvalidInputError(`The TronGrid adapter serves tron, not ${q.chain}`, { details: { chain: q.chain } });
    const addresses = [...new Set(q.addresses.map((a) => normalizeAddress('tron', a)))];
    const own = q.assets?.filter((a) => getChain(a.chain).id === 'tron');
    const wantNative = !own || own.some((a) => a.kind === 'native');
    const contracts =
      own && o.tokenFilter === 'traced' ? [...new Set(own.filter((a) => a.kind === 'token' && a.contract).map((a) => normalizeAddress('tron', a.contract!)))].sort() : [undefined];
    const common = {
      only_confirmed: true,
      order_by: 'block_timestamp,asc',
      ...(q.fromTime !== undefined ? { min_timestamp: q.fromTime * 1000 } : {}),
      ...(q.toTime !== undefined ? { max_timestamp: q.toTime * 1000 + 999 } : {}),
      ...(q.direction === 'in' ? { only_to: true } : q.direction === 'out' ? { only_from: true } : {}),
    };
    const limit = q.maxPerAddress;
    const perAddress = await linkedAll(
      addresses.map((address) => async (signal: AbortSignal) => {
        const keep = (t: AccountTransfer) =>
          (q.direction !== 'in' && t.from === address) || (q.direction !== 'out' && t.to === address);
        const tasks: Array<(s: AbortSignal) => Promise<{ transfers: AccountTransfer[]; complete: boolean }>> = [];
        for (const contract of contracts) {
          tasks.push((s) =>
            fetchList(`/v1/accounts/${address}/transactions/trc20`, { ...common, contract_address: contract }, Trc20ListSchema, (r) => mapTrc20Records(r).filter(keep), limit, `TRC-20 transfers of ${address}`, s),
          );
        }
        if (wantNative) {
          tasks.push((s) =>
            fetchList(`/v1/accounts/${address}/transactions`, { ...common, search_internal: true }, TronTransactionListSchema, (r) => mapList(r).filter(keep), limit, `TRX transactions of ${address}`, s),
          );
        }
        const results = await linkedAll(tasks, signal);
        return mergeStreams(address, results, limit);
      }),
      q.signal,
    );
    return combineAddressLists(perAddress);
  };

  /** Symbol and decimals of a TRC-20 token: the stablecoin registry, else TronGrid's token_info for the tx. */
  const tokenMeta = async (contract: string, txid: string, holder: string, timeMs: number, signal?: AbortSignal) => {
    const known = freezableStablecoin('tron', contract);
    if (known) return { symbol: known.symbol, decimals: known.decimals };
    const json = await http.requestJson({
      path: `/v1/accounts/${holder}/transactions/trc20`,
      query: { contract_address: contract, min_timestamp: timeMs, max_timestamp: timeMs, limit: 200, only_confirmed: true },
      what: `token info of ${contract}`,
      ...(signal ? { signal } : {}),
    });
    const hit = parse(Trc20ListSchema, json, `token info of ${contract}`).data.find((r) => normalizeTxid(r.transaction_id) === txid);
    return hit ? { symbol: hit.token_info.symbol || 'UNKNOWN', decimals: hit.token_info.decimals } : { symbol: 'UNKNOWN', decimals: 0 };
  };

  const getTransaction = async (chainInput: string, hashInput: string, opts?: { signal?: AbortSignal | undefined }): Promise<TransactionResult> => {
    const signal = opts?.signal;
    signal?.throwIfAborted();
    if (getChain(chainInput).id !== 'tron') throw new InvalidInputError(`The TronGrid adapter serves tron, not ${chainInput}`, { details: { chain: chainInput } });
    const txid = normalizeTxid(hashInput.trim());
    if (!/^[0-9a-f]{64}$/.test(txid)) throw new InvalidInputError(`Invalid TRON transaction id "${hashInput}": expected 64 hex digits`, { details: { tx: hashInput } });
    const post = (path: string) => http.requestJson({ method: 'POST', path, body: { value: txid }, what: `${path} ${txid}`, ...(signal ? { signal } : {}) });
    const [txJson, infoJson] = await Promise.all([post('/wallet/gettransactionbyid'), post('/wallet/gettransactioninfobyid')]);
    const isEmpty = (j: unknown) => typeof j === 'object' && j !== null && Object.keys(j).length === 0;
    if (isEmpty(txJson) || isEmpty(infoJson)) {
      throw new NotFoundError(`Transaction ${txid} not found on tron at TronGrid (or not yet confirmed)`, { details: { chain: 'tron', tx: txid, source: 'TronGrid' } });
    }
    const tx = parse(TronTransactionSchema, txJson, `transaction ${txid}`);
    const info = parse(TronTransactionInfoSchema, infoJson, `transaction info ${txid}`);
    if (info.blockNumber === undefined || info.blockTimeStamp === undefined) {
      throw new NotFoundError(`Transaction ${txid} is not in a block yet`, { details: { chain: 'tron', tx: txid } });
    }
    const transfers: AccountTransfer[] = [];
    const failed = info.result === 'FAILED' || (info.receipt?.result !== undefined && info.receipt.result !== 'SUCCESS');
    const native = mapTronTransaction(tx, { block: info.blockNumber, timeMs: info.blockTimeStamp, ...(info.fee !== undefined ? { fee: info.fee } : {}) });
    if (native && !failed) transfers.push(native);
    if (!failed) {
      // Token metadata first (registry or one lookup per unknown contract), then the receipt's Transfer logs.
      const metas = new Map<string, { symbol: string; decimals: number }>();
      const draft = mapTronReceipt(txid, info, () => ({ symbol: '', decimals: 0 }));
      for (const t of draft) {
        if (t.type === 'token' && !metas.has(t.asset.contract!)) metas.set(t.asset.contract!, await tokenMeta(t.asset.contract!, txid, t.to, info.blockTimeStamp, signal));
      }
      transfers.push(...mapTronReceipt(txid, info, (c) => metas.get(c)!));
    }
    return { chain: 'tron', tx: txid, transfers: transfers.sort(compareTransfers) };
  };

  return {
    kind: 'trongrid',
    endpoint: http.endpoint,
    capabilities: { maxAddressesPerCall: o.maxAddressesPerCall, internalTransfers: true },
    supports: (c) => isChain(c, 'tron'),
    getTransfers,
    getTransaction,
    evidence: (since?: number) => http.evidence(since),
    evidenceMark: () => http.evidenceMark(),
    notes: (c) => {
      if (getChain(c).id !== 'tron') return [];
      const notes = [
        'TronGrid: TRC-20 records carry no block number or log index; block is 0 for them and a stable index is derived from their content.',
        'TronGrid: TRC-10 tokens, staking and votes are not followed; failed transactions moved no value and are not listed.',
      ];
      return notes;
    },
    stats: (): AdapterStats => {
      const s = http.stats();
      const out = { requests: s.requests, cacheHits: s.cacheHits, retries: s.retries, rateLimited: s.rateLimited };
      return out;
    },
  };
}
