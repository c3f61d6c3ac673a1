import { normalizeAddress } from '../../core/address.js';
import { getChain } from '../../core/chain.js';
import { InvalidInputError } from '../../core/errors.js';
import type { AccountTransfer } from '../../core/movement.js';
import type { TransferQuery, TransferResult } from '../adapter.js';
import { combineAddressLists, linkedAll, mergeStreams } from '../per-address.js';
import { mapTrc20Records, mapTronList } from './map.js';
import type { TronSource } from './options.js';
import { fetchList } from './paging.js';
import { Trc20ListSchema, TronTransactionListSchema } from './schema.js';

/** Each address's TRC-20 and TRX lists, merged per address (fan-out over the frontier). */
export const readTransfers = async (src: TronSource, q: TransferQuery): Promise<TransferResult> => {
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
  const perAddress = await linkedAll(
    addresses.map((address) => async (signal: AbortSignal) => {
      const keep = (t: AccountTransfer) => (q.direction !== 'in' && t.from === address) || (q.direction !== 'out' && t.to === address);
      const tasks: Array<(s: AbortSignal) => Promise<{ transfers: AccountTransfer[]; complete: boolean }>> = [];
      for (const contract of contracts) {
        tasks.push((s) =>
          fetchList(
            src,
            `/v1/accounts/${address}/transactions/trc20`,
            { ...common, contract_address: contract },
            Trc20ListSchema,
            (r) => mapTrc20Records(r).filter(keep),
            limit,
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
            limit,
            `TRX transactions of ${address}`,
            s,
          ),
        );
      }
      const results = await linkedAll(tasks, signal);
      return mergeStreams(address, results, limit);
    }),
    q.signal,
  );
  return combineAddressLists(perAddress);
};
