import type { z } from 'zod';
import { ResponseShapeError } from '../../core/errors.js';
import type { AccountTransfer } from '../../core/movement.js';
import type { EnoughRead } from '../per-address.js';
import { parseTron, type TronSource } from './options.js';

/**
 * Every record of one v1 list, oldest first, following `meta.fingerprint` while `meta.links.next` is present.
 * Stops early (complete=false) once what is known is `enough` (per-address.ts enoughRead).
 */
export const fetchList = async <R>(
  src: TronSource,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  schema: z.ZodType<{ data: R[]; meta?: { fingerprint?: string | undefined; links?: { next?: string | undefined } | undefined } | undefined }>,
  map: (records: R[]) => AccountTransfer[],
  enough: EnoughRead | undefined,
  what: string,
  signal: AbortSignal,
): Promise<{ transfers: AccountTransfer[]; complete: boolean }> => {
  const records: R[] = [];
  const seen = new Set<string>();
  let fingerprint: string | undefined;
  for (let page = 1; ; page++) {
    // A list bounded by an old max_timestamp is settled history: cached for good.
    const until = typeof query.max_timestamp === 'number' ? Math.floor(query.max_timestamp / 1000) : undefined;
    const json = await src.http.requestJson({
      path,
      query: { ...query, limit: src.pageSize, fingerprint },
      what: `${what} page ${page}`,
      signal,
      ...(until !== undefined ? { dataUntil: until } : {}),
    });
    const body = parseTron(schema, json, `${what} page ${page}`);
    records.push(...body.data);
    const next = body.meta?.links?.next ? body.meta.fingerprint : undefined;
    if (!next || body.data.length === 0) return { transfers: map(records), complete: true };
    if (seen.has(next)) throw new ResponseShapeError(`TronGrid repeated a page fingerprint for ${what}: paging would not end`, { details: { what, page } });
    seen.add(next);
    fingerprint = next;
    if (enough) {
      const sofar = map(records);
      if (enough(sofar)) return { transfers: sofar, complete: false };
    }
  }
};
