import { z } from 'zod';
import { getChain, type ChainInfo } from '../../core/chain.js';
import { InvalidInputError } from '../../core/errors.js';
import { parseInput } from '../../core/parse.js';
import { clientHooks, createHttpClient, HttpSourceOptionsSchema, type HttpClient, type HttpSourceHooks } from '../http/index.js';
import { classifyEtherscan } from './envelope.js';

/** Etherscan's V2 API (one URL for every chain, selected by `chainid`). */
export const ETHERSCAN_V2_URL = 'https://api.etherscan.io/v2/api';

// baseUrl: Etherscan V2 by default; any other URL is taken as a Blockscout instance (its `/api` is appended if
// missing). rateLimit: Etherscan's free tier allows 3 requests/s; Blockscout instances about 5-10 without a key.
const OptionsSchema = HttpSourceOptionsSchema.extend({
  chain: z.string(),
  flavor: z.enum(['etherscan', 'blockscout']).optional(),
  concurrency: z.number().int().min(1).max(32).default(3),
  /** Rows per page (`offset`). */
  pageSize: z.number().int().min(1).max(10_000).default(1_000),
  /** page x offset may not pass this; beyond it the adapter restarts from the last block seen. */
  resultWindow: z.number().int().min(1).default(10_000),
  /** Wrapped native token contracts beyond the known ones (WETH, WBNB, ...): their Deposit/Withdrawal are wrapping. */
  wrappedNative: z.array(z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x address')).default([]),
});

/** `env`: where ETHERSCAN_API_KEY is read when `apiKey` is absent. */
export type EtherscanAdapterOptions = z.input<typeof OptionsSchema> & HttpSourceHooks;

/** What every piece of the Etherscan source shares: the chain, which API it speaks, and its HTTP client. */
export interface EtherscanSource {
  chain: ChainInfo & { evmChainId: number };
  flavor: 'etherscan' | 'blockscout';
  /** 'Etherscan' or 'Blockscout', for messages and notes. */
  source: string;
  /** Rows per page, never past the result window. */
  pageSize: number;
  resultWindow: number;
  tokenFilter: 'all' | 'traced';
  maxAddressesPerCall: number;
  wrappedNative: string[];
  http: HttpClient;
}

/** The options validated, the flavor and URL decided, the key found, and the HTTP client built. */
export function openEtherscanSource(input: EtherscanAdapterOptions): EtherscanSource {
  const o = parseInput(OptionsSchema, input, 'Invalid Etherscan adapter options');
  const chain = getChain(o.chain);
  if (chain.family !== 'evm' || chain.evmChainId === undefined) {
    throw new InvalidInputError(`The Etherscan adapter serves EVM chains, not ${chain.id}`, { details: { chain: chain.id } });
  }
  const flavor = o.flavor ?? (!o.baseUrl || /\/v2\/api\/?$/.test(new URL(o.baseUrl).pathname) ? 'etherscan' : 'blockscout');
  const baseUrl = o.baseUrl
    ? flavor === 'blockscout' && !/\/api\/?$/.test(new URL(o.baseUrl).pathname)
      ? `${o.baseUrl.replace(/\/+$/, '')}/api`
      : o.baseUrl
    : ETHERSCAN_V2_URL;
  const apiKey = o.apiKey ?? (flavor === 'etherscan' ? (input.env ?? process.env).ETHERSCAN_API_KEY || undefined : undefined);
  if (flavor === 'etherscan' && !apiKey) {
    throw new InvalidInputError('Etherscan V2 needs an API key: set ETHERSCAN_API_KEY (free at etherscan.io/myapikey), or use a Blockscout URL', {
      details: { source: 'etherscan' },
    });
  }
  const source = flavor === 'etherscan' ? 'Etherscan' : 'Blockscout';
  const http = createHttpClient({
    ...clientHooks(input),
    source,
    baseUrl,
    timeoutMs: o.timeoutMs,
    retries: o.retries,
    concurrency: o.concurrency,
    rateLimit: o.rateLimit ?? { perSecond: flavor === 'etherscan' ? 3 : 5, burst: 1 },
    query: { ...(flavor === 'etherscan' ? { chainid: chain.evmChainId } : {}), ...(apiKey ? { apikey: apiKey } : {}) },
    secrets: { query: ['apikey'] },
    classify: classifyEtherscan(source, `${chain.name} (chainid ${chain.evmChainId})`),
  });
  return {
    chain: { ...chain, evmChainId: chain.evmChainId },
    flavor,
    source,
    pageSize: Math.min(o.pageSize, o.resultWindow),
    resultWindow: o.resultWindow,
    tokenFilter: o.tokenFilter,
    maxAddressesPerCall: o.maxAddressesPerCall,
    wrappedNative: o.wrappedNative,
    http,
  };
}
