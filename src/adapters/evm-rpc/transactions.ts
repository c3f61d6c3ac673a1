import { InvalidInputError, NotFoundError } from '../../core/errors.js';
import { compareTransfers, type AccountTransfer } from '../../core/movement.js';
import type { TransactionLog, TransactionResult } from '../adapter.js';
import { checkAborted } from './abort.js';
import { hexToNumber, type BlockClock } from './blocks.js';
import { dropReverted, logToTransfer, traceToTransfer, transactionToTransfer } from './map.js';
import type { ReceiptCache } from './native.js';
import type { NodeProbes } from './probes.js';
import { ReceiptSchema, TracesSchema, TransactionSchema } from './schema.js';
import type { TokenRegistry } from './tokens.js';
import type { Transport } from './transport.js';

const TX_HASH = /^0x[0-9a-f]{64}$/;

type LookupOptions = { signal?: AbortSignal | undefined };

/**
 * One transaction by hash: its movements (native value by trace_transaction when the node has traces, else its
 * own value; token Transfer logs from the receipt) and its event logs (from the receipt, cached with the receipts
 * the adapter already read).
 */
export function createTransactionLookup(s: {
  transport: Transport;
  clock: BlockClock;
  tokens: TokenRegistry;
  receipts: ReceiptCache;
  probes: NodeProbes;
  endpoint: string;
  chainOf: (chain: string) => string;
}) {
  /** The checks both transaction lookups start with: a live signal, our chain, a well-formed hash. */
  async function transactionRequest(chainInput: string, hash: string, opts?: LookupOptions) {
    const signal = opts?.signal;
    checkAborted(signal);
    const chain = s.chainOf(chainInput);
    const h = hash.toLowerCase().startsWith('0x') ? hash.toLowerCase() : `0x${hash.toLowerCase()}`;
    if (!TX_HASH.test(h)) throw new InvalidInputError(`Invalid transaction hash "${hash}"`, { details: { chain, tx: hash } });
    await s.probes.checkChain(signal);
    return { signal, chain, h };
  }

  async function getTransaction(chainInput: string, hash: string, opts?: LookupOptions): Promise<TransactionResult> {
    const { signal, chain, h } = await transactionRequest(chainInput, hash, opts);
    const [tx, receipt] = await Promise.all([
      s.transport.call({ method: 'eth_getTransactionByHash', params: [h] }, TransactionSchema.nullable(), signal),
      s.transport.call({ method: 'eth_getTransactionReceipt', params: [h] }, ReceiptSchema.nullable(), signal),
    ]);
    if (!tx || !receipt) {
      throw new NotFoundError(`Transaction ${h} ${tx ? 'is not mined yet' : 'not found'} on ${chain} at ${s.endpoint}`, {
        details: { chain, tx: h, endpoint: s.endpoint },
      });
    }
    s.receipts.put(receipt);
    const block = hexToNumber(receipt.blockNumber);
    const time = (await s.clock.times([block], signal)).get(block)!;
    const transfers: AccountTransfer[] = [];
    if (await s.probes.traceSupport(signal)) {
      const list = await s.transport.call({ method: 'trace_transaction', params: [h] }, TracesSchema, signal);
      for (const t of dropReverted(list)) {
        const m = traceToTransfer(chain, t, time, receipt);
        if (m) transfers.push(m);
      }
    } else {
      const m = transactionToTransfer(chain, tx, block, time, receipt);
      if (m) transfers.push(m);
    }
    const assets = await s.tokens.get(
      receipt.logs.map((l) => l.address.toLowerCase()),
      signal,
    );
    for (const log of receipt.logs) {
      const m = logToTransfer(chain, log, assets.get(log.address.toLowerCase())!, time);
      if (m) transfers.push(m);
    }
    return { chain, tx: h, transfers: transfers.sort(compareTransfers) };
  }

  /** Every log the transaction emitted (from its receipt, cached with the receipts the adapter already read). */
  async function getTransactionLogs(chainInput: string, hash: string, opts?: LookupOptions): Promise<TransactionLog[]> {
    const { signal, chain, h } = await transactionRequest(chainInput, hash, opts);
    const receipt = (await s.receipts.get([h], signal)).get(h);
    if (!receipt)
      throw new NotFoundError(`Transaction ${h} not found (or not mined) on ${chain} at ${s.endpoint}`, { details: { chain, tx: h, endpoint: s.endpoint } });
    return receipt.logs
      .filter((l) => l.removed !== true)
      .map((l) => ({
        address: l.address.toLowerCase(),
        topics: l.topics.map((t) => t.toLowerCase()),
        data: l.data.toLowerCase(),
        logIndex: hexToNumber(l.logIndex),
        transactionHash: l.transactionHash.toLowerCase(),
        blockNumber: hexToNumber(l.blockNumber),
      }))
      .sort((a, b) => a.logIndex - b.logIndex);
  }

  return { getTransaction, getTransactionLogs };
}
