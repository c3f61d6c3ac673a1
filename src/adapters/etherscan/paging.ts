import type { z } from 'zod';
import type { AccountTransfer } from '../../core/movement.js';
import type { EnoughRead } from '../per-address.js';
import { ResultWindowError, unwrapList } from './envelope.js';
import { mapInternalTxs, mapNormalTx, mapTokenTxs } from './map.js';
import type { Call } from './requests.js';
import { InternalTxListSchema, NormalTxListSchema, TokenTxListSchema } from './schema.js';

export type Action = 'txlist' | 'txlistinternal' | 'tokentx';

/** One list of an address: an action, and for tokens the one contract asked for (else every contract). */
export interface Stream {
  action: Action;
  contract?: string;
}

/** A list request's selector: an address (with a block window) or, for internal calls of one tx, its hash. */
export type Target = { address: string; startBlock: number; endBlock?: number; until?: number } | { txhash: string };

export type ListResult = { transfers: AccountTransfer[]; complete: boolean };

const schemaOf = { txlist: NormalTxListSchema, txlistinternal: InternalTxListSchema, tokentx: TokenTxListSchema } as const;

/**
 * Reads whole lists page by page within the source's result window, and counts what the notes must say
 * (window restarts, token rows without a log index).
 */
export function createListReader(o: { chain: string; call: Call; pageSize: number; resultWindow: number }) {
  let synthesizedIndex = false;
  let windowRestarts = 0;
  const maxPage = Math.max(1, Math.floor(o.resultWindow / o.pageSize));

  const mapRows = (action: Action, rows: unknown[], txhash?: string): AccountTransfer[] => {
    switch (action) {
      case 'txlist':
        return (rows as z.infer<typeof NormalTxListSchema>).flatMap((r) => mapNormalTx(o.chain, r) ?? []);
      case 'txlistinternal':
        return mapInternalTxs(o.chain, rows as z.infer<typeof InternalTxListSchema>, txhash);
      case 'tokentx': {
        const m = mapTokenTxs(o.chain, rows as z.infer<typeof TokenTxListSchema>);
        synthesizedIndex ||= m.synthesized;
        return m.transfers;
      }
    }
  };

  /**
   * All rows of one list, paging with sort=asc. Past the result window, restart at the last block seen with a
   * fresh startblock, dropping that block's rows first so it is read whole once: nothing lost, nothing doubled.
   * Stops early (complete=false) once what is known is `enough` (per-address.ts enoughRead).
   */
  const read = async (
    stream: Stream,
    target: Target,
    keep: (t: AccountTransfer) => boolean,
    enough: EnoughRead | undefined,
    signal: AbortSignal,
  ): Promise<ListResult> => {
    const label = 'address' in target ? target.address : target.txhash;
    let rows: Array<{ blockNumber: string }> = [];
    let start = 'address' in target ? target.startBlock : 0;
    let page = 1;
    const mapped = () => mapRows(stream.action, rows, 'txhash' in target ? target.txhash : undefined).filter(keep);
    for (;;) {
      let windowFull = page > maxPage;
      if (!windowFull) {
        const query = {
          module: 'account',
          action: stream.action,
          ...('address' in target ? { address: target.address, startblock: start, endblock: target.endBlock } : { txhash: target.txhash }),
          ...(stream.contract ? { contractaddress: stream.contract } : {}),
          page,
          offset: o.pageSize,
          sort: 'asc',
        };
        const until = 'until' in target ? target.until : undefined;
        const { json, where } = await o.call(
          query,
          `${stream.action}${stream.contract ? ` ${stream.contract}` : ''} of ${label} from block ${start} page ${page}`,
          signal,
          until,
        );
        try {
          const batch = unwrapList(json, schemaOf[stream.action] as z.ZodType<Array<{ blockNumber: string }>>, where);
          rows.push(...batch);
          if (batch.length < o.pageSize) return { transfers: mapped(), complete: true };
          if (enough) {
            const sofar = mapped();
            if (enough(sofar)) return { transfers: sofar, complete: false };
          }
          page++;
          continue;
        } catch (error) {
          if (!(error instanceof ResultWindowError)) throw error;
          windowFull = true;
        }
      }
      const last = rows.length ? Number(rows[rows.length - 1]!.blockNumber) : start;
      // One block holding more rows than the window cannot be paged past: say the list is incomplete.
      if (last <= start || !('address' in target)) return { transfers: mapped(), complete: false };
      windowRestarts++;
      rows = rows.filter((r) => Number(r.blockNumber) < last);
      start = last;
      page = 1;
    }
  };

  return { read, windowRestarts: () => windowRestarts, synthesizedIndex: () => synthesizedIndex };
}

export type ListReader = ReturnType<typeof createListReader>;
