import pLimit from 'p-limit';
import { AdapterError, ChaintrailError, TraceAbortedError } from '../../core/errors.js';
import { systemClock } from './clock.js';
import { HTTP_DEFAULTS } from './defaults.js';
import { clientRedaction, errorText, giveUpError, redactedError, redactError, sanitizeCause } from './errors.js';
import { createAnswerLog } from './evidence.js';
import { bucketFor } from './rate-limit.js';
import { buildUrl, finalVerdict, requestHeaders, send, statusVerdict, truncatedJson } from './request.js';
import { withRetry, type TryResult } from './retry.js';
import type { HttpClient, HttpClientOptions, HttpLogEvent, HttpRequest, HttpStats, Sent, Verdict } from './types.js';

/**
 * The one HTTP client every HTTP adapter uses (viem-transport style: a small factory, the wire hidden behind it).
 * It composes the pieces of this folder: one request with its timeout (request.ts), retries with backoff, jitter
 * and Retry-After (retry.ts), a token bucket per source (rate-limit.ts), a concurrency cap, the answer cache and
 * evidence (evidence.ts), and secret redaction (src/core/redact.ts) of everything it prints. Source-specific
 * bodies (Etherscan's HTTP-200 rate-limit envelopes, TronGrid's "suspended for 27 s") are mapped by the adapter's
 * `classify` hook. Defaults: HTTP_DEFAULTS (defaults.ts).
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const o = { ...HTTP_DEFAULTS, ...stripUndefined(options) };
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? globalThis.fetch;
  const limit = pLimit(Math.max(1, o.concurrency));
  const bucket = bucketFor(options.rateLimit, clock);
  const { redact, redactUrl } = clientRedaction(options);
  const stats = { requests: 0, retries: 0, rateLimited: 0, waitedMs: 0 };
  const answers = createAnswerLog({ source: options.source, cache: options.cache, clock, reorgMarginSeconds: o.reorgMarginSeconds, redact });
  const log = (level: HttpLogEvent['level'], message: string) => options.onLog?.({ level, message: redact(message) });
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const endpoint = redactUrl(baseUrl);
  const urlOf = (req: HttpRequest) => buildUrl(baseUrl, req.path, options.query, req.query);

  const attempt = createAttempt({ bucket, limit, stats, doFetch, headers: options.headers, timeoutMs: o.timeoutMs, redact });

  const requestJson = async (req: HttpRequest): Promise<unknown> => {
    const url = urlOf(req);
    const safeUrl = redact(url);
    const method = req.method ?? 'GET';
    const what = req.what ?? `${method} ${safeUrl}`;
    const base = { source: options.source, method, url: safeUrl, ...(req.what ? { what: req.what } : {}) };
    const id = answers.identify(req, url);
    const hit = answers.fromCache(id);
    if (hit) return hit.json;

    /** One try, judged: the hook's verdict (or the status's), then the checks every answer must pass. */
    const tryOnce = async (): Promise<TryResult<unknown, Sent>> => {
      const sent = await attempt(req, url);
      const { answer } = sent;
      let verdict: Verdict;
      if (!answer) {
        verdict = { kind: 'retry', reason: sent.timedOut ? `timed out after ${o.timeoutMs} ms` : `network error: ${errorText(sent.error)}` };
      } else {
        verdict = truncatedJson(answer) ?? (req.classify ?? options.classify)?.(answer) ?? statusVerdict(answer, clock.now());
        if (verdict.kind === 'ok') verdict = finalVerdict(answer, options.source, what, base);
        if (verdict.kind === 'ok') {
          answers.keep(id, answer.text, req.evidence !== false);
          return { ok: true, value: answer.json };
        }
      }
      if (verdict.kind === 'fail') throw redactError(verdict.error, redact);
      if (verdict.rateLimited === true) stats.rateLimited++;
      return { ok: false, retry: verdict, failure: sent };
    };

    try {
      return await withRetry(tryOnce, {
        policy: o,
        random,
        giveUp: (stop) => giveUpError(stop, { source: options.source, what, base, redact }),
        onRetry: ({ retry, wait, attempt: n }) => {
          stats.retries++;
          log('warn', `${options.source}: ${retry.reason}; retry ${n} in ${wait} ms (${what})`);
        },
        wait: async (ms, retry) => {
          // A rate-limit answer holds back every request of this source, not only this one: the bucket waits.
          if (retry.rateLimited === true && bucket) return bucket.pause(ms);
          await clock.sleep(ms, req.signal);
          stats.waitedMs += ms;
        },
      });
    } catch (error) {
      throw failedRequest(error, req, options.source, what, base, redact);
    }
  };

  return {
    endpoint,
    requestJson,
    cached: (req) => answers.fromCache(answers.identify(req, urlOf(req))),
    store: (req, text) => answers.keep(answers.identify(req, urlOf(req)), text),
    stats: (): HttpStats => ({ ...stats, cacheHits: answers.cacheHits() }),
    redact,
    evidence: (since) => answers.evidence(since),
    evidenceMark: () => answers.mark(),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** One attempt: waits for the bucket and a concurrency slot, then fetches with a timeout. */
function createAttempt(parts: {
  bucket: ReturnType<typeof bucketFor>;
  limit: ReturnType<typeof pLimit>;
  stats: { requests: number; waitedMs: number };
  doFetch: typeof fetch;
  headers: HttpClientOptions['headers'];
  timeoutMs: number;
  redact: (text: string) => string;
}): (req: HttpRequest, url: string) => Promise<Sent> {
  const { bucket, limit, stats } = parts;
  return async (req, url) => {
    if (bucket) stats.waitedMs += await bucket.take(req.signal);
    return limit(async () => {
      req.signal?.throwIfAborted();
      stats.requests++;
      const method = req.method ?? 'GET';
      const body = method === 'POST' ? JSON.stringify(req.body ?? {}) : undefined;
      return send(
        parts.doFetch,
        url,
        { method, headers: requestHeaders(method, parts.headers), ...(body === undefined ? {} : { body }) },
        { timeoutMs: parts.timeoutMs, signal: req.signal, safeUrl: parts.redact(url) },
      );
    });
  };
}

/** What a request that did not succeed throws: aborted, one of ours as it is, anything else an AdapterError, redacted. */
function failedRequest(error: unknown, req: HttpRequest, source: string, what: string, base: Record<string, unknown>, redact: (text: string) => string): Error {
  if (req.signal?.aborted) {
    return new TraceAbortedError(`Request to ${source} aborted`, { details: base, cause: sanitizeCause(req.signal.reason, redact) });
  }
  if (error instanceof ChaintrailError) return error;
  return redactedError(AdapterError, `${source} request failed (${errorText(error)}): ${what}`, base, redact, error);
}
