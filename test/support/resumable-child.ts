/**
 * A trace run as its own process, for the resumable-trace test: Etherscan-compatible source at argv[2], cache file
 * argv[3], report to argv[4]. The test kills it with SIGKILL mid-trace and runs it again.
 */
import { writeFileSync } from 'node:fs';
import { createEtherscanAdapter } from '../../src/adapters/etherscan/adapter.js';
import { createResponseCache } from '../../src/cache/store.js';
import { trace } from '../../src/trace/trace.js';
import { reportToJson } from '../../src/report/json.js';
import { evmAddress, timeOf } from './etherscan-data.js';

const [baseUrl, cachePath, out] = process.argv.slice(2) as [string, string, string];
const cache = cachePath === 'none' ? undefined : createResponseCache({ path: cachePath });
const adapter = createEtherscanAdapter({
  chain: 'ethereum',
  apiKey: 'test-key',
  baseUrl,
  rateLimit: false,
  concurrency: 1,
  maxAddressesPerCall: 1,
  ...(cache ? { cache } : {}),
});
const { report } = await trace({
  seeds: [{ chain: 'ethereum', address: evmAddress(2), from: timeOf(0), to: timeOf(10_000) }],
  adapters: [adapter],
  concurrency: 1,
});
writeFileSync(out, reportToJson(report));
