import { getChain } from '../core/chain.js';
import type { BRIDGE_CHAIN_NUMBERINGS } from '../core/schema.js';

/**
 * How bridge events number chains, and how they write recipients on chains chaintrail cannot read. Pure data. A
 * destination is either a chaintrail chain id (`ethereum`, `evm:42161`, `bitcoin`) or a network name for a chain
 * chaintrail has no id for (`solana`, `sui`, `aptos`, `starknet`, `zksync-lite`); an id no table knows stays unmapped
 * and the report keeps the raw number.
 */
export type ChainNumbering = (typeof BRIDGE_CHAIN_NUMBERINGS)[number];

/** A mapped destination: a chaintrail chain, or a named network chaintrail has no chain id for. */
export type BridgeDestination = { chain: string; network?: undefined } | { chain?: undefined; network: string };

const net = (network: string): BridgeDestination => ({ network });
const on = (chain: string): BridgeDestination => ({ chain: getChain(chain).id });

/**
 * Protocol chain numberings, each from the protocol's own documentation:
 * - LayerZero v1 (Stargate v1 `Swap.chainId`): https://stargateprotocol.gitbook.io/stargate/developers/chain-ids
 * - LayerZero v2 endpoint ids (Stargate v2 `OFTSent.dstEid`): https://docs.stargate.finance/resources/contracts/mainnet-contracts
 *   ("Ethereum endpointID: 30101", BNB 30102, Avalanche 30106, …) and https://docs.layerzero.network/v2/deployments/deployed-contracts
 * - Wormhole chain ids (token transfer payload `toChain`): https://wormhole.com/docs/products/reference/chain-ids/
 * - deBridge DLN (`order.takeChainId`): EIP-155 ids for EVM chains, 7565164 for Solana, internal ids from 100000001
 *   on for chains deBridge numbers itself: https://docs.debridge.com/home/architecture/supported-chains
 * - LI.FI (`BridgeData.destinationChainId`): EIP-155 ids; Solana 1151111081099710
 *   (https://docs.li.fi/li.fi-api/solana), Bitcoin 20000000000001
 *   (https://docs.li.fi/introduction/user-flows-and-examples/bitcoin-tx-example)
 */
const TABLES: Record<Exclude<ChainNumbering, 'evm'>, Record<string, BridgeDestination>> = {
  'layerzero-v1': {
    101: on('ethereum'),
    102: on('evm:56'),
    106: on('evm:43114'),
    109: on('evm:137'),
    110: on('evm:42161'),
    111: on('evm:10'),
    184: on('evm:8453'),
  },
  'layerzero-v2': {
    30101: on('ethereum'),
    30102: on('evm:56'),
    30106: on('evm:43114'),
    30109: on('evm:137'),
    30110: on('evm:42161'),
    30111: on('evm:10'),
    30184: on('evm:8453'),
    30168: net('solana'),
  },
  wormhole: {
    1: net('solana'),
    2: on('ethereum'),
    4: on('evm:56'),
    5: on('evm:137'),
    6: on('evm:43114'),
    21: net('sui'),
    22: net('aptos'),
    23: on('evm:42161'),
    24: on('evm:10'),
    30: on('evm:8453'),
  },
  debridge: { 7565164: net('solana') },
  lifi: { 1151111081099710: net('solana'), 20000000000001: on('bitcoin') },
};

/** Numberings whose ids are EIP-155 ids apart from their table (deBridge below its own range, LI.FI). */
const EIP155_BELOW: Record<ChainNumbering, bigint> = {
  evm: 1n << 64n,
  debridge: 100_000_001n,
  lifi: 1n << 64n,
  'layerzero-v1': 0n,
  'layerzero-v2': 0n,
  wormhole: 0n,
};

/** The destination a chain number names in a numbering; undefined when no table knows it. */
export function destinationOf(numbering: ChainNumbering, id: bigint): BridgeDestination | undefined {
  const known = numbering === 'evm' ? undefined : TABLES[numbering][id.toString()];
  if (known) return known;
  if (id <= 0n || id >= EIP155_BELOW[numbering] || id >= 10n ** 12n) return undefined;
  try {
    return { chain: getChain(`evm:${id}`).id };
  } catch {
    return undefined;
  }
}

/** The Wormhole chain id of a chaintrail chain (to tell a native token from a wrapped one in a transfer payload). */
export function wormholeIdOf(chain: string): number | undefined {
  const id = getChain(chain).id;
  for (const [k, v] of Object.entries(TABLES.wormhole)) if (v.chain === id) return Number(k);
  return undefined;
}

/**
 * Orbiter: a transfer to its maker carries the destination in the amount's last four digits, the "identification
 * code" 9000 + Orbiter's internal chain id, as Orbiter's own clients build it (Orbiter-Finance repositories on
 * GitHub; maker list: https://docs.orbiter.finance/faq/maker-addresses): 9001 Ethereum, 9002 Arbitrum, 9006 Polygon,
 * 9007 Optimism, 9014 zkSync Era, 9015 BNB Chain, 9021 Base, …
 */
const ORBITER: Record<number, BridgeDestination> = {
  1: on('ethereum'),
  2: on('evm:42161'),
  3: net('zksync-lite'),
  4: net('starknet'),
  6: on('evm:137'),
  7: on('evm:10'),
  14: on('evm:324'),
  15: on('evm:56'),
  16: on('evm:42170'),
  17: on('evm:1101'),
  19: on('evm:534352'),
  21: on('evm:8453'),
  23: on('evm:59144'),
};

/** The destination an Orbiter amount codes (last four digits 9001–9999), with the code; undefined when it codes none. */
export function orbiterDestination(amount: bigint): { code: number; destination?: BridgeDestination } | undefined {
  const code = Number(amount % 10_000n);
  if (code <= 9000) return undefined;
  const destination = ORBITER[code - 9000];
  return destination ? { code, destination } : { code };
}

const HEX = /^0x[0-9a-f]*$/;

/**
 * A recipient as the destination writes it, from the bytes the event gives (an address, bytes32 or bytes): EVM
 * chains lower-case 0x hex of the last 20 bytes when the rest is zero padding; Solana base58 of 32 bytes; Bitcoin the
 * address string the bytes spell; anything else the 0x hex as given. Undefined for empty or all-zero values.
 */
export function recipientOn(destination: BridgeDestination | undefined, value: unknown): string | undefined {
  const raw = typeof value === 'bigint' ? `0x${value.toString(16).padStart(64, '0')}` : String(value).toLowerCase();
  if (!HEX.test(raw) || raw.length <= 2 || /^0x0*$/.test(raw)) return undefined;
  const hex = raw.length % 2 === 0 ? raw : `0x0${raw.slice(2)}`;
  const family = destination?.chain ? getChain(destination.chain).family : undefined;
  const evmTail = hex.length === 42 ? hex : hex.length === 66 && /^0x0{24}/.test(hex) ? `0x${hex.slice(26)}` : undefined;
  if (destination === undefined || family === 'evm') return evmTail ?? (family === 'evm' ? undefined : hex);
  if (destination.network === 'solana' && hex.length === 66) return base58(hex);
  if (family === 'utxo') {
    const text = Buffer.from(hex.slice(2), 'hex').toString('latin1');
    if (/^(bc1|tb1|bcrt1|[13mn2])[a-zA-Z0-9]{20,90}$/.test(text)) return text;
  }
  return hex;
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Base58 (Bitcoin alphabet, as Solana writes public keys) of 0x hex bytes. */
export function base58(hex: string): string {
  let n = BigInt(hex);
  let out = '';
  while (n > 0n) {
    out = BASE58[Number(n % 58n)]! + out;
    n /= 58n;
  }
  for (let i = 2; i < hex.length && hex.slice(i, i + 2) === '00'; i += 2) out = `1${out}`;
  return out;
}
