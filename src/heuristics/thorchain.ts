import { z } from 'zod';
import { normalizeAddress } from '../core/address.js';
import { getChain } from '../core/chain.js';
import { ChaintrailError, MemoError } from '../core/errors.js';
import { parseInput } from '../core/parse.js';
import type { UtxoTransaction } from '../core/movement.js';
import type { BridgeEventSchema } from '../core/schema.js';
import { lazyPackage } from '../core/lazy.js';
import type { TransactionLog } from '../adapters/adapter.js';

/**
 * THORChain: its routers on EVM chains, the router's Deposit event and the memos that say where a swap goes. Pure
 * data and pure decoding; no I/O. Memos are read as THORChain documents them
 * (https://dev.thorchain.org/concepts/memos.html, asset notation: https://dev.thorchain.org/concepts/asset-notation.html):
 * `FUNCTION:PARAM1:PARAM2:…`, functions case-insensitive, optional parameters left empty.
 */

export const THORCHAIN = 'thorchain';

/**
 * THORChain_Router V4's deposit event (thornode chain/ethereum/contracts/THORChain_Router.sol): `to` is the Asgard
 * vault, `asset` the token (the zero address for the chain's native asset), `memo` the user's intent.
 */
export const THORCHAIN_DEPOSIT_EVENT: z.infer<typeof BridgeEventSchema> = Object.freeze({
  abi: 'event Deposit(address indexed to, address indexed asset, uint256 amount, string memo)',
  recipientField: 'to',
  amountField: 'amount',
  tokenField: 'asset',
  memoField: 'memo',
});

/**
 * THORChain_Router's outbound event (V4 and V5, thornode chain/ethereum/contracts/THORChain_Router.sol): the vault
 * (`msg.sender` of `transferOut`) pays `to` the `amount` of `asset` (the zero address for the native asset, which the
 * router forwards with the call); THORChain writes `OUT:<inbound tx id>` into `memo`.
 */
export const THORCHAIN_TRANSFER_OUT_ABI = 'event TransferOut(address indexed vault, address indexed to, address asset, uint256 amount, string memo)';

/** A decoded TransferOut: who paid whom how much of what, and the inbound its memo answers (upper-case, no 0x). */
export interface ThorchainTransferOut {
  router: string;
  logIndex: number;
  vault: string;
  to: string;
  /** Lower-case token contract; null for the native asset. */
  asset: string | null;
  amount: bigint;
  memo: string;
  inboundTx?: string;
}

const ethersAbi = lazyPackage<typeof import('ethers/abi')>('ethers/abi');
let transferOutInterface: import('ethers/abi').Interface | undefined;

/** The TransferOut events among `logs` emitted by an address `isRouter` accepts; other logs are not read. */
export function decodeTransferOuts(logs: readonly TransactionLog[], isRouter: (address: string) => boolean): ThorchainTransferOut[] {
  const i = (transferOutInterface ??= new (ethersAbi().Interface)([THORCHAIN_TRANSFER_OUT_ABI]));
  const topic = i.getEvent('TransferOut')!.topicHash;
  const out: ThorchainTransferOut[] = [];
  for (const log of logs) {
    if (log.topics[0]?.toLowerCase() !== topic || !isRouter(log.address.toLowerCase())) continue;
    let args: import('ethers/abi').Result;
    try {
      args = i.decodeEventLog('TransferOut', log.data, log.topics);
    } catch {
      continue; // same topic, other layout (not THORChain's event): not an outbound
    }
    const asset = String(args.getValue('asset')).toLowerCase();
    const memo = String(args.getValue('memo'));
    const inboundTx = outboundOf(memo);
    out.push({
      router: log.address.toLowerCase(),
      logIndex: log.logIndex,
      vault: String(args.getValue('vault')).toLowerCase(),
      to: String(args.getValue('to')).toLowerCase(),
      asset: /^0x0{40}$/.test(asset) ? null : asset,
      amount: BigInt(args.getValue('amount') as bigint),
      memo,
      ...(inboundTx ? { inboundTx } : {}),
    });
  }
  return out;
}

/** The token contract of an EVM asset in THORChain notation (`ETH.USDT-0XDAC1…`), lower-case; undefined for the native asset. */
export function thorchainTokenContract(notation: string): string | undefined {
  const m = /-(0X[0-9A-F]{40})$/i.exec(notation);
  return m ? m[1]!.toLowerCase() : undefined;
}

/** THORChain's routers as the protocol publishes them (`router` of /thorchain/inbound_addresses). */
export const THORCHAIN_ROUTERS = Object.freeze([
  {
    chain: 'ethereum',
    address: '0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146',
    protocol: THORCHAIN,
    name: 'THORChain Router (Ethereum)',
    events: [THORCHAIN_DEPOSIT_EVENT],
    reference: 'https://dev.thorchain.org/concepts/querying-thorchain.html (inbound_addresses, ETH "router"); Deposit event: THORChain_Router.sol',
  },
]);

/** THORChain's chain codes, with chaintrail's chain where there is one. */
const CHAINS: Record<string, { name: string; chain?: string }> = {
  BTC: { name: 'Bitcoin', chain: 'bitcoin' },
  ETH: { name: 'Ethereum', chain: 'ethereum' },
  BSC: { name: 'BNB Smart Chain', chain: 'evm:56' },
  AVAX: { name: 'Avalanche C-Chain', chain: 'evm:43114' },
  BASE: { name: 'Base', chain: 'evm:8453' },
  TRON: { name: 'TRON', chain: 'tron' },
  DOGE: { name: 'Dogecoin' },
  LTC: { name: 'Litecoin' },
  BCH: { name: 'Bitcoin Cash' },
  GAIA: { name: 'Cosmos Hub' },
  THOR: { name: 'THORChain' },
  BNB: { name: 'BNB Beacon Chain' },
  XRP: { name: 'XRP Ledger' },
  SOL: { name: 'Solana' },
};

/** The documented one-letter asset abbreviations (asset-notation.md, "Shortened asset names"). */
export const SHORT_ASSETS: Readonly<Record<string, string>> = Object.freeze({
  a: 'AVAX.AVAX',
  b: 'BTC.BTC',
  c: 'BCH.BCH',
  d: 'DOGE.DOGE',
  e: 'ETH.ETH',
  f: 'BASE.ETH',
  g: 'GAIA.ATOM',
  l: 'LTC.LTC',
  n: 'BNB.BNB',
  r: 'THOR.RUNE',
  s: 'BSC.BNB',
  x: 'XRP.XRP',
});

/** An asset in THORChain notation: `CHAIN.SYMBOL[-CONTRACT]` (layer 1), `CHAIN/SYMBOL` (synth), `CHAIN~SYMBOL` (trade), `CHAIN-SYMBOL` (secured). */
export interface ThorchainAsset {
  /** Upper-case notation, abbreviations expanded ('BTC.BTC', 'ETH.USDT-0XDAC1…'). */
  notation: string;
  chain: string;
  symbol: string;
  kind: 'layer1' | 'synth' | 'trade' | 'secured';
  /** Where the asset is paid out: its own chain for layer-1 assets, THORChain for synths, trade and secured assets. */
  network: string;
}

const SEPARATORS = { '.': 'layer1', '/': 'synth', '~': 'trade', '-': 'secured' } as const;

/** Reads an asset in THORChain notation; undefined when it is none. */
export function parseThorchainAsset(text: string): ThorchainAsset | undefined {
  const expanded = SHORT_ASSETS[text] ?? (text.toUpperCase() === 'RUNE' ? 'THOR.RUNE' : text);
  const m = /^([A-Za-z0-9]{2,10})([./~-])([A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*)$/.exec(expanded);
  if (!m) return undefined;
  const chain = m[1]!.toUpperCase();
  const kind = SEPARATORS[m[2] as keyof typeof SEPARATORS];
  const symbol = m[3]!.toUpperCase();
  return { notation: `${chain}${m[2]}${symbol}`, chain, symbol, kind, network: kind === 'layer1' ? chain : 'THOR' };
}

/** A memo as THORChain reads it. */
export type ThorchainMemo =
  | {
      kind: 'swap';
      asset: ThorchainAsset;
      /** Destination address or THORName; absent = the sender (same chain only). */
      destination?: string;
      /** `DESTADDR/REFUNDADDR`: where a refund goes. */
      refundAddress?: string;
      /** Minimum output (1e8 units; scientific notation expanded), streaming interval and quantity. */
      limit?: bigint;
      interval?: number;
      quantity?: number;
      affiliates: string[];
      /** Affiliate fees in basis points (one per affiliate, `/`-separated in the memo). */
      fees: string[];
    }
  | { kind: 'add'; asset: ThorchainAsset; pairedAddress?: string; affiliates: string[]; fees: string[] }
  | { kind: 'withdraw'; asset: ThorchainAsset; basisPoints?: number; withdrawAsset?: ThorchainAsset }
  | { kind: 'out' | 'refund'; inboundTx: string }
  | { kind: 'other'; function: string };

const FUNCTIONS: Record<string, 'swap' | 'add' | 'withdraw' | 'out' | 'refund' | 'other'> = {
  swap: 'swap',
  s: 'swap',
  '=': 'swap',
  add: 'add',
  a: 'add',
  '+': 'add',
  withdraw: 'withdraw',
  wd: 'withdraw',
  '-': 'withdraw',
  out: 'out',
  refund: 'refund',
};
// Functions THORChain knows that move nothing to another chain's recipient (liquidity, bonds, names, loans, pools).
for (const f of [
  'donate',
  'd',
  'reserve',
  'bond',
  'unbond',
  'leave',
  'migrate',
  'ragnarok',
  'noop',
  'consolidate',
  'name',
  'n',
  '~',
  'loan+',
  '$+',
  'loan-',
  '$-',
  'pool+',
  'pool-',
  'trade+',
  'trade-',
  'secure+',
  'secure-',
  'runepool+',
  'runepool-',
  'switch',
  'yggdrasil+',
  'yggdrasil-',
])
  FUNCTIONS[f] = 'other';

/** A memo as it travels: at most 250 bytes (THORChain ignores longer ones), printable, `FUNCTION:…`. */
const MemoTextSchema = z
  .string()
  .min(1, 'empty memo')
  .refine((s) => Buffer.byteLength(s, 'utf8') <= 250, 'longer than THORChain’s 250-byte memo limit')
  .refine((s) => /^[\x20-\x7e]*$/.test(s), 'not printable ASCII');

const address = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'not an address or THORName');
const optionalAddress = z.union([z.literal(''), address]).transform((s) => (s === '' ? undefined : s));
const basisPoints = z.string().regex(/^\d+(\.\d+)?$/, 'expected basis points');
const integer = z
  .string()
  .regex(/^\d*$/, 'expected a whole number')
  .transform((s) => (s === '' ? undefined : Number(s)));
const limitAmount = z
  .string()
  .regex(/^(\d+(\.\d+)?([eE]\d{1,2})?)?$/, 'expected an amount (digits, or scientific notation like 1e6)')
  .transform((s) => (s === '' ? undefined : expandAmount(s)));
const txid = z
  .string()
  .regex(/^(0[xX])?[0-9A-Fa-f]{64}$/, 'expected a 64-digit transaction hash')
  .transform((s) => s.replace(/^0[xX]/, '').toUpperCase());

/** `1.5e6` -> 1500000n; digits stay digits (the fraction that scientific notation leaves is cut, as THORChain does). */
function expandAmount(s: string): bigint {
  const [mantissa, exponent = '0'] = s.toLowerCase().split('e') as [string, string?];
  const [whole, fraction = ''] = mantissa.split('.') as [string, string?];
  const e = Number(exponent);
  return BigInt(`${whole}${fraction.slice(0, e).padEnd(e, '0')}`);
}

const fail = (memo: string, message: string): never => {
  throw new MemoError(`THORChain memo "${shorten(memo)}": ${message}`, { details: { memo } });
};
const shorten = (memo: string) => (memo.length > 80 ? `${memo.slice(0, 77)}...` : memo);
const check = <S extends z.ZodType>(schema: S, value: string, memo: string, what: string): z.output<S> =>
  parseInput(schema, value, `THORChain memo "${shorten(memo)}": ${what}`, { error: (m, details) => new MemoError(m, { details: { ...details, memo } }) });
const list = (s: string | undefined) => (s ? s.split('/').filter(Boolean) : []);

function assetAt(memo: string, text: string | undefined, what: string): ThorchainAsset {
  if (!text) return fail(memo, `no ${what}`);
  return (
    parseThorchainAsset(text) ??
    fail(memo, `${what} "${text}" is not in THORChain asset notation (CHAIN.SYMBOL, or one of ${Object.keys(SHORT_ASSETS).join(', ')})`)
  );
}

/**
 * Reads a THORChain memo. Throws MemoError (one line naming what is wrong) for text that is no memo THORChain
 * documents: an unknown function, a swap without a valid asset, a limit that is no amount, an OUT without a hash.
 */
export function parseThorchainMemo(memo: string): ThorchainMemo {
  parseInput(MemoTextSchema, memo, `THORChain memo "${shorten(String(memo))}"`, { error: (m, details) => new MemoError(m, { details: { ...details, memo } }) });
  const [fn = '', ...params] = memo.split(':');
  const kind = FUNCTIONS[fn.toLowerCase()];
  if (!kind) return fail(memo, `unknown function "${fn}" (known: SWAP/s/=, ADD/a/+, WITHDRAW/wd/-, OUT, REFUND and THORChain's other functions)`);
  switch (kind) {
    case 'swap': {
      const [assetText, dest = '', limits = '', affiliates = '', fees = ''] = params;
      const asset = assetAt(memo, assetText, 'asset to swap to');
      const [destination, refundAddress] = dest.split('/') as [string, string?];
      const [limit = '', interval = '', quantity = ''] = limits.split('/');
      return {
        kind,
        asset,
        ...defined('destination', check(optionalAddress, destination, memo, 'destination')),
        ...defined('refundAddress', refundAddress === undefined ? undefined : check(optionalAddress, refundAddress, memo, 'refund address')),
        ...defined('limit', check(limitAmount, limit, memo, 'limit')),
        ...defined('interval', check(integer, interval, memo, 'streaming interval')),
        ...defined('quantity', check(integer, quantity, memo, 'streaming quantity')),
        affiliates: list(affiliates).map((a) => check(address, a, memo, 'affiliate')),
        fees: list(fees).map((f) => check(basisPoints, f, memo, 'affiliate fee')),
      };
    }
    case 'add': {
      const [assetText, paired = '', affiliates = '', fees = ''] = params;
      return {
        kind,
        asset: assetAt(memo, assetText, 'pool'),
        ...defined('pairedAddress', check(optionalAddress, paired, memo, 'paired address')),
        affiliates: list(affiliates).map((a) => check(address, a, memo, 'affiliate')),
        fees: list(fees).map((f) => check(basisPoints, f, memo, 'affiliate fee')),
      };
    }
    case 'withdraw': {
      const [assetText, bps = '', withdrawAsset] = params;
      return {
        kind,
        asset: assetAt(memo, assetText, 'pool'),
        ...defined('basisPoints', check(integer, bps, memo, 'basis points')),
        ...(withdrawAsset ? { withdrawAsset: assetAt(memo, withdrawAsset, 'asset to withdraw') } : {}),
      };
    }
    case 'out':
    case 'refund':
      return { kind, inboundTx: check(txid, params[0] ?? '', memo, `${fn.toUpperCase()} transaction`) };
    default:
      return { kind: 'other', function: fn.toUpperCase() };
  }
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** A transaction hash as THORChain writes it in OUT:/REFUND: memos and its API: upper-case hex without 0x. */
export const thorchainTxId = (hash: string): string => hash.replace(/^0[xX]/, '').toUpperCase();

/** The inbound transaction an outbound memo (`OUT:<hash>`) answers; undefined for any other text. */
export function outboundOf(memo: string): string | undefined {
  try {
    const parsed = parseThorchainMemo(memo);
    return parsed.kind === 'out' ? parsed.inboundTx : undefined;
  } catch (error) {
    if (error instanceof ChaintrailError) return undefined;
    throw error;
  }
}

/** What a memo on an inbound says about where the funds go, for a bridge exit. */
export interface MemoDestination {
  memo: string;
  kind?: ThorchainMemo['kind'];
  /** chaintrail's chain of the destination, when it has one. */
  destinationChain?: string;
  /** THORChain's code of the destination chain ('BTC', 'DOGE', 'GAIA', 'THOR'), also for chains chaintrail cannot read. */
  destinationNetwork?: string;
  destinationAsset?: string;
  /** The recipient: normalized on a chain chaintrail knows, else as the memo wrote it. */
  recipient?: string;
  /** What the memo says, for people. */
  says: string;
}

/** The destination an inbound memo names (swaps), or what it does instead; a memo THORChain would not read says so. */
export function memoDestination(memo: string): MemoDestination {
  let parsed: ThorchainMemo;
  try {
    parsed = parseThorchainMemo(memo);
  } catch (error) {
    if (!(error instanceof MemoError)) throw error;
    return { memo, says: `its memo is not one THORChain documents (${error.shortMessage}); THORChain refunds such deposits` };
  }
  if (parsed.kind !== 'swap') {
    const what =
      parsed.kind === 'add'
        ? `adds liquidity to the ${parsed.asset.notation} pool`
        : parsed.kind === 'withdraw'
          ? `asks to withdraw liquidity from the ${parsed.asset.notation} pool`
          : parsed.kind === 'other'
            ? `calls THORChain's ${parsed.function} function`
            : `is an outbound memo (${parsed.kind.toUpperCase()}), which only THORChain's vaults write`;
    return { memo, kind: parsed.kind, ...(parsed.kind === 'add' ? { destinationNetwork: 'THOR' } : {}), says: `its memo ${what}` };
  }
  const network = parsed.asset.network;
  // Bitcoin's test networks (THORChain's stagenet and test setups) are told by the recipient's address.
  const chain =
    network === 'BTC' && parsed.destination
      ? (['bitcoin', 'bitcoin-testnet', 'bitcoin-regtest'].find((c) => validOn(c, parsed.destination!)) ?? 'bitcoin')
      : CHAINS[network]?.chain;
  const where = `${network}${CHAINS[network] ? ` (${CHAINS[network]!.name})` : ''}`;
  const base = { memo, kind: parsed.kind, destinationNetwork: network, destinationAsset: parsed.asset.notation, ...(chain ? { destinationChain: chain } : {}) };
  if (!parsed.destination) return { ...base, says: `its memo swaps to ${parsed.asset.notation} on ${where} and names no recipient (the sender's own address)` };
  const recipient = chain ? normalizedOr(chain, parsed.destination) : parsed.destination;
  const traceable = chain ? '' : '; chaintrail has no source for that chain';
  const note = chain && recipient === parsed.destination && !validOn(chain, parsed.destination) ? ` (not a ${chain} address: a THORName?)` : '';
  return { ...base, recipient, says: `its memo swaps to ${parsed.asset.notation} on ${where}, recipient ${recipient}${note}${traceable}` };
}

function validOn(chain: string, text: string): boolean {
  try {
    normalizeAddress(chain, text);
    return true;
  } catch {
    return false;
  }
}

function normalizedOr(chain: string, text: string): string {
  try {
    return normalizeAddress(getChain(chain).id, text);
  } catch {
    return text;
  }
}

/** The text of an OP_RETURN payload (hex), when it is printable ASCII (a memo); undefined otherwise. */
export function memoText(dataHex: string): string | undefined {
  const text = Buffer.from(dataHex, 'hex').toString('latin1');
  return text.length > 0 && /^[\x20-\x7e]+$/.test(text) ? text : undefined;
}

/**
 * A Bitcoin-side inbound (THORChain's docs, "UTXO chains": the memo in an OP_RETURN output, the vault paid by the
 * first other output, change back to the sender): when `tx` carries a THORChain SWAP memo and output `n` is the first
 * output that pays neither an OP_RETURN nor an address the inputs came from, output `n` paid a THORChain vault and the
 * memo says where the swap goes. Undefined for any other output, and for transactions without such a memo.
 */
export function utxoInbound(tx: UtxoTransaction, n: number): MemoDestination | undefined {
  let found = inbounds.get(tx);
  if (found === undefined) inbounds.set(tx, (found = vaultOutput(tx)));
  return found && found.n === n ? found.destination : undefined;
}

// Asked once per reached output and round: each transaction is read once.
const inbounds = new WeakMap<UtxoTransaction, { n: number; destination: MemoDestination } | null>();

function vaultOutput(tx: UtxoTransaction): { n: number; destination: MemoDestination } | null {
  if (!tx.outputs.some((o) => o.data !== undefined)) return null;
  const destination = tx.outputs
    .map((o) => (o.data ? memoText(o.data) : undefined))
    .map((m) => (m === undefined ? undefined : memoDestination(m)))
    .find((d) => d?.kind === 'swap');
  if (!destination) return null;
  const senders = new Set(tx.inputs.map((i) => i.address));
  const vault = tx.outputs.find((o) => o.data === undefined && o.value > 0n && o.address !== null && !senders.has(o.address));
  return vault ? { n: vault.n, destination } : null;
}
