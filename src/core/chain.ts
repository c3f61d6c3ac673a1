import { InvalidInputError } from './errors.js';
import { nearestName } from './suggest.js';

/** How a chain moves value: accounts (`evm`, `tron`) or unspent outputs (`utxo`). */
export type ChainFamily = 'evm' | 'utxo' | 'tron';

/** A chain's canonical id, family, name, EVM chain id and native asset. */
export interface ChainInfo {
  /** Canonical id: 'ethereum', 'bitcoin', 'bitcoin-testnet', 'bitcoin-regtest', 'tron' or 'evm:<chainId>'. */
  id: string;
  family: ChainFamily;
  name: string;
  /** EIP-155 chain id, for EVM chains. */
  evmChainId?: number;
  native: { symbol: string; decimals: number };
}

const EVM_NAMES: Record<number, { name: string; symbol: string }> = {
  1: { name: 'Ethereum', symbol: 'ETH' },
  10: { name: 'Optimism', symbol: 'ETH' },
  56: { name: 'BNB Smart Chain', symbol: 'BNB' },
  137: { name: 'Polygon', symbol: 'POL' },
  8453: { name: 'Base', symbol: 'ETH' },
  42161: { name: 'Arbitrum One', symbol: 'ETH' },
  43114: { name: 'Avalanche C-Chain', symbol: 'AVAX' },
};

/** Friendly names people type, mapped to canonical ids. */
const ALIASES: Record<string, string> = {
  eth: 'ethereum',
  btc: 'bitcoin',
  trx: 'tron',
  bsc: 'evm:56',
  bnb: 'evm:56',
  polygon: 'evm:137',
  arbitrum: 'evm:42161',
  optimism: 'evm:10',
  base: 'evm:8453',
  avalanche: 'evm:43114',
};

const FIXED: Record<string, ChainInfo> = {
  ethereum: { id: 'ethereum', family: 'evm', name: 'Ethereum', evmChainId: 1, native: { symbol: 'ETH', decimals: 18 } },
  bitcoin: { id: 'bitcoin', family: 'utxo', name: 'Bitcoin', native: { symbol: 'BTC', decimals: 8 } },
  'bitcoin-testnet': { id: 'bitcoin-testnet', family: 'utxo', name: 'Bitcoin testnet', native: { symbol: 'tBTC', decimals: 8 } },
  'bitcoin-regtest': { id: 'bitcoin-regtest', family: 'utxo', name: 'Bitcoin regtest', native: { symbol: 'rBTC', decimals: 8 } },
  tron: { id: 'tron', family: 'tron', name: 'TRON', native: { symbol: 'TRX', decimals: 6 } },
};

const cache = new Map<string, ChainInfo>();

/** Parses a chain id or alias; `evm:1` is the same chain as `ethereum` and normalizes to it. */
export function getChain(input: string): ChainInfo {
  const hit = cache.get(input);
  if (hit) return hit;
  const info = resolveChain(input);
  cache.set(input, info);
  return info;
}

function resolveChain(input: string): ChainInfo {
  const key = ALIASES[input.trim().toLowerCase()] ?? input.trim().toLowerCase();
  const fixed = FIXED[key];
  if (fixed) return fixed;
  const match = /^evm:(\d{1,12})$/.exec(key);
  if (match) {
    const evmChainId = Number(match[1]);
    if (evmChainId === 1) return FIXED.ethereum!;
    if (evmChainId > 0) {
      const known = EVM_NAMES[evmChainId];
      return {
        id: `evm:${evmChainId}`,
        family: 'evm',
        name: known?.name ?? `EVM chain ${evmChainId}`,
        evmChainId,
        native: { symbol: known?.symbol ?? 'ETH', decimals: 18 },
      };
    }
  }
  const near = nearestName(input, [...Object.keys(FIXED), ...Object.keys(ALIASES)]);
  const hint = near ? `did you mean ${near}? ` : '';
  throw new InvalidInputError(`Unknown chain "${input}": ${hint}use ethereum, bitcoin, tron or evm:<chainId>`, {
    details: { chain: input, ...(near ? { suggestion: near } : {}), known: [...Object.keys(FIXED), 'evm:<chainId>', ...Object.keys(ALIASES)] },
  });
}

/** The canonical id of a chain given by id or alias. */
export function chainId(input: string): string {
  return getChain(input).id;
}

/** The chain id for an EIP-155 chain id number. */
export function evmChain(chainIdNumber: number): ChainInfo {
  return getChain(`evm:${chainIdNumber}`);
}

/** True when `input` names the chain `id` (an unknown name is simply not it): what ChainAdapter.supports answers. */
export function isChain(input: string, id: string): boolean {
  try {
    return getChain(input).id === id;
  } catch {
    return false;
  }
}
