import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TraceReport } from '../core/schema.js';
import { cacheKey, fileSha256, type ResponseCache } from '../cache/store.js';

export interface EvidenceCheck {
  source: string;
  request: string;
  status: 'match' | 'mismatch' | 'missing';
  expected: string;
  actual?: string;
  /** A fixture source: the dataset file that was hashed. */
  file?: string;
  /** Why it is missing and what to do. */
  hint?: string;
}

export interface VerifyOptions {
  /** Dataset files of fixture sources, matched to the evidence by file name (a single file serves a single dataset). */
  datasets?: readonly string[];
  /** Folders searched for a fixture dataset by its file name when `datasets` names none (e.g. the report's folder). */
  searchDirs?: readonly string[];
}

/** The file name a fixture source's evidence names (`dataset <name>`). */
const datasetName = (request: string) => request.replace(/^dataset /, '');

/**
 * Checks a report's evidence, every item of it: each answer of a network source must be in the cache with the same
 * SHA-256, and each fixture dataset file must still hash to the SHA-256 the report recorded. A second investigator
 * runs the trace (or copies the cache file and dataset) and verifies the first one's report.
 */
export function verifyEvidence(report: Pick<TraceReport, 'evidence'>, cache: ResponseCache | undefined, options: VerifyOptions = {}): EvidenceCheck[] {
  const fixtures = report.evidence.filter((e) => e.source === 'fixture').length;
  return report.evidence.map((e) => {
    const base = { source: e.source, request: e.request, expected: e.sha256 };
    if (e.source === 'fixture') {
      const name = datasetName(e.request);
      const given = options.datasets ?? [];
      const file =
        given.find((f) => basename(f) === name) ??
        (fixtures === 1 && given.length === 1 ? given[0] : undefined) ??
        (given.length === 0 ? (options.searchDirs ?? []).map((d) => join(d, name)).find((f) => existsSync(f)) : undefined);
      if (!file) return { ...base, status: 'missing' as const, hint: `dataset ${name} not found: pass it with --dataset FILE` };
      let actual: string;
      try {
        actual = fileSha256(file);
      } catch (error) {
        return { ...base, status: 'missing' as const, file, hint: `cannot read ${file}: ${(error as Error).message}` };
      }
      return { ...base, status: actual === e.sha256 ? ('match' as const) : ('mismatch' as const), actual, file };
    }
    const hit = cache?.get(cacheKey(e.source, e.request), { anyAge: true });
    if (!hit) return { ...base, status: 'missing' as const, hint: 'not in the cache: pass the cache the trace ran with (--cache FILE)' };
    return { ...base, status: hit.sha256 === e.sha256 ? ('match' as const) : ('mismatch' as const), actual: hit.sha256 };
  });
}
