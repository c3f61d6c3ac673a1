import { normalizeAddress } from '../../core/address.js';
import { getChain } from '../../core/chain.js';
import { InvalidInputError } from '../../core/errors.js';
import type { AccountTransfer } from '../../core/movement.js';
import type { TransferQuery, TransferResult } from '../adapter.js';
import { combineAddressLists, enoughRead, linkedAll, mergeStreams } from '../per-address.js';
import { mapTrc20Records, mapTronList } from './map.js';
import type { TronSource } from './options.js';
import { fetchList } from './paging.js';
import { Trc20ListSchema, TronTransactionListSchema } from './schema.js';
import { WTRX, type WrapEventReader } from './wraps.js';

/** Each address's TRC-20 and TRX lists, merged per address (fan-out over the frontier). */
export const readTransfers = async (src: TronSource, q: TransferQuery, wraps?: WrapEventReader): Promise<TransferResult> => {
  q.signal?.throwIfAborted();
  if (getChain(q.chain).id !== 'tron') throw new InvalidInputError(`The TronGrid adapter serves tron, not ${q.chain}`, { details: { chain: q.chain } });
  const addresses = [...new Set(q.addresses.map((a) => normalizeAddress('tron', a)))];
  const own = q.assets?.filter((a) => getChain(a.chain).id === 'tron');
  const wantNative = !own || own.some((a) => a.kind === 'native');
  const contracts =
    own && src.tokenFilter === 'traced'
      ? [...new Set(own.filter((a) => a.kind === 'token' && a.contract).map((a) => normalizeAddress('tron', a.contract!)))].sort()
      : [undefined];
  const common = {
    only_confirmed: true,
    order_by: 'block_timestamp,asc',
    ...(q.fromTime !== undefined ? { min_timestamp: q.fromTime * 1000 } : {}),
    ...(q.toTime !== undefined ? { max_timestamp: q.toTime * 1000 + 999 } : {}),
    ...(q.direction === 'in' ? { only_to: true } : q.direction === 'out' ? { only_from: true } : {}),
  };
  const limit = q.maxPerAddress;
  // WTRX asked for by name: its Deposit/Withdrawal events of the window (per side, not per address), shared out below.
  const asksWtrx = own?.some((a) => a.kind === 'token' && a.contract !== undefined && normalizeAddress('tron', a.contract) === WTRX) ?? false;
  const sides = q.direction === 'both' ? (['in', 'out'] as const) : [q.direction];
  const window = { ...(q.fromTime !== undefined ? { fromTime: q.fromTime } : {}), ...(q.toTime !== undefined ? { toTime: q.toTime } : {}) };
  const wrapLists = wraps && asksWtrx ? await Promise.all(sides.map((side) => wraps(side, window, q.signal))) : [];
  const perAddress = await linkedAll(
    addresses.map((address) => async (signal: AbortSignal) => {
      const keep = (t: AccountTransfer) => (q.direction !== 'in' && t.from === address) || (q.direction !== 'out' && t.to === address);
      const enough = enoughRead(address, q);
      const tasks: Array<(s: AbortSignal) => Promise<{ transfers: AccountTransfer[]; complete: boolean }>> = [];
      for (const contract of contracts) {
        tasks.push((s) =>
          fetchList(
            src,
            `/v1/accounts/${address}/transactions/trc20`,
            { ...common, contract_address: contract },
            Trc20ListSchema,
            (r) => mapTrc20Records(r).filter(keep),
            enough,
            `TRC-20 transfers of ${address}`,
            s,
          ),
        );
      }
      if (wantNative) {
        tasks.push((s) =>
          fetchList(
            src,
            `/v1/accounts/${address}/transactions`,
            { ...common, search_internal: true },
            TronTransactionListSchema,
            (r) => mapTronList(r).transfers.filter(keep),
            enough,
            `TRX transactions of ${address}`,
            s,
          ),
        );
      }
      const results = await linkedAll(tasks, signal);
      const wrapping = wrapLists.flatMap((list) => list.filter(keep));
      return mergeStreams(address, [...results, { transfers: wrapping, complete: true }], limit);
    }),
    q.signal,
  );
  return combineAddressLists(perAddress);
};
