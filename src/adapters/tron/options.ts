import { z } from 'zod';
import { parseInput } from '../../core/parse.js';
import { parseAnswer } from '../validate.js';
import { clientHooks, createHttpClient, HttpSourceOptionsSchema, type HttpClient, type HttpSourceHooks } from '../http/index.js';
import { classifyTronGrid } from './classify.js';

/** TronGrid's public API. */
export const TRONGRID_URL = 'https://api.trongrid.io';

// rateLimit: TronGrid allows 15 requests/s per key; without a key far less.
const OptionsSchema = HttpSourceOptionsSchema.extend({
  /** Records per page; TronGrid's maximum is 200. */
  pageSize: z.number().int().min(1).max(200).default(200),
});

/** `env`: where TRONGRID_API_KEY is read when `apiKey` is absent. */
export type TronGridAdapterOptions = z.input<typeof OptionsSchema> & HttpSourceHooks;

/** What every piece of the TronGrid source shares: its settings and its HTTP client. */
export interface TronSource {
  pageSize: number;
  tokenFilter: 'all' | 'traced';
  maxAddressesPerCall: number;
  http: HttpClient;
}

/** The options validated, the key found, and the HTTP client built. */
export function openTronSource(input: TronGridAdapterOptions): TronSource {
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
  return { pageSize: o.pageSize, tokenFilter: o.tokenFilter, maxAddressesPerCall: o.maxAddressesPerCall, http };
}

/** A TronGrid answer checked against its schema. */
export const parseTron = <S extends z.ZodType>(schema: S, json: unknown, what: string): z.output<S> => parseAnswer(schema, json, { source: 'TronGrid', what });
