import { z } from 'zod';
import { normalizeAddress } from '../../core/address.js';
import { getChain, isChain } from '../../core/chain.js';
import { InvalidAddressError, InvalidInputError, NotFoundError, ResponseShapeError } from '../../core/errors.js';
import { parseInput } from '../../core/parse.js';
import { issuesOf } from '../validate.js';
import type { ChainAdapter, TransactionResult } from '../adapter.js';
import { createHttpClient, RateLimitSchema, type Classify, type Clock, type HttpClient } from '../http/index.js';
import type { ResponseCache } from '../../cache/store.js';
import { isScriptId } from '../bitcoin/script.js';
import { utxoOnlyTransfers, checkTxid } from '../bitcoin/guards.js';
import { utxoTransactionResult, type AddressTransactionsOptions, type AddressTransactionsResult, type Outspend, type SourcedUtxoTransaction, type UtxoChainAdapter } from '../bitcoin/utxo-adapter.js';
import { mapEsploraOutspends, mapEsploraTransaction } from './map.js';
import {
  EsploraOutspendsSchema,
  EsploraTipHeightSchema,
  EsploraTransactionListSchema,
  EsploraTransactionSchema,
  type EsploraTransaction,
} from './schema.js';

/** Esplora serves an address's confirmed history 25 transactions per page, newest first. */
export const ESPLORA_PAGE_SIZE = 25;

const OptionsSchema = z
  .object({
    /** API root, e.g. https://blockstream.info/api or http://127.0.0.1:3002 */
    url: z.url({ protocol: /^https?$/ }),
    chain: z.string().default('bitcoin'),
    timeoutMs: z.number().int().positive().optional(),
    retries: z.number().int().min(0).optional(),
    concurrency: z.number().int().positive().default(4),
    /** Requests per second; public instances throttle hard. `false` for none (a local server). */
    rateLimit: RateLimitSchema.default(false),
    /** Pages of 25 per address before the list is called truncated (default 40 = 1,000 transactions). */
    maxPagesPerAddress: z.number().int().positive().default(40),
  })
  .strict();

/** Options of `createEsploraAdapter`: the Esplora URL, chain, rate limit, and the shared answer cache. */
export type EsploraAdapterOptions = z.input<typeof OptionsSchema> & { cache?: ResponseCache; clock?: Clock; fetch?: typeof fetch };

/** The Esplora source made by `createEsploraAdapter`: a UtxoChainAdapter that can also report the server's tip height. */
export interface EsploraAdapter extends UtxoChainAdapter {
  /** Height of the best block the server knows. */
  getTipHeight(options?: { signal?: AbortSignal | undefined }): Promise<number>;
}

/** Esplora's plain-text error bodies become typed errors: 404 "Transaction not found", 400 "Invalid Bitcoin address". */
const classifyEsplora: Classify = (answer) => {
  const body = answer.text.trim().slice(0, 200);
  const details = { source: 'Esplora', url: answer.url, status: answer.status, body };
  if (answer.status === 404) return { kind: 'fail', error: new NotFoundError(`Esplora: ${body || 'not found'} (${answer.url})`, { details }) };
  if (answer.status === 400) {
    const Kind = /address/i.test(body) ? InvalidAddressError : InvalidInputError;
    return { kind: 'fail', error: new Kind(`Esplora rejected the request: ${body || 'HTTP 400'} (${answer.url})`, { details }) };
  }
  return undefined;
};

/** Blockstream/mempool.space-compatible Esplora REST source for Bitcoin. */
export function createEsploraAdapter(input: EsploraAdapterOptions): EsploraAdapter {
  // The cache, clock and fetch are run-time hooks, not data: only the rest is validated.
  const { cache, clock, fetch: fetchImpl, ...rest } = input;
  const options = parseInput(OptionsSchema, rest, 'Invalid Esplora options');
  const chain = getChain(options.chain);
  if (chain.family !== 'utxo') throw new InvalidInputError(`Esplora serves Bitcoin-family chains, not ${chain.id}`, { details: { chain: chain.id } });
  const http: HttpClient = createHttpClient({
    ...(cache ? { cache } : {}),
    source: 'Esplora',
    baseUrl: options.url,
    concurrency: options.concurrency,
    rateLimit: options.rateLimit,
    classify: classifyEsplora,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(clock ? { clock } : {}),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  const source = `Esplora ${http.endpoint}`;

  async function get<T>(path: string, schema: z.ZodType<T>, what: string, signal?: AbortSignal, cacheMode?: 'none'): Promise<T> {
    const json = await http.requestJson({ path, what, ...(signal ? { signal } : {}), ...(cacheMode ? { cache: cacheMode } : {}) });
    return parseInput(schema, json, `${source} answered ${what} in an unexpected shape`, {
      error: (message, details) => new ResponseShapeError(message, { details: { source: 'Esplora', endpoint: http.endpoint, path, issues: issuesOf(details).slice(0, 5) } }),
    });
  }

  const onChain = (requested: string): string => {
    const id = getChain(requested).id;
    if (id !== chain.id) throw new InvalidInputError(`${source} serves ${chain.id}, not ${id}`, { details: { chain: id, served: chain.id } });
    return id;
  };

  async function getOutspends(requested: string, txid: string, opts?: { signal?: AbortSignal | undefined }): Promise<Outspend[]> {
    onChain(requested);
    const id = checkTxid(txid);
    return mapEsploraOutspends(await get(`/tx/${id}/outspends`, EsploraOutspendsSchema, `outspends of ${id}`, opts?.signal));
  }

  async function getUtxoTransaction(requested: string, txid: string, opts?: { signal?: AbortSignal | undefined }): Promise<SourcedUtxoTransaction> {
    const id = onChain(requested);
    const hash = checkTxid(txid);
    const [tx, outspends] = await Promise.all([
      get(`/tx/${hash}`, EsploraTransactionSchema, `transaction ${hash}`, opts?.signal),
      get(`/tx/${hash}/outspends`, EsploraOutspendsSchema, `outspends of ${hash}`, opts?.signal),
    ]);
    if (tx.txid !== hash) throw new ResponseShapeError(`${source} answered transaction ${tx.txid} when asked for ${hash}`, { details: { asked: hash, got: tx.txid } });
    if (outspends.length !== tx.vout.length) {
      throw new ResponseShapeError(`${source} gave ${outspends.length} outspends for ${tx.vout.length} outputs of ${hash}`, { details: { txid: hash } });
    }
    return mapEsploraTransaction(id, tx, source, outspends);
  }

  /** One address's confirmed history inside the window, paging back until the window's start. */
  async function history(address: string, window: AddressTransactionsOptions, limit: number): Promise<{ txs: EsploraTransaction[]; truncated: boolean }> {
    const txs: EsploraTransaction[] = [];
    let last: string | undefined;
    for (let page = 0; ; page++) {
      if (page >= options.maxPagesPerAddress) return { txs, truncated: true };
      const path = `/address/${address}/txs/chain${last ? `/${last}` : ''}`;
      const batch = await get(path, EsploraTransactionListSchema, `transactions of ${address} page ${page + 1}`, window.signal);
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

  async function getAddressTransactions(requested: string, addresses: string[], window: AddressTransactionsOptions = {}): Promise<AddressTransactionsResult> {
    const id = onChain(requested);
    const normalized = [...new Set(addresses.map((a) => {
      if (isScriptId(a)) throw new InvalidInputError(`${a} is a script id, not an address: Esplora cannot list its history`, { details: { address: a } });
      return normalizeAddress(id, a);
    }))];
    const limit = window.maxPerAddress ?? Number.POSITIVE_INFINITY;
    const results = await Promise.all(normalized.map((a) => history(a, window, limit)));
    const byTxid = new Map<string, SourcedUtxoTransaction>();
    const truncated: string[] = [];
    results.forEach((r, i) => {
      if (r.truncated) truncated.push(normalized[i]!);
      for (const tx of r.txs) if (!byTxid.has(tx.txid)) byTxid.set(tx.txid, mapEsploraTransaction(id, tx, source));
    });
    const transactions = [...byTxid.values()].sort((a, b) => (a.block ?? 0) - (b.block ?? 0) || (a.txid < b.txid ? -1 : a.txid > b.txid ? 1 : 0));
    return { transactions, truncated: truncated.sort() };
  }

  return {
    kind: 'esplora',
    endpoint: http.endpoint,
    capabilities: { maxAddressesPerCall: 25, internalTransfers: false },
    supports: (requested) => isChain(requested, chain.id),
    getTransfers: () => Promise.reject(utxoOnlyTransfers(source)),
    getTransaction: utxoTransactionResult(getUtxoTransaction),
    getUtxoTransaction,
    getAddressTransactions,
    getOutspends,
    getTipHeight: (opts) => get('/blocks/tip/height', EsploraTipHeightSchema, 'tip height', opts?.signal, 'none'),
    notes: () => ['Esplora: confirmed transactions only; unconfirmed (mempool) spends are not followed'],
    stats: () => ({ requests: http.stats().requests, cacheHits: http.stats().cacheHits }),
    evidence: (since?: number) => http.evidence(since),
    evidenceMark: () => http.evidenceMark(),
  };
}
