import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbiCoder } from 'ethers';
import { DuckDBInstance } from '@duckdb/node-api';
import { internalCalls } from '../../src/adapters/evm-rpc/internal-calls.js';

/**
 * A small exporter from a JSON-RPC node to blockchain-etl-shaped tables (not ethereum-etl: the same columns,
 * written here from blocks, receipts and debug traces). Two flavours:
 * - `json`: what `ethereumetl export_*` writes — newline-delimited JSON, values as bare JSON numbers (beyond 2^53),
 *   block_timestamp in unix seconds, trace_address as a list;
 * - `parquet`: what a BigQuery export of crypto_ethereum gives — block_timestamp TIMESTAMP, transactions/traces
 *   value DECIMAL(38,0), token value STRING, trace_address "0,1" (NULL at the top level).
 */
export type Rpc = (method: string, params?: unknown[]) => Promise<unknown>;

interface Block {
  number: string;
  hash: string;
  timestamp: string;
  transactions: {
    hash: string;
    nonce: string;
    transactionIndex: string;
    from: string;
    to: string | null;
    value: string;
    gas: string;
    gasPrice: string;
    input: string;
    type?: string;
    maxFeePerGas?: string;
    maxPriorityFeePerGas?: string;
  }[];
}
interface Receipt {
  status: string;
  gasUsed: string;
  cumulativeGasUsed: string;
  effectiveGasPrice?: string;
  contractAddress: string | null;
  logs: { address: string; topics: string[]; data: string; logIndex: string }[];
}
interface StructLog {
  op: string;
  depth: number;
  stack: string[];
}

const TRANSFER = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const CALLS = new Set(['CALL', 'CALLCODE', 'DELEGATECALL', 'STATICCALL', 'CREATE', 'CREATE2']);
const big = (hex: string) => BigInt(hex).toString();
const num = (hex: string) => Number(BigInt(hex));
const word = (stackItem: string) => BigInt(stackItem.startsWith('0x') ? stackItem : `0x${stackItem}`);
const addr = (value: bigint) => `0x${value.toString(16).padStart(40, '0').slice(-40)}`;

export interface EtlTables {
  transactions: Record<string, unknown>[];
  token_transfers: Record<string, unknown>[];
  traces: Record<string, unknown>[];
  tokens: Record<string, unknown>[];
  /** Every event log (with `conversions`). */
  logs?: Record<string, unknown>[];
  /** Every contract created by a successful transaction or top-level creation frame (with `conversions`). */
  contracts?: Record<string, unknown>[];
}

/**
 * Reads every block of the node into blockchain-etl rows (values as decimal strings, times in unix seconds).
 * `traces: false` leaves the traces table empty (not written as Parquet) and skips debug_traceTransaction, which
 * ganache answers by replaying the block up to the transaction: slow for worlds of thousands of contract calls.
 */
export async function readEtlTables(rpc: Rpc, options: { traces?: boolean; conversions?: boolean } = {}): Promise<EtlTables> {
  const withTraces = options.traces ?? true;
  const head = num((await rpc('eth_blockNumber')) as string);
  const out: EtlTables = { transactions: [], token_transfers: [], traces: [], tokens: [], ...(options.conversions ? { logs: [], contracts: [] } : {}) };
  const contracts = new Set<string>();
  for (let n = 0; n <= head; n++) {
    const block = (await rpc('eth_getBlockByNumber', [`0x${n.toString(16)}`, true])) as Block;
    const time = num(block.timestamp);
    const common = { block_timestamp: time, block_number: n, block_hash: block.hash };
    for (const tx of block.transactions) {
      const receipt = (await rpc('eth_getTransactionReceipt', [tx.hash])) as Receipt;
      const status = num(receipt.status);
      out.transactions.push({
        hash: tx.hash,
        nonce: num(tx.nonce),
        transaction_index: num(tx.transactionIndex),
        from_address: tx.from.toLowerCase(),
        to_address: tx.to?.toLowerCase() ?? null,
        value: big(tx.value),
        gas: num(tx.gas),
        gas_price: big(tx.gasPrice),
        input: tx.input,
        receipt_cumulative_gas_used: num(receipt.cumulativeGasUsed),
        receipt_gas_used: num(receipt.gasUsed),
        receipt_contract_address: receipt.contractAddress?.toLowerCase() ?? null,
        receipt_status: status,
        receipt_effective_gas_price: receipt.effectiveGasPrice ? big(receipt.effectiveGasPrice) : null,
        transaction_type: tx.type ? num(tx.type) : null,
        max_fee_per_gas: tx.maxFeePerGas ? big(tx.maxFeePerGas) : null,
        max_priority_fee_per_gas: tx.maxPriorityFeePerGas ? big(tx.maxPriorityFeePerGas) : null,
        ...common,
      });
      if (status === 1 && receipt.contractAddress) out.contracts?.push({ address: receipt.contractAddress.toLowerCase(), ...common });
      const logs = out.logs;
      for (const log of logs ? receipt.logs : []) {
        const at = { transaction_hash: tx.hash, transaction_index: num(tx.transactionIndex), log_index: num(log.logIndex) };
        logs?.push({ address: log.address.toLowerCase(), topics: log.topics.map((t) => t.toLowerCase()), data: log.data, ...at, ...common });
      }
      // token_transfers as ethereum-etl extracts them: Transfer topic, from/to/value in topics + data words.
      for (const log of receipt.logs) {
        const words = [...log.topics, ...(log.data.length > 2 ? (log.data.slice(2).match(/.{64}/g) ?? []).map((w) => `0x${w}`) : [])];
        if (log.topics[0]?.toLowerCase() !== TRANSFER || words.length !== 4) continue;
        contracts.add(log.address.toLowerCase());
        out.token_transfers.push({
          token_address: log.address.toLowerCase(),
          from_address: addr(BigInt(words[1]!)),
          to_address: addr(BigInt(words[2]!)),
          value: BigInt(words[3]!).toString(),
          transaction_hash: tx.hash,
          log_index: num(log.logIndex),
          ...common,
        });
      }
      // traces: the top-level call (empty trace_address) and the calls it makes, from the node's struct logs.
      if (!withTraces) continue;
      const top = tx.to === null ? 'create' : 'call';
      out.traces.push({
        transaction_hash: tx.hash,
        transaction_index: num(tx.transactionIndex),
        from_address: tx.from.toLowerCase(),
        to_address: (tx.to ?? receipt.contractAddress)?.toLowerCase() ?? null,
        value: big(tx.value),
        trace_type: top,
        call_type: top === 'call' ? 'call' : null,
        trace_address: [],
        status,
        error: status === 1 ? null : 'Reverted',
        ...common,
      });
      if (tx.to !== null && tx.input !== '0x') {
        const debug = (await rpc('debug_traceTransaction', [tx.hash, { disableStorage: true, disableMemory: true }])) as { structLogs: StructLog[] };
        const logs = debug.structLogs;
        let child = 0;
        logs.forEach((log, i) => {
          if (log.depth !== 1 || !CALLS.has(log.op)) return;
          const stack = log.stack;
          const at = (k: number) => word(stack[stack.length - 1 - k]!);
          const index = child++;
          // Success of the frame: the word its opcode leaves on the stack, seen at the next step back at depth 1.
          const after = logs.slice(i + 1).find((l) => l.depth === 1);
          const ok = after ? word(after.stack[after.stack.length - 1]!) !== 0n : false;
          const isCall = log.op === 'CALL' || log.op === 'CALLCODE';
          const value = isCall ? at(2) : log.op.startsWith('CREATE') ? at(0) : 0n;
          out.traces.push({
            transaction_hash: tx.hash,
            transaction_index: num(tx.transactionIndex),
            from_address: (tx.to as string).toLowerCase(),
            to_address: log.op.startsWith('CREATE') ? (ok && after ? addr(word(after.stack[after.stack.length - 1]!)) : null) : addr(at(1)),
            value: value.toString(),
            trace_type: log.op.startsWith('CREATE') ? 'create' : 'call',
            call_type: log.op.startsWith('CREATE') ? null : log.op.toLowerCase(),
            trace_address: [index],
            // blockchain-etl: 0 when the frame or any frame above it failed.
            status: ok && status === 1 ? 1 : 0,
            error: ok ? null : 'Reverted',
            ...common,
          });
          if (out.contracts && ok && status === 1 && log.op.startsWith('CREATE') && after)
            out.contracts.push({ address: addr(word(after.stack.at(-1)!)), ...common });
        });
        // With `conversions`: the value-moving calls deeper down too (an unwrap's payout inside a router's call).
        for (const call of out.logs && status === 1 ? internalCalls(debug, tx.to.toLowerCase()).calls : []) {
          if (call.path.length < 2) continue;
          const place = { transaction_hash: tx.hash, transaction_index: num(tx.transactionIndex), trace_address: call.path, status: 1, error: null };
          out.traces.push({
            ...place,
            from_address: call.from,
            to_address: call.to,
            value: call.amount.toString(),
            trace_type: 'call',
            call_type: 'call',
            ...common,
          });
        }
      }
    }
  }
  const coder = AbiCoder.defaultAbiCoder();
  for (const contract of [...contracts].sort()) {
    const call = async (data: string) => {
      try {
        return (await rpc('eth_call', [{ to: contract, data }, 'latest'])) as string;
      } catch {
        return '0x';
      }
    };
    const [symbolHex, decimalsHex] = [await call('0x95d89b41'), await call('0x313ce567')];
    let symbol: string | null = null;
    try {
      symbol = coder.decode(['string'], symbolHex)[0] as string;
    } catch {
      symbol = null;
    }
    out.tokens.push({
      address: contract,
      symbol,
      name: null,
      decimals: decimalsHex.length === 66 ? BigInt(decimalsHex).toString() : null,
      total_supply: null,
      block_number: 0,
    });
  }
  return out;
}

/** Newline-delimited JSON with the big integers as bare JSON numbers, as ethereum-etl writes them. */
export function toEthereumEtlJson(rows: Record<string, unknown>[], numeric: string[]): string {
  return rows
    .map((row) => {
      const parts = Object.entries(row).map(([k, v]) => `${JSON.stringify(k)}: ${numeric.includes(k) && typeof v === 'string' ? v : JSON.stringify(v)}`);
      return `{${parts.join(', ')}}`;
    })
    .join('\n')
    .concat('\n');
}

const NUMERIC: Record<keyof EtlTables, string[]> = {
  transactions: ['value', 'gas_price', 'receipt_effective_gas_price', 'max_fee_per_gas', 'max_priority_fee_per_gas'],
  token_transfers: ['value'],
  traces: ['value'],
  tokens: [],
  logs: [],
  contracts: [],
};

/**
 * Writes the tables as ethereum-etl JSON (`json`: one file per table) or BigQuery-style Parquet (`parquet`: a folder
 * per table; an empty table has no columns to type and is not written, so it reads as absent).
 */
export async function writeEtlTables(tables: EtlTables, dir: string, flavour: 'json' | 'parquet'): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const staging = join(dir, '.staging');
  if (flavour === 'json') {
    for (const [name, rows] of Object.entries(tables) as [keyof EtlTables, Record<string, unknown>[]][]) {
      if (rows === undefined) continue;
      writeFileSync(join(dir, `${name}.json`), toEthereumEtlJson(rows, NUMERIC[name]));
    }
    return;
  }
  mkdirSync(staging, { recursive: true });
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    for (const [name, rows] of Object.entries(tables) as [keyof EtlTables, Record<string, unknown>[]][]) {
      if (rows === undefined || rows.length === 0) continue;
      // Everything staged as text (exact), then typed like crypto_ethereum.
      const file = join(staging, `${name}.json`);
      writeFileSync(
        file,
        `${rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : Array.isArray(v) ? v.join(',') : String(v)])))).join('\n')}\n`,
      );
      const columns = Object.keys(rows[0] ?? { block_number: 0 });
      const typed = columns.map((col) => {
        const c2 = `"${col}"`;
        if (col === 'block_timestamp') return `to_timestamp(CAST(${c2} AS BIGINT)) AS ${c2}`;
        if (col === 'trace_address') return `NULLIF(${c2}, '') AS ${c2}`;
        if (NUMERIC[name].includes(col) && name !== 'token_transfers') return `CAST(${c2} AS DECIMAL(38,0)) AS ${c2}`;
        if (/^(nonce|transaction_index|gas|receipt_.*gas_used|receipt_status|status|log_index|block_number|transaction_type)$/.test(col))
          return `CAST(${c2} AS BIGINT) AS ${c2}`;
        return c2;
      });
      const spec = columns.map((col) => `'${col}': 'VARCHAR'`).join(', ');
      mkdirSync(join(dir, name), { recursive: true });
      await c.run(
        `COPY (SELECT ${typed.join(', ')} FROM read_json('${file}', format = 'newline_delimited', columns = {${spec}})) TO '${join(dir, name, 'part-000.parquet')}' (FORMAT PARQUET)`,
      );
    }
  } finally {
    c.closeSync();
    db.closeSync();
  }
}
