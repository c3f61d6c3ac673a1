import { normalizeAddress, tronFromEvmHex, tronHexToBase58 } from '../../core/address.js';
import { nativeAsset } from '../../core/asset.js';
import { ResponseShapeError } from '../../core/errors.js';
import type { AccountTransfer } from '../../core/movement.js';
import { stableIndex } from '../etherscan/map.js';
import {
  TransferContractValueSchema,
  TriggerSmartContractValueSchema,
  type Trc20Record,
  type TronInternalRecord,
  type TronTransaction,
  type TronTransactionInfo,
} from './schema.js';

/**
 * TronGrid records -> AccountTransfer. TRON txids are 64 hex digits, lower-case, no 0x. TronGrid's v1 TRC-20
 * records carry neither a block number nor a log index: block is 0 for them (their time orders them) and the
 * log index is derived from the movement's content, the same way whichever address's list it came through.
 * Zero-value and dust transfers are movements like any other: the engine decides what they mean.
 */

export const TRANSFER_TOPIC = 'ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

export const normalizeTxid = (id: string): string => id.toLowerCase().replace(/^0x/, '');

const seconds = (ms: number): number => Math.floor(ms / 1000);

function addr(value: string, field: string, tx: string): string {
  try {
    return normalizeAddress('tron', value);
  } catch (error) {
    throw new ResponseShapeError(`TronGrid returned an invalid ${field} address "${value}" in ${tx}`, {
      details: { chain: 'tron', tx, field, value },
      cause: error,
    });
  }
}

function occurrences() {
  const seen = new Map<string, number>();
  return (key: string) => {
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return n;
  };
}

/** Content-derived index of a TRC-20 transfer; identical transfers in one tx are told apart by occurrence. */
function tokenIndex(next: (k: string) => number, tx: string, contract: string, from: string, to: string, value: string): number {
  const parts = [tx, contract, from, to, value];
  return stableIndex(parts, next(parts.join('|')));
}

function internalIndex(next: (k: string) => number, tx: string, from: string, to: string, value: string): number {
  const parts = [tx, 'internal', from, to, value];
  return stableIndex(parts, next(parts.join('|')));
}

/** v1 TRC-20 records; Approval records move nothing and are not movements. */
export function mapTrc20Records(records: Trc20Record[]): AccountTransfer[] {
  const next = occurrences();
  const out: AccountTransfer[] = [];
  for (const r of records) {
    if (r.type !== 'Transfer') continue;
    const tx = normalizeTxid(r.transaction_id);
    const contract = addr(r.token_info.address, 'token contract', tx);
    const from = addr(r.from, 'from', tx);
    const to = addr(r.to, 'to', tx);
    out.push({
      chain: 'tron',
      type: 'token',
      from,
      to,
      asset: { chain: 'tron', kind: 'token', contract, symbol: r.token_info.symbol || 'UNKNOWN', decimals: r.token_info.decimals },
      amount: BigInt(r.value),
      tx,
      logIndex: tokenIndex(next, tx, contract, from, to, r.value),
      block: 0,
      time: seconds(r.block_timestamp),
    });
  }
  return out;
}

/**
 * A transaction's own TRX movement: TransferContract (amount) or TriggerSmartContract (call_value, often 0: it
 * still carries the fee). Failed transactions and other contract types (staking, votes, TRC-10) are not TRX
 * transfers between accounts and give null.
 */
export function mapTronTransaction(t: TronTransaction, at: { block: number; timeMs: number; fee?: number }): AccountTransfer | null {
  const status = t.ret?.[0]?.contractRet;
  if (status !== undefined && status !== 'SUCCESS') return null;
  const contract = t.raw_data.contract[0]!;
  const tx = normalizeTxid(t.txID);
  let from: string;
  let to: string;
  let amount: bigint;
  if (contract.type === 'TransferContract') {
    const v = TransferContractValueSchema.safeParse(contract.parameter.value);
    if (!v.success) throw new ResponseShapeError(`TronGrid returned a TransferContract without owner/to/amount in ${tx}`, { details: { tx } });
    from = addr(v.data.owner_address, 'owner', tx);
    to = addr(v.data.to_address, 'to', tx);
    amount = BigInt(v.data.amount);
  } else if (contract.type === 'TriggerSmartContract') {
    const v = TriggerSmartContractValueSchema.safeParse(contract.parameter.value);
    if (!v.success) throw new ResponseShapeError(`TronGrid returned a TriggerSmartContract without owner/contract in ${tx}`, { details: { tx } });
    from = addr(v.data.owner_address, 'owner', tx);
    to = addr(v.data.contract_address, 'contract', tx);
    amount = BigInt(v.data.call_value ?? 0);
  } else {
    return null;
  }
  const fee = at.fee ?? t.ret?.[0]?.fee;
  return {
    chain: 'tron',
    type: 'native',
    from,
    to,
    asset: nativeAsset('tron'),
    amount,
    tx,
    logIndex: -1,
    block: at.block,
    time: seconds(at.timeMs),
    ...(fee !== undefined ? { fee: BigInt(fee) } : {}),
  };
}

/** v1 list records: transactions and, with search_internal, internal TRX transfers. */
export function mapTronList(records: Array<TronTransaction | TronInternalRecord>): { transfers: AccountTransfer[]; skipped: number } {
  const next = occurrences();
  const transfers: AccountTransfer[] = [];
  let skipped = 0;
  for (const r of records) {
    if ('internal_tx_id' in r) {
      const trx = r.data.call_value?._;
      if (r.data.rejected || trx === undefined || trx === 0) {
        skipped++;
        continue;
      }
      const tx = normalizeTxid(r.tx_id);
      const from = addr(r.from_address, 'from', tx);
      const to = addr(r.to_address, 'to', tx);
      transfers.push({
        chain: 'tron',
        type: 'internal',
        from,
        to,
        asset: nativeAsset('tron'),
        amount: BigInt(trx),
        tx,
        logIndex: internalIndex(next, tx, from, to, String(trx)),
        block: 0,
        time: seconds(r.block_timestamp),
      });
      continue;
    }
    if (r.blockNumber === undefined || r.block_timestamp === undefined) {
      throw new ResponseShapeError(`TronGrid listed transaction ${r.txID} without blockNumber/block_timestamp`, { details: { tx: r.txID } });
    }
    const m = mapTronTransaction(r, { block: r.blockNumber, timeMs: r.block_timestamp });
    if (m) transfers.push(m);
    else skipped++;
  }
  return { transfers, skipped };
}

/**
 * The TRC-20 Transfer events and internal TRX transfers of one transaction from its receipt
 * (/wallet/gettransactioninfobyid). Token symbol and decimals are not in the receipt: `tokenOf` supplies them.
 */
export function mapTronReceipt(
  txid: string,
  info: TronTransactionInfo,
  tokenOf: (contract: string) => { symbol: string; decimals: number },
): AccountTransfer[] {
  const tx = normalizeTxid(txid);
  // Block 0, as in the v1 lists these movements also arrive through: one movement, one shape, whichever way.
  const block = 0;
  const time = seconds(info.blockTimeStamp ?? 0);
  const nextToken = occurrences();
  const nextInternal = occurrences();
  const out: AccountTransfer[] = [];
  for (const [eventIndex, log] of info.log.entries()) {
    const [topic, fromTopic, toTopic] = log.topics.map((t) => t.toLowerCase().replace(/^0x/, ''));
    if (topic !== TRANSFER_TOPIC || !fromTopic || !toTopic || log.topics.length !== 3) continue; // not an ERC-20-style Transfer
    const contract = tronHexToBase58(`41${log.address.replace(/^(0x|41)(?=[0-9a-fA-F]{40}$)/, '')}`);
    const from = tronFromEvmHex(`0x${fromTopic.slice(24)}`);
    const to = tronFromEvmHex(`0x${toTopic.slice(24)}`);
    const value = BigInt(`0x${log.data.replace(/^0x/, '') || '0'}`).toString();
    const meta = tokenOf(contract);
    out.push({
      chain: 'tron',
      type: 'token',
      from,
      to,
      asset: { chain: 'tron', kind: 'token', contract, symbol: meta.symbol, decimals: meta.decimals },
      amount: BigInt(value),
      tx,
      logIndex: tokenIndex(nextToken, tx, contract, from, to, value),
      eventIndex,
      block,
      time,
    });
  }
  for (const itx of info.internal_transactions) {
    if (itx.rejected) continue;
    for (const cv of itx.callValueInfo) {
      if (cv.tokenId !== undefined || !cv.callValue) continue;
      const from = addr(itx.caller_address, 'caller', tx);
      const to = addr(itx.transferTo_address, 'transferTo', tx);
      out.push({
        chain: 'tron',
        type: 'internal',
        from,
        to,
        asset: nativeAsset('tron'),
        amount: BigInt(cv.callValue),
        tx,
        logIndex: internalIndex(nextInternal, tx, from, to, String(cv.callValue)),
        block,
        time,
      });
    }
  }
  return out;
}
