import { DEPOSIT_TOPIC, WITHDRAWAL_TOPIC } from '../../core/wrapped-native.js';
import { MOVEMENT_COLUMNS, type Dialect, type QueryParam, type RenderedQuery, type WarehouseTable } from './query.js';

/** What `buildTxMovementsQuery` reads for a batch of transactions; the tables that are there decide the branches. */
export interface TxMovementsSpec {
  /** Transaction hashes as the tables write them (0x, lower-case). */
  hashes: string[];
  tokens: boolean;
  /** `transactions`: each transaction's own value, and a row that proves it exists (or says it reverted). */
  native: boolean;
  /** `traces`: nested value transfers, and the failed frames whose subtrees moved nothing. */
  internal: boolean;
  /** `logs` of these wrapped native contracts (lower-case hex): Deposit/Withdrawal. */
  wrapped?: string[];
}

/** The movement columns, plus a log's topics (as text) and data for wrapped-native events. */
const COLUMNS = [...MOVEMENT_COLUMNS, 'topics', 'data'] as const;
type Column = (typeof COLUMNS)[number];

/** A branch's SELECT list: the columns it fills, NULL text for the others, in COLUMNS order. */
function select(d: Dialect, filled: Partial<Record<Column, string>>): string {
  return COLUMNS.map((c) => `${filled[c] ?? d.nullText()} AS ${c}`).join(', ');
}

/**
 * Every value movement of a batch of transactions in one query, `transaction_hash IN (…)` on each table:
 * token_transfers; transactions (kind 'native' for successful value, 'tx' otherwise, 'reverted' when the receipt
 * failed); traces' nested frames that moved value and succeeded ('internal') and every failed frame ('failed', so
 * that a subtree under a failure is dropped even where an export did not propagate status); logs of the wrapped
 * native contracts with the Deposit or Withdrawal topic ('wrap', topics and data as text).
 */
export function buildTxMovementsQuery(d: Dialect, spec: TxMovementsSpec): RenderedQuery {
  const params: QueryParam[] = [{ name: 'hashes', type: 'STRING', array: true, value: [...spec.hashes] }];
  const tables: WarehouseTable[] = [];
  const branches: string[] = [];
  const time = (c: string) => d.intText(d.epochSeconds(c));
  if (spec.tokens) {
    tables.push('token_transfers');
    branches.push(
      `SELECT ${select(d, { kind: `'token'`, contract: 't.token_address', from_address: 't.from_address', to_address: 't.to_address', value: d.integerText('t.value'), transaction_hash: 't.transaction_hash', log_index: d.intText('t.log_index'), block_number: d.intText('t.block_number'), block_time: time('t.block_timestamp') })} ` +
        `FROM ${d.table('token_transfers')} AS t WHERE ${d.inArray('t.transaction_hash', 'hashes')}`,
    );
  }
  if (spec.native) {
    tables.push('transactions');
    const kind = `CASE WHEN n.receipt_status = 0 THEN 'reverted' WHEN ${d.positive('n.value')} THEN 'native' ELSE 'tx' END`;
    branches.push(
      `SELECT ${select(d, { kind, from_address: 'n.from_address', to_address: 'COALESCE(n.to_address, n.receipt_contract_address)', value: d.integerText('n.value'), transaction_hash: 'n.hash', log_index: `'-1'`, block_number: d.intText('n.block_number'), block_time: time('n.block_timestamp'), transaction_index: d.intText('n.transaction_index'), gas_used: d.intText('n.receipt_gas_used'), gas_price: d.integerText('COALESCE(n.receipt_effective_gas_price, n.gas_price)') })} ` +
        `FROM ${d.table('transactions')} AS n WHERE ${d.inArray('n.hash', 'hashes')}`,
    );
  }
  if (spec.internal) {
    tables.push('traces');
    const moves = `r.status = 1 AND r.trace_address IS NOT NULL AND r.trace_address <> '' AND (r.trace_type IN ('create', 'suicide') OR (r.trace_type = 'call' AND COALESCE(r.call_type, 'call') = 'call')) AND ${d.positive('r.value')} AND r.from_address IS NOT NULL AND r.to_address IS NOT NULL`;
    branches.push(
      `SELECT ${select(d, { kind: `CASE WHEN ${moves} THEN 'internal' ELSE 'failed' END`, from_address: 'r.from_address', to_address: 'r.to_address', value: d.integerText('r.value'), transaction_hash: 'r.transaction_hash', trace_address: `COALESCE(r.trace_address, '')`, block_number: d.intText('r.block_number'), block_time: time('r.block_timestamp'), transaction_index: d.intText('r.transaction_index') })} ` +
        `FROM ${d.table('traces')} AS r WHERE ${d.inArray('r.transaction_hash', 'hashes')} AND ((${moves}) OR COALESCE(r.status, 0) <> 1)`,
    );
  }
  if (spec.wrapped && spec.wrapped.length > 0) {
    tables.push('logs');
    params.push({ name: 'wrapped', type: 'STRING', array: true, value: [...spec.wrapped] });
    const topics = d.listText?.('l.topics') ?? 'l.topics';
    branches.push(
      `SELECT ${select(d, { kind: `'wrap'`, contract: 'l.address', transaction_hash: 'l.transaction_hash', log_index: d.intText('l.log_index'), block_number: d.intText('l.block_number'), block_time: time('l.block_timestamp'), topics, data: 'l.data' })} ` +
        `FROM ${d.table('logs')} AS l WHERE ${d.inArray('l.transaction_hash', 'hashes')} AND ${d.inArray('l.address', 'wrapped')} ` +
        `AND (STARTS_WITH(LOWER(${topics}), '${DEPOSIT_TOPIC}') OR STARTS_WITH(LOWER(${topics}), '${WITHDRAWAL_TOPIC}'))`,
    );
  }
  return { purpose: 'transaction movements', sql: branches.join('\nUNION ALL\n'), params, tables, textRows: true };
}

/**
 * Which of some addresses are contracts: the `contracts` table when there, else the successful creations in
 * `traces` (trace_type 'create'; a created address is a contract whatever happened to it later).
 */
export function buildContractsQuery(d: Dialect, addresses: string[], from: 'contracts' | 'traces'): RenderedQuery {
  const sql =
    from === 'contracts'
      ? `SELECT DISTINCT c.address AS address FROM ${d.table('contracts')} AS c WHERE ${d.inArray('c.address', 'addresses')}`
      : `SELECT DISTINCT r.to_address AS address FROM ${d.table('traces')} AS r WHERE r.trace_type = 'create' AND r.status = 1 AND ${d.inArray('r.to_address', 'addresses')}`;
  return { purpose: 'contracts', sql, params: [{ name: 'addresses', type: 'STRING', array: true, value: [...addresses] }], tables: [from] };
}
