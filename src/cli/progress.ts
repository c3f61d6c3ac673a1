import type { TraceProgress } from '../engine/trace.js';

/**
 * One status line on stderr, rewritten in place. Silent unless stderr is a terminal (so logs and pipes stay clean)
 * and not --quiet.
 */
export function createProgressReporter(stream: NodeJS.WriteStream, enabled: boolean): { update(e: TraceProgress): void; done(): void } {
  const active = enabled && stream.isTTY === true;
  let drawn = false;
  return {
    update(e) {
      if (!active) return;
      const line =
        e.phase === 'seeds'
          ? 'resolving seeds…'
          : `round ${e.round}: expanding ${e.frontier} address(es) · ${e.expanded} expanded · ${e.transfers} transfers · ${e.requests} requests` +
            `${e.cacheHits ? ` (${e.cacheHits} cached)` : ''} · ${(e.elapsedMs / 1000).toFixed(1)}s`;
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns || 120) - 1)}`);
      drawn = true;
    },
    done() {
      if (active && drawn) stream.write('\r\x1b[2K');
    },
  };
}
