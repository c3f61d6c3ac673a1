import type { TraceReport } from '../core/schema.js';
import { cacheKey, type ResponseCache } from '../cache/store.js';

export interface EvidenceCheck {
  source: string;
  request: string;
  status: 'match' | 'mismatch' | 'missing';
  expected: string;
  actual?: string;
}

/**
 * Checks a report's evidence against a cache: every answer the trace relied on must still be there with the same
 * SHA-256. A second investigator runs the trace (or copies the cache file) and verifies the first one's report.
 * Fixture datasets are checked by the caller (their evidence names a file, not a request).
 */
export function verifyEvidence(report: TraceReport, cache: ResponseCache): EvidenceCheck[] {
  return report.evidence
    .filter((e) => e.source !== 'fixture')
    .map((e) => {
      const hit = cache.get(cacheKey(e.source, e.request), { anyAge: true });
      const base = { source: e.source, request: e.request, expected: e.sha256 };
      if (!hit) return { ...base, status: 'missing' as const };
      return { ...base, status: hit.sha256 === e.sha256 ? ('match' as const) : ('mismatch' as const), actual: hit.sha256 };
    });
}
