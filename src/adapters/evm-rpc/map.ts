import { nativeAsset } from '../../core/asset.js';
import { fnv1a } from '../../core/fnv1a.js';
import type { AccountTransfer } from '../../core/movement.js';
import type { AssetRef } from '../../core/schema.js';
import { hexToNumber } from './blocks.js';
import type { RpcLog, RpcReceipt, RpcTrace, RpcTransaction } from './schema.js';

/** keccak256("Transfer(address,address,uint256)"): ERC-20 and ERC-721 share it; ERC-721 indexes the id as a 4th topic. */
export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

const ADDRESS_TOPIC = /^0x0{24}([0-9a-f]{40})$/;

/** An address as an indexed topic (left-padded to 32 bytes, lower-case as nodes compare them). */
export function addressTopic(address: string): string {
  return `0x${'0'.repeat(24)}${address.slice(2).toLowerCase()}`;
}

/** The ERC-20 shape of a Transfer log: 3 topics holding addresses, value in 32 data bytes. Anything else is not one. */
export function decodeTransferLog(log: RpcLog): { from: string; to: string; amount: bigint } | undefined {
  if (log.removed || log.topics.length !== 3 || log.topics[0]!.toLowerCase() !== TRANSFER_TOPIC || log.data.length !== 66) return undefined;
  const from = ADDRESS_TOPIC.exec(log.topics[1]!.toLowerCase())?.[1];
  const to = ADDRESS_TOPIC.exec(log.topics[2]!.toLowerCase())?.[1];
  if (from === undefined || to === undefined) return undefined;
  return { from: `0x${from}`, to: `0x${to}`, amount: BigInt(log.data) };
}

export function logToTransfer(chain: string, log: RpcLog, asset: AssetRef, time: number): AccountTransfer | undefined {
  const decoded = decodeTransferLog(log);
  if (!decoded) return undefined;
  return {
    chain,
    type: 'token',
    ...decoded,
    asset,
    tx: log.transactionHash.toLowerCase(),
    logIndex: hexToNumber(log.logIndex),
    block: hexToNumber(log.blockNumber),
    txIndex: hexToNumber(log.transactionIndex),
    time,
  };
}

/** What the sender paid for the whole transaction, when the receipt tells it. */
export function receiptFee(receipt: RpcReceipt | undefined, gasPrice?: string): bigint | undefined {
  const price = receipt?.effectiveGasPrice ?? gasPrice;
  return receipt && price ? BigInt(receipt.gasUsed) * BigInt(price) : undefined;
}

/** A reverted transaction moved no value (its fee is still paid, but that is not a transfer to anyone). */
export function reverted(receipt: RpcReceipt | undefined): boolean {
  return receipt?.status !== undefined && BigInt(receipt.status) === 0n;
}

/** A transaction's own value. Zero-value calls move nothing and are not movements. */
export function transactionToTransfer(
  chain: string,
  tx: RpcTransaction,
  block: number,
  time: number,
  receipt: RpcReceipt | undefined,
): AccountTransfer | undefined {
  const amount = BigInt(tx.value);
  const to = tx.to ?? receipt?.contractAddress ?? null;
  if (amount === 0n || to === null || reverted(receipt)) return undefined;
  const fee = receiptFee(receipt);
  return {
    chain,
    type: 'native',
    from: tx.from.toLowerCase(),
    to: to.toLowerCase(),
    asset: nativeAsset(chain),
    amount,
    tx: tx.hash.toLowerCase(),
    logIndex: -1,
    block,
    ...(tx.transactionIndex !== null ? { txIndex: hexToNumber(tx.transactionIndex) } : {}),
    time,
    ...(fee !== undefined ? { fee } : {}),
  };
}

const LEVEL_BITS = 10;
const LEVELS = 5;

/**
 * A number for an internal call's place in its transaction that keeps depth-first order: traceAddress [2, 0]
 * becomes digits (3, 1, 0, 0, 0) in base 1024. Deeper or wider paths (rare) get a stable hash above that space.
 */
export function tracePosition(traceAddress: readonly number[]): number {
  if (traceAddress.length <= LEVELS && traceAddress.every((i) => i < 2 ** LEVEL_BITS - 1)) {
    let position = 0;
    for (let level = 0; level < LEVELS; level++) position = position * 2 ** LEVEL_BITS + (traceAddress[level] ?? -1) + 1;
    return position;
  }
  return 2 ** 50 + fnv1a(traceAddress.join('.'));
}

/**
 * A parity-format trace to a movement: the top-level call is the transaction's own value (logIndex -1), nested
 * value-carrying calls, creates and self-destructs are internal transfers. delegatecall/staticcall/callcode move
 * nothing between accounts; failed frames and block rewards are not transfers.
 */
export function traceToTransfer(chain: string, trace: RpcTrace, time: number, receipt: RpcReceipt | undefined): AccountTransfer | undefined {
  if (trace.error !== undefined || trace.transactionHash === null) return undefined;
  let from: string | undefined;
  let to: string | null | undefined;
  let value: string | undefined;
  if (trace.type === 'call') {
    if ((trace.action.callType ?? 'call') !== 'call') return undefined;
    ({ from, to, value } = trace.action);
  } else if (trace.type === 'create') {
    from = trace.action.from;
    to = trace.result?.address;
    value = trace.action.value;
  } else if (trace.type === 'suicide') {
    from = trace.action.address;
    to = trace.action.refundAddress;
    value = trace.action.balance;
  } else {
    return undefined;
  }
  if (!from || !to || !value || BigInt(value) === 0n) return undefined;
  const top = trace.traceAddress.length === 0;
  if (top && reverted(receipt)) return undefined;
  const fee = top ? receiptFee(receipt) : undefined;
  return {
    chain,
    type: top ? 'native' : 'internal',
    from: from.toLowerCase(),
    to: to.toLowerCase(),
    asset: nativeAsset(chain),
    amount: BigInt(value),
    tx: trace.transactionHash.toLowerCase(),
    logIndex: top ? -1 : tracePosition(trace.traceAddress),
    block: trace.blockNumber,
    ...(trace.transactionPosition !== null ? { txIndex: trace.transactionPosition } : {}),
    time,
    ...(fee !== undefined ? { fee } : {}),
  };
}

/** Traces under a failed frame were undone with it, even when they carry no error themselves. */
export function dropReverted(traces: readonly RpcTrace[]): RpcTrace[] {
  const failed = traces.filter((t) => t.error !== undefined && t.transactionHash !== null).map((t) => `${t.transactionHash}|${t.traceAddress.join('.')}`);
  if (failed.length === 0) return [...traces];
  return traces.filter((t) => {
    if (t.transactionHash === null) return true;
    for (let depth = 0; depth <= t.traceAddress.length; depth++) {
      if (failed.includes(`${t.transactionHash}|${t.traceAddress.slice(0, depth).join('.')}`)) return false;
    }
    return true;
  });
}
