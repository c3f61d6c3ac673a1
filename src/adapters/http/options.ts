import { z } from 'zod';
import type { ResponseCache } from '../../cache/store.js';
import type { Clock } from './clock.js';
import { HTTP_DEFAULTS } from './defaults.js';
import type { HttpLogEvent } from './types.js';

/** Requests per second and burst for a source's token bucket; `false` for none (a local server). */
export const RateLimitSchema = z.union([z.object({ perSecond: z.number().positive(), burst: z.number().int().positive().optional() }), z.literal(false)]);

/** The options every API-key HTTP source (explorers) takes; each source extends it with its own. */
export const HttpSourceOptionsSchema = z.object({
  apiKey: z.string().min(1).optional(),
  baseUrl: z.url().optional(),
  rateLimit: RateLimitSchema.optional(),
  concurrency: z.number().int().min(1).max(32).default(HTTP_DEFAULTS.concurrency),
  timeoutMs: z.number().int().positive().default(HTTP_DEFAULTS.timeoutMs),
  retries: z.number().int().min(0).max(10).default(HTTP_DEFAULTS.retries),
  maxAddressesPerCall: z.number().int().min(1).default(20),
  /**
   * 'all' (default): an address's token list holds every contract, so the engine sees and counts look-alike and
   * spam tokens. 'traced': only the traced token contracts, cheaper on addresses flooded with spam.
   */
  tokenFilter: z.enum(['all', 'traced']).default('all'),
});

/** Run-time hooks an HTTP source hands to its client: functions and stores, not data, so not validated by zod. */
export interface HttpSourceHooks {
  cache?: ResponseCache;
  clock?: Clock;
  random?: () => number;
  fetch?: typeof fetch;
  onLog?: (event: HttpLogEvent) => void;
  /** Where the source's API-key variable is read when `apiKey` is absent (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** The hooks given, as client options (those left out stay out). */
export function clientHooks(hooks: HttpSourceHooks): Pick<HttpSourceHooks, 'cache' | 'clock' | 'random' | 'fetch' | 'onLog'> {
  return {
    ...(hooks.cache ? { cache: hooks.cache } : {}),
    ...(hooks.clock ? { clock: hooks.clock } : {}),
    ...(hooks.random ? { random: hooks.random } : {}),
    ...(hooks.fetch ? { fetch: hooks.fetch } : {}),
    ...(hooks.onLog ? { onLog: hooks.onLog } : {}),
  };
}
