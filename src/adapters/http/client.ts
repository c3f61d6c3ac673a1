import pLimit from 'p-limit';
import { AdapterError, ChaintrailError, RateLimitError, TraceAbortedError } from '../../core/errors.js';
import { redactText, redactUrl, secretsOfUrl } from '../../core/redact.js';
import { systemClock } from './clock.js';
import { HTTP_DEFAULTS } from './defaults.js';
import { errorText, redactedError, redactError, sanitizeCause, snippet } from './errors.js';
import { createAnswerLog } from './evidence.js';
import { bucketFor } from './rate-limit.js';
import { buildUrl, finalVerdict, requestHeaders, send, statusVerdict, truncatedJson, type Sent } from './request.js';
import { withRetry, type GiveUp, type TryResult } from './retry.js';
import type { HttpClient, HttpClientOptions, HttpLogEvent, HttpRequest, HttpStats, Verdict } from './types.js';

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
  const secretQuery = options.secrets?.query ?? [];
  const secretHeaders = options.secrets?.headers ?? [];
  // The base URL's own secrets (userinfo, a key in the path or query) and the configured key values.
  const secrets = [
    ...secretsOfUrl(options.baseUrl, { secretParams: secretQuery }),
    ...[...secretQuery.map((n) => options.query?.[n]), ...secretHeaders.map((n) => options.headers?.[n])]
      .filter((v): v is string | number => v !== undefined && v !== '')
      .map(String),
    ...(options.secrets?.values ?? []),
  ];
  const redact = (text: string) => redactText(text, { secretParams: secretQuery, secrets });
  const stats = { requests: 0, retries: 0, rateLimited: 0, waitedMs: 0 };
  const answers = createAnswerLog({ source: options.source, cache: options.cache, clock, reorgMarginSeconds: o.reorgMarginSeconds, redact });
  const log = (level: HttpLogEvent['level'], message: string) => options.onLog?.({ level, message: redact(message) });
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const endpoint = redactUrl(baseUrl, { secretParams: secretQuery, secrets });
  const urlOf = (req: HttpRequest) => buildUrl(baseUrl, req.path, options.query, req.query);

  /** One attempt: waits for the bucket and a concurrency slot, then fetches with a timeout. */
  const attempt = async (req: HttpRequest, url: string): Promise<Sent> => {
    if (bucket) stats.waitedMs += await bucket.take(req.signal);
    return limit(async () => {
      req.signal?.throwIfAborted();
      stats.requests++;
      const method = req.method ?? 'GET';
      const body = method === 'POST' ? JSON.stringify(req.body ?? {}) : undefined;
      return send(doFetch, url, { method, headers: requestHeaders(method, options.headers), ...(body === undefined ? {} : { body }) }, { timeoutMs: o.timeoutMs, signal: req.signal, safeUrl: redact(url) });
    });
  };

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

    /** The error that ends the retries, naming the source, the request, the last reason and what to do. */
    const giveUp = ({ why, retry, failure, failures, limited }: GiveUp<Sent>) => {
      const { answer, timedOut } = failure;
      const details = { ...base, attempts: failures + limited, reason: retry.reason, ...(answer ? { status: answer.status, body: snippet(answer.text) } : {}) };
      if (why === 'wait-too-long') {
        const afterMs = retry.afterMs!;
        return redactedError(RateLimitError, `${options.source} asks to wait ${Math.ceil(afterMs / 1000)} s before the next request (${what}): try again later or use a key with a higher limit`, { ...details, retryAfterMs: afterMs }, redact);
      }
      if (why === 'rate-limited') {
        return redactedError(RateLimitError, `${options.source} kept rate-limiting ${what} after ${limited} waits (${retry.reason}): lower the request rate or use an API key with a higher limit`, details, redact);
      }
      const hint = retry.hint ?? (timedOut ? 'the source is slow or unreachable: try again later or raise the timeout' : 'check the URL and the network, or try again later');
      return redactedError(AdapterError, `${options.source} request failed after ${failures} attempts (${retry.reason}): ${what}; ${hint}`, details, redact, failure.error);
    };

    try {
      return await withRetry(tryOnce, {
        policy: o,
        random,
        giveUp,
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
      if (req.signal?.aborted) {
        throw new TraceAbortedError(`Request to ${options.source} aborted`, { details: base, cause: sanitizeCause(req.signal.reason, redact) });
      }
      if (error instanceof ChaintrailError) throw error;
      throw redactedError(AdapterError, `${options.source} request failed (${errorText(error)}): ${what}`, base, redact, error);
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
