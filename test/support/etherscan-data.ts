import type { EtherscanData, Row } from './etherscan-server.js';

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

/** keccak256 of the event signatures the movement world writes (Transfer, Deposit, Withdrawal, Approval). */
const TOPIC = {
  transfer: '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef',
  deposit: '0xe1fffcc4923d04b559f4d29a8bfc6cda04eb5b0d3c460751c2402c5c5cc9109c',
  withdrawal: '0x7fcf532c15f0a6db0bd6d0e038bea71d30d808c7d98cb3bf7268a95bf5081b65',
  approval: '0x8c5be1e5ebec7d5bd14f71427d4e1e8bdbe1c29a5ec2c2b7ab5ed2b6ad2bd3ab',
};
const topicOf = (address: string): string => `0x${address.slice(2).padStart(64, '0')}`;
const word = (amount: bigint): string => `0x${amount.toString(16).padStart(64, '0')}`;

/** WETH on Ethereum (a known wrapped native token) and a wrapper known only through the adapter's option. */
export const WETH = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
export const OPTION_WRAPPER = evmAddress(0x7ff00);

/** One movement the world put in a transaction, as a comparable line. */
export interface WorldMovement {
  tx: string;
  type: 'native' | 'internal' | 'token';
  from: string;
  to: string;
  /** 'native' or the token contract. */
  asset: string;
  amount: bigint;
  time: number;
}

export interface MovementWorld {
  data: EtherscanData;
  hashes: string[];
  /** What took effect: value, successful internal calls, ERC-20 Transfer logs, wrapping as wrapper-token movements. */
  expected: WorldMovement[];
  /** Token contracts with their symbol and decimals as the explorer indexes them (absent: not indexed). */
  tokens: Map<string, { symbol: string; decimals: number }>;
  accounts: string[];
  contracts: string[];
}

/**
 * A generated world of transactions through contracts: values to accounts and contracts, ERC-20 Transfer logs of
 * several tokens between any parties, WETH-style Deposit/Withdrawal (WETH and a wrapper given by option), internal
 * calls (some failed), reverted transactions (which move nothing), and logs that are not movements (ERC-721 Transfer
 * with a 4th topic, Approval). Log indexes are written out of order.
 */
export function movementWorld(rand: () => number, size: { txs: number; accounts: number; contracts: number }): MovementWorld {
  const int = (n: number) => Math.floor(rand() * n);
  const amount = () => BigInt(1 + int(1_000_000)) * 10n ** BigInt(int(19));
  const accounts = Array.from({ length: size.accounts }, (_, i) => evmAddress(0x1000 + i));
  const contracts = Array.from({ length: size.contracts }, (_, i) => evmAddress(0x50000 + i));
  const tokenList = Array.from({ length: 1 + int(3) }, (_, i) => evmAddress(0x70000 + i));
  const tokens = new Map(tokenList.map((t, i) => [t, { symbol: `TK${i}`, decimals: [0, 6, 8, 18][int(4)]! }]));
  tokens.set(WETH, { symbol: 'WETH', decimals: 18 });
  const anyone = () => (rand() < 0.5 ? accounts[int(accounts.length)]! : contracts[int(contracts.length)]!);
  const data: EtherscanData = { txlist: [], txlistinternal: [], tokentx: [], logs: {} };
  data.contracts = [...contracts, ...tokenList, WETH, OPTION_WRAPPER].map((address) => ({ address, creator: accounts[0]!, txHash: evmHash(0xc0de) }));
  // The explorer's index of each token (one earlier transfer), where symbol and decimals are read.
  for (const [contract, t] of tokens)
    data.tokentx!.push(
      tokenRow(0xfeed, 1, accounts[0]!, accounts[1]!, '1', { contractAddress: contract, tokenSymbol: t.symbol, tokenDecimal: String(t.decimals) }),
    );
  const expected: WorldMovement[] = [];
  const hashes: string[] = [];
  for (let i = 0; i < size.txs; i++) {
    const hash = evmHash(0xa0000 + i);
    const block = 100 + int(5);
    const failed = rand() < 0.15;
    const put = (m: Omit<WorldMovement, 'tx' | 'time'>) => failed || m.amount === 0n || expected.push({ ...m, tx: hash, time: timeOf(block) });
    const from = accounts[int(accounts.length)]!;
    const to = anyone();
    const value = rand() < 0.5 ? 0n : amount();
    hashes.push(hash);
    data.txlist!.push(normalRow(0xa0000 + i, block, from, to, String(value), { hash, isError: failed ? '1' : '0', txreceipt_status: failed ? '0' : '1' }));
    put({ type: 'native', from, to, asset: 'native', amount: value });
    for (let k = int(4); k > 0; k--) {
      const [callFrom, callTo, callValue, callFailed] = [contracts[int(contracts.length)]!, anyone(), amount(), rand() < 0.2];
      data.txlistinternal!.push(internalRow(0xa0000 + i, block, callFrom, callTo, String(callValue), { hash, isError: callFailed ? '1' : '0' }));
      if (!callFailed) put({ type: 'internal', from: callFrom, to: callTo, asset: 'native', amount: callValue });
    }
    data.logs![hash] = worldLogs(rand, { tokenList, anyone, amount }, put);
  }
  return { data, hashes, expected, tokens, accounts, contracts };
}

type Put = (m: Omit<WorldMovement, 'tx' | 'time'>) => unknown;

/** A transaction's logs: movements (written through `put`) and look-alikes that are not, indexes shuffled. */
function worldLogs(rand: () => number, w: { tokenList: string[]; anyone: () => string; amount: () => bigint }, put: Put) {
  const int = (n: number) => Math.floor(rand() * n);
  const logs: Array<{ address: string; topics: string[]; data: string }> = [];
  for (let k = int(5); k > 0; k--) {
    const [contract, from, to, value] = [w.tokenList[int(w.tokenList.length)]!, w.anyone(), w.anyone(), w.amount()];
    logs.push({ address: contract, topics: [TOPIC.transfer, topicOf(from), topicOf(to)], data: word(value) });
    put({ type: 'token', from, to, asset: contract, amount: value });
  }
  for (let k = int(3); k > 0; k--) {
    const [wrapper, who, value, deposit] = [rand() < 0.5 ? WETH : OPTION_WRAPPER, w.anyone(), w.amount(), rand() < 0.5];
    logs.push({ address: wrapper, topics: [deposit ? TOPIC.deposit : TOPIC.withdrawal, topicOf(who)], data: word(value) });
    put({ type: 'token', from: deposit ? wrapper : who, to: deposit ? who : wrapper, asset: wrapper, amount: value });
  }
  if (rand() < 0.5) logs.push({ address: w.tokenList[0]!, topics: [TOPIC.transfer, topicOf(w.anyone()), topicOf(w.anyone()), word(7n)], data: '0x' });
  if (rand() < 0.5) logs.push({ address: w.tokenList[0]!, topics: [TOPIC.approval, topicOf(w.anyone()), topicOf(w.anyone())], data: word(w.amount()) });
  const order = logs.map((_, i) => i).sort(() => rand() - 0.5);
  return logs.map((l, i) => ({ ...l, logIndex: order[i]! }));
}

type NodeRequest = (method: string, params: unknown[]) => Promise<unknown>;

/**
 * What an explorer indexes for some transactions of a local chain: each transaction (txlist row with its status),
 * its receipt's logs, its internal calls (`internal`: what the swap oracle read from the node's traces), one indexed
 * transfer per token for its metadata, and the contracts' creation records. `transfers` also lists every Transfer
 * log of those tokens as a tokentx row (with its log index) and each transaction's real gas, as an explorer serves
 * them to a trace that walks addresses' lists.
 */
export async function indexChain(
  request: NodeRequest,
  hashes: string[],
  o: {
    internal: Map<string, Array<{ from: string; to: string; amount: bigint }>>;
    tokens: Array<{ address: string; symbol: string; decimals: number }>;
    contracts: string[];
    transfers?: boolean;
  },
): Promise<EtherscanData> {
  const tokens = new Map(o.tokens.map((t) => [t.address.toLowerCase(), t]));
  const data: EtherscanData = { txlist: [], txlistinternal: [], tokentx: [], logs: {}, blocks: [] };
  for (const hash of hashes) {
    const tx = (await request('eth_getTransactionByHash', [hash])) as { from: string; to: string | null; value: string };
    const receipt = (await request('eth_getTransactionReceipt', [hash])) as {
      status: string;
      blockNumber: string;
      transactionIndex: string;
      gasUsed: string;
      effectiveGasPrice: string;
      logs: Array<{ address: string; topics: string[]; data: string; logIndex: string }>;
    };
    const block = Number(receipt.blockNumber);
    const { timestamp } = (await request('eth_getBlockByNumber', [receipt.blockNumber, false])) as { timestamp: string };
    const time = String(Number(timestamp));
    const ok = BigInt(receipt.status) === 1n;
    const common = { hash, timeStamp: time, transactionIndex: String(Number(receipt.transactionIndex)) };
    const gas = o.transfers ? { gasUsed: String(BigInt(receipt.gasUsed)), gasPrice: String(BigInt(receipt.effectiveGasPrice)) } : {};
    data.txlist!.push(
      normalRow(0, block, tx.from, tx.to ?? '', String(BigInt(tx.value)), { ...common, ...gas, isError: ok ? '0' : '1', txreceipt_status: ok ? '1' : '0' }),
    );
    for (const l of o.transfers && ok ? receipt.logs : []) {
      const token = tokens.get(l.address.toLowerCase());
      if (!token || l.topics[0] !== TOPIC.transfer || l.topics.length !== 3) continue;
      const [from, to] = [l.topics[1]!, l.topics[2]!].map((t) => `0x${t.slice(-40)}`);
      const meta = { contractAddress: token.address, tokenSymbol: token.symbol, tokenName: token.symbol, tokenDecimal: String(token.decimals) };
      data.tokentx!.push(tokenRow(0, block, from!, to!, String(BigInt(l.data)), { ...common, ...gas, ...meta, logIndex: String(Number(l.logIndex)) }));
    }
    data.logs![hash] = receipt.logs.map((l) => ({ address: l.address, topics: l.topics, data: l.data, logIndex: Number(l.logIndex) }));
    for (const call of o.internal.get(hash) ?? [])
      data.txlistinternal!.push(internalRow(0, block, call.from, call.to, String(call.amount), { hash, timeStamp: time }));
  }
  for (const t of o.tokens)
    data.tokentx!.push(
      tokenRow(0xfeed, 1, evmAddress(1), evmAddress(2), '1', { contractAddress: t.address, tokenSymbol: t.symbol, tokenDecimal: String(t.decimals) }),
    );
  data.contracts = o.contracts.map((address) => ({ address, creator: evmAddress(1), txHash: evmHash(0xc0de) }));
  return data;
}
