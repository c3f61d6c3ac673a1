import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvmRpcAdapter } from '../../../src/adapters/evm-rpc/adapter.js';
import { registerStablecoin } from '../../../src/core/stablecoins.js';
import { trace } from '../../../src/engine/trace.js';
import { reportToJson } from '../../../src/report/json.js';
import { CHAIN } from '../../support/ganache.js';
import { buildScamCase, type ScamCase } from '../../support/ganache-scam.js';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js';

/** The ganache scam case through a proxy breaking 20 % of the JSON-RPC answers: the report must not change. */
let s: ScamCase;
let proxy: FaultProxy;
beforeAll(async () => {
  s = await buildScamCase();
  registerStablecoin({ chain: CHAIN, contract: s.usdt.address, symbol: 'USDT', decimals: 6, issuer: 'Tether Operations Limited' });
  proxy = await startFaultProxy(s.chain.url, { rate: 0.2, seed: 11, holdMs: 1_500 });
}, 150_000);
afterAll(async () => {
  await proxy?.close();
  await s?.chain.close();
});

describe('EVM JSON-RPC under fault injection', () => {
  it('gives the byte-identical report with 20 % of answers broken', { timeout: 120_000 }, async () => {
    const options = { seeds: [{ chain: CHAIN, tx: s.tx.seed1!.transactionHash }, { chain: CHAIN, tx: s.tx.seed2!.transactionHash }], maxHops: 4, minValue: '1' };
    const clean = await trace({ ...options, adapters: [createEvmRpcAdapter({ url: s.chain.url, chain: CHAIN })] });
    const faulty = await trace({ ...options, adapters: [createEvmRpcAdapter({ url: proxy.url, chain: CHAIN, timeoutMs: 500, retries: 5 })] });
    expect(Object.values(proxy.injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(2);
    expect(reportToJson(faulty.report).replaceAll(proxy.url, s.chain.url)).toBe(reportToJson(clean.report));
    expect(clean.report.endpoints.length).toBeGreaterThan(3);
  });
});
