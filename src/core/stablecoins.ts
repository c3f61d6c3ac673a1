import { getChain } from './chain.js';

/** A known stablecoin contract: chain, address, symbol, decimals and the issuer that can freeze it. */
export interface Stablecoin {
  chain: string;
  /** Normalized contract address. */
  contract: string;
  symbol: string;
  decimals: number;
  /** Who can freeze balances held in it: the party a freeze request goes to. */
  issuer: string;
}

// Canonical contracts as published by the issuers (Tether: tether.to/en/supported-protocols; Circle:
// developers.circle.com/stablecoins/usdc-contract-addresses). A token with the same symbol elsewhere is not these.
const TETHER = 'Tether Operations Limited';
const CIRCLE = 'Circle Internet Financial';
const LIST: Stablecoin[] = [
  { chain: 'ethereum', contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6, issuer: TETHER },
  { chain: 'ethereum', contract: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', symbol: 'USDC', decimals: 6, issuer: CIRCLE },
  { chain: 'evm:56', contract: '0x55d398326f99059ff775485246999027b3197955', symbol: 'USDT', decimals: 18, issuer: TETHER },
  { chain: 'evm:56', contract: '0x8ac76a51cc950d9822d68b83fe1ad97b32cd580d', symbol: 'USDC', decimals: 18, issuer: CIRCLE },
  { chain: 'evm:137', contract: '0xc2132d05d31c914a87c6611c10748aeb04b58e8f', symbol: 'USDT', decimals: 6, issuer: TETHER },
  { chain: 'evm:137', contract: '0x3c499c542cef5e3811e1192ce70d8cc03d5c3359', symbol: 'USDC', decimals: 6, issuer: CIRCLE },
  { chain: 'evm:42161', contract: '0xfd086bc7cd5c481dcc9c85ebe478a1c0b69fcbb9', symbol: 'USDT', decimals: 6, issuer: TETHER },
  { chain: 'evm:42161', contract: '0xaf88d065e77c8cc2239327c5edb3a432268e5831', symbol: 'USDC', decimals: 6, issuer: CIRCLE },
  { chain: 'evm:10', contract: '0x94b008aa00579c1307b0ef2c499ad98a8ce58e58', symbol: 'USDT', decimals: 6, issuer: TETHER },
  { chain: 'evm:10', contract: '0x0b2c639c533813f4aa9d7837caf62653d097ff85', symbol: 'USDC', decimals: 6, issuer: CIRCLE },
  { chain: 'evm:8453', contract: '0x833589fcd6edb6e08f4c7c32d4f71b54bda02913', symbol: 'USDC', decimals: 6, issuer: CIRCLE },
  { chain: 'evm:43114', contract: '0x9702230a8ea53601f5cd2dc00fdbc13d4df4a8c7', symbol: 'USDT', decimals: 6, issuer: TETHER },
  { chain: 'evm:43114', contract: '0xb97ef9ef8734c71904d8002f8b6bc66dd9c48a6e', symbol: 'USDC', decimals: 6, issuer: CIRCLE },
  { chain: 'tron', contract: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', symbol: 'USDT', decimals: 6, issuer: TETHER },
  { chain: 'tron', contract: 'TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8', symbol: 'USDC', decimals: 6, issuer: CIRCLE },
];

const extra: Stablecoin[] = [];

function all(): Stablecoin[] {
  return [...LIST, ...extra];
}

/** Built-in canonical stablecoins (plus any registered at run time). */
export function stablecoins(): readonly Stablecoin[] {
  return all();
}

/** Adds a canonical contract (e.g. a local test deployment or a chain not listed). */
export function registerStablecoin(coin: Stablecoin): void {
  extra.push({ ...coin, chain: getChain(coin.chain).id });
}

/** The canonical stablecoin at that contract, if it is one: its balances can be frozen by the issuer. */
export function freezableStablecoin(chain: string, contract: string | undefined): Stablecoin | undefined {
  if (!contract) return undefined;
  const id = getChain(chain).id;
  return all().find((c) => c.chain === id && c.contract === contract);
}

/** Symbols of canonical stablecoins on a chain: a token using one of them from another contract is a look-alike. */
export function isLookalikeToken(chain: string, contract: string | undefined, symbol: string): boolean {
  if (!contract) return false;
  const id = getChain(chain).id;
  const sym = symbol.trim().toUpperCase();
  return all().some((c) => c.chain === id && c.symbol === sym) && !freezableStablecoin(id, contract);
}
