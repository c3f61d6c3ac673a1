import { z } from 'zod';
import type { ChainInfo } from '../../core/chain.js';
import { InvalidAddressError, InvalidInputError, NotFoundError, ResponseShapeError } from '../../core/errors.js';
import { parseInput } from '../../core/parse.js';
import { issuesOf } from '../validate.js';
import { createHttpClient, RateLimitSchema, type Classify, type Clock, type HttpClient } from '../http/index.js';
import type { ResponseCache } from '../../cache/store.js';
import { utxoChain } from '../bitcoin/guards.js';

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

/** What every piece of the Esplora source shares: the chain, its HTTP client, its name, and one checked GET. */
export interface EsploraSource {
  chain: ChainInfo;
  http: HttpClient;
  /** 'Esplora <endpoint>'. */
  source: string;
  maxPagesPerAddress: number;
  /** One GET whose JSON answer is checked against `schema`. */
  get<T>(path: string, schema: z.ZodType<T>, what: string, signal?: AbortSignal, cacheMode?: 'none'): Promise<T>;
}

/** The options validated and the HTTP client built. */
export function openEsploraSource(input: EsploraAdapterOptions): EsploraSource {
  // The cache, clock and fetch are run-time hooks, not data: only the rest is validated.
  const { cache, clock, fetch: fetchImpl, ...rest } = input;
  const options = parseInput(OptionsSchema, rest, 'Invalid Esplora options');
  const chain = utxoChain('Esplora', options.chain);
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
  return {
    chain,
    http,
    source,
    maxPagesPerAddress: options.maxPagesPerAddress,
    get: (path, schema, what, signal, cacheMode) => get(http, source, path, schema, what, signal, cacheMode),
  };
}

async function get<T>(
  http: HttpClient,
  source: string,
  path: string,
  schema: z.ZodType<T>,
  what: string,
  signal?: AbortSignal,
  cacheMode?: 'none',
): Promise<T> {
  const json = await http.requestJson({ path, what, ...(signal ? { signal } : {}), ...(cacheMode ? { cache: cacheMode } : {}) });
  return parseInput(schema, json, `${source} answered ${what} in an unexpected shape`, {
    error: (message, details) =>
      new ResponseShapeError(message, { details: { source: 'Esplora', endpoint: http.endpoint, path, issues: issuesOf(details).slice(0, 5) } }),
  });
}
