/**
 * Wrapped native tokens (WETH9-style contracts): their token is the chain's native asset 1:1. `Deposit(dst, wad)`
 * mints `wad` to dst for native value paid in, `Withdrawal(src, wad)` burns src's `wad` and pays native value
 * out; neither is a `Transfer` event. Addresses from the deployments the Uniswap SDKs list.
 */
import { normalizeAddress } from './address.js';
import { getChain } from './chain.js';

/** keccak256("Deposit(address,uint256)") */
export const DEPOSIT_TOPIC = '0xe1fffcc4923d04b559f4d29a8bfc6cda04eb5b0d3c460751c2402c5c5cc9109c';
/** keccak256("Withdrawal(address,uint256)") */
export const WITHDRAWAL_TOPIC = '0x7fcf532c15f0a6db0bd6d0e038bea71d30d808c7d98cb3bf7268a95bf5081b65';

const KNOWN: Record<string, string[]> = {
  ethereum: ['0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2'], // WETH
  'evm:10': ['0x4200000000000000000000000000000000000006'], // WETH (Optimism)
  'evm:56': ['0xbb4cdb9cbd36b01bd1cbaebf2de08d9173bc095c'], // WBNB
  'evm:137': ['0x0d500b1d8e8ef31e21c99d1db9a6444d3adf1270'], // WMATIC / WPOL
  'evm:8453': ['0x4200000000000000000000000000000000000006'], // WETH (Base)
  'evm:42161': ['0x82af49447d8a07e3bd95bd0d56f35241523fbab1'], // WETH (Arbitrum One)
  'evm:43114': ['0xb31f66aa3c1e785363f0875a1b74e27b85fd66c7'], // WAVAX
  tron: ['TNUC9Qb1rRpS5CbWLmNMxXBjyFoydXjWFR'], // WTRX
};

/** The wrapped native contracts of a chain (normalized): the known ones plus `extra` (an option, any address form). */
export function wrappedNativeTokens(chain: string, extra: readonly string[] = []): Set<string> {
  const id = getChain(chain).id;
  return new Set([...(KNOWN[id] ?? []), ...extra].map((a) => normalizeAddress(id, a)));
}

const ADDRESS_TOPIC = /^0x0{24}([0-9a-f]{40})$/;

/**
 * A `Deposit(dst, wad)` or `Withdrawal(src, wad)` log of a wrapped native contract as a movement of its token:
 * the wrapper pays wad to dst, or src pays wad to the wrapper. Undefined for any other log or contract.
 */
export function decodeWrapLog(
  log: { address: string; topics: readonly string[]; data: string },
  wrapped: ReadonlySet<string>,
): { from: string; to: string; amount: bigint } | undefined {
  const contract = log.address.toLowerCase();
  const topic = log.topics[0]?.toLowerCase();
  if (!wrapped.has(contract) || log.topics.length !== 2 || log.data.length !== 66) return undefined;
  if (topic !== DEPOSIT_TOPIC && topic !== WITHDRAWAL_TOPIC) return undefined;
  const who = ADDRESS_TOPIC.exec(log.topics[1]!.toLowerCase())?.[1];
  if (who === undefined) return undefined;
  const [from, to] = topic === DEPOSIT_TOPIC ? [contract, `0x${who}`] : [`0x${who}`, contract];
  return { from, to, amount: BigInt(log.data) };
}
