import { normalizeAddress } from '../../core/address.js';
import { getChain } from '../../core/chain.js';
import { InvalidInputError } from '../../core/errors.js';
import type { AccountTransfer } from '../../core/movement.js';
import type { TransferQuery, TransferResult } from '../adapter.js';
import { combineAddressLists, linkedAll, mergeStreams } from '../per-address.js';
import type { EtherscanSource } from './options.js';
import type { ListReader, Stream, Target } from './paging.js';
import type { createBlockByTime } from './requests.js';

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
 * Explorers answer per address, so one query fans out over addresses x lists (txlist, txlistinternal, tokentx),
 * bounded by the query's time window turned into blocks; each address's lists are merged and cut at maxPerAddress.
 */
export function createTransferReader(s: EtherscanSource, lists: ListReader, blockAt: ReturnType<typeof createBlockByTime>) {
  const chain = s.chain.id;
  return async (q: TransferQuery): Promise<TransferResult> => {
    q.signal?.throwIfAborted();
    if (getChain(q.chain).id !== chain)
      throw new InvalidInputError(`This ${s.source} adapter serves ${chain}, not ${q.chain}`, { details: { chain: q.chain } });
    const addresses = [...new Set(q.addresses.map((a) => normalizeAddress(chain, a)))];
    const streams = streamsFor(q, chain, s.tokenFilter);
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
        const target: Target = {
          address,
          startBlock: startBlock ?? 0,
          ...(endBlock !== undefined ? { endBlock } : {}),
          ...(q.toTime !== undefined ? { until: q.toTime } : {}),
        };
        const results = await linkedAll(
          streams.map((stream) => (sig: AbortSignal) => lists.read(stream, target, keep, limit, sig)),
          signal,
        );
        return mergeStreams(address, results, limit);
      }),
      q.signal,
    );
    return combineAddressLists(perAddress);
  };
}
