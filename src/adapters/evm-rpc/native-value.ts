import type { ChainInfo } from '../../core/chain.js';
import type { AccountTransfer } from '../../core/movement.js';
import type { SpanState } from './block-range.js';
import type { BlockRange } from './blocks.js';
import { createBlockScanner, nativeByTraces, type NativeContext } from './native.js';
import type { NodeProbes } from './probes.js';

export interface NativeRequest {
  addresses: string[];
  directions: ('in' | 'out')[];
  range: BlockRange;
  signal?: AbortSignal | undefined;
  onChunk: (direction: 'in' | 'out', items: readonly AccountTransfer[]) => Iterable<string>;
}

/**
 * Native value, by the best way the node allows: trace_filter (top-level and internal transfers) when it has it,
 * else a scan of at most `blockScanLimit` blocks of the window (transactions' own value only). What the scan could
 * not see is said in the notes.
 */
export function createNativeReader(o: {
  native: NativeContext;
  info: ChainInfo;
  probes: NodeProbes;
  batchSize: number;
  blockScanLimit: number;
  span: SpanState;
  notes: Set<string>;
}) {
  const scanner = createBlockScanner(o.native);
  const symbol = o.info.native.symbol;
  return async (q: NativeRequest): Promise<AccountTransfer[]> => {
    if (await o.probes.traceSupport(q.signal)) {
      const lists = await Promise.all(
        q.directions.map((direction) =>
          nativeByTraces(o.native, {
            addresses: q.addresses,
            direction,
            range: q.range,
            batchSize: o.batchSize,
            span: o.span,
            onChunk: q.onChunk,
            signal: q.signal,
          }),
        ),
      );
      return lists.flat();
    }
    o.notes.add(
      `Native ${symbol} on ${o.info.id} was read from transactions' own value by scanning blocks (the node offers no trace_filter): internal transfers made by contracts were not visible.`,
    );
    const last = Math.min(q.range.to, q.range.from + o.blockScanLimit - 1);
    if (last < q.range.to) {
      o.notes.add(
        `Native ${symbol} on ${o.info.id} was scanned in blocks ${q.range.from}–${last} only (blockScanLimit ${o.blockScanLimit}); native movements in later blocks of the window were not visible.`,
      );
    }
    const direction = q.directions.length === 2 ? 'both' : q.directions[0]!;
    return scanner.transfers(q.addresses, direction, { from: q.range.from, to: last }, q.signal);
  };
}
