import cliProgress from 'cli-progress';
import type { TraceProgress } from '../engine/run.js';

export interface ProgressReporter {
  update(e: TraceProgress): void;
  done(): void;
}

/** The line drawn on stderr: bar over the addresses known so far, then the counters and times. */
export const PROGRESS_FORMAT =
  '{phase} {bar} {value}/{total} addresses expanded | round {round} | frontier {frontier} | requests {requests} ({cacheHits} cached) | {duration_formatted} elapsed, ETA {eta_formatted}';

/**
 * A progress bar on stderr (cli-progress): addresses expanded out of those known so far (expanded + the current
 * frontier: the total grows as the trace discovers addresses, so the ETA is for the known work), frontier size,
 * requests made, cache hits, elapsed time and ETA. Silent unless stderr is a terminal (so logs and pipes stay
 * clean) and not --quiet; cleared when the trace ends.
 */
export function createProgressReporter(stream: NodeJS.WriteStream, enabled: boolean): ProgressReporter {
  const active = enabled && stream.isTTY === true;
  if (!active) return { update() {}, done() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: PROGRESS_FORMAT,
      stream,
      fps: 5,
      barsize: 20,
      hideCursor: true,
      clearOnComplete: true,
      linewrap: false,
      etaBuffer: 20,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(e) {
      const total = Math.max(1, e.expanded + e.frontier);
      const payload = {
        phase: e.phase.padEnd(6),
        round: e.round,
        frontier: e.frontier,
        requests: e.requests,
        cacheHits: e.cacheHits,
      };
      if (!started) {
        bar.start(total, e.expanded, payload);
        started = true;
        return;
      }
      bar.setTotal(e.phase === 'done' ? Math.max(1, e.expanded) : total);
      bar.update(e.phase === 'done' ? Math.max(1, e.expanded) : e.expanded, payload);
    },
    done() {
      if (started) bar.stop();
      started = false;
    },
  };
}
