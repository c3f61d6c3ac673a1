import { z } from 'zod';
import { nativeAsset } from '../../core/asset.js';
import { decodeWrapLog } from '../../core/wrapped-native.js';
import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import { compareTransfers, type AccountTransfer } from '../../core/movement.js';
import type { AssetRef } from '../../core/schema.js';
import type { TransactionMovements } from '../adapter.js';
import { parseAnswer } from '../validate.js';
import { checkAborted } from './abort.js';
import { hexToNumber } from './blocks.js';
import { isUnsupported, RpcError } from './errors.js';
import { wrapMovement } from './logs.js';
import { DebugTraceSchema, internalCalls, type DebugTrace } from './internal-calls.js';
import { decodeTransferLog, dropReverted, logToTransfer, reverted, tracePosition, traceToTransfer, transactionToTransfer } from './map.js';
import { ReceiptSchema, TracesSchema, TransactionSchema, type RpcLog, type RpcReceipt, type RpcTrace, type RpcTransaction } from './schema.js';
import type { createTransactionLookup } from './transactions.js';

const TX_HASH = /^0x[0-9a-f]{64}$/;

/** What transactions.ts's lookup uses, and the wrapped native contracts (lower-case) whose events are wrapping. */
export type MovementParts = Parameters<typeof createTransactionLookup>[0] & { wrapped: Set<string> };

/** One transaction as the batch answered it. */
interface Read {
  hash: string;
  tx: RpcTransaction;
  receipt: RpcReceipt;
  /** Parity traces, a debug trace, or nothing when internal value is not visible. */
  traces?: RpcTrace[];
  debug?: DebugTrace;
}

/**
 * Every value movement of a set of transactions in one JSON-RPC batch: eth_getTransactionByHash and
 * eth_getTransactionReceipt for each, plus its internal value by trace_transaction (when the node offers
 * trace_filter) or debug_traceTransaction with geth's callTracer (struct logs from nodes that ignore the tracer
 * are replayed), asked within the same batch; the first refusal turns traces off for this source, with a note.
 * Block times and token metadata follow in their own cached batches.
 */
export function createMovementReader(s: MovementParts) {
  // undefined: not asked yet; debug_traceTransaction answers until a refusal says otherwise.
  let debugTraces: boolean | undefined;
  const notes = new Set<string>();

  async function getTransactionMovements(chainInput: string, hashes: string[], opts?: { signal?: AbortSignal | undefined }): Promise<TransactionMovements> {
    const signal = opts?.signal;
    checkAborted(signal);
    const chain = s.chainOf(chainInput);
    const wanted = [...new Set(hashes.map((h) => normalizeHash(chain, h)))];
    await s.probes.checkChain(signal);
    const reads = await readAll(chain, wanted, signal);
    const internalVisible = reads.every((r) => r.traces !== undefined || r.debug !== undefined);
    const blocks = reads.map((r) => hexToNumber(r.receipt.blockNumber));
    // Token metadata only for the contracts whose logs move value (Transfer, wrapped-native Deposit/Withdrawal): a
    // pool's Swap or a router's event is not a movement, and asking such a contract for symbol() gave a false note.
    const logs = reads.flatMap((r) => (reverted(r.receipt) ? [] : r.receipt.logs.filter((l) => l.removed !== true && movesValue(l, s.wrapped))));
    const [times, assets] = await Promise.all([s.clock.times(blocks, signal), s.tokens.get(new Set(logs.map((l) => l.address.toLowerCase())), signal)]);
    const movements = reads.flatMap((r) => movementsOf(chain, r, times.get(hexToNumber(r.receipt.blockNumber))!, assets, s.wrapped));
    if (!internalVisible) {
      notes.add(
        `Internal native value is not visible at ${s.endpoint} (debug_traceTransaction and trace_transaction refused): native value paid out by contracts inside a transaction (a swap or unwrap to ETH through a router, a splitter) cannot be seen, so those conversions are missing.`,
      );
    }
    return { movements: movements.sort(compareTransfers), internalVisible, notes: [...notes].sort() };
  }

  /** The one batched round: two calls per hash, plus one trace call while the node offers traces. */
  async function readAll(chain: string, hashes: string[], signal?: AbortSignal): Promise<Read[]> {
    const parity = s.probes.hasTraces();
    const trace = parity ? 'trace_transaction' : debugTraces === false ? undefined : 'debug_traceTransaction';
    const per = trace ? 3 : 2;
    const requests = hashes.flatMap((h) => [
      { method: 'eth_getTransactionByHash', params: [h] },
      { method: 'eth_getTransactionReceipt', params: [h] },
      ...(trace === 'trace_transaction' ? [{ method: trace, params: [h] }] : []),
      ...(trace === 'debug_traceTransaction' ? [{ method: trace, params: [h, { tracer: 'callTracer', disableMemory: true, disableStorage: true }] }] : []),
    ]);
    const answers = await s.transport.batch(requests, z.unknown(), signal);
    const missing: string[] = [];
    const reads = hashes.flatMap((hash, i): Read[] => {
      const [txAnswer, receiptAnswer, traceAnswer] = answers.slice(i * per, i * per + per);
      const tx = answerOf(TransactionSchema.nullable(), txAnswer, 'eth_getTransactionByHash', hash);
      const receipt = answerOf(ReceiptSchema.nullable(), receiptAnswer, 'eth_getTransactionReceipt', hash);
      if (!tx || !receipt) {
        missing.push(hash);
        return [];
      }
      s.receipts.put(receipt);
      return [{ hash, tx, receipt, ...traceOf(trace, traceAnswer, hash) }];
    });
    if (missing.length > 0) {
      throw new NotFoundError(`Transactions not found or not mined on ${chain} at ${s.endpoint}: ${missing.join(', ')}`, {
        details: { chain, txs: missing, endpoint: s.endpoint },
      });
    }
    return reads;
  }

  /** A trace answer read; a refusal turns debug traces off (an unexpected one is named in a note). */
  function traceOf(method: string | undefined, answer: unknown, hash: string): { traces?: RpcTrace[]; debug?: DebugTrace } {
    if (method === undefined) return {};
    if (answer instanceof RpcError) {
      if (method === 'debug_traceTransaction') debugTraces = false;
      if (!isUnsupported(answer)) notes.add(`${method} was refused by the node (${answer.rpcMessage}); internal value was not read.`);
      return {};
    }
    if (method === 'trace_transaction') return { traces: answerOf(TracesSchema, answer, method, hash) };
    debugTraces = true;
    return { debug: answerOf(DebugTraceSchema, answer, method, hash) };
  }

  function answerOf<S extends z.ZodType>(schema: S, answer: unknown, method: string, hash: string): z.output<S> {
    if (answer instanceof RpcError) throw answer;
    return parseAnswer(schema, answer, { source: 'EVM RPC', what: `${method} ${hash}`, url: s.endpoint });
  }

  return { getTransactionMovements, notes: () => [...notes].sort() };
}

/** Whether a log is a value movement: an ERC-20 Transfer, or a wrapped native contract's Deposit or Withdrawal. */
function movesValue(log: RpcLog, wrapped: ReadonlySet<string>): boolean {
  return decodeTransferLog(log) !== undefined || decodeWrapLog(log, wrapped) !== undefined;
}

function normalizeHash(chain: string, hash: string): string {
  const h = hash.toLowerCase().startsWith('0x') ? hash.toLowerCase() : `0x${hash.toLowerCase()}`;
  if (!TX_HASH.test(h)) throw new InvalidInputError(`Invalid transaction hash "${hash}": expected 32 bytes in hex`, { details: { chain, tx: hash } });
  return h;
}

/** One transaction's movements: its value, internal value when traced, Transfer logs and wrapped-native events. */
function movementsOf(chain: string, r: Read, time: number, assets: Map<string, AssetRef>, wrapped: Set<string>): AccountTransfer[] {
  if (reverted(r.receipt)) return [];
  const block = hexToNumber(r.receipt.blockNumber);
  const out: AccountTransfer[] = [];
  if (r.traces) {
    for (const t of dropReverted(r.traces)) {
      const m = traceToTransfer(chain, t, time, r.receipt);
      if (m) out.push(m);
    }
  } else {
    const own = transactionToTransfer(chain, r.tx, block, time, r.receipt);
    if (own) out.push(own);
  }
  const to = (r.tx.to ?? r.receipt.contractAddress ?? '').toLowerCase();
  const base = { chain, tx: r.hash, block, txIndex: hexToNumber(r.receipt.transactionIndex), time };
  for (const call of r.debug ? internalCalls(r.debug, to).calls : []) {
    out.push({ ...base, type: 'internal', from: call.from, to: call.to, asset: nativeAsset(chain), amount: call.amount, logIndex: tracePosition(call.path) });
  }
  for (const log of r.receipt.logs) {
    // (A contract none of whose logs moved value has no asset: its logs are none of these.)
    const asset = log.removed === true ? undefined : assets.get(log.address.toLowerCase());
    if (!asset) continue;
    const m = logToTransfer(chain, log, asset, time) ?? wrapMovement(log, asset, wrapped);
    if (m) out.push({ ...m, ...base });
  }
  return out;
}
