import { z } from 'zod';
import type { ChainInfo } from '../../core/chain.js';
import { utxoChain } from '../bitcoin/guards.js';
import { parseOptions } from '../validate.js';
import { createHttpClient, type Clock, type HttpClient } from '../http/index.js';
import type { ResponseCache } from '../../cache/store.js';
import { classifyCore } from './errors.js';

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

/** What every piece of the Bitcoin Core source shares: the chain it serves, its HTTP client, its name in messages. */
export interface CoreSource {
  chain: ChainInfo;
  http: HttpClient;
  /** 'Bitcoin Core <endpoint>'. */
  source: string;
}

/** The options validated, the credentials moved from the URL (or env) to the header, and the HTTP client built. */
export function openCoreSource(input: BitcoinCoreAdapterOptions): CoreSource {
  // The cache, env, clock and fetch are run-time hooks, not data: only the rest is validated.
  const { cache, env = process.env, clock, fetch: fetchImpl, ...rest } = input;
  // Never echo the options back: they may hold the password.
  const options = parseOptions(OptionsSchema, rest, 'Invalid Bitcoin Core options');
  const chain = utxoChain('Bitcoin Core', options.chain);

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
  return { chain, http, source };
}
