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
  if (!enabled || stream.isTTY !== true) return { update() {}, done() {} };
  const bar = progressBar(stream, PROGRESS_FORMAT);
  let started = false;
  let phase: TraceProgress['phase'] | undefined;
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
      // A new phase is drawn at once: the settle that follows the rounds runs without a break for the bar's timer
      // (a minute or more of a big trace), and would show the last round until it ends.
      if (e.phase !== phase) (bar as unknown as { render(): void }).render();
      phase = e.phase;
    },
    done() {
      if (started) bar.stop();
      started = false;
    },
  };
}

/** The line drawn on stderr while the JSON report or the summary is written: endpoint records done, bytes, times. */
export const WRITE_PROGRESS_FORMAT = 'write  {bar} {value}/{total} {unit} | {size} | {duration_formatted} elapsed, ETA {eta_formatted}';

/** How far a file's writing is: `done` of `of` units (endpoint records, rows), bytes made so far. */
export interface WriteFigures {
  done: number;
  of: number;
  bytes: number;
}

/** Progress of a file's writing (the JSON report, the summary, a CSV file); `done` returns the last figures seen. */
export interface WriteProgressReporter {
  update(p: WriteFigures): void;
  done(): WriteFigures | undefined;
}

/**
 * A bar on stderr while a report file is written (a 10 M-transfer trace's take minutes), counting `unit`, on the same
 * terms as the trace's: only on a terminal and without --quiet, cleared when done. The figures are kept either way.
 */
export function createWriteProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, enabled: boolean, unit = 'endpoint records'): WriteProgressReporter {
  const bar = enabled && stream.isTTY === true ? progressBar(stream, WRITE_PROGRESS_FORMAT) : undefined;
  let last: WriteFigures | undefined;
  return {
    update(p) {
      const payload = { size: megabytes(p.bytes), unit };
      if (bar && !last) bar.start(Math.max(1, p.of), p.done, payload);
      else if (bar) {
        bar.setTotal(Math.max(1, p.of));
        bar.update(p.done, payload);
      }
      last = p;
    },
    done() {
      if (bar && last) bar.stop();
      return last;
    },
  };
}

/** Bytes as the CLI prints them: megabytes with one decimal. */
export const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function progressBar(stream: NodeJS.WritableStream, format: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      format,
      stream: stream as NodeJS.WritableStream & NodeJS.WriteStream,
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
}
