import type { Row } from './etherscan-server.js';

/** Deterministic 20-byte address / 32-byte hash from a number, lower-case hex. */
export const evmAddress = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;
export const evmHash = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;

export const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
export const GENESIS_TIME = 1_700_000_000;
export const timeOf = (block: number): number => GENESIS_TIME + block * 12;

export function tokenRow(i: number, block: number, from: string, to: string, value: string, extra: Partial<Row> = {}): Row {
  return {
    blockNumber: String(block),
    timeStamp: String(timeOf(block)),
    hash: evmHash(i),
    nonce: String(i),
    blockHash: evmHash(1_000_000 + block),
    from,
    contractAddress: USDT,
    to,
    value,
    tokenName: 'Tether USD',
    tokenSymbol: 'USDT',
    tokenDecimal: '6',
    transactionIndex: String(i % 100),
    gas: '60000',
    gasPrice: '20000000000',
    gasUsed: '50000',
    cumulativeGasUsed: '1000000',
    input: 'deprecated',
    confirmations: '100',
    ...extra,
  };
}

export function normalRow(i: number, block: number, from: string, to: string, value: string, extra: Partial<Row> = {}): Row {
  return {
    blockNumber: String(block),
    timeStamp: String(timeOf(block)),
    hash: evmHash(i),
    nonce: String(i),
    blockHash: evmHash(1_000_000 + block),
    transactionIndex: String(i % 100),
    from,
    to,
    value,
    gas: '21000',
    gasPrice: '30000000000',
    isError: '0',
    txreceipt_status: '1',
    input: '0x',
    contractAddress: '',
    cumulativeGasUsed: '21000',
    gasUsed: '21000',
    confirmations: '100',
    ...extra,
  };
}

export function internalRow(i: number, block: number, from: string, to: string, value: string, extra: Partial<Row> = {}): Row {
  return {
    blockNumber: String(block),
    timeStamp: String(timeOf(block)),
    hash: evmHash(i),
    from,
    to,
    value,
    contractAddress: '',
    input: '',
    type: 'call',
    gas: '2300',
    gasUsed: '0',
    traceId: '0',
    isError: '0',
    errCode: '',
    ...extra,
  };
}

/**
 * `count` token transfers touching `address`, `perBlock` to a block, alternating in and out, with no log index
 * (as older answers): the 10,000th and 10,001st rows are two identical transfers of one transaction in one block,
 * the case a careless window restart would merge or double.
 */
export function manyTokenRows(address: string, count: number, perBlock = 7): Row[] {
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const block = 1_000 + Math.floor(i / perBlock);
    const other = evmAddress(0xbeef0000 + (i % 13));
    const inbound = i % 2 === 0;
    const { logIndex: _drop, ...row } = tokenRow(i + 1, block, inbound ? other : address, inbound ? address : other, String(1_000_000 + i));
    rows.push(row);
  }
  // Make rows 9999 and 10000 (0-based) the same transfer twice in one transaction.
  if (count > 10_001) {
    const twin = { ...rows[9_999]! };
    rows[10_000] = { ...twin };
  }
  return rows;
}

/**
 * A layering world of token transfers: victim 1 pays collector 2, which pays `layers` layer wallets (100 + i), each
 * paying `wallets` end wallets (1000 + 10 i + j). Blocks: 10, then 20 + i, then 40 + i * wallets + j.
 */
export function layeredTokenRows(layers: number, wallets: number, amounts: { seed: string; layer: string; wallet: string }): Row[] {
  const rows: Row[] = [];
  let n = 1;
  rows.push(tokenRow(n++, 10, evmAddress(1), evmAddress(2), amounts.seed));
  for (let i = 0; i < layers; i++) {
    const layer = evmAddress(100 + i);
    rows.push(tokenRow(n++, 20 + i, evmAddress(2), layer, amounts.layer));
    for (let j = 0; j < wallets; j++) rows.push(tokenRow(n++, 40 + i * wallets + j, layer, evmAddress(1000 + i * 10 + j), amounts.wallet));
  }
  return rows;
}
