/**
 * The one query builder of the warehouse adapters: the SQL that reads movements out of blockchain-etl tables is
 * written once, here, over a small `Dialect` that renders the few places where DuckDB and BigQuery differ
 * (parameters, set membership, timestamps, numeric-to-text). Addresses, hashes, contracts and times are always
 * query parameters, never spliced into the text.
 *
 * Column names are blockchain-etl's (ethereum-etl `export_*` and `bigquery-public-data.crypto_ethereum`):
 * token_transfers(token_address, from_address, to_address, value STRING, transaction_hash, log_index, block_number,
 * block_timestamp), transactions(hash, transaction_index, from_address, to_address, value NUMERIC, gas_price,
 * receipt_gas_used, receipt_effective_gas_price, receipt_contract_address, receipt_status, block_number,
 * block_timestamp), traces(transaction_hash, transaction_index, from_address, to_address, value NUMERIC,
 * trace_type, call_type, trace_address STRING "0,1", status, block_number, block_timestamp), tokens(address,
 * symbol, decimals STRING).
 *
 * Native value, without double counting: blockchain-etl `traces` hold the top-level call of every transaction too
 * (empty trace_address). The transaction's own value is read from `transactions` only (receipt_status = 1, or
 * NULL before Byzantium where receipts had no status); `traces` contribute only nested frames (non-empty
 * trace_address) that succeeded (status = 1), carry value, and really move it between accounts: trace_type
 * 'call' with call_type 'call' (delegatecall, staticcall and callcode move nothing), 'create' and 'suicide'.
 */

import { DEPOSIT_TOPIC, WITHDRAWAL_TOPIC } from '../../core/wrapped-native.js';

/** The blockchain-etl tables the warehouse adapters read. */
export const WAREHOUSE_TABLES = ['token_transfers', 'transactions', 'traces', 'tokens', 'logs', 'contracts'] as const;
/** One of WAREHOUSE_TABLES. */
export type WarehouseTable = (typeof WAREHOUSE_TABLES)[number];

export type ParamType = 'STRING' | 'INT64';

/** A named query parameter: its type (STRING or INT64), whether it is an array, and its value. */
export interface QueryParam {
  name: string;
  type: ParamType;
  array: boolean;
  value: string | number | string[] | number[];
}

/** A query built for one dialect, ready for an engine: SQL text, bound parameters and the tables it reads. */
export interface RenderedQuery {
  /** What the query is for, for errors and statistics ("transfers", "transaction", "tokens"). */
  purpose: string;
  sql: string;
  params: QueryParam[];
  /** Tables the query reads: an engine checks they exist before running it. */
  tables: WarehouseTable[];
  /**
   * Every column of every row is text or NULL (the movements query casts its numbers to text): an engine may hand
   * the rows over as JSON text, exact for such values and far cheaper to bring into JavaScript than value by value.
   */
  textRows?: boolean;
}

/** The few things that differ between engines. Column expressions get raw blockchain-etl column names. */
export interface Dialect {
  readonly name: 'duckdb' | 'bigquery';
  /** A table reference, quoted. */
  table(name: WarehouseTable): string;
  /** A named parameter placeholder. */
  param(name: string): string;
  /** `column` is one of the values of an array parameter. */
  inArray(column: string, param: string): string;
  /** Column of the partitioning timestamp compared with unix seconds from a parameter (lets BigQuery prune partitions). */
  timeAtLeast(column: string, param: string): string;
  timeAtMost(column: string, param: string): string;
  /** The block timestamp as unix seconds. */
  epochSeconds(column: string): string;
  /** A wei/base-unit column as exact decimal text (never through a float). */
  integerText(column: string): string;
  /** A wei column is greater than zero. */
  positive(column: string): string;
  /** Typed NULL of a text / integer column, so UNION ALL branches line up. */
  nullText(): string;
  nullInteger(): string;
  /** An integer column as text. */
  intText(column: string): string;
  /**
   * Columns of a table that locate one of its rows for a second read (late materialization), or undefined when the
   * engine has none that is cheap to read by. With them, a movement branch reads in one scan only the columns its
   * filters need (and these), then the other columns of the matched rows alone: DuckDB over Parquet answers the
   * second read from the row groups holding a match, and does not decode hashes and amounts of every row scanned.
   */
  rowLocator?(table: WarehouseTable): readonly string[] | undefined;
  /** A list column (logs.topics) as comma-separated text; default: the column as it is (DuckDB's views normalize it). */
  listText?(column: string): string;
}

/** What `buildTransfersQuery` reads: frontier addresses, direction, time window, token contracts and which movement kinds. */
export interface TransfersSpec {
  /** Addresses as the tables write them (lower-case hex). */
  addresses: string[];
  direction: 'in' | 'out' | 'both';
  fromTime?: number;
  toTime?: number;
  /** Token contracts to read; undefined: every token; []: no token movement at all. */
  contracts?: string[];
  /** Read native value (transactions + traces). */
  native: boolean;
  /** Read nested value transfers from `traces` (when false, only the transactions' own value). */
  internal: boolean;
  /** Order token transfers within a block by joining `transactions` for transaction_index. */
  tokenTxIndex: boolean;
  /** Addresses with more movements than this are named as cut and their movements are not returned. */
  maxPerAddress?: number;
  /**
   * Wrapped native contracts (as the tables write them) whose Deposit/Withdrawal logs of the addresses to read from
   * `logs` (kind 'wrap' rows, with the log's topics and data), in the same query.
   */
  wrapped?: string[];
}

/** The columns a movement row can have, whatever table it comes from (a query returns those its branches fill). */
export const MOVEMENT_COLUMNS = [
  'kind',
  'contract',
  'from_address',
  'to_address',
  'value',
  'transaction_hash',
  'log_index',
  'trace_address',
  'block_number',
  'block_time',
  'transaction_index',
  'gas_used',
  'gas_price',
] as const;

/** The frontier query's columns: a movement's, and a wrap log's topics (comma-separated text) and data. */
const FRONTIER_COLUMNS = [...MOVEMENT_COLUMNS, 'topics', 'data'] as const;

/** One table's movements: what the branch selects, from where, and under which filters. */
interface Branch {
  table: WarehouseTable;
  /** The alias the filters and columns are written with. */
  alias: string;
  /** Every filter of the branch, the frontier test included (written on `alias`). */
  where: string[];
  /** The cheap filters of `where` that hold for every selected row (time window, token contract), repeated on the second read of a late branch so that its scan skips what the first one did. */
  recheck: string[];
  /** The SELECT list, given how to name a column of the table. */
  select: (col: (name: string) => string) => string;
  /** Joins after the table (`transactions` for transaction_index). */
  join?: (col: (name: string) => string) => string;
}

/**
 * The SQL of a branch, and the CTE it reads first when the dialect locates rows. Late: `<alias>_hits` reads the
 * columns the filters name plus the row locator of every row that passes them; the branch joins it back to the table
 * on the locator and reads the other columns there, for those rows only. Same rows, same values as one pass.
 */
function renderBranch(d: Dialect, b: Branch): { cte?: string; sql: string } {
  const table = d.table(b.table);
  const locator = d.rowLocator?.(b.table);
  if (!locator || locator.length === 0) {
    const col = (name: string) => `${b.alias}.${name}`;
    return { sql: `SELECT ${b.select(col)} FROM ${table} AS ${b.alias}${b.join?.(col) ?? ''} WHERE ${b.where.join(' AND ')}` };
  }
  const filtered = [...new Set([...b.where.join(' ').matchAll(new RegExp(`\\b${b.alias}\\.(\\w+)`, 'g'))].map((m) => m[1]!))].filter(
    (c) => !locator.includes(c),
  );
  const hits = `${b.alias}_hits`;
  const h = `h${b.alias}`;
  const cte = `${hits} AS (SELECT ${[...locator, ...filtered].map((c) => `${b.alias}.${c}`).join(', ')} FROM ${table} AS ${b.alias} WHERE ${b.where.join(' AND ')})`;
  const col = (name: string) => (filtered.includes(name) ? `${h}.${name}` : `${b.alias}.${name}`);
  const on = locator.map((c) => `${b.alias}.${c} = ${h}.${c}`).join(' AND ');
  return {
    cte,
    sql: `SELECT ${b.select(col)} FROM ${hits} AS ${h} JOIN ${table} AS ${b.alias} ON ${on}${b.join?.(col) ?? ''}${b.recheck.length ? ` WHERE ${b.recheck.join(' AND ')}` : ''}`,
  };
}

/**
 * The movements of a whole frontier in one query: every table is scanned once with `from_address IN (…)` and/or
 * `to_address IN (…)`, the time window on block_timestamp and, when given, the token contracts (where the dialect
 * locates rows, a branch reads the rest of its matched rows in a second, pruned scan of the same statement). With
 * maxPerAddress, addresses past it come back as `kind = 'cut'` rows instead of their movements.
 */
export function buildTransfersQuery(d: Dialect, spec: TransfersSpec): RenderedQuery {
  const f = transfersFrame(d, spec);
  const branches: Branch[] = [];
  const tokens = spec.contracts === undefined || spec.contracts.length > 0;
  if (tokens) branches.push(tokenBranch(f));
  if (spec.native) {
    if (!f.tables.includes('transactions')) f.tables.push('transactions');
    branches.push(nativeBranch(f));
    if (spec.internal) {
      f.tables.push('traces');
      branches.push(internalBranch(f));
    }
  }
  if (spec.wrapped !== undefined && spec.wrapped.length > 0) {
    // The other branches' rows carry no log topics or data.
    for (const b of branches.splice(0)) branches.push({ ...b, select: (col) => `${b.select(col)}, ${d.nullText()} AS topics, ${d.nullText()} AS data` });
    branches.push(wrapBranch(f));
  }
  const head = movesHead(d, branches);
  const present = filledColumns(spec, tokens);
  const columns = present.map((c) => `m.${c}`).join(', ');
  if (spec.maxPerAddress === undefined) {
    return used(d, { purpose: 'transfers', sql: `${head}\nSELECT ${columns} FROM moves AS m`, params: f.params, tables: f.tables, textRows: true });
  }
  f.params.push({ name: 'max_per_address', type: 'INT64', array: false, value: spec.maxPerAddress });
  return used(d, { purpose: 'transfers', sql: cutSql(f, head, present, columns), params: f.params, tables: f.tables, textRows: true });
}

/** What the branches of a transfers query share: its parameters and tables so far, the window and frontier filters. */
interface TransfersFrame {
  d: Dialect;
  spec: TransfersSpec;
  params: QueryParam[];
  tables: WarehouseTable[];
  out: boolean;
  inn: boolean;
  /** The time window's filters on `column`. */
  time: (column: string) => string[];
  /** The frontier test on `alias` (from, to, or either, by direction). */
  side: (alias: string, to?: string) => string;
}

function transfersFrame(d: Dialect, spec: TransfersSpec): TransfersFrame {
  const params: QueryParam[] = [{ name: 'addresses', type: 'STRING', array: true, value: [...spec.addresses] }];
  const time = (column: string): string[] => {
    const out: string[] = [];
    if (spec.fromTime !== undefined) out.push(d.timeAtLeast(column, 'from_time'));
    if (spec.toTime !== undefined) out.push(d.timeAtMost(column, 'to_time'));
    return out;
  };
  if (spec.fromTime !== undefined) params.push({ name: 'from_time', type: 'INT64', array: false, value: spec.fromTime });
  if (spec.toTime !== undefined) params.push({ name: 'to_time', type: 'INT64', array: false, value: spec.toTime });
  const out = spec.direction !== 'in';
  const inn = spec.direction !== 'out';
  const side = (alias: string, to = `${alias}.to_address`): string => {
    const parts: string[] = [];
    if (out) parts.push(d.inArray(`${alias}.from_address`, 'addresses'));
    if (inn) parts.push(d.inArray(to, 'addresses'));
    return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
  };
  return { d, spec, params, tables: [], out, inn, time, side };
}

/** transaction_index joined from the window's transactions (when `tokenTxIndex`), for token and wrap rows. */
function txIndexJoin(f: TransfersFrame): { txIndex: string; join?: Branch['join'] } {
  const { d, spec, time } = f;
  if (!spec.tokenTxIndex) return { txIndex: d.nullText() };
  if (!f.tables.includes('transactions')) f.tables.push('transactions');
  // Only the transactions of the window: a join for ordering, not a second history scan.
  const txWhere = time('x.block_timestamp');
  const join = (col: (name: string) => string) =>
    ` LEFT JOIN (SELECT x.hash, x.transaction_index FROM ${d.table('transactions')} AS x${txWhere.length ? ` WHERE ${txWhere.join(' AND ')}` : ''}) AS tx ON tx.hash = ${col('transaction_hash')}`;
  return { txIndex: d.intText('tx.transaction_index'), join };
}

/** token_transfers, optionally of some contracts, with transaction_index joined from the window's transactions. */
function tokenBranch(f: TransfersFrame): Branch {
  const { d, spec, time } = f;
  f.tables.push('token_transfers');
  const contracts: string[] = [];
  if (spec.contracts !== undefined) {
    f.params.push({ name: 'contracts', type: 'STRING', array: true, value: [...spec.contracts] });
    contracts.push(d.inArray('t.token_address', 'contracts'));
  }
  const { txIndex, join } = txIndexJoin(f);
  return {
    table: 'token_transfers',
    alias: 't',
    where: [...time('t.block_timestamp'), f.side('t'), ...contracts],
    recheck: [...time('t.block_timestamp'), ...contracts],
    ...(join ? { join } : {}),
    select: (col) =>
      `'token' AS kind, ${col('token_address')} AS contract, ${col('from_address')} AS from_address, ${col('to_address')} AS to_address, ${d.integerText(col('value'))} AS value, ` +
      `${col('transaction_hash')} AS transaction_hash, ${d.intText(col('log_index'))} AS log_index, ${d.nullText()} AS trace_address, ${d.intText(col('block_number'))} AS block_number, ` +
      `${d.intText(d.epochSeconds(col('block_timestamp')))} AS block_time, ${txIndex} AS transaction_index, ${d.nullText()} AS gas_used, ${d.nullText()} AS gas_price`,
  };
}

/**
 * The wrapped native contracts' Deposit(dst)/Withdrawal(src) logs whose holder (topic 1) is on the frontier: the
 * wrapper pays dst, src pays the wrapper (by direction: 'in' reads deposits, 'out' withdrawals). Topics as text are
 * `0x<topic 0>,0x<24 zeros><holder>`, 133 characters for two topics; the holder's 40 hex digits start at the 94th.
 */
function wrapBranch(f: TransfersFrame): Branch {
  const { d, spec, time } = f;
  f.tables.push('logs');
  f.params.push({ name: 'wrapped', type: 'STRING', array: true, value: [...spec.wrapped!] });
  const topics = (c: string) => `LOWER(${d.listText?.(c) ?? c})`;
  const holder = (c: string) => `CONCAT('0x', SUBSTR(${topics(c)}, 94, 40))`;
  const deposit = (c: string) => `STARTS_WITH(${topics(c)}, '${DEPOSIT_TOPIC}')`;
  const withdrawal = (c: string) => `STARTS_WITH(${topics(c)}, '${WITHDRAWAL_TOPIC}')`;
  const kinds = f.out && f.inn ? `(${deposit('l.topics')} OR ${withdrawal('l.topics')})` : f.out ? withdrawal('l.topics') : deposit('l.topics');
  const { txIndex, join } = txIndexJoin(f);
  return {
    table: 'logs',
    alias: 'l',
    where: [
      ...time('l.block_timestamp'),
      d.inArray('l.address', 'wrapped'),
      `LENGTH(${topics('l.topics')}) = 133`,
      kinds,
      d.inArray(holder('l.topics'), 'addresses'),
    ],
    recheck: [...time('l.block_timestamp'), d.inArray('l.address', 'wrapped')],
    ...(join ? { join } : {}),
    select: (col) => {
      const [address, t] = [col('address'), col('topics')];
      return (
        `'wrap' AS kind, ${address} AS contract, CASE WHEN ${deposit(t)} THEN ${address} ELSE ${holder(t)} END AS from_address, ` +
        `CASE WHEN ${deposit(t)} THEN ${holder(t)} ELSE ${address} END AS to_address, ${d.nullText()} AS value, ${col('transaction_hash')} AS transaction_hash, ` +
        `${d.intText(col('log_index'))} AS log_index, ${d.nullText()} AS trace_address, ${d.intText(col('block_number'))} AS block_number, ` +
        `${d.intText(d.epochSeconds(col('block_timestamp')))} AS block_time, ${txIndex} AS transaction_index, ${d.nullText()} AS gas_used, ${d.nullText()} AS gas_price, ` +
        `${topics(t)} AS topics, ${col('data')} AS data`
      );
    },
  };
}

/** Transactions' own value (successful, non-zero), with their fee. */
function nativeBranch({ d, time, side }: TransfersFrame): Branch {
  return {
    table: 'transactions',
    alias: 'n',
    where: [
      ...time('n.block_timestamp'),
      '(n.receipt_status = 1 OR n.receipt_status IS NULL)',
      d.positive('n.value'),
      // A contract creation's value goes to the new contract: its address is in receipt_contract_address.
      side('n', 'COALESCE(n.to_address, n.receipt_contract_address)'),
    ],
    recheck: time('n.block_timestamp'),
    select: (col) =>
      `'native' AS kind, ${d.nullText()} AS contract, ${col('from_address')} AS from_address, COALESCE(${col('to_address')}, ${col('receipt_contract_address')}) AS to_address, ` +
      `${d.integerText(col('value'))} AS value, ${col('hash')} AS transaction_hash, '-1' AS log_index, ${d.nullText()} AS trace_address, ` +
      `${d.intText(col('block_number'))} AS block_number, ${d.intText(d.epochSeconds(col('block_timestamp')))} AS block_time, ${d.intText(col('transaction_index'))} AS transaction_index, ` +
      `${d.intText(col('receipt_gas_used'))} AS gas_used, ${d.integerText(`COALESCE(${col('receipt_effective_gas_price')}, ${col('gas_price')})`)} AS gas_price`,
  };
}

/** Nested value transfers from traces: successful calls, creations and self-destructs that moved value. */
function internalBranch({ d, time, side }: TransfersFrame): Branch {
  return {
    table: 'traces',
    alias: 'r',
    where: [
      ...time('r.block_timestamp'),
      'r.status = 1',
      "r.trace_address IS NOT NULL AND r.trace_address <> ''",
      "(r.trace_type IN ('create', 'suicide') OR (r.trace_type = 'call' AND COALESCE(r.call_type, 'call') = 'call'))",
      d.positive('r.value'),
      'r.from_address IS NOT NULL AND r.to_address IS NOT NULL',
      side('r'),
    ],
    recheck: time('r.block_timestamp'),
    select: (col) =>
      `'internal' AS kind, ${d.nullText()} AS contract, ${col('from_address')} AS from_address, ${col('to_address')} AS to_address, ${d.integerText(col('value'))} AS value, ` +
      `${col('transaction_hash')} AS transaction_hash, ${d.nullText()} AS log_index, ${col('trace_address')} AS trace_address, ${d.intText(col('block_number'))} AS block_number, ` +
      `${d.intText(d.epochSeconds(col('block_timestamp')))} AS block_time, ${d.intText(col('transaction_index'))} AS transaction_index, ${d.nullText()} AS gas_used, ${d.nullText()} AS gas_price`,
  };
}

/** `WITH …, moves AS (branches UNION ALL)`; an empty but well-shaped answer when there is nothing to read. */
function movesHead(d: Dialect, branches: Branch[]): string {
  const rendered = branches.map((b) => renderBranch(d, b));
  const ctes = rendered.flatMap((r) => (r.cte ? [r.cte] : []));
  const parts = rendered.map((r) => r.sql);
  if (parts.length === 0) {
    // Nothing to read (no token asked, no native): an empty answer, still shaped like one.
    parts.push(
      `SELECT 'none' AS kind, ${MOVEMENT_COLUMNS.slice(1)
        .map((c) => `${d.nullText()} AS ${c}`)
        .join(', ')} FROM (SELECT 1 AS one) AS empty WHERE 1 = 0`,
    );
  }
  const moves = parts.join('\nUNION ALL\n');
  return `WITH ${ctes.map((c) => `${c},\n`).join('')}moves AS (\n${moves}\n)`;
}

/** Only columns some branch fills: a column that is NULL on every row still costs a value per row to hand over. */
function filledColumns(spec: TransfersSpec, tokens: boolean): (typeof FRONTIER_COLUMNS)[number][] {
  const filled = new Set<string>(['kind', 'from_address', 'to_address', 'value', 'transaction_hash', 'log_index', 'block_number', 'block_time']);
  const wraps = spec.wrapped !== undefined && spec.wrapped.length > 0;
  if (tokens || wraps) filled.add('contract');
  if (spec.native) ['transaction_index', 'gas_used', 'gas_price'].forEach((c) => filled.add(c));
  if (spec.native && spec.internal) filled.add('trace_address');
  if ((tokens || wraps) && spec.tokenTxIndex) filled.add('transaction_index');
  if (wraps) ['topics', 'data'].forEach((c) => filled.add(c));
  return FRONTIER_COLUMNS.filter((c) => filled.has(c));
}

/** Per address, count the movements it would get (a self-transfer counts once), and cut those above the limit. */
function cutSql({ d, out, inn }: TransfersFrame, head: string, present: readonly string[], columns: string): string {
  const sides: string[] = [];
  if (out) sides.push(`SELECT m.from_address AS address FROM moves AS m WHERE ${d.inArray('m.from_address', 'addresses')}`);
  if (inn) {
    sides.push(
      `SELECT m.to_address AS address FROM moves AS m WHERE ${d.inArray('m.to_address', 'addresses')}${out ? ' AND m.from_address <> m.to_address' : ''}`,
    );
  }
  const keep: string[] = [];
  if (out) keep.push(`(${d.inArray('m.from_address', 'addresses')} AND m.from_address NOT IN (SELECT c.address FROM cut AS c))`);
  if (inn) keep.push(`(${d.inArray('m.to_address', 'addresses')} AND m.to_address NOT IN (SELECT c.address FROM cut AS c))`);
  return (
    `${head},\n` +
    `sides AS (${sides.join(' UNION ALL ')}),\n` +
    `cut AS (SELECT s.address FROM sides AS s GROUP BY s.address HAVING COUNT(*) > ${d.param('max_per_address')})\n` +
    `SELECT ${columns} FROM moves AS m WHERE ${keep.join(' OR ')}\n` +
    `UNION ALL\n` +
    `SELECT ${present.map((col) => (col === 'kind' ? `'cut' AS kind` : col === 'from_address' ? 'c.address AS from_address' : `${d.nullText()} AS ${col}`)).join(', ')} FROM cut AS c`
  );
}

/** Only the parameters the text refers to (an engine may refuse to bind one it does not see). */
function used(d: Dialect, query: RenderedQuery): RenderedQuery {
  return { ...query, params: query.params.filter((p) => new RegExp(`${d.param(p.name).replace(/\$/g, '\\$')}\\b`).test(query.sql)) };
}

export interface TransactionSpec {
  hash: string;
  native: boolean;
  internal: boolean;
  tokens: boolean;
}

/** Every movement of one transaction (its value, nested value transfers, token transfers), in one query. */
export function buildTransactionQuery(d: Dialect, spec: TransactionSpec): RenderedQuery {
  const params: QueryParam[] = [{ name: 'hash', type: 'STRING', array: false, value: spec.hash }];
  const tables: WarehouseTable[] = [];
  const branches: string[] = [];
  const h = d.param('hash');
  if (spec.tokens) {
    tables.push('token_transfers');
    const txIndex = spec.native
      ? `(SELECT ${d.intText('x.transaction_index')} FROM ${d.table('transactions')} AS x WHERE x.hash = ${h} LIMIT 1)`
      : d.nullText();
    branches.push(
      `SELECT 'token' AS kind, t.token_address AS contract, t.from_address, t.to_address, ${d.integerText('t.value')} AS value, t.transaction_hash, ` +
        `${d.intText('t.log_index')} AS log_index, ${d.nullText()} AS trace_address, ${d.intText('t.block_number')} AS block_number, ` +
        `${d.intText(d.epochSeconds('t.block_timestamp'))} AS block_time, ${txIndex} AS transaction_index, ${d.nullText()} AS gas_used, ${d.nullText()} AS gas_price ` +
        `FROM ${d.table('token_transfers')} AS t WHERE t.transaction_hash = ${h}`,
    );
  }
  if (spec.native) {
    tables.push('transactions');
    // Every transaction row comes back (kind 'tx'), even without value or failed: it proves the hash exists.
    branches.push(
      `SELECT CASE WHEN (n.receipt_status = 1 OR n.receipt_status IS NULL) AND ${d.positive('n.value')} THEN 'native' ELSE 'tx' END AS kind, ${d.nullText()} AS contract, ` +
        `n.from_address, COALESCE(n.to_address, n.receipt_contract_address) AS to_address, ${d.integerText('n.value')} AS value, n.hash AS transaction_hash, ` +
        `'-1' AS log_index, ${d.nullText()} AS trace_address, ${d.intText('n.block_number')} AS block_number, ${d.intText(d.epochSeconds('n.block_timestamp'))} AS block_time, ` +
        `${d.intText('n.transaction_index')} AS transaction_index, ${d.intText('n.receipt_gas_used')} AS gas_used, ` +
        `${d.integerText('COALESCE(n.receipt_effective_gas_price, n.gas_price)')} AS gas_price FROM ${d.table('transactions')} AS n WHERE n.hash = ${h}`,
    );
    if (spec.internal) {
      tables.push('traces');
      branches.push(
        `SELECT 'internal' AS kind, ${d.nullText()} AS contract, r.from_address, r.to_address, ${d.integerText('r.value')} AS value, r.transaction_hash, ` +
          `${d.nullText()} AS log_index, r.trace_address, ${d.intText('r.block_number')} AS block_number, ${d.intText(d.epochSeconds('r.block_timestamp'))} AS block_time, ` +
          `${d.intText('r.transaction_index')} AS transaction_index, ${d.nullText()} AS gas_used, ${d.nullText()} AS gas_price FROM ${d.table('traces')} AS r ` +
          `WHERE r.transaction_hash = ${h} AND r.status = 1 AND r.trace_address IS NOT NULL AND r.trace_address <> '' ` +
          `AND (r.trace_type IN ('create', 'suicide') OR (r.trace_type = 'call' AND COALESCE(r.call_type, 'call') = 'call')) AND ${d.positive('r.value')} ` +
          `AND r.from_address IS NOT NULL AND r.to_address IS NOT NULL`,
      );
    }
  }
  return { purpose: 'transaction', sql: branches.join('\nUNION ALL\n'), params, tables };
}

/** Symbol and decimals of token contracts (blockchain-etl `tokens`; it may hold several rows per address). */
export function buildTokensQuery(d: Dialect, contracts: string[]): RenderedQuery {
  return {
    purpose: 'tokens',
    sql:
      `SELECT k.address, k.symbol, ${d.intText('k.decimals')} AS decimals FROM ${d.table('tokens')} AS k ` +
      `WHERE ${d.inArray('k.address', 'contracts')} ORDER BY k.address, k.symbol, decimals`,
    params: [{ name: 'contracts', type: 'STRING', array: true, value: [...contracts] }],
    tables: ['tokens'],
  };
}
