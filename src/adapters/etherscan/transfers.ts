import { normalizeAddress } from '../../core/address.js';
import { getChain } from '../../core/chain.js';
import { InvalidInputError } from '../../core/errors.js';
import type { AccountTransfer } from '../../core/movement.js';
import type { TransferQuery, TransferResult } from '../adapter.js';
import { combineAddressLists, enoughRead, linkedAll, mergeStreams } from '../per-address.js';
import type { EtherscanSource } from './options.js';
import type { ListReader, Stream, Target } from './paging.js';
import type { createBlockByTime } from './requests.js';
import type { WrapLogReader } from './wraps.js';

/** Native value only when traced (or nothing is said); tokens per `tokenFilter`. */
export function streamsFor(q: TransferQuery, chain: string, tokenFilter: 'all' | 'traced'): Stream[] {
  if (!q.assets) return [{ action: 'txlist' }, { action: 'txlistinternal' }, { action: 'tokentx' }];
  const own = q.assets.filter((a) => getChain(a.chain).id === chain);
  const streams: Stream[] = [];
  if (own.some((a) => a.kind === 'native')) streams.push({ action: 'txlist' }, { action: 'txlistinternal' });
  if (tokenFilter === 'all') return [...streams, { action: 'tokentx' }];
  const contracts = [
    ...new Set([...own.filter((a) => a.kind === 'token' && a.contract).map((a) => a.contract!), ...(q.tokens ?? [])].map((c) => normalizeAddress(chain, c))),
  ].sort();
  for (const contract of contracts) streams.push({ action: 'tokentx', contract });
  return streams;
}

/**
 * The wrapped native contracts among the asked assets and tokens: their logs cost requests per address, so they are
 * read only for a wrapper asked for by name (a query without an asset list reads none).
 */
export function wrappersFor(q: TransferQuery, chain: string, wrapped: ReadonlySet<string>): string[] {
  if (!q.assets) return [];
  const asked = new Set(
    [...q.assets.filter((a) => a.kind === 'token' && a.contract && getChain(a.chain).id === chain).map((a) => a.contract!), ...(q.tokens ?? [])].map((c) =>
      normalizeAddress(chain, c),
    ),
  );
  return [...wrapped].filter((w) => asked.has(w)).sort();
}

/**
 * Explorers answer per address, so one query fans out over addresses x lists (txlist, txlistinternal, tokentx),
 * bounded by the query's time window turned into blocks; each address's lists are merged and cut at maxPerAddress
 * (a list stops early past it, or once the address paid more than maxPayees different addresses).
 */
export function createTransferReader(
  s: EtherscanSource,
  lists: ListReader,
  blockAt: ReturnType<typeof createBlockByTime>,
  wraps: { read: WrapLogReader; wrapped: ReadonlySet<string> },
) {
  const chain = s.chain.id;
  return async (q: TransferQuery): Promise<TransferResult> => {
    q.signal?.throwIfAborted();
    if (getChain(q.chain).id !== chain)
      throw new InvalidInputError(`This ${s.source} adapter serves ${chain}, not ${q.chain}`, { details: { chain: q.chain } });
    const addresses = [...new Set(q.addresses.map((a) => normalizeAddress(chain, a)))];
    const streams = streamsFor(q, chain, s.tokenFilter);
    const wrappers = wrappersFor(q, chain, wraps.wrapped);
    if (!addresses.length || !streams.length) return { transfers: [], truncated: [] };
    const [startBlock, endBlock] = await Promise.all([
      q.fromTime !== undefined ? blockAt(q.fromTime, 'after', q.signal) : Promise.resolve(0),
      q.toTime !== undefined ? blockAt(q.toTime, 'before', q.signal) : Promise.resolve(undefined),
    ]);
    const inWindow = (t: AccountTransfer) => (q.fromTime === undefined || t.time >= q.fromTime) && (q.toTime === undefined || t.time <= q.toTime);
    const limit = q.maxPerAddress;
    const perAddress = await linkedAll(
      addresses.map((address) => async (signal: AbortSignal) => {
        const keep = (t: AccountTransfer) => inWindow(t) && ((q.direction !== 'in' && t.from === address) || (q.direction !== 'out' && t.to === address));
        const enough = enoughRead(address, q);
        const target: Target = {
          address,
          startBlock: startBlock ?? 0,
          ...(endBlock !== undefined ? { endBlock } : {}),
          ...(q.toTime !== undefined ? { until: q.toTime } : {}),
        };
        // A holder receives the wrapped token on Deposit and pays it on Withdrawal: one logs request per side asked.
        const sides = q.direction === 'both' ? (['in', 'out'] as const) : [q.direction];
        const wrapReads = wrappers.flatMap((wrapper) =>
          sides.map((side) => (sig: AbortSignal) => wraps.read({ ...target, wrapper, holder: address, side }, keep, enough, sig)),
        );
        const results = await linkedAll(
          [...streams.map((stream) => (sig: AbortSignal) => lists.read(stream, target, keep, enough, sig)), ...wrapReads],
          signal,
        );
        return mergeStreams(address, results, limit);
      }),
      q.signal,
    );
    return combineAddressLists(perAddress);
  };
}
