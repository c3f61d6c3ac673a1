import type { AccountTransfer } from '../../core/movement.js';
import type { AssetRef } from '../../core/schema.js';
import { decodeWrapLog, DEPOSIT_TOPIC, WITHDRAWAL_TOPIC } from '../../core/wrapped-native.js';
import { scanRange, type SpanState } from './block-range.js';
import type { CutSide } from './per-address-cut.js';
import { hexToNumber, toHex, type BlockClock, type BlockRange } from './blocks.js';
import { addressTopic, decodeTransferLog, logToTransfer, TRANSFER_TOPIC } from './map.js';
import { LogsSchema, type RpcLog } from './schema.js';
import type { TokenRegistry } from './tokens.js';
import type { Transport } from './transport.js';

export interface LogQuery {
  addresses: readonly string[];
  direction: 'in' | 'out';
  range: BlockRange;
  /** Token contracts to ask about; all contracts when absent. */
  contracts?: readonly string[] | undefined;
  span: SpanState;
  /** Given each chunk's movements as the cut counts them, returns addresses to stop asking for (past a limit). */
  onChunk?: (sides: CutSide[]) => Iterable<string>;
  signal?: AbortSignal | undefined;
}

/**
 * ERC-20 Transfer logs for many addresses in one eth_getLogs: the addresses form an OR-list in topic 1 (sender)
 * for 'out' or topic 2 (recipient) for 'in'.
 */
export async function fetchTransferLogs(transport: Transport, q: LogQuery): Promise<RpcLog[]> {
  return scanRange<RpcLog>({
    range: q.range,
    addresses: q.addresses,
    span: q.span,
    what: 'eth_getLogs',
    signal: q.signal,
    fetch: (from, to, addresses) => {
      const list = addresses.map(addressTopic);
      const filter = {
        fromBlock: toHex(from),
        toBlock: toHex(to),
        ...(q.contracts ? { address: [...q.contracts] } : {}),
        topics: [TRANSFER_TOPIC, q.direction === 'out' ? list : null, q.direction === 'in' ? list : null],
      };
      return transport.call({ method: 'eth_getLogs', params: [filter] }, LogsSchema, q.signal);
    },
    ...(q.onChunk
      ? {
          onChunk: (logs: readonly RpcLog[]) =>
            q.onChunk!(
              logs.flatMap((log) => {
                const t = decodeTransferLog(log);
                return t ? [q.direction === 'out' ? ([t.from, t.to] as const) : ([t.to] as const)] : [];
              }),
            ),
        }
      : {}),
  });
}

/** Logs -> token movements, with token metadata and block times fetched in batches (both cached). */
export async function mapTransferLogs(
  chain: string,
  logs: readonly RpcLog[],
  deps: { tokens: TokenRegistry; clock: BlockClock },
  signal?: AbortSignal,
): Promise<AccountTransfer[]> {
  const transfers = logs.filter((log) => decodeTransferLog(log) !== undefined);
  for (const log of transfers) if (log.blockTimestamp) deps.clock.remember(hexToNumber(log.blockNumber), hexToNumber(log.blockTimestamp));
  const { assets, times } = await metadataOf(transfers, deps, signal);
  return transfers.flatMap((log) => {
    const t = logToTransfer(chain, log, assets.get(log.address.toLowerCase())!, times.get(hexToNumber(log.blockNumber))!);
    return t ? [t] : [];
  });
}

/**
 * Wrapped native contracts' Deposit(dst)/Withdrawal(src) logs of many addresses in one eth_getLogs (the holder is
 * topic 1 of both, so one query covers both directions): wrapping and unwrapping are not Transfer events, yet they
 * move the token in and out of the holder's balance.
 */
export async function fetchWrapLogs(transport: Transport, q: Omit<LogQuery, 'direction'> & { contracts: readonly string[] }): Promise<RpcLog[]> {
  return scanRange<RpcLog>({
    range: q.range,
    addresses: q.addresses,
    span: q.span,
    what: 'eth_getLogs',
    signal: q.signal,
    fetch: (from, to, addresses) => {
      const filter = {
        fromBlock: toHex(from),
        toBlock: toHex(to),
        address: [...q.contracts],
        topics: [[DEPOSIT_TOPIC, WITHDRAWAL_TOPIC], addresses.map(addressTopic)],
      };
      return transport.call({ method: 'eth_getLogs', params: [filter] }, LogsSchema, q.signal);
    },
    ...(q.onChunk ? { onChunk: (logs: readonly RpcLog[]) => q.onChunk!(logs.map((log) => [`0x${log.topics[1]!.slice(-40)}`.toLowerCase()] as const)) } : {}),
  });
}

/** The token metadata and block times of some logs, fetched in batches (both cached). */
async function metadataOf(logs: readonly RpcLog[], deps: { tokens: TokenRegistry; clock: BlockClock }, signal?: AbortSignal) {
  const [assets, times] = await Promise.all([
    deps.tokens.get(
      logs.map((log) => log.address.toLowerCase()),
      signal,
    ),
    deps.clock.times(
      logs.map((log) => hexToNumber(log.blockNumber)),
      signal,
    ),
  ]);
  return { assets, times };
}

/** Wrap logs -> movements of the wrapper's token (the wrapper pays dst on Deposit, src pays it on Withdrawal). */
export async function mapWrapLogs(
  chain: string,
  logs: readonly RpcLog[],
  wrapped: ReadonlySet<string>,
  deps: { tokens: TokenRegistry; clock: BlockClock },
  signal?: AbortSignal,
): Promise<AccountTransfer[]> {
  const wraps = logs.filter((log) => log.removed !== true && decodeWrapLog(log, wrapped) !== undefined);
  const { assets, times } = await metadataOf(wraps, deps, signal);
  return wraps.map((log) => ({
    ...wrapMovement(log, assets.get(log.address.toLowerCase())!, wrapped)!,
    chain,
    tx: log.transactionHash.toLowerCase(),
    block: hexToNumber(log.blockNumber),
    txIndex: hexToNumber(log.transactionIndex),
    time: times.get(hexToNumber(log.blockNumber))!,
  }));
}

/** A wrapped native contract's Deposit/Withdrawal log as a movement of its token. */
export function wrapMovement(log: RpcLog, asset: AssetRef, wrapped: ReadonlySet<string>): Omit<AccountTransfer, 'chain' | 'tx' | 'block' | 'time'> | undefined {
  const decoded = decodeWrapLog(log, wrapped);
  return decoded && { type: 'token', ...decoded, asset, logIndex: hexToNumber(log.logIndex) };
}
