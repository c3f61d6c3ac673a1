import type { HttpClient } from '../http/index.js';
import { unwrapValue } from './envelope.js';
import { BlockByTimeSchema } from './schema.js';

/** Where an answer came from, for shape errors: the source, the request in words, its URL (redacted). */
export interface Where {
  source: string;
  what: string;
  url: string;
}

export type Query = Record<string, string | number | undefined>;

/** One API request. `until`: the newest block time the answer can hold; answers about settled history are cached for good. */
export type Call = (query: Query, what: string, signal?: AbortSignal, until?: number) => Promise<{ json: unknown; where: Where }>;

export function createCall(http: HttpClient, source: string): Call {
  return async (query, what, signal, until) => {
    const json = await http.requestJson({ query, what, ...(signal ? { signal } : {}), ...(until !== undefined ? { dataUntil: until } : {}) });
    return {
      json,
      where: {
        source,
        what,
        url: http.redact(
          `${http.endpoint}?${new URLSearchParams(
            Object.entries(query)
              .filter(([, v]) => v !== undefined)
              .map(([k, v]): [string, string] => [k, String(v)]),
          ).toString()}`,
        ),
      },
    };
  };
}

/**
 * The first block at/after (or last at/before) a time; undefined when the source cannot tell (then no bound).
 * Each time is asked once; a failed question is asked again next time.
 */
export function createBlockByTime(call: Call) {
  const known = new Map<string, Promise<number | undefined>>();
  return (time: number, closest: 'before' | 'after', signal?: AbortSignal): Promise<number | undefined> => {
    const key = `${time}|${closest}`;
    let hit = known.get(key);
    if (!hit) {
      hit = call(
        { module: 'block', action: 'getblocknobytime', timestamp: time, closest },
        `block ${closest} ${new Date(time * 1000).toISOString()}`,
        signal,
        time,
      ).then(({ json, where }) => {
        const r = unwrapValue(json, BlockByTimeSchema, where);
        return r.ok ? r.value : undefined;
      });
      hit.catch(() => known.delete(key));
      known.set(key, hit);
    }
    return hit;
  };
}
