import { ChaintrailError, type ErrorDetails } from '../../core/errors.js';

/** How the client's errors reach the caller: every text through the client's redaction (src/core/redact.ts). */
export type Redact = (text: string) => string;

type ErrorKind = new (message: string, options: { details: ErrorDetails; cause?: unknown }) => ChaintrailError;

/** A typed error whose message, details and cause carry no secret the client knows. */
export function redactedError(Kind: ErrorKind, message: string, details: ErrorDetails, redact: Redact, cause?: unknown): ChaintrailError {
  return new Kind(redact(message), { details: JSON.parse(redact(JSON.stringify(details))) as ErrorDetails, ...(cause === undefined ? {} : { cause: sanitizeCause(cause, redact) }) });
}

/** Errors built by a classify hook pass through the same redaction as the client's own. */
export function redactError(error: ChaintrailError, redact: Redact): ChaintrailError {
  const message = redact(error.shortMessage);
  const detailsText = JSON.stringify(error.details);
  const details = redact(detailsText);
  if (message === error.shortMessage && details === detailsText) return error;
  const Kind = error.constructor as ErrorKind;
  return new Kind(message, { details: JSON.parse(details) as ErrorDetails, ...(error.cause === undefined ? {} : { cause: sanitizeCause(error.cause, redact) }) });
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
