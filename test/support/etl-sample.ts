import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { referencePath } from './reference.js';

/**
 * The ethereum-etl stream sample of mainnet blocks 17173049–17173050 (fixtures/reference), read losslessly and
 * independently of src/: every bare JSON integer is kept as its digits (ethereum-etl writes 7056176614974947328 as a
 * number, which JSON.parse would round).
 */
export const STREAM_SAMPLE = referencePath('ethereum/ethereum-etl-samples/test_stream/blocks_17173049_17173050');
/** The contracts the sample proves (test/support/proven-contracts.ts made it). */
export const PROVEN_CONTRACTS = referencePath('ethereum/proven-contracts/blocks_17173049_17173050.json');

export interface SampleTransfer {
  token: string;
  from: string;
  to: string;
  value: bigint;
  tx: string;
  logIndex: number;
  block: number;
}
export interface SampleTransaction {
  hash: string;
  index: number;
  block: number;
  from: string;
  to: string | null;
  value: bigint;
  ok: boolean;
}
export interface SampleLog {
  address: string;
  topics: string[];
  data: string;
  tx: string;
  logIndex: number;
}

type Row = Record<string, unknown>;

/** One file's rows, bare integers as strings. */
function rows(file: string): Row[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l.replace(/(": )(-?\d+)(?=[,}])/g, '$1"$2"')) as Row);
}
const text = (r: Row, k: string) => String(r[k]);

export function sampleTransfers(): SampleTransfer[] {
  return rows(join(STREAM_SAMPLE, 'expected_token_transfers.json')).map((r) => ({
    token: text(r, 'token_address'),
    from: text(r, 'from_address'),
    to: text(r, 'to_address'),
    value: BigInt(text(r, 'value')),
    tx: text(r, 'transaction_hash'),
    logIndex: Number(text(r, 'log_index')),
    block: Number(text(r, 'block_number')),
  }));
}

export function sampleTransactions(): SampleTransaction[] {
  return rows(join(STREAM_SAMPLE, 'expected_transactions.json')).map((r) => ({
    hash: text(r, 'hash'),
    index: Number(text(r, 'transaction_index')),
    block: Number(text(r, 'block_number')),
    from: text(r, 'from_address'),
    to: r.to_address === null ? null : text(r, 'to_address'),
    value: BigInt(text(r, 'value')),
    ok: text(r, 'receipt_status') === '1',
  }));
}

export function sampleLogs(): SampleLog[] {
  return rows(join(STREAM_SAMPLE, 'expected_logs.json')).map((r) => ({
    address: text(r, 'address'),
    topics: (r.topics as string[]).map(String),
    data: text(r, 'data'),
    tx: text(r, 'transaction_hash'),
    logIndex: Number(text(r, 'log_index')),
  }));
}

export function provenContracts(): Set<string> {
  return new Set(rows(PROVEN_CONTRACTS).map((r) => text(r, 'address')));
}
