import { normalizeAddress, tronBase58ToHex, tronFromEvmHex, tronHexToBase58 } from '../../core/address.js';
import { AdapterError, NotFoundError } from '../../core/errors.js';
import { compareTransfers, type AccountTransfer } from '../../core/movement.js';
import { decodeWrapLog, wrappedNativeTokens } from '../../core/wrapped-native.js';
import type { TransactionMovements } from '../adapter.js';
import { stableIndex } from '../etherscan/map.js';
import { checkTxid, isEmpty, tokenMeta, tronOnly, txFailed as failed } from './lookup.js';
import { mapTronReceipt, mapTronTransaction } from './map.js';
import { parseTron, type TronSource } from './options.js';
import { TronContractSchema, TronTransactionInfoSchema, TronTransactionSchema, type TronTransaction, type TronTransactionInfo } from './schema.js';

/** One transaction as the full node answered it. */
interface Read {
  txid: string;
  tx: TronTransaction;
  info: TronTransactionInfo & { blockNumber: number; blockTimeStamp: number };
}

type Meta = { symbol: string; decimals: number };

/**
 * Every value movement of some TRON transactions, and which addresses are contracts. The full-node API has no
 * batch call: each hash costs POST /wallet/gettransactionbyid (the TRX value of the call) and
 * /wallet/gettransactioninfobyid (TRC-20 Transfer logs, WTRX Deposit/Withdrawal logs, internal TRX), asked
 * together and remembered for the adapter's life. Contracts are first learnt from those answers (a log's emitter,
 * a TriggerSmartContract's callee, an internal transaction's caller: only code emits logs or makes calls); the
 * rest cost one POST /wallet/getcontract each (`{}` for an account without code), remembered likewise.
 */
export function createTronMovements(src: TronSource) {
  const reads = new Map<string, Read>();
  const metas = new Map<string, Meta>();
  const known = new Map<string, boolean>();
  const wrapped = new Set([...wrappedNativeTokens('tron')].map((a) => `0x${tronBase58ToHex(a).slice(4)}`));

  const post = (path: string, value: string, signal?: AbortSignal) =>
    src.http.requestJson({ method: 'POST', path, body: { value }, what: `${path} ${value}`, ...(signal ? { signal } : {}) });

  async function readOne(txid: string, signal?: AbortSignal): Promise<Read | undefined> {
    const cached = reads.get(txid);
    if (cached) return cached;
    const [txJson, infoJson] = await Promise.all([post('/wallet/gettransactionbyid', txid, signal), post('/wallet/gettransactioninfobyid', txid, signal)]);
    if (isEmpty(txJson) || isEmpty(infoJson)) return undefined;
    const tx = parseTron(TronTransactionSchema, txJson, `transaction ${txid}`);
    const info = parseTron(TronTransactionInfoSchema, infoJson, `transaction info ${txid}`);
    if (info.blockNumber === undefined || info.blockTimeStamp === undefined) return undefined;
    const read = { txid, tx, info: { ...info, blockNumber: info.blockNumber, blockTimeStamp: info.blockTimeStamp } };
    reads.set(txid, read);
    for (const a of contractsProvenBy(read)) known.set(a, true);
    return read;
  }

  async function getTransactionMovements(chain: string, hashes: string[], opts?: { signal?: AbortSignal | undefined }): Promise<TransactionMovements> {
    const signal = opts?.signal;
    signal?.throwIfAborted();
    tronOnly(chain);
    const wanted = [...new Set(hashes.map((h) => checkTxid(h)))];
    const answers = await Promise.all(wanted.map((h) => readOne(h, signal)));
    const missing = wanted.filter((_, i) => answers[i] === undefined);
    if (missing.length > 0) {
      throw new NotFoundError(`Transactions not found on tron at TronGrid (or not yet confirmed): ${missing.join(', ')}`, {
        details: { chain: 'tron', txs: missing, source: 'TronGrid' },
      });
    }
    const movements: AccountTransfer[] = [];
    for (const r of answers as Read[]) movements.push(...(await movementsOf(r, signal)));
    return { movements: movements.sort(compareTransfers), internalVisible: true, notes: [] };
  }

  /** One transaction's TRX value, TRC-20 Transfer logs, internal TRX and WTRX wrapping; a failed one moves nothing. */
  async function movementsOf(r: Read, signal?: AbortSignal): Promise<AccountTransfer[]> {
    if (failed(r.info)) return [];
    const { info, txid } = r;
    const out: AccountTransfer[] = [];
    const native = mapTronTransaction(r.tx, { block: info.blockNumber, timeMs: info.blockTimeStamp, ...(info.fee !== undefined ? { fee: info.fee } : {}) });
    if (native) out.push(native);
    for (const t of mapTronReceipt(txid, info, () => ({ symbol: '', decimals: 0 }))) {
      const c = t.asset.contract;
      if (t.type === 'token' && c !== undefined && !metas.has(c)) metas.set(c, await tokenMeta(src.http, c, txid, t.to, info.blockTimeStamp, signal));
    }
    out.push(...mapTronReceipt(txid, info, (c) => metas.get(c)!));
    out.push(...wrapMovements(r, wrapped));
    return out;
  }

  async function getContracts(chain: string, addresses: string[], opts?: { signal?: AbortSignal | undefined }): Promise<Set<string>> {
    const signal = opts?.signal;
    signal?.throwIfAborted();
    tronOnly(chain);
    const wanted = [...new Set(addresses.map((a) => normalizeAddress('tron', a)))];
    const missing = wanted.filter((a) => !known.has(a));
    const answers = await Promise.all(missing.map((a) => post('/wallet/getcontract', tronBase58ToHex(a).slice(2), signal)));
    missing.forEach((a, i) => {
      const found = parseTron(TronContractSchema, answers[i], `contract ${a}`);
      if (found.Error !== undefined)
        throw new AdapterError(`TronGrid refused /wallet/getcontract for ${a}: ${found.Error}`, { details: { source: 'TronGrid', address: a } });
      known.set(a, found.contract_address !== undefined || found.bytecode !== undefined);
    });
    return new Set(wanted.filter((a) => known.get(a)));
  }

  return { getTransactionMovements, getContracts };
}

/** What the answers prove to be code: log emitters, the called contract of a successful call, internal callers. */
function contractsProvenBy(r: Read): string[] {
  const hex = (h: string) => tronHexToBase58(`41${h.replace(/^(0x|41)(?=[0-9a-fA-F]{40}$)/, '')}`);
  const out = [...r.info.log.map((log) => hex(log.address)), ...r.info.internal_transactions.map((itx) => normalizeAddress('tron', itx.caller_address))];
  const call = r.tx.raw_data.contract[0];
  const callee = call?.type === 'TriggerSmartContract' ? call.parameter.value.contract_address : undefined;
  if (typeof callee === 'string' && !failed(r.info)) out.push(normalizeAddress('tron', callee));
  return out;
}

/** WTRX Deposit(dst, wad) as the wrapper paying wad of its token to dst; Withdrawal(src, wad) the reverse. */
function wrapMovements(r: Read, wrapped: Set<string>): AccountTransfer[] {
  const out: AccountTransfer[] = [];
  for (const [eventIndex, log] of r.info.log.entries()) {
    const address = `0x${log.address.replace(/^(0x|41)(?=[0-9a-fA-F]{40}$)/, '').toLowerCase()}`;
    const evmLog = { address, topics: log.topics.map((t) => `0x${t.toLowerCase().replace(/^0x/, '')}`), data: `0x${log.data.replace(/^0x/, '')}` };
    const decoded = decodeWrapLog(evmLog, wrapped);
    if (!decoded) continue;
    const [contract, from, to] = [address, decoded.from, decoded.to].map((a) => tronFromEvmHex(a));
    const parts = [r.txid, 'wrap', contract!, from!, to!, decoded.amount.toString()];
    out.push({
      chain: 'tron',
      type: 'token',
      from: from!,
      to: to!,
      asset: { chain: 'tron', kind: 'token', contract: contract!, symbol: 'WTRX', decimals: 6 },
      amount: decoded.amount,
      tx: r.txid,
      logIndex: stableIndex(parts, eventIndex),
      eventIndex,
      block: 0,
      time: Math.floor(r.info.blockTimeStamp / 1000),
    });
  }
  return out;
}
