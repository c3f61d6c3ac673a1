/**
 * One small error tree (after viem's BaseError): `code` is stable for machines, `shortMessage` is one line for
 * people, `details` carries what a program needs (never a secret), `cause` keeps the chain.
 */

/** Machine-readable facts about an error, for programs (never a secret). */
export type ErrorDetails = Record<string, unknown>;

/** Machine-readable details (never secret) and the underlying cause of an error. */
export interface ChaintrailErrorOptions {
  details?: ErrorDetails;
  cause?: unknown;
}

/** Set on every ChaintrailError: recognised by isChaintrailError even across copies of the library. */
const BRAND = Symbol.for('chaintrail.error');

/** Base of every error chaintrail throws; `code` is stable, `shortMessage` one line, `details` never secret. */
export class ChaintrailError extends Error {
  override name = 'ChaintrailError';
  readonly code: string = 'CHAINTRAIL_ERROR';
  readonly shortMessage: string;
  readonly details: ErrorDetails;

  constructor(shortMessage: string, options: ChaintrailErrorOptions = {}) {
    super(shortMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = options.details ?? {};
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** The innermost cause that is still a ChaintrailError (or this error). */
  walk(): ChaintrailError {
    let current: ChaintrailError = this;
    while (current.cause instanceof ChaintrailError) current = current.cause;
    return current;
  }

  toJSON(): { name: string; code: string; message: string; details: ErrorDetails } {
    return { name: this.name, code: this.code, message: this.shortMessage, details: this.details };
  }
}

/** Options, seeds, files or CLI arguments that do not make sense. */
export class InvalidInputError extends ChaintrailError {
  override name = 'InvalidInputError';
  override readonly code: string = 'INVALID_INPUT';
}

/** An address that does not parse for its chain (bad checksum, wrong length, wrong network). */
export class InvalidAddressError extends InvalidInputError {
  override name = 'InvalidAddressError';
  override readonly code = 'INVALID_ADDRESS';
}

/** A data source failed (network, node, API) in a way retries did not fix. */
export class AdapterError extends ChaintrailError {
  override name = 'AdapterError';
  override readonly code: string = 'ADAPTER_ERROR';
}

/** A source kept answering "slow down" (HTTP 429 or its own code) after the retries allowed. */
export class RateLimitError extends AdapterError {
  override name = 'RateLimitError';
  override readonly code = 'RATE_LIMITED';
}

/** A source answered, but not in the documented shape: the answer is not trusted. */
export class ResponseShapeError extends AdapterError {
  override name = 'ResponseShapeError';
  override readonly code = 'RESPONSE_SHAPE';
}

/** What was asked for (a transaction, a file, a case) does not exist. */
export class NotFoundError extends ChaintrailError {
  override name = 'NotFoundError';
  override readonly code = 'NOT_FOUND';
}

/**
 * The caller aborted (AbortSignal; Ctrl-C in the CLI). When the trace had begun following funds, `partial` holds
 * what was traced until then, as for TraceIncompleteError: its report says `complete: false` and marks the addresses
 * left unexpanded as `incomplete`.
 */
export class TraceAbortedError<T = unknown> extends ChaintrailError {
  override name = 'TraceAbortedError';
  override readonly code = 'TRACE_ABORTED';
  readonly partial: T | undefined;
  constructor(shortMessage: string, options: ChaintrailErrorOptions & { partial?: T } = {}) {
    super(shortMessage, options);
    this.partial = options.partial;
  }
}

/** Turns a zod error into one line that names the path of every problem. */
export function describeZodIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
    .concat(issues.length > 5 ? [`… and ${issues.length - 5} more`] : [])
    .join('; ');
}

/**
 * A source failed mid-trace after its retries. `partial` holds what was traced until then; its report says
 * `complete: false` and marks the addresses left unexpanded as `incomplete`. `cause` names the failed request.
 */
export class TraceIncompleteError<T = unknown> extends ChaintrailError {
  override name = 'TraceIncompleteError';
  override readonly code = 'TRACE_INCOMPLETE';
  readonly partial: T;
  constructor(partial: T, cause: ChaintrailError) {
    super(`Trace incomplete: ${cause.shortMessage}`, { details: { ...cause.details, causeCode: cause.code }, cause });
    this.partial = partial;
  }
}

/**
 * A feature needs an optional package that is not installed (DuckDB, BigQuery, better-sqlite3, pg, sigma): the
 * message names the package and the command that installs it.
 */
export class MissingDependencyError extends ChaintrailError {
  override name = 'MissingDependencyError';
  override readonly code = 'MISSING_DEPENDENCY';
}

/**
 * An output that is made as one string is larger than a JavaScript string can be (V8 caps one near 512 MB): the
 * message names the output and the ones written in pieces instead.
 */
export class ReportTooLargeError extends ChaintrailError {
  override name = 'ReportTooLargeError';
  override readonly code = 'REPORT_TOO_LARGE';
}

/**
 * What `make` returns; when what it makes is longer than a string can be (V8's RangeError "Invalid string length",
 * or Node's ERR_STRING_TOO_LONG for a file read as text), the ReportTooLargeError `tooLarge` gives instead. Any
 * other failure is left as it is.
 */
export function withinStringLimit<T>(make: () => T, tooLarge: (cause: Error) => ReportTooLargeError): T {
  try {
    return make();
  } catch (error) {
    const tooLong =
      (error instanceof RangeError && /Invalid string length/.test(error.message)) || (error as { code?: unknown } | null)?.code === 'ERR_STRING_TOO_LONG';
    if (tooLong) throw tooLarge(error as Error);
    throw error;
  }
}

/**
 * Whether `error` is a ChaintrailError (optionally with this `code`, e.g. 'RATE_LIMITED'). Unlike `instanceof`, it
 * also recognises errors thrown by another copy of the library loaded in the same process.
 */
export function isChaintrailError(error: unknown, code?: string): error is ChaintrailError {
  if (typeof error !== 'object' || error === null || (error as Record<symbol, unknown>)[BRAND] !== true) return false;
  return code === undefined || (error as ChaintrailError).code === code;
}

/** A THORChain memo that does not read as THORChain documents memos (src/heuristics/thorchain.ts). */
export class MemoError extends InvalidInputError {
  override name = 'MemoError';
  override readonly code = 'INVALID_MEMO';
}
