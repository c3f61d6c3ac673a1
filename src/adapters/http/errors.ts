import { AdapterError, ChaintrailError, RateLimitError, type ErrorDetails } from '../../core/errors.js';
import { redactText, redactUrl, secretsOfUrl } from '../../core/redact.js';
import type { GiveUp } from './retry.js';
import type { HttpClientOptions, Sent } from './types.js';

/** How the client's errors reach the caller: every text through the client's redaction (src/core/redact.ts). */
export type Redact = (text: string) => string;

/**
 * The client's redaction: the base URL's own secrets (userinfo, a key in the path or query), the values of the
 * query params and headers named secret, and any other secret values, replaced by *** (src/core/redact.ts).
 */
export function clientRedaction(options: Pick<HttpClientOptions, 'baseUrl' | 'query' | 'headers' | 'secrets'>): { redact: Redact; redactUrl: Redact } {
  const secretQuery = options.secrets?.query ?? [];
  const secretHeaders = options.secrets?.headers ?? [];
  const secrets = [
    ...secretsOfUrl(options.baseUrl, { secretParams: secretQuery }),
    ...[...secretQuery.map((n) => options.query?.[n]), ...secretHeaders.map((n) => options.headers?.[n])]
      .filter((v): v is string | number => v !== undefined && v !== '')
      .map(String),
    ...(options.secrets?.values ?? []),
  ];
  return {
    redact: (text) => redactText(text, { secretParams: secretQuery, secrets }),
    redactUrl: (url) => redactUrl(url, { secretParams: secretQuery, secrets }),
  };
}

type ErrorKind = new (message: string, options: { details: ErrorDetails; cause?: unknown }) => ChaintrailError;

/** A typed error whose message, details and cause carry no secret the client knows. */
export function redactedError(Kind: ErrorKind, message: string, details: ErrorDetails, redact: Redact, cause?: unknown): ChaintrailError {
  return new Kind(redact(message), {
    details: JSON.parse(redact(JSON.stringify(details))) as ErrorDetails,
    ...(cause === undefined ? {} : { cause: sanitizeCause(cause, redact) }),
  });
}

/** Errors built by a classify hook pass through the same redaction as the client's own. */
export function redactError(error: ChaintrailError, redact: Redact): ChaintrailError {
  const message = redact(error.shortMessage);
  const detailsText = JSON.stringify(error.details);
  const details = redact(detailsText);
  if (message === error.shortMessage && details === detailsText) return error;
  const Kind = error.constructor as ErrorKind;
  return new Kind(message, {
    details: JSON.parse(details) as ErrorDetails,
    ...(error.cause === undefined ? {} : { cause: sanitizeCause(error.cause, redact) }),
  });
}

/** Causes can carry URLs with keys (undici errors do): keep the message, redacted, and drop the object. */
export function sanitizeCause(cause: unknown, redact: Redact): unknown {
  if (cause instanceof ChaintrailError) return cause;
  const e = new Error(redact(errorText(cause)));
  e.name = cause instanceof Error ? cause.name : 'Error';
  return e;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** The start of a body, for an error's details. */
export function snippet(text: string): string {
  return text.length > 300 ? `${text.slice(0, 297)}…` : text;
}

/** The error that ends a request's retries, naming the source, the request, the last reason and what to do. */
export function giveUpError(stop: GiveUp<Sent>, o: { source: string; what: string; base: ErrorDetails; redact: Redact }): ChaintrailError {
  const { why, retry, failure, failures, limited } = stop;
  const { answer, timedOut } = failure;
  const details = { ...o.base, attempts: failures + limited, reason: retry.reason, ...(answer ? { status: answer.status, body: snippet(answer.text) } : {}) };
  if (why === 'wait-too-long') {
    const afterMs = retry.afterMs!;
    return redactedError(
      RateLimitError,
      `${o.source} asks to wait ${Math.ceil(afterMs / 1000)} s before the next request (${o.what}): try again later or use a key with a higher limit`,
      { ...details, retryAfterMs: afterMs },
      o.redact,
    );
  }
  if (why === 'rate-limited') {
    return redactedError(
      RateLimitError,
      `${o.source} kept rate-limiting ${o.what} after ${limited} waits (${retry.reason}): lower the request rate or use an API key with a higher limit`,
      details,
      o.redact,
    );
  }
  const hint =
    retry.hint ?? (timedOut ? 'the source is slow or unreachable: try again later or raise the timeout' : 'check the URL and the network, or try again later');
  return redactedError(
    AdapterError,
    `${o.source} request failed after ${failures} attempts (${retry.reason}): ${o.what}; ${hint}`,
    details,
    o.redact,
    failure.error,
  );
}
