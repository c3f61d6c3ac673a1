import { z } from 'zod';
import { getChain, isChain } from '../../core/chain.js';
import { AdapterError, InvalidInputError, NotFoundError, ResponseShapeError } from '../../core/errors.js';
import { parseInput } from '../../core/parse.js';
import { parseOptions } from '../validate.js';
import type { TransactionResult } from '../adapter.js';
import { createHttpClient, type Classify, type Clock } from '../http/index.js';
import type { ResponseCache } from '../../cache/store.js';
import { checkTxid, utxoOnlyTransfers } from '../bitcoin/guards.js';
import { hexToBytes, scriptType } from '../bitcoin/script.js';
import { utxoTransactionResult, type AddressTransactionsResult, type Outspend, type SourcedUtxoTransaction, type UtxoChainAdapter } from '../bitcoin/utxo-adapter.js';
import { mapCoreTransaction } from './map.js';
import {
  RpcBlockCountSchema,
  RpcBlockHeaderSchema,
  RpcEnvelopeSchema,
  RpcTransactionSchema,
  RpcTxOutSchema,
  type RpcError,
} from './schema.js';

const OptionsSchema = z
  .object({
    /** JSON-RPC endpoint, e.g. http://127.0.0.1:8332 (credentials in the URL are moved to the header). */
    url: z.url({ protocol: /^https?$/ }),
    user: z.string().optional(),
    password: z.string().optional(),
    chain: z.string().default('bitcoin'),
    timeoutMs: z.number().int().positive().optional(),
    retries: z.number().int().min(0).optional(),
    concurrency: z.number().int().positive().default(4),
  })
  .strict();

/** Options of `createBitcoinCoreAdapter`: the node's RPC URL, chain, credentials (or where to read them) and the answer cache. */
export type BitcoinCoreAdapterOptions = z.input<typeof OptionsSchema> & {
  cache?: ResponseCache;
  /** Where BITCOIN_RPC_USER / BITCOIN_RPC_PASSWORD are read when user/password are not given. */
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  fetch?: typeof fetch;
};

/**
 * The Bitcoin Core JSON-RPC source made by `createBitcoinCoreAdapter`: a UtxoChainAdapter plus the node's block count
 * (`getTipHeight`). Transactions outside the mempool and wallet need -txindex; the node has no address index, so
 * `getAddressTransactions` throws InvalidInputError.
 */
export interface BitcoinCoreAdapter extends UtxoChainAdapter {
  getTipHeight(options?: { signal?: AbortSignal | undefined }): Promise<number>;
}

/** Bitcoin Core RPC error codes chaintrail reacts to (src/rpc/protocol.h). */
const RPC_INVALID_ADDRESS_OR_KEY = -5;
const RPC_INVALID_PARAMETER = -8;
const RPC_IN_WARMUP = -28;
const RPC_METHOD_NOT_FOUND = -32601;

/** Core's -5 answer without -txindex says so: "No such mempool transaction. Use -txindex or provide a block hash…". */
function rpcError(error: RpcError, method: string, endpoint: string): AdapterError | NotFoundError | InvalidInputError {
  const details = { source: 'Bitcoin Core', endpoint, method, rpcCode: error.code, rpcMessage: error.message.slice(0, 300) };
  if (error.code === RPC_INVALID_ADDRESS_OR_KEY && /-txindex/.test(error.message)) {
    return new AdapterError(
      `Bitcoin Core at ${endpoint} cannot look up transactions outside its mempool and wallet: restart it with -txindex=1 (and let the index build), or use an Esplora source`,
      { details: { ...details, reason: 'txindex-missing' } },
    );
  }
  if (error.code === RPC_INVALID_ADDRESS_OR_KEY) return new NotFoundError(`Bitcoin Core: ${error.message} (${method})`, { details });
  if (error.code === RPC_INVALID_PARAMETER) return new InvalidInputError(`Bitcoin Core rejected a parameter of ${method}: ${error.message}`, { details });
  if (error.code === RPC_METHOD_NOT_FOUND) return new AdapterError(`Bitcoin Core at ${endpoint} does not offer ${method} (too old, or the RPC is restricted by -rpcwhitelist)`, { details });
  return new AdapterError(`Bitcoin Core ${method} failed: ${error.message} (code ${error.code})`, { details });
}

function classifyCore(endpoint: string): Classify {
  return (answer) => {
    if (answer.status === 401 || answer.status === 403) {
      return {
        kind: 'fail',
        error: new AdapterError(`Bitcoin Core at ${endpoint} refused the RPC credentials (HTTP ${answer.status}): set BITCOIN_RPC_USER and BITCOIN_RPC_PASSWORD (or pass user/password)`, {
          details: { source: 'Bitcoin Core', endpoint, status: answer.status },
        }),
      };
    }
    // A single call's error arrives as HTTP 500 (JSON-RPC 1.0) or 200 (2.0) with an error object: never retried,
    // except while the node is warming up.
    // A batch element warming up holds the whole batch back: it is asked again whole, answers matched by id.
    if (Array.isArray(answer.json)) {
      const warming = answer.json.map((item) => RpcEnvelopeSchema.safeParse(item)).find((e) => e.success && e.data.error?.code === RPC_IN_WARMUP);
      return warming?.success ? { kind: 'retry', reason: `node warming up: ${warming.data.error!.message}`, afterMs: 2_000 } : undefined;
    }
    const envelope = RpcEnvelopeSchema.safeParse(answer.json);
    if (envelope.success && envelope.data.error) {
      if (envelope.data.error.code === RPC_IN_WARMUP) return { kind: 'retry', reason: `node warming up: ${envelope.data.error.message}`, afterMs: 2_000 };
      return { kind: 'fail', error: rpcError(envelope.data.error, 'RPC call', endpoint) };
    }
    return undefined;
  };
}

/** Bitcoin Core JSON-RPC source: needs -txindex for arbitrary transactions; knows spent/unspent but not the spender. */
export function createBitcoinCoreAdapter(input: BitcoinCoreAdapterOptions): BitcoinCoreAdapter {
  // The cache, env, clock and fetch are run-time hooks, not data: only the rest is validated.
  const { cache, env = process.env, clock, fetch: fetchImpl, ...rest } = input;
  // Never echo the options back: they may hold the password.
  const options = parseOptions(OptionsSchema, rest, 'Invalid Bitcoin Core options');
  const chain = getChain(options.chain);
  if (chain.family !== 'utxo') throw new InvalidInputError(`Bitcoin Core serves Bitcoin-family chains, not ${chain.id}`, { details: { chain: chain.id } });

  const url = new URL(options.url);
  const user = options.user ?? (url.username ? decodeURIComponent(url.username) : undefined) ?? env.BITCOIN_RPC_USER;
  const password = options.password ?? (url.password ? decodeURIComponent(url.password) : undefined) ?? env.BITCOIN_RPC_PASSWORD;
  url.username = '';
  url.password = '';
  const baseUrl = url.toString().replace(/\/+$/, '');
  const authorization = user !== undefined || password !== undefined ? `Basic ${Buffer.from(`${user ?? ''}:${password ?? ''}`).toString('base64')}` : undefined;
  const http = createHttpClient({
    ...(cache ? { cache } : {}),
    source: 'Bitcoin Core',
    baseUrl,
    concurrency: options.concurrency,
    rateLimit: false,
    classify: classifyCore(baseUrl),
    headers: { authorization },
    secrets: { headers: ['authorization'] },
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(clock ? { clock } : {}),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  const source = `Bitcoin Core ${http.endpoint}`;

  /** An answer checked against its schema; a mismatch is a ResponseShapeError naming the method. */
  const parseAnswer = <S extends z.ZodType>(schema: S, value: unknown, method: string): z.output<S> =>
    parseInput(schema, value, `${source} answered ${method} in an unexpected shape`, {
      error: (message) => new ResponseShapeError(message, { details: { source: 'Bitcoin Core', endpoint: http.endpoint, method } }),
    });

  function unwrap<T>(json: unknown, method: string, schema: z.ZodType<T>): T {
    const envelope = parseAnswer(RpcEnvelopeSchema, json, method);
    if (envelope.error) throw rpcError(envelope.error, method, http.endpoint);
    return parseAnswer(schema, envelope.result, method);
  }

  // Ids only need to be unique within one HTTP request: fixed ids make the same call the same request, so its
  // answer is found in the cache on a re-run whatever order the calls come in.
  async function call<T>(method: string, params: unknown[], schema: z.ZodType<T>, what: string, signal?: AbortSignal, cacheMode?: 'none'): Promise<T> {
    try {
      const body = { jsonrpc: '1.0', id: 1, method, params };
      const json = await http.requestJson({ method: 'POST', body, what, ...(signal ? { signal } : {}), ...(cacheMode ? { cache: cacheMode } : {}) });
      return unwrap(json, method, schema);
    } catch (error) {
      // The classify hook cannot know the method; name it here.
      if (error instanceof NotFoundError && error.details.rpcCode !== undefined) {
        throw new NotFoundError(`${what} not found by ${source}: ${String(error.details.rpcMessage)}`, { details: { ...error.details, method }, cause: error });
      }
      throw error;
    }
  }

  /** Several calls in one HTTP request (JSON-RPC batch); answers are matched by id. */
  async function batch<T>(method: string, paramsList: unknown[][], schema: z.ZodType<T>, what: string, signal?: AbortSignal): Promise<T[]> {
    if (paramsList.length === 0) return [];
    const first = 1;
    const body = paramsList.map((params, i) => ({ jsonrpc: '1.0', id: first + i, method, params }));
    const json = await http.requestJson({ method: 'POST', body, what, ...(signal ? { signal } : {}) });
    const answers = parseAnswer(z.custom<unknown[]>((v) => Array.isArray(v) && v.length === paramsList.length, { message: `expected ${paramsList.length} answers in a batch` }), json, method);
    const byId = new Map<unknown, unknown>(answers.map((item: unknown) => [(item as { id?: unknown } | null)?.id, item]));
    return paramsList.map((_, i) => unwrap(byId.get(first + i), method, schema));
  }

  const headers = new Map<string, Promise<number>>();
  const heightOf = (blockhash: string, signal?: AbortSignal): Promise<number> => {
    let hit = headers.get(blockhash);
    if (!hit) {
      hit = call('getblockheader', [blockhash, true], RpcBlockHeaderSchema, `block header ${blockhash}`, signal).then((h) => h.height);
      hit.catch(() => headers.delete(blockhash));
      headers.set(blockhash, hit);
    }
    return hit;
  };

  const onChain = (requested: string): string => {
    const id = getChain(requested).id;
    if (id !== chain.id) throw new InvalidInputError(`${source} serves ${chain.id}, not ${id}`, { details: { chain: id, served: chain.id } });
    return id;
  };

  async function getUtxoTransaction(requested: string, txid: string, opts?: { signal?: AbortSignal | undefined }): Promise<SourcedUtxoTransaction> {
    const id = onChain(requested);
    const hash = checkTxid(txid);
    const tx = await call('getrawtransaction', [hash, 2], RpcTransactionSchema, `transaction ${hash}`, opts?.signal);
    const height = tx.blockhash && (tx.confirmations ?? 0) > 0 ? await heightOf(tx.blockhash, opts?.signal) : null;
    return mapCoreTransaction(id, hash, tx, height, source);
  }

  async function getOutspends(requested: string, txid: string, opts?: { signal?: AbortSignal | undefined }): Promise<Outspend[]> {
    const id = onChain(requested);
    const hash = checkTxid(txid);
    const tx = await call('getrawtransaction', [hash, 2], RpcTransactionSchema, `transaction ${hash}`, opts?.signal);
    const coins = await batch('gettxout', tx.vout.map((o) => [hash, o.n, true]), RpcTxOutSchema, `unspent outputs of ${hash}`, opts?.signal);
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

  return {
    kind: 'bitcoin-core',
    endpoint: http.endpoint,
    capabilities: { maxAddressesPerCall: 1, internalTransfers: false },
    supports: (requested) => isChain(requested, chain.id),
    getTransfers: () => Promise.reject(utxoOnlyTransfers(source)),
    getTransaction: utxoTransactionResult(getUtxoTransaction),
    getUtxoTransaction,
    getAddressTransactions,
    getOutspends,
    getTipHeight: (opts) => call('getblockcount', [], RpcBlockCountSchema, 'block count', opts?.signal, 'none'),
    notes: () => [
      'Bitcoin Core: spent outputs are known (gettxout) but not who spent them; branches end there as spent with the spender unknown',
      'Bitcoin Core: no address index, so address seeds need an Esplora source',
    ],
    stats: () => ({ requests: http.stats().requests, cacheHits: http.stats().cacheHits }),
    evidence: (since?: number) => http.evidence(since),
    evidenceMark: () => http.evidenceMark(),
  };
}
