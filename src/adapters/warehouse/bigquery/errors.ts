import { ChaintrailError, RateLimitError } from '../../../core/errors.js';
import { redactText } from '../../../core/redact.js';
import { QueryCostError, WarehouseQueryError } from '../errors.js';

export interface ApiErrorLike {
  code?: number;
  message?: string;
  errors?: { reason?: string; message?: string }[];
}

/**
 * Google API errors to ours: the reason and message only. The library's error holds the request (its
 * Authorization header, the token) in `config`: it is never kept as the cause, only its redacted message.
 */
export function toError(error: unknown, purpose: string, dataset: string, attempts = 1): Error {
  if (error instanceof ChaintrailError && !(error instanceof TransientAnswerError)) return error;
  const e = (error ?? {}) as ApiErrorLike;
  const status = httpStatus(error);
  const reasons = googleReasons(error);
  const message = redactText((e.message ?? String(error)).split('\n')[0]!.slice(0, 500));
  const details = { engine: 'bigquery', dataset, purpose, status, reasons, ...(attempts > 1 ? { attempts } : {}) };
  const cause = Object.assign(new Error(message), { name: error instanceof Error ? error.name : 'Error' });
  const after = attempts > 1 ? ` after ${attempts} attempts` : '';
  if (reasons.includes('bytesBilledLimitExceeded')) {
    return new QueryCostError(`BigQuery refused the ${purpose} query: it would bill more than maximumBytesBilled (${message})`, { details, cause });
  }
  if (status === 429 || reasons.some((r) => RATE_REASONS.has(r))) {
    return new RateLimitError(`BigQuery rate limit on the ${purpose} query${after}: ${message}`, { details, cause });
  }
  return new WarehouseQueryError(
    `BigQuery ${purpose} query failed${after}${status ? ` (HTTP ${status}${reasons.length ? `, ${reasons.join(', ')}` : ''})` : ''}: ${message}`,
    {
      details,
      cause,
    },
  );
}

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const TRANSIENT_REASONS = new Set(['backendError', 'internalError', 'jobBackendError', 'jobInternalError', ...RATE_REASONS]);
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const NETWORK =
  /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|socket hang up|network|timed? ?out|aborted|premature close|unexpected end|JSON|Unexpected token|invalid json/i;

/** The HTTP status: the error's code, or its response's when the library built the error from the body alone. */
function httpStatus(error: unknown): number | undefined {
  const e = (error ?? {}) as { code?: unknown; response?: { statusCode?: unknown; status?: unknown } };
  for (const v of [e.code, e.response?.statusCode, e.response?.status]) if (typeof v === 'number') return v;
  return undefined;
}

function googleReasons(error: unknown): string[] {
  return ((error as ApiErrorLike | null)?.errors ?? []).map((x) => x.reason).filter((r): r is string => typeof r === 'string');
}

/**
 * Classified once for every BigQuery request: 5xx and 408/429 statuses, Google's backend and rate-limit
 * reasons (rateLimitExceeded comes as HTTP 403), dropped or timed-out connections and cut-off JSON are worth
 * another try; anything else (a 400 query error, a 403 permission, a 404 table, the bytes cap) is not.
 */
export function isTransientGoogleError(error: unknown): boolean {
  if (error instanceof ChaintrailError) return error instanceof TransientAnswerError;
  const e = (error ?? {}) as ApiErrorLike & { name?: string };
  if (googleReasons(error).some((r) => TRANSIENT_REASONS.has(r))) return true;
  const status = httpStatus(error);
  if (status !== undefined && status >= 400) return TRANSIENT_STATUS.has(status);
  return NETWORK.test(`${e.name ?? ''} ${e.message ?? String(error)} ${(e as { code?: unknown }).code ?? ''}`);
}

/** A request that timed out, or an answer that is not what the API documents (a cut-off body): asked again. */
export class TransientAnswerError extends ChaintrailError {
  override name = 'TransientAnswerError';
}
