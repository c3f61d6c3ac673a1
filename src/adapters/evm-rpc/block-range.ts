import { AdapterError } from '../../core/errors.js';
import { checkAborted } from './abort.js';
import { isTooLarge, type RpcError } from './errors.js';
import type { BlockRange } from './blocks.js';
import { append } from '../../core/lists.js';

/**
 * The block span that last worked for a method, shared by all queries of an adapter: after a provider says
 * "too much", later chunks start at what worked instead of failing again, and grow back slowly while they succeed.
 */
export interface SpanState {
  current: number;
  readonly max: number;
  /** Successful chunks since the last refusal or growth. */
  streak: number;
}

/** Chunks that must succeed in a row before the span doubles again: a refusal costs a call, so probe rarely. */
const GROW_AFTER = 8;

export function createSpanState(maxBlockRange: number | undefined): SpanState {
  const max = maxBlockRange ?? Number.POSITIVE_INFINITY;
  return { current: max, max, streak: 0 };
}

export interface RangeScan<T> {
  range: BlockRange;
  addresses: readonly string[];
  span: SpanState;
  /** One request for [from, to] and these addresses. */
  fetch: (from: number, to: number, addresses: readonly string[]) => Promise<T[]>;
  /** After each chunk, in block order: returns addresses no longer worth asking for (e.g. past maxPerAddress). */
  onChunk?: (items: readonly T[]) => Iterable<string>;
  signal?: AbortSignal | undefined;
  /** What is being fetched, for error messages. */
  what: string;
}

/** `[0xA, 0xB]` in a provider's error ("Try with this block range [0x…, 0x…]" — Infura, Alchemy). */
export function suggestedRange(message: string): BlockRange | undefined {
  const match = /\[\s*(0x[0-9a-f]+|\d+)\s*,\s*(0x[0-9a-f]+|\d+)\s*\]/i.exec(message);
  if (!match) return undefined;
  const from = Number(match[1]);
  const to = Number(match[2]);
  return Number.isSafeInteger(from) && Number.isSafeInteger(to) && from <= to ? { from, to } : undefined;
}

/**
 * Walks the range in chunks, in block order, and never loses a block: when the node refuses a chunk as too large
 * it retries with the range it suggests, else half the span; a single block that is still too large is split by
 * addresses instead. Anything that is not "too large" propagates.
 */
export async function scanRange<T>(scan: RangeScan<T>): Promise<T[]> {
  const out: T[] = [];
  let active = [...scan.addresses];
  let start = scan.range.from;
  while (start <= scan.range.to && active.length > 0) {
    checkAborted(scan.signal);
    let span = Math.min(scan.span.current, scan.range.to - start + 1);
    let items: T[];
    for (;;) {
      try {
        items = span === 1 ? await fetchBlock(scan, start, active) : await scan.fetch(start, start + span - 1, active);
        break;
      } catch (error) {
        if (!isTooLarge(error) || span === 1) throw error;
        span = smallerSpan(error, start, span);
        scan.span.current = span;
        scan.span.streak = 0;
      }
    }
    // Not push(...items): a node without a result cap can answer more logs than a call takes arguments.
    append(out, items);
    start += span;
    if (++scan.span.streak >= GROW_AFTER) {
      scan.span.current = Math.min(scan.span.max, scan.span.current * 2);
      scan.span.streak = 0;
    }
    if (scan.onChunk) {
      const drop = new Set(scan.onChunk(items));
      if (drop.size > 0) active = active.filter((a) => !drop.has(a));
    }
  }
  return out;
}

function smallerSpan(error: RpcError, start: number, span: number): number {
  const hint = suggestedRange(error.rpcMessage);
  // Only a hint that starts where we asked and is narrower is trusted; others are halved.
  if (hint && hint.from === start && hint.to < start + span - 1) return hint.to - start + 1;
  return Math.ceil(span / 2);
}

/** One block still too large: ask for half the addresses at a time. */
async function fetchBlock<T>(scan: RangeScan<T>, block: number, addresses: readonly string[]): Promise<T[]> {
  try {
    return await scan.fetch(block, block, addresses);
  } catch (error) {
    if (!isTooLarge(error)) throw error;
    if (addresses.length <= 1) {
      throw new AdapterError(`${scan.what}: the node refuses block ${block} even for one address (${error.rpcMessage})`, {
        details: { block, addresses: [...addresses], rpcMessage: error.rpcMessage },
        cause: error,
      });
    }
    const half = Math.ceil(addresses.length / 2);
    return [...(await fetchBlock(scan, block, addresses.slice(0, half))), ...(await fetchBlock(scan, block, addresses.slice(half)))];
  }
}
