import { normalizeAddress, tronFromEvmHex } from '../../core/address.js';
import { ResponseShapeError } from '../../core/errors.js';
import type { AccountTransfer } from '../../core/movement.js';
import { wrappedNativeTokens } from '../../core/wrapped-native.js';
import { stableIndex } from '../etherscan/map.js';
import type { TronSource } from './options.js';
import { fetchList } from './paging.js';
import { TronEventListSchema, type TronEventRecord } from './schema.js';

/** WTRX (the known wrapped TRX contract), base58. */
export const WTRX = [...wrappedNativeTokens('tron')][0]!;

/** A holder's side of wrapping: it receives WTRX on Deposit(dst, wad) and pays it on Withdrawal(src, wad). */
const EVENTS = { in: { name: 'Deposit', holder: 'dst' }, out: { name: 'Withdrawal', holder: 'src' } } as const;

/**
 * WTRX's Deposit and Withdrawal events within a time window through `/v1/contracts/:address/events` (event_name,
 * min/max_block_timestamp in ms, oldest first, 200 a page, fingerprint paging). TronGrid filters events by contract,
 * name and time only, never by an argument: a list holds every holder's events of the window and is read once per
 * side and window for the adapter's life, then filtered to each frontier's addresses in code. Movements are the ones
 * getTransactionMovements gives for the same logs (position `event_index`, the same derived log index, block 0).
 */
export function createWrapEventReader(src: TronSource) {
  const lists = new Map<string, Promise<AccountTransfer[]>>();
  return (side: 'in' | 'out', window: { fromTime?: number; toTime?: number }, signal?: AbortSignal): Promise<AccountTransfer[]> => {
    const key = `${side}|${window.fromTime ?? ''}|${window.toTime ?? ''}`;
    let list = lists.get(key);
    if (!list) {
      const event = EVENTS[side];
      const query = {
        event_name: event.name,
        only_confirmed: true,
        order_by: 'block_timestamp,asc',
        ...(window.fromTime !== undefined ? { min_block_timestamp: window.fromTime * 1000 } : {}),
        ...(window.toTime !== undefined ? { max_block_timestamp: window.toTime * 1000 + 999 } : {}),
      };
      const map = (records: TronEventRecord[]) => records.flatMap((r) => (r.event_name === event.name ? [wrapOf(r, side)] : []));
      list = fetchList(
        src,
        `/v1/contracts/${WTRX}/events`,
        query,
        TronEventListSchema,
        map,
        undefined,
        `WTRX ${event.name} events`,
        signal ?? new AbortController().signal,
      ).then((r) => r.transfers);
      list.catch(() => lists.delete(key));
      lists.set(key, list);
    }
    return list;
  };
}

export type WrapEventReader = ReturnType<typeof createWrapEventReader>;

/** One Deposit/Withdrawal event as a movement of WTRX: the wrapper pays dst, or src pays the wrapper. */
function wrapOf(r: TronEventRecord, side: 'in' | 'out'): AccountTransfer {
  const what = `WTRX ${r.event_name} event of ${r.transaction_id}`;
  const who = r.result[EVENTS[side].holder] ?? r.result['0'];
  const wad = r.result.wad ?? r.result['1'];
  if (who === undefined || wad === undefined || !/^\d+$/.test(wad)) {
    throw new ResponseShapeError(`TronGrid answered a ${what} without its holder and amount`, { details: { source: 'TronGrid', tx: r.transaction_id } });
  }
  const holder = /^0x[0-9a-fA-F]{40}$/.test(who) ? tronFromEvmHex(who) : normalizeAddress('tron', who);
  const [from, to] = side === 'in' ? [WTRX, holder] : [holder, WTRX];
  const tx = r.transaction_id.toLowerCase().replace(/^0x/, '');
  const amount = BigInt(wad);
  return {
    chain: 'tron',
    type: 'token',
    from,
    to,
    asset: { chain: 'tron', kind: 'token', contract: WTRX, symbol: 'WTRX', decimals: 6 },
    amount,
    tx,
    logIndex: stableIndex([tx, 'wrap', WTRX, from, to, amount.toString()], r.event_index),
    eventIndex: r.event_index,
    block: 0,
    time: Math.floor(r.block_timestamp / 1000),
  };
}
