import { DEPOSIT_TOPIC, decodeWrapLog, WITHDRAWAL_TOPIC } from '../../core/wrapped-native.js';
import type { AccountTransfer } from '../../core/movement.js';
import type { AssetRef } from '../../core/schema.js';
import type { EnoughRead } from '../per-address.js';
import { unwrapList } from './envelope.js';
import type { EtherscanSource } from './options.js';
import type { ListResult } from './paging.js';
import type { Call } from './requests.js';
import { EventLogListSchema } from './schema.js';

/** The documented cap of one getLogs answer (Etherscan: offset at most 1,000; Blockscout: at most 1,000 logs). */
export const LOGS_PER_ANSWER = 1_000;

/** One holder's Deposit (received) or Withdrawal (paid) logs at one wrapper, within blocks. */
export interface WrapTarget {
  wrapper: string;
  holder: string;
  side: 'in' | 'out';
  startBlock: number;
  endBlock?: number;
  until?: number;
}

/**
 * A wrapped native contract's Deposit/Withdrawal logs of one holder through the logs module (`module=logs&action=
 * getLogs`, address = the wrapper, topic0 = the event and topic1 = the holder, `topic0_1_opr=and`), as movements of
 * the wrapper's token. An answer holds at most 1,000 logs, oldest first: a full one is followed by a request from
 * its last block on, that block's logs dropped first so it is read whole once. A single block holding more than
 * 1,000 of them cannot be read past: the list says it is incomplete.
 */
export function createWrapLogReader(
  s: EtherscanSource,
  call: Call,
  tokenOf: (contract: string, signal: AbortSignal) => Promise<AssetRef>,
  wrapped: ReadonlySet<string>,
) {
  const chain = s.chain.id;
  return async (t: WrapTarget, keep: (m: AccountTransfer) => boolean, enough: EnoughRead | undefined, signal: AbortSignal): Promise<ListResult> => {
    const topic0 = t.side === 'in' ? DEPOSIT_TOPIC : WITHDRAWAL_TOPIC;
    const topic1 = `0x${t.holder.slice(2).padStart(64, '0')}`;
    let logs: (typeof EventLogListSchema)['_output'] = [];
    let from = t.startBlock;
    const mapped = async () => {
      const asset = await tokenOf(t.wrapper, signal);
      return logs
        .flatMap((l): AccountTransfer[] => {
          const topics = l.topics.filter((x): x is string => x !== null).map((x) => x.toLowerCase());
          const decoded = decodeWrapLog({ address: l.address, topics, data: l.data }, wrapped);
          if (!decoded) return [];
          const place = { chain, tx: l.transactionHash.toLowerCase(), block: l.blockNumber, time: l.timeStamp, logIndex: l.logIndex };
          return [{ ...place, type: 'token', ...decoded, asset, ...(l.transactionIndex !== undefined ? { txIndex: l.transactionIndex } : {}) }];
        })
        .filter(keep);
    };
    for (;;) {
      const query = {
        module: 'logs',
        action: 'getLogs',
        address: t.wrapper,
        fromBlock: from,
        toBlock: t.endBlock ?? 'latest',
        topic0,
        topic0_1_opr: 'and',
        topic1,
        ...(s.flavor === 'etherscan' ? { page: 1, offset: LOGS_PER_ANSWER } : {}),
      };
      const what = `${t.side === 'in' ? 'Deposit' : 'Withdrawal'} logs of ${t.holder} at ${t.wrapper} from block ${from}`;
      const { json, where } = await call(query, what, signal, t.until);
      const batch = unwrapList(json, EventLogListSchema, where);
      logs.push(...batch);
      if (batch.length < LOGS_PER_ANSWER) return { transfers: await mapped(), complete: true };
      if (enough) {
        const sofar = await mapped();
        if (enough(sofar)) return { transfers: sofar, complete: false };
      }
      const last = Math.max(...batch.map((l) => l.blockNumber));
      if (last <= from) return { transfers: await mapped(), complete: false };
      logs = logs.filter((l) => l.blockNumber < last);
      from = last;
    }
  };
}

export type WrapLogReader = ReturnType<typeof createWrapLogReader>;
