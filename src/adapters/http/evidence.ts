import { cacheKey, sha256Hex, type ResponseCache } from '../../cache/store.js';
import type { Evidence } from '../adapter.js';
import type { Clock } from './clock.js';
import type { Redact } from './errors.js';
import type { HttpRequest } from './types.js';

/** A request as the answer cache and the evidence list know it: redacted, with its cache key and mode. */
export interface AnswerId {
  /** Method, URL and body with every secret as ***. */
  request: string;
  mode: 'final' | 'volatile' | 'none';
  /** Undefined when nothing is cached (no cache, or mode 'none'). */
  key: string | undefined;
}

/**
 * The answers a client relied on: looked up in and written to the answer cache (keys from the redacted request
 * only), and listed as evidence (request and SHA-256 of the body), each with when it was last relied on so one
 * trace can ask for its own answers only.
 */
export function createAnswerLog(o: { source: string; cache: ResponseCache | undefined; clock: Clock; reorgMarginSeconds: number; redact: Redact }) {
  const evidence = new Map<string, Evidence & { seq: number }>();
  let seq = 0;
  let hits = 0;
  const relied = (id: AnswerId, body: string, sha256 = sha256Hex(body)) =>
    evidence.set(id.request, { source: o.source, request: id.request, sha256, seq: ++seq });

  return {
    identify(req: HttpRequest, url: string): AnswerId {
      const request = `${req.method ?? 'GET'} ${o.redact(url)}${req.body === undefined ? '' : ` ${o.redact(JSON.stringify(req.body))}`}`;
      const mode = req.cache ?? (req.dataUntil !== undefined && o.clock.now() / 1000 - req.dataUntil > o.reorgMarginSeconds ? 'final' : 'volatile');
      return { request, mode, key: o.cache && mode !== 'none' ? cacheKey(o.source, request) : undefined };
    },
    /** The cached answer, recorded as evidence; undefined when it is not cached. */
    fromCache(id: AnswerId): { json: unknown } | undefined {
      const hit = id.key ? o.cache!.get(id.key) : undefined;
      if (!hit) return undefined;
      hits++;
      relied(id, hit.body, hit.sha256);
      return { json: JSON.parse(hit.body) as unknown };
    },
    /** Stores an answer the moment it arrives and, unless `evidence` is false, lists it as evidence. */
    keep(id: AnswerId, body: string, listed = true): void {
      if (id.key) o.cache!.set(id.key, body, { final: id.mode === 'final' });
      if (listed) relied(id, body);
    },
    cacheHits: () => hits,
    evidence: (since = 0): Evidence[] =>
      [...evidence.values()]
        .filter((e) => e.seq > since)
        .map(({ source, request, sha256 }) => ({ source, request, sha256 }))
        .sort((a, b) => (a.request < b.request ? -1 : a.request > b.request ? 1 : 0)),
    mark: () => seq,
  };
}
