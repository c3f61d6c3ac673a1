/** The one HTTP client and what its users need: each piece lives in its own file of this folder. */
export { createHttpClient } from './client.js';
export { systemClock, type Clock } from './clock.js';
export { HTTP_DEFAULTS } from './defaults.js';
export { clientHooks, HttpSourceOptionsSchema, RateLimitSchema, type HttpSourceHooks } from './options.js';
export { createTokenBucket } from './rate-limit.js';
export { backoffDelay, parseRetryAfter, withRetry, type RetryPolicy, type RetryReason } from './retry.js';
export type { Classify, HttpAnswer, HttpClient, HttpClientOptions, HttpLogEvent, HttpRequest, HttpStats, Verdict } from './types.js';
