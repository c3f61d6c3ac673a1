import { TraceAbortedError, TraceIncompleteError } from '../core/errors.js';
import { trace, type TraceOptions, type TraceResult } from '../trace/trace.js';
import type { CliIo } from './io.js';
import { createProgressReporter } from './progress.js';

/** One trace with progress on stderr; a partial result is handed to onPartial before the error is thrown. */
export async function runTrace(
  base: Omit<TraceOptions, 'onProgress' | 'signal'>,
  quiet: boolean,
  io: CliIo,
  onPartial?: (result: TraceResult) => void,
  cachePath?: string,
): Promise<TraceResult> {
  const progress = createProgressReporter(io.stderr, !quiet);
  try {
    const result = await trace({ ...base, onProgress: progress.update, ...(io.signal ? { signal: io.signal } : {}) });
    const { run } = result;
    progress.done();
    if (!quiet && io.stderr.isTTY) io.stderr.write(`traced in ${(run.elapsedMs / 1000).toFixed(1)} s: ${run.requests} requests, ${run.cacheHits} from cache\n`);
    return result;
  } catch (error) {
    // Keep what was traced: the partial report is written (marked incomplete) before the error is reported.
    if (error instanceof TraceIncompleteError) onPartial?.(error.partial as TraceResult);
    if (error instanceof TraceAbortedError) throw interrupted(error, onPartial, cachePath);
    throw error;
  } finally {
    progress.done();
  }
}

/** Ctrl-C: what was traced is written as for a failed source, and the message says how to go on. */
function interrupted(error: TraceAbortedError, onPartial: ((result: TraceResult) => void) | undefined, cachePath: string | undefined): TraceAbortedError {
  const partial = error.partial as TraceResult | undefined;
  if (partial && onPartial) onPartial(partial);
  const written = !partial ? 'nothing was traced yet' : onPartial ? 'the partial report (complete: false) was written' : 'no report was written';
  const next = cachePath
    ? `re-running the same command with the same cache (${cachePath}) resumes: answers already fetched are not asked again`
    : 're-run the same command to trace again (no answer cache was used)';
  return new TraceAbortedError(`Trace interrupted: ${written}; ${next}`, {
    details: { ...error.details, ...(cachePath ? { cache: cachePath } : {}) },
    cause: error,
  });
}
