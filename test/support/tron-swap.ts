/**
 * A generated swap world (test/support/swap-world.ts) as TronGrid would hold it, for the TronGrid stand-in
 * (trongrid-server.ts): the same transactions, parties, logs and internal value calls, read from the ganache node,
 * with TRON's shapes. Addresses keep their 20 bytes under TRON's 0x41 prefix, but the WETH9 wrapper becomes mainnet
 * WTRX (the wrapper chaintrail knows on TRON) and the test USDT becomes USDT-TRC20 (any other "USDT" is a look-alike). ETH amounts (wei) become TRX amounts in sun by dropping 12 decimals, on
 * every native value, internal call and wrapper event alike, so the world still balances.
 *   const tron = await tronSwapData(world, hashes);
 *   startTronServer({ data: tron.data }); tron.txid(hash); tron.address(evmAddress); tron.expected (movement keys)
 */
import { tronBase58ToHex, tronHexToBase58 } from '../../src/core/address.js';
import { readTxMovements, type Movement } from './swap-oracle.js';
import type { SwapWorld, TokenName } from './swap-world.js';
import { DEPOSIT_TOPIC, WITHDRAWAL_TOPIC } from '../../src/core/wrapped-native.js';
import { trc20, trxTransfer, triggerCall, USDT_TRC20, type Trc20Rec, type TronData, type TronEventRec, type TronTxRec } from './trongrid-server.js';

export const WTRX = 'TNUC9Qb1rRpS5CbWLmNMxXBjyFoydXjWFR';
/** wei -> sun. */
const SCALE = 10n ** 12n;
const TRANSFER = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

type NodeLog = { address: string; topics: string[]; data: string; logIndex: string };

export interface TronSwapData {
  data: TronData;
  /** The TRON txid of an EVM hash (its 64 hex digits). */
  txid: (hash: string) => string;
  /** The TRON address of an EVM address. */
  address: (evm: string) => string;
  /** What getTransactionMovements must give, as `txid|from>to:TRX or contract:amount` keys (movements above zero), sorted. */
  expected: string[];
}

export async function tronSwapData(world: SwapWorld, hashes: string[]): Promise<TronSwapData> {
  const weth = world.tokens.WETH.address.toLowerCase();
  const wtrxHex = `0x${tronBase58ToHex(WTRX).slice(4)}`;
  const renamed = new Map([
    [weth, wtrxHex],
    [world.tokens.USDT.address.toLowerCase(), `0x${tronBase58ToHex(USDT_TRC20).slice(4)}`],
  ]);
  const evmOf = (a: string) => renamed.get(a.toLowerCase()) ?? a.toLowerCase();
  const address = (a: string) => tronHexToBase58(`41${evmOf(a).slice(2)}`);
  const hex41 = (a: string) => `41${evmOf(a).slice(2)}`;
  const txid = (hash: string) => hash.toLowerCase().replace(/^0x/, '');
  const sun = (wei: bigint) => wei / SCALE;
  const tokenOf = new Map<string, TokenName>((['USDT', 'DAI', 'WETH'] as const).map((n) => [world.tokens[n].address.toLowerCase(), n]));
  const data: Required<Pick<TronData, 'trc20' | 'transactions' | 'infos' | 'contracts' | 'events'>> = {
    trc20: [],
    transactions: [],
    infos: {},
    contracts: [],
    events: [],
  };
  data.contracts = [...world.contracts].map(address);
  const expected: string[] = [];
  const rpc = world.chain.request;

  for (const hash of hashes) {
    const id = txid(hash);
    const tx = (await rpc('eth_getTransactionByHash', [hash])) as { from: string; to: string; value: string };
    const receipt = (await rpc('eth_getTransactionReceipt', [hash])) as { blockNumber: string; gasUsed: string; effectiveGasPrice: string; logs: NodeLog[] };
    const { timestamp } = (await rpc('eth_getBlockByNumber', [receipt.blockNumber, false])) as { timestamp: string };
    const [block, timeMs] = [Number(receipt.blockNumber), Number(timestamp) * 1000];
    const fee = Number(sun(BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice)));
    const value = Number(sun(BigInt(tx.value)));
    const called = world.contracts.has(tx.to.toLowerCase());
    const rec: TronTxRec = called
      ? triggerCall(0, address(tx.from), address(tx.to), value > 0 ? value : undefined, block, timeMs, fee)
      : trxTransfer(0, address(tx.from), address(tx.to), value, block, timeMs, fee);
    data.transactions.push({ ...rec, txID: id });
    const read = await readTxMovements(rpc, hash, weth, (a) => world.contracts.has(a));
    const internal = read.movements.filter((m) => m.kind === 'internal');
    // The v1 account lists show internal TRX transfers too (search_internal).
    internal.forEach((m, k) =>
      data.transactions.push({
        internal_tx_id: (BigInt(`0x${id}`) + BigInt(k + 1)).toString(16).padStart(64, '0'),
        tx_id: id,
        block_timestamp: timeMs,
        from_address: hex41(m.from),
        to_address: hex41(m.to),
        data: { call_value: { _: Number(sun(m.amount)) }, note: '63616c6c' },
      }),
    );
    data.infos[id] = {
      id,
      fee,
      blockNumber: block,
      blockTimeStamp: timeMs,
      contractResult: [''],
      ...(called ? { contract_address: hex41(tx.to) } : {}),
      receipt: { energy_usage_total: Number(receipt.gasUsed), net_usage: 345, result: 'SUCCESS' },
      log: receipt.logs.map((l) => tronLog(l, weth, evmOf, sun)),
      internal_transactions: internal.map((m, k) => ({
        hash: (BigInt(`0x${id}`) + BigInt(k + 1)).toString(16).padStart(64, '0'),
        caller_address: hex41(m.from),
        transferTo_address: hex41(m.to),
        callValueInfo: [{ callValue: Number(sun(m.amount)) }],
        note: '63616c6c',
      })),
    };
    // TronGrid's v1 TRC-20 list, which names each token (symbol, decimals) under both parties.
    for (const l of receipt.logs.filter((x) => x.topics[0] === TRANSFER && tokenOf.has(x.address.toLowerCase()))) {
      const name = tokenOf.get(l.address.toLowerCase())!;
      const amount = name === 'WETH' ? sun(BigInt(l.data)) : BigInt(l.data);
      const token =
        name === 'WETH'
          ? { address: WTRX, symbol: 'WTRX', decimals: 6, name: 'Wrapped TRX' }
          : { address: address(l.address), symbol: name, decimals: name === 'USDT' ? 6 : 18, name };
      const rec: Trc20Rec = trc20(0, address(topicAddress(l.topics[1]!)), address(topicAddress(l.topics[2]!)), amount.toString(), timeMs, token);
      data.trc20.push({ ...rec, transaction_id: id });
    }
    // WTRX's Deposit/Withdrawal as TronGrid's contract event list shows them (what getTransfers reads for wrapping).
    receipt.logs.forEach((l, position) => {
      const topic = l.topics[0]?.toLowerCase();
      if (l.address.toLowerCase() !== weth || (topic !== DEPOSIT_TOPIC && topic !== WITHDRAWAL_TOPIC)) return;
      const [name, arg] = topic === DEPOSIT_TOPIC ? ['Deposit', 'dst'] : ['Withdrawal', 'src'];
      const who = evmOf(topicAddress(l.topics[1]!));
      const wad = sun(BigInt(l.data)).toString();
      data.events.push({
        block_number: block,
        block_timestamp: timeMs,
        caller_contract_address: WTRX,
        contract_address: WTRX,
        event_index: position,
        event_name: name,
        result: { '0': who, '1': wad, [arg]: who, wad },
        result_type: { [arg]: 'address', wad: 'uint256' },
        event: `${name}(address indexed ${arg}, uint256 wad)`,
        transaction_id: id,
      } satisfies TronEventRec);
    });
    expected.push(...read.movements.map((m) => keyOf(id, m, address, sun, weth)).filter((k): k is string => k !== undefined));
    if (value > 0) expected.push(`${id}|${address(tx.from)}>${address(tx.to)}:TRX:${value}`);
  }
  return { data, txid, address, expected: expected.sort() };
}

/** The oracle's movement as TRON shows it (the transaction's own value is added by the caller, in sun as sent). */
function keyOf(id: string, m: Movement, address: (a: string) => string, sun: (wei: bigint) => bigint, weth: string): string | undefined {
  if (m.kind === 'value') return undefined;
  const wrapped = m.raw === weth;
  const amount = m.kind === 'internal' || wrapped ? sun(m.amount) : m.amount;
  if (amount === 0n) return undefined;
  const asset = m.kind === 'internal' ? 'TRX' : wrapped ? WTRX : address(m.raw);
  return `${id}|${address(m.from)}>${address(m.to)}:${asset}:${amount}`;
}

/** A receipt log as /wallet/gettransactioninfobyid prints it: hex without 0x, 20-byte addresses renamed; WETH in sun. */
function tronLog(l: NodeLog, weth: string, evmOf: (a: string) => string, sun: (wei: bigint) => bigint) {
  const fromWrapper = l.address.toLowerCase() === weth;
  const data = fromWrapper && l.data.length === 66 ? `0x${sun(BigInt(l.data)).toString(16).padStart(64, '0')}` : l.data;
  // Topics that hold an address (the zero-padded 20 bytes) name it as TRON does.
  const topic = (t: string) =>
    /^0x0{24}[0-9a-f]{40}$/.test(t.toLowerCase()) ? `${'0'.repeat(24)}${evmOf(`0x${t.slice(-40)}`).slice(2)}` : t.slice(2).toLowerCase();
  return { address: evmOf(l.address).slice(2), topics: l.topics.map(topic), data: data.slice(2) };
}

const topicAddress = (topic: string) => `0x${topic.slice(-40)}`;
