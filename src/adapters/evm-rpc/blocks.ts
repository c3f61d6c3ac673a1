import { ResponseShapeError } from '../../core/errors.js';
import { checkAborted } from './abort.js';
import { RpcError } from './errors.js';
import { BlockHeaderSchema, QuantitySchema } from './schema.js';
import type { Transport } from './transport.js';

export interface BlockRange {
  from: number;
  to: number;
}

/** Probes per search round: one batched request narrows the range 9-fold instead of 2-fold. */
const PROBES = 8;

/**
 * Block timestamps, fetched in batches and cached (a block's timestamp never changes), and the mapping of a
 * unix-seconds window to the block range that holds it.
 */
export function createBlockClock(transport: Transport, endpoint: string) {
  const timestamps = new Map<number, number>();
  const firstAtOrAfter = new Map<number, number>();
  const inflight = new Map<number, Promise<void>>();
  let cacheHits = 0;

  async function head(signal?: AbortSignal): Promise<number> {
    return hexToNumber(await transport.call({ method: 'eth_blockNumber', params: [] }, QuantitySchema, signal));
  }

  /** Timestamps of these blocks (unix seconds), from cache or one batch of header requests. */
  async function times(blocks: Iterable<number>, signal?: AbortSignal): Promise<Map<number, number>> {
    const wanted = [...new Set(blocks)];
    const missing = wanted.filter((n) => !timestamps.has(n));
    cacheHits += wanted.length - missing.length;
    // Concurrent queries often need the same headers: share the request already in flight.
    const waiting = [...new Set(missing.map((n) => inflight.get(n)).filter((p): p is Promise<void> => p !== undefined))];
    const fresh = missing.filter((n) => !inflight.has(n));
    if (fresh.length > 0) {
      checkAborted(signal);
      const request = fetchHeaders(fresh, signal).finally(() => {
        for (const n of fresh) inflight.delete(n);
      });
      for (const n of fresh) inflight.set(n, request);
      waiting.push(request);
    }
    await Promise.all(waiting);
    return new Map(wanted.map((n) => [n, timestamps.get(n)!]));
  }

  async function fetchHeaders(numbers: number[], signal?: AbortSignal): Promise<void> {
    const headers = await transport.batch(
      numbers.map((n) => ({ method: 'eth_getBlockByNumber', params: [toHex(n), false] })),
      BlockHeaderSchema.nullable(),
      signal,
    );
    headers.forEach((header, i) => {
      const n = numbers[i]!;
      if (header instanceof RpcError) throw header;
      if (header === null) {
        throw new ResponseShapeError(`eth_getBlockByNumber at ${endpoint}: block ${n} is unknown to the node`, {
          details: { endpoint, method: 'eth_getBlockByNumber', block: n },
        });
      }
      timestamps.set(n, hexToNumber(header.timestamp));
    });
  }

  /** Remembers timestamps learned elsewhere (full blocks, logs carrying blockTimestamp). */
  function remember(block: number, timestamp: number): void {
    timestamps.set(block, timestamp);
  }

  /** Blocks holding [fromTime, toTime] (inclusive), or null when the window holds no block. */
  async function range(fromTime: number | undefined, toTime: number | undefined, signal?: AbortSignal): Promise<BlockRange | null> {
    const top = await head(signal);
    let from = 0;
    if (fromTime !== undefined) {
      const cached = firstAtOrAfter.get(fromTime);
      if (cached !== undefined) {
        from = cached;
        cacheHits++;
      } else {
        from = await search(times, 0, top, (ts) => ts >= fromTime, signal);
        if (from > top) return null;
        firstAtOrAfter.set(fromTime, from);
      }
    }
    let to = top;
    if (toTime !== undefined) to = (await search(times, from, top, (ts) => ts > toTime, signal)) - 1;
    return to < from ? null : { from, to };
  }

  return { head, times, remember, range, cacheHits: () => cacheHits };
}

export type BlockClock = ReturnType<typeof createBlockClock>;

export function hexToNumber(hex: string): number {
  const value = Number.parseInt(hex, 16);
  if (!Number.isSafeInteger(value)) throw new RangeError(`quantity ${hex} is out of range`);
  return value;
}

export function toHex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** The lowest block in [lo, hi] whose timestamp satisfies `pred` (monotone: false…false true…true), or hi + 1. */
async function search(
  times: (blocks: Iterable<number>, signal?: AbortSignal) => Promise<Map<number, number>>,
  lo: number,
  hi: number,
  pred: (ts: number) => boolean,
  signal?: AbortSignal,
): Promise<number> {
  let best = hi + 1;
  while (lo <= hi) {
    // Evenly spaced probes ending at hi, all fetched in one batch.
    const span = hi - lo + 1;
    const count = Math.min(span, PROBES + 1);
    const probes = Array.from({ length: count }, (_, i) => hi - Math.floor(((count - 1 - i) * span) / count));
    const known = await times(probes, signal);
    const k = probes.findIndex((n) => pred(known.get(n)!));
    if (k === -1) return best;
    best = probes[k]!;
    lo = k === 0 ? lo : probes[k - 1]! + 1;
    hi = best - 1;
  }
  return best;
}
