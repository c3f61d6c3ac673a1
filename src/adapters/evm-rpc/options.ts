import { z } from 'zod';
import type { ResponseCache } from '../../cache/store.js';
import { getChain, type ChainInfo } from '../../core/chain.js';
import { InvalidInputError } from '../../core/errors.js';
import { HTTP_DEFAULTS, type Clock } from '../http/index.js';
import { parseOptions } from '../validate.js';

/** Everything createEvmRpcAdapter takes; defaults live here and nowhere else. */
export const EvmRpcOptionsSchema = z
  .object({
    /** JSON-RPC endpoint (http/https); may embed a provider key, which is never printed. */
    url: z.string().refine((u) => /^https?:\/\/[^\s]+$/i.test(u) && URL.canParse(u), { message: 'expected an http(s) URL' }),
    /** 'ethereum', 'evm:<chainId>' or an alias; checked against the node's eth_chainId. */
    chain: z.string().min(1),
    /** Addresses per eth_getLogs / trace_filter OR-list (and per getTransfers call the engine sends). */
    batchSize: z.number().int().min(1).max(10_000).default(500),
    /** JSON-RPC calls per HTTP request (headers, receipts, blocks, token metadata); 1 disables batching. */
    rpcBatchSize: z.number().int().min(1).max(1_000).default(100),
    /** Largest block span per eth_getLogs / trace_filter; unset = the whole window, narrowed when the node objects. */
    maxBlockRange: z.number().int().min(1).optional(),
    /** Without trace_filter, native value is found by scanning at most this many blocks per window. */
    blockScanLimit: z.number().int().min(1).default(5_000),
    /** HTTP requests in flight at once. */
    concurrency: z.number().int().min(1).max(64).default(4),
    timeoutMs: z.number().int().min(100).default(HTTP_DEFAULTS.timeoutMs),
    /** Retries on HTTP 429/5xx, JSON-RPC rate-limit errors and transient network errors. */
    retries: z.number().int().min(0).max(10).default(HTTP_DEFAULTS.retries),
    /**
     * Which Transfer logs to fetch when the engine names the traced tokens: 'traced' asks only for those contracts
     * (cheapest; spam never inflates an address's degree), 'all' asks for every contract so the report can count
     * look-alike tokens and other spam it ignored.
     */
    tokenScope: z.enum(['traced', 'all']).default('traced'),
    /**
     * Blocks below the head past which no reorg is expected: answers about blocks at least this deep (a block, a
     * receipt, a log range ending there) are cached for good, newer ones expire like any volatile answer. 128 is
     * twice Ethereum's finality (two epochs, 64 blocks) and above the deepest reorgs seen on Polygon PoS.
     */
    reorgMarginBlocks: z.number().int().min(0).default(128),
    /** Force trace_filter on or off; unset = probe the node once. */
    traceFilter: z.boolean().optional(),
    /**
     * Wrapped native token contracts besides the known ones (WETH, WBNB, WMATIC...): their Deposit/Withdrawal
     * events are read as wrapping and unwrapping by getTransactionMovements.
     */
    wrappedNative: z.array(z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x address')).default([]),
    /** Extra HTTP headers (e.g. an Authorization header instead of a key in the URL). */
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/** Plus what cannot be validated as data: the answer cache, a clock for backoff, a fetch (tests). */
export type EvmRpcAdapterOptions = z.input<typeof EvmRpcOptionsSchema> & { cache?: ResponseCache; clock?: Clock; fetch?: typeof fetch };
export type EvmRpcSettings = z.infer<typeof EvmRpcOptionsSchema>;

export function parseEvmRpcOptions(input: unknown): EvmRpcSettings {
  return parseOptions(EvmRpcOptionsSchema, input, 'Invalid EVM RPC adapter options');
}

/** The chain asked for, which must be an EVM chain with a chain id (checked against the node's). */
export function evmChainInfo(chain: string): ChainInfo & { evmChainId: number } {
  const info = getChain(chain);
  if (info.family !== 'evm' || info.evmChainId === undefined) {
    throw new InvalidInputError(`The EVM RPC source needs an EVM chain, not ${info.id}`, { details: { chain: info.id } });
  }
  return { ...info, evmChainId: info.evmChainId };
}

/** `http://user:password@host/…` -> the URL without userinfo and an Authorization: Basic header (unless one is given). */
export function moveUserinfo(raw: string, given: Record<string, string> | undefined): { url: string; headers: Record<string, string> | undefined } {
  const url = new URL(raw);
  if (!url.username && !url.password) return { url: raw, headers: given };
  const basic = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  const hasAuth = Object.keys(given ?? {}).some((k) => k.toLowerCase() === 'authorization');
  return { url: url.toString(), headers: hasAuth ? given : { ...given, authorization: basic } };
}
