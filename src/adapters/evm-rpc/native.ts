import { transferId, type AccountTransfer } from '../../core/movement.js';
import { checkAborted } from './abort.js';
import { scanRange, type SpanState } from './block-range.js';
import { hexToNumber, toHex, type BlockClock, type BlockRange } from './blocks.js';
import { RpcError } from './errors.js';
import { dropReverted, traceToTransfer, transactionToTransfer } from './map.js';
import { BlockWithTransactionsSchema, ReceiptSchema, TracesSchema, type RpcReceipt, type RpcTrace, type RpcTransaction } from './schema.js';
import type { Transport } from './transport.js';

export interface NativeContext {
  chain: string;
  transport: Transport;
  clock: BlockClock;
  receipts: ReceiptCache;
}

/** Receipts by tx hash (fee and success of native movements); immutable once mined, so cached. */
export function createReceiptCache(transport: Transport) {
  const cache = new Map<string, RpcReceipt>();
  async function get(hashes: Iterable<string>, signal?: AbortSignal): Promise<Map<string, RpcReceipt>> {
    const wanted = [...new Set(hashes)];
    const missing = wanted.filter((h) => !cache.has(h));
    if (missing.length > 0) {
      const answers = await transport.batch(
        missing.map((h) => ({ method: 'eth_getTransactionReceipt', params: [h] })),
        ReceiptSchema.nullable(),
        signal,
      );
      answers.forEach((r, i) => {
        if (r instanceof RpcError) throw r;
        if (r) cache.set(missing[i]!, r);
      });
    }
    return new Map(wanted.flatMap((h) => (cache.has(h) ? [[h, cache.get(h)!] as const] : [])));
  }
  return { get, put: (r: RpcReceipt) => cache.set(r.transactionHash.toLowerCase(), r) };
}
export type ReceiptCache = ReturnType<typeof createReceiptCache>;

export interface NativeQuery {
  addresses: readonly string[];
  direction: 'in' | 'out';
  range: BlockRange;
  batchSize: number;
  span: SpanState;
  onChunk?: (direction: 'in' | 'out', items: readonly AccountTransfer[]) => Iterable<string>;
  signal?: AbortSignal | undefined;
}

/** Native value (top-level and internal) from trace_filter, one address OR-list per call. */
export async function nativeByTraces(ctx: NativeContext, q: NativeQuery): Promise<AccountTransfer[]> {
  const traces: RpcTrace[] = [];
  for (let i = 0; i < q.addresses.length; i += q.batchSize) {
    const chunk = q.addresses.slice(i, i + q.batchSize);
    traces.push(
      ...(await scanRange<RpcTrace>({
        range: q.range,
        addresses: chunk,
        span: q.span,
        what: 'trace_filter',
        signal: q.signal,
        fetch: (from, to, addresses) =>
          ctx.transport.call(
            {
              method: 'trace_filter',
              params: [{ fromBlock: toHex(from), toBlock: toHex(to), [q.direction === 'out' ? 'fromAddress' : 'toAddress']: addresses }],
            },
            TracesSchema,
            q.signal,
          ),
        ...(q.onChunk ? { onChunk: (items: readonly RpcTrace[]) => q.onChunk!(q.direction, mapTracesSync(ctx.chain, items)) } : {}),
      })),
    );
  }
  const kept = await dropUndone(ctx, dropReverted(traces), q.signal);
  const tops = kept.filter((t) => t.traceAddress.length === 0 && t.transactionHash !== null).map((t) => t.transactionHash!.toLowerCase());
  const [times, receipts] = await Promise.all([
    ctx.clock.times(
      kept.map((t) => t.blockNumber),
      q.signal,
    ),
    ctx.receipts.get(tops, q.signal),
  ]);
  return kept.flatMap((t) => {
    const m = traceToTransfer(ctx.chain, t, times.get(t.blockNumber)!, t.transactionHash ? receipts.get(t.transactionHash.toLowerCase()) : undefined);
    return m ? [m] : [];
  });
}

/**
 * trace_filter returns only the matching frames, so a nested transfer under a frame that failed looks like any
 * other. The transaction's whole trace (one batched trace_transaction per transaction with nested matches) shows
 * whether an ancestor failed, in which case the transfer was undone.
 */
async function dropUndone(ctx: NativeContext, traces: RpcTrace[], signal?: AbortSignal): Promise<RpcTrace[]> {
  const nested = [...new Set(traces.filter((t) => t.traceAddress.length > 0 && t.transactionHash).map((t) => t.transactionHash!.toLowerCase()))].sort();
  if (nested.length === 0) return traces;
  const full = await ctx.transport.batch(
    nested.map((h) => ({ method: 'trace_transaction', params: [h] })),
    TracesSchema,
    signal,
  );
  const alive = new Set<string>();
  full.forEach((list) => {
    if (list instanceof RpcError) throw list;
    for (const t of dropReverted(list)) alive.add(frameKey(t));
  });
  return traces.filter((t) => t.traceAddress.length === 0 || !t.transactionHash || alive.has(frameKey(t)));
}

function frameKey(t: RpcTrace): string {
  return `${t.transactionHash?.toLowerCase()}|${t.traceAddress.join('.')}`;
}

/** Cheap mapping (no time, no receipt) used only to count movements per address while scanning. */
function mapTracesSync(chain: string, traces: readonly RpcTrace[]): AccountTransfer[] {
  return dropReverted(traces).flatMap((t) => {
    const m = traceToTransfer(chain, t, 0, undefined);
    return m ? [m] : [];
  });
}

/**
 * Without traces, native value is only visible as transactions' own value: scan the blocks with batched
 * eth_getBlockByNumber(n, true). Value-carrying transactions of scanned blocks are indexed, so the next round of
 * a trace scans nothing again.
 */
export function createBlockScanner(ctx: NativeContext) {
  const scanned = new Map<number, RpcTransaction[]>();

  async function load(range: BlockRange, signal?: AbortSignal): Promise<void> {
    const missing: number[] = [];
    for (let n = range.from; n <= range.to; n++) if (!scanned.has(n)) missing.push(n);
    if (missing.length === 0) return;
    checkAborted(signal);
    const blocks = await ctx.transport.batch(
      missing.map((n) => ({ method: 'eth_getBlockByNumber', params: [toHex(n), true] })),
      BlockWithTransactionsSchema.nullable(),
      signal,
    );
    blocks.forEach((block, i) => {
      if (block instanceof RpcError) throw block;
      const n = missing[i]!;
      if (block === null) return; // past the head: nothing to index, and asked again next time
      ctx.clock.remember(n, hexToNumber(block.timestamp));
      scanned.set(
        n,
        block.transactions.filter((tx) => BigInt(tx.value) > 0n),
      );
    });
  }

  async function transfers(
    addresses: readonly string[],
    direction: 'in' | 'out' | 'both',
    range: BlockRange,
    signal?: AbortSignal,
  ): Promise<AccountTransfer[]> {
    await load(range, signal);
    const wanted = new Set(addresses);
    const matched: { tx: RpcTransaction; block: number }[] = [];
    for (let n = range.from; n <= range.to; n++) {
      for (const tx of scanned.get(n) ?? []) {
        const to = tx.to?.toLowerCase();
        if ((direction !== 'in' && wanted.has(tx.from.toLowerCase())) || (direction !== 'out' && ((to && wanted.has(to)) || tx.to === null))) {
          matched.push({ tx, block: n });
        }
      }
    }
    // Receipts give the fee, whether it reverted, and where a value-carrying creation went.
    const receipts = await ctx.receipts.get(
      matched.map((m) => m.tx.hash.toLowerCase()),
      signal,
    );
    const times = await ctx.clock.times(
      matched.map((m) => m.block),
      signal,
    );
    const out = new Map<string, AccountTransfer>();
    for (const { tx, block } of matched) {
      const t = transactionToTransfer(ctx.chain, tx, block, times.get(block)!, receipts.get(tx.hash.toLowerCase()));
      if (!t) continue;
      if ((direction !== 'in' && wanted.has(t.from)) || (direction !== 'out' && wanted.has(t.to))) out.set(transferId(t), t);
    }
    return [...out.values()];
  }

  return { transfers };
}
export type BlockScanner = ReturnType<typeof createBlockScanner>;
