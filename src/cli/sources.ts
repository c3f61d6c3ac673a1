import { InvalidInputError } from '../core/errors.js';
import type { ResponseCache } from '../cache/store.js';
import type { ChainAdapter } from '../adapters/adapter.js';
import { createFixtureAdapter } from '../adapters/fixture/adapter.js';
import { createEvmRpcAdapter } from '../adapters/evm-rpc/adapter.js';
import { createEtherscanAdapter } from '../adapters/etherscan/adapter.js';
import { createTronGridAdapter } from '../adapters/tron/adapter.js';

/**
 * Heavy sources are imported when a source of their kind is asked for, never by loading the CLI: Bitcoin (bitcoinjs-lib,
 * its ECC backend), the warehouse engines (DuckDB, BigQuery: optional packages, loaded on their first query).
 */
const bitcoinSources = () => import('../bitcoin.js');
const warehouseSources = () => import('../warehouse.js');

/** Source kinds the CLI knows; those not built yet say so instead of failing obscurely. */
export const SOURCE_KINDS = ['fixture', 'rpc', 'etherscan', 'esplora', 'bitcoin-core', 'trongrid', 'duckdb', 'bigquery'] as const;

/**
 * `--source KIND[:TARGET]` -> adapter. TARGET is a file for fixture, a URL for the network sources
 * (optional where the source has a public default). Keys come from the environment, never from the spec.
 */
export interface SourceOptions {
  /** Persistent answer cache for network sources. */
  cache?: ResponseCache;
  /** Wrapped native token contracts beyond the built-in WETH, WBNB, … (`--wrapped-native`). */
  wrappedNative?: string[];
}

export async function createAdapterFromSource(
  spec: string,
  chain: string,
  env: NodeJS.ProcessEnv = process.env,
  options: SourceOptions = {},
): Promise<ChainAdapter> {
  const cache = options.cache ? { cache: options.cache } : {};
  const wrapped = options.wrappedNative?.length ? { wrappedNative: options.wrappedNative } : {};
  const colon = spec.indexOf(':');
  const kind = colon === -1 ? spec : spec.slice(0, colon);
  const target = colon === -1 ? '' : spec.slice(colon + 1);
  void chain;
  void env;
  switch (kind) {
    case 'fixture':
      if (!target) throw new InvalidInputError('--source fixture:FILE needs a dataset file', { details: { source: spec } });
      return createFixtureAdapter({ dataset: target, ...wrapped });
    case 'esplora': {
      // Without a URL: Blockstream's public instance, politely rate-limited.
      const publicUrl = chain === 'bitcoin-testnet' ? 'https://blockstream.info/testnet/api' : 'https://blockstream.info/api';
      const { createEsploraAdapter } = await bitcoinSources();
      return createEsploraAdapter({ url: target || publicUrl, chain, ...cache, ...(target ? {} : { rateLimit: { perSecond: 4 } }) });
    }
    case 'bitcoin-core': {
      // Credentials come from BITCOIN_RPC_USER / BITCOIN_RPC_PASSWORD; default ports per network.
      const port = chain === 'bitcoin-testnet' ? 18332 : chain === 'bitcoin-regtest' ? 18443 : 8332;
      const { createBitcoinCoreAdapter } = await bitcoinSources();
      return createBitcoinCoreAdapter({ url: target || `http://127.0.0.1:${port}`, chain, env, ...cache });
    }
    case 'rpc': {
      // Provider URLs embed keys: CHAINTRAIL_RPC_URL keeps them out of shell history; printed URLs are redacted.
      const url = target || env.CHAINTRAIL_RPC_URL;
      if (!url) throw new InvalidInputError('--source rpc:URL needs a JSON-RPC URL (or set CHAINTRAIL_RPC_URL)', { details: { source: 'rpc' } });
      return createEvmRpcAdapter({ url, chain, ...cache, ...wrapped });
    }
    case 'etherscan': {
      // No URL: Etherscan V2 (ETHERSCAN_API_KEY). A URL not ending in /v2/api is a Blockscout instance
      // (optional BLOCKSCOUT_API_KEY).
      const blockscout = target !== '' && !/\/v2\/api\/?$/.test(target);
      const apiKey = blockscout ? env.BLOCKSCOUT_API_KEY : env.ETHERSCAN_API_KEY;
      return createEtherscanAdapter({ chain, env, ...cache, ...wrapped, ...(target ? { baseUrl: target } : {}), ...(apiKey ? { apiKey } : {}) });
    }
    case 'trongrid':
      // No URL: api.trongrid.io. The key (TRONGRID_API_KEY) goes in the TRON-PRO-API-KEY header.
      return createTronGridAdapter({ env, ...cache, ...(target ? { baseUrl: target } : {}) });
    case 'duckdb': {
      // A folder of blockchain-etl exports: one file or folder per table (token_transfers.parquet, traces/…).
      if (!target) throw new InvalidInputError('--source duckdb:DIR needs a folder of blockchain-etl tables', { details: { source: spec } });
      const { createWarehouseAdapter, createDuckDbWarehouse } = await warehouseSources();
      return createWarehouseAdapter({ engine: createDuckDbWarehouse({ dir: target }), chain, ...wrapped });
    }
    case 'bigquery': {
      // bigquery:PROJECT runs (and bills) queries in PROJECT on the chain's public dataset; bigquery:PROJECT.DATASET
      // reads the user's own copy. Credentials as Google's client finds them (GOOGLE_APPLICATION_CREDENTIALS, gcloud).
      // CHAINTRAIL_BIGQUERY_MAX_BYTES caps the bytes a query may scan (default 10 GiB; checked by a dry run first).
      const { createWarehouseAdapter, createBigQueryWarehouse, publicDataset } = await warehouseSources();
      const dot = target.indexOf('.');
      const projectId = (dot === -1 ? target : target.slice(0, dot)) || env.GOOGLE_CLOUD_PROJECT;
      const dataset = dot === -1 ? publicDataset(chain) : target;
      if (!projectId) throw new InvalidInputError('--source bigquery:PROJECT[.DATASET] needs the project that runs the queries', { details: { source: spec } });
      if (!dataset) {
        throw new InvalidInputError(`--source bigquery: no public blockchain-etl dataset is known for ${chain}; give PROJECT.DATASET`, {
          details: { source: spec, chain },
        });
      }
      const maxBytes = env.CHAINTRAIL_BIGQUERY_MAX_BYTES;
      if (maxBytes !== undefined && !/^\d+$/.test(maxBytes)) {
        throw new InvalidInputError('CHAINTRAIL_BIGQUERY_MAX_BYTES must be a number of bytes', { details: { variable: 'CHAINTRAIL_BIGQUERY_MAX_BYTES' } });
      }
      const engine = createBigQueryWarehouse({
        dataset,
        projectId,
        ...(env.CHAINTRAIL_BIGQUERY_LOCATION ? { location: env.CHAINTRAIL_BIGQUERY_LOCATION } : {}),
        ...(maxBytes !== undefined ? { maximumBytesBilled: maxBytes } : {}),
      });
      return createWarehouseAdapter({ engine, chain, ...wrapped });
    }
    default:
      if ((SOURCE_KINDS as readonly string[]).includes(kind)) {
        throw new InvalidInputError(`Source kind "${kind}" is not available in this version of chaintrail yet`, { details: { source: kind } });
      }
      throw new InvalidInputError(`Unknown source kind "${kind}": use one of ${SOURCE_KINDS.join(', ')}`, { details: { source: kind } });
  }
}
