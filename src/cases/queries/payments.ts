/** SQL of the `victims` and `payments` tables: a case's payments, payments by key, and imports in whole-case transactions. */
import { groupBy } from '../../core/group.js';
import type { InsertPaymentsOptions, InsertPaymentsResult, StoredPayment } from '../records.js';
import type { Payment } from '../schema.js';
import type { SqlDriver, SqlExecutor, SqlValue } from '../sql.js';
import { ensureCases } from './cases.js';
import { abortable, chunks, insertMany, placeholders } from './statements.js';
import { append } from '../../core/lists.js';

interface PaymentRow {
  id: number;
  reference: string;
  pseudonym: string;
  chain: string;
  payment_key: string;
  tx_hash: string | null;
  log_index: number | null;
  address: string | null;
  asset_kind: string;
  token_address: string | null;
  symbol: string;
  decimals: number;
  amount: string;
  block_timestamp: number;
  source: string | null;
  jurisdiction: string | null;
}

const paymentOf = (r: PaymentRow): StoredPayment => ({
  id: Number(r.id),
  caseReference: r.reference,
  victim: r.pseudonym,
  chain: r.chain,
  key: r.payment_key,
  ...(r.tx_hash ? { tx: r.tx_hash } : {}),
  ...(r.log_index !== null ? { logIndex: Number(r.log_index) } : {}),
  ...(r.address ? { address: r.address } : {}),
  asset: {
    chain: r.chain,
    kind: r.asset_kind === 'native' ? 'native' : 'token',
    ...(r.token_address ? { contract: r.token_address } : {}),
    symbol: r.symbol,
    decimals: Number(r.decimals),
  },
  amount: String(r.amount),
  time: Number(r.block_timestamp),
  ...(r.jurisdiction ? { jurisdiction: r.jurisdiction } : {}),
  ...(r.source ? { source: r.source } : {}),
});

const PAYMENT_SELECT =
  'SELECT p.id, c.reference, v.pseudonym, p.chain, p.payment_key, p.tx_hash, p.log_index, p.address, p.asset_kind, p.token_address, p.symbol, ' +
  'p.decimals, p.amount, p.block_timestamp, p.source, c.jurisdiction FROM payments p JOIN cases c ON c.id = p.case_id JOIN victims v ON v.id = p.victim_id';

/** A case's payments in time order (then chain and key). */
export async function casePayments(db: SqlExecutor, caseId: number): Promise<StoredPayment[]> {
  const rows = await db.all<PaymentRow>(`${PAYMENT_SELECT} WHERE p.case_id = ? ORDER BY p.block_timestamp, p.chain, p.payment_key`, [caseId]);
  return rows.map(paymentOf);
}

/** Stored payments with these keys, chain by chain, a few hundred keys per statement. */
export async function findPayments(db: SqlExecutor, keys: readonly { chain: string; key: string }[], signal?: AbortSignal): Promise<StoredPayment[]> {
  const out: StoredPayment[] = [];
  for (const [chain, list] of groupBy(keys, (k) => k.chain)) {
    for (const chunk of chunks(list.map((k) => k.key))) {
      abortable(signal, 'findPayments');
      const rows = await db.all<PaymentRow>(`${PAYMENT_SELECT} WHERE p.chain = ? AND p.payment_key IN (${placeholders(chunk.length)})`, [chain, ...chunk]);
      append(out, rows.map(paymentOf));
    }
  }
  return out;
}

/** Splits payments into transactions of whole cases, about `size` rows each. */
function caseBatches(payments: readonly Payment[], size: number): Payment[][] {
  const batches: Payment[][] = [];
  let current: Payment[] = [];
  for (const list of groupBy(payments, (p) => p.caseReference).values()) {
    if (current.length > 0 && current.length + list.length > size) {
      batches.push(current);
      current = [];
    }
    for (const p of list) current.push(p);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The victims of a batch, created on first sight; resolves to their ids by `caseId\0pseudonym`. */
async function ensureVictims(tx: SqlExecutor, batch: readonly Payment[], caseIds: Map<string, number>): Promise<Map<string, number>> {
  const victims = [...new Map(batch.map((p) => [`${p.caseReference}\u0000${p.victim}`, [caseIds.get(p.caseReference)!, p.victim] as SqlValue[]])).values()];
  await insertMany(tx, 'INSERT INTO victims (case_id, pseudonym)', 2, victims, ' ON CONFLICT (case_id, pseudonym) DO NOTHING');
  const victimIds = new Map<string, number>();
  for (const chunk of chunks([...caseIds.values()])) {
    const rows = await tx.all<{ id: number; case_id: number; pseudonym: string }>(
      `SELECT id, case_id, pseudonym FROM victims WHERE case_id IN (${placeholders(chunk.length)})`,
      chunk,
    );
    for (const r of rows) victimIds.set(`${Number(r.case_id)}\u0000${r.pseudonym}`, Number(r.id));
  }
  return victimIds;
}

/** One batch in one transaction: its cases, its victims, then its payments (a payment already stored is skipped). */
async function insertBatch(tx: SqlExecutor, batch: readonly Payment[]): Promise<{ inserted: number; created: number }> {
  const cases = await ensureCases(tx, batch);
  const victimIds = await ensureVictims(tx, batch, cases.ids);
  const rows = batch.map((p): SqlValue[] => {
    const caseId = cases.ids.get(p.caseReference)!;
    return [
      caseId,
      victimIds.get(`${caseId}\u0000${p.victim}`)!,
      p.chain,
      p.key,
      p.tx ?? null,
      p.logIndex ?? null,
      p.address ?? null,
      p.asset.kind,
      p.asset.contract ?? null,
      p.asset.symbol,
      p.asset.decimals,
      p.amount,
      p.time,
      p.source ?? null,
    ];
  });
  const inserted = await insertMany(
    tx,
    'INSERT INTO payments (case_id, victim_id, chain, payment_key, tx_hash, log_index, address, asset_kind, token_address, symbol, decimals, amount, block_timestamp, source)',
    14,
    rows,
    ' ON CONFLICT (chain, payment_key) DO NOTHING',
  );
  return { inserted, created: cases.created };
}

/** Validated payments in transactions of whole cases, with progress after each; the same payment twice is stored once. */
export async function insertPayments(db: SqlDriver, payments: readonly Payment[], options: InsertPaymentsOptions): Promise<InsertPaymentsResult> {
  const result: InsertPaymentsResult = { inserted: 0, duplicates: 0, casesCreated: 0, transactions: 0 };
  let done = 0;
  for (const batch of caseBatches(payments, Math.max(1, options.batchSize ?? 500))) {
    abortable(options.signal, 'Import');
    const { inserted, created } = await db.transaction((tx) => insertBatch(tx, batch));
    result.inserted += inserted;
    result.duplicates += batch.length - inserted;
    result.casesCreated += created;
    result.transactions++;
    done += batch.length;
    options.onProgress?.({ done, total: payments.length, inserted: result.inserted, duplicates: result.duplicates });
  }
  return result;
}
