import { normalizeAddress } from '../../core/address.js';
import type { AccountTransfer } from '../../core/movement.js';
import type { TransferQuery, TransferResult } from '../adapter.js';
import { checkAborted } from './abort.js';
import type { SpanState } from './block-range.js';
import type { BlockClock } from './blocks.js';
import { fetchTransferLogs, fetchWrapLogs, mapTransferLogs, mapWrapLogs } from './logs.js';
import type { createNativeReader } from './native-value.js';
import type { EvmRpcSettings } from './options.js';
import { createCut } from './per-address-cut.js';
import type { NodeProbes } from './probes.js';
import type { RpcLog } from './schema.js';
import type { TokenRegistry } from './tokens.js';
import type { Transport } from './transport.js';
import { append } from '../../core/lists.js';

export interface TransferSources {
  transport: Transport;
  clock: BlockClock;
  tokens: TokenRegistry;
  probes: NodeProbes;
  native: ReturnType<typeof createNativeReader>;
  logSpan: SpanState;
  /** Checks a query's chain and returns its id. */
  chainOf: (chain: string) => string;
  /** Wrapped native contracts (lower-case): their Deposit/Withdrawal move the token too. */
  wrapped: ReadonlySet<string>;
}

/**
 * One frontier's movements: ERC-20 Transfer logs for the whole frontier per eth_getLogs (in batches of
 * `batchSize` addresses, per direction), then native value, counted per address against `maxPerAddress` (and the
 * addresses each paid against `maxPayees`).
 */
export function createTransferReader(s: TransferSources, options: Pick<EvmRpcSettings, 'batchSize' | 'tokenScope'>) {
  return async (q: TransferQuery): Promise<TransferResult> => {
    checkAborted(q.signal);
    const chain = s.chainOf(q.chain);
    const addresses = [...new Set(q.addresses.map((a) => normalizeAddress(chain, a)))].sort();
    if (addresses.length === 0) return { transfers: [], truncated: [] };
    await s.probes.checkChain(q.signal);
    const range = await s.clock.range(q.fromTime, q.toTime, q.signal);
    if (!range) return { transfers: [], truncated: [] };
    s.tokens.prime(q.assets);
    const traced = q.assets
      ? [
          ...new Set([
            ...q.assets.flatMap((a) => (a.kind === 'token' && a.contract ? [a.contract.toLowerCase()] : [])),
            ...(q.tokens ?? []).map((c) => c.toLowerCase()),
          ]),
        ].sort()
      : undefined;
    const wantTokens = traced === undefined || traced.length > 0;
    const contracts = options.tokenScope === 'all' ? undefined : traced;
    const wantNative = !q.assets || q.assets.some((a) => a.kind === 'native');
    const directions: ('in' | 'out')[] = q.direction === 'both' ? ['out', 'in'] : [q.direction];
    // Counted per side while scanning, so an address past maxPerAddress, or a hub past maxPayees, stops costing requests.
    const cut = createCut(new Set(addresses), q);

    const logs: RpcLog[] = [];
    if (wantTokens) {
      const jobs: Promise<RpcLog[]>[] = [];
      for (const direction of directions) {
        for (let i = 0; i < addresses.length; i += options.batchSize) {
          jobs.push(
            fetchTransferLogs(s.transport, {
              addresses: addresses.slice(i, i + options.batchSize),
              direction,
              range,
              contracts,
              span: s.logSpan,
              onChunk: cut.tally,
              signal: q.signal,
            }),
          );
        }
      }
      const wraps = (traced ?? [...s.wrapped]).filter((c) => s.wrapped.has(c));
      for (let i = 0; wraps.length > 0 && i < addresses.length; i += options.batchSize) {
        const batch = addresses.slice(i, i + options.batchSize);
        jobs.push(fetchWrapLogs(s.transport, { addresses: batch, range, contracts: wraps, span: s.logSpan, onChunk: cut.tally, signal: q.signal }));
      }
      // Not push(...list): one job's logs can be more than a call takes as arguments.
      for (const list of await Promise.all(jobs)) append(logs, list);
    }
    const deps = { tokens: s.tokens, clock: s.clock };
    const found = [...(await mapTransferLogs(chain, logs, deps, q.signal)), ...(await mapWrapLogs(chain, logs, s.wrapped, deps, q.signal))];
    if (wantNative) {
      const sideOf = (direction: 'in' | 'out', items: readonly AccountTransfer[]) =>
        cut.tally(items.map((t) => (direction === 'out' ? ([t.from, t.to] as const) : ([t.to] as const))));
      append(found, await s.native({ addresses, directions, range, signal: q.signal, onChunk: sideOf }));
    }
    return cut.finish(found, directions);
  };
}
