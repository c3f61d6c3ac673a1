import { HTTP_DEFAULTS, withRetry, type Clock } from '../../http/index.js';
import { isTransientGoogleError, toError, TransientAnswerError } from './errors.js';
import type { ParsedBigQueryOptions } from './options.js';

/**
 * One request, retried while it fails transiently, with the HTTP client's backoff (bounded attempts, jitter,
 * the caller's AbortSignal honoured); a request that hangs is abandoned after requestTimeoutMs. Out of attempts,
 * the last fault is reported, naming the query's purpose.
 */
export type Retrying = <T>(purpose: string, request: () => Promise<T>, signal?: AbortSignal) => Promise<T>;

export function createRetrying(options: ParsedBigQueryOptions, clock: Clock, random: () => number): Retrying {
  return async <T>(purpose: string, request: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    let attempt = 0;
    return withRetry<T, unknown>(
      async () => {
        signal?.throwIfAborted();
        attempt++;
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new TransientAnswerError(`request timed out after ${options.requestTimeoutMs} ms`)), options.requestTimeoutMs);
          });
          return { ok: true, value: await Promise.race([request(), timeout]) };
        } catch (error) {
          if (signal?.aborted) throw signal.reason ?? error;
          if (!isTransientGoogleError(error)) throw toError(error, purpose, options.dataset, attempt);
          return { ok: false, retry: { reason: 'transient' }, failure: error };
        } finally {
          clearTimeout(timer);
        }
      },
      {
        // Google's answers carry no wait of their own: every retry backs off as the HTTP client does.
        policy: { ...HTTP_DEFAULTS, retries: options.retries },
        random,
        giveUp: (stop) => toError(stop.failure, purpose, options.dataset, stop.failures),
        wait: (ms) => clock.sleep(ms, signal),
      },
    );
  };
}
