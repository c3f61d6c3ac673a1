import { TraceAbortedError } from '../../core/errors.js';

/** Throws a typed error when the caller gave up; checked between steps so long scans stop promptly. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new TraceAbortedError('EVM RPC query aborted', { details: { reason: String(signal.reason ?? 'aborted') } });
  }
}
