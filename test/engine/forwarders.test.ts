import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TransferQuery } from '../../src/adapters/adapter.js';
import { createEvmRpcAdapter } from '../../src/adapters/evm-rpc/adapter.js';
import { SERVICE_CATEGORIES } from '../../src/core/service.js';
import { createLabelStore } from '../../src/labels/store.js';
import { buildRequestPackets } from '../../src/report/packets.js';
import { trace } from '../../src/trace/trace.js';
import { actor, CHAIN, startLocalChain } from '../support/ganache.js';

/**
 * Deposit forwarder contracts on a real ganache chain (test/contracts/DepositForwarder.sol): a scammer pays tainted
 * USDT into contract deposit addresses; a sweeper later calls flush(), which moves each one's balance to the
 * service's labeled hot wallet. The engine never expands a contract, so only the forwarder read after the rounds
 * (engine/deposit-reads.ts) sees the flush. Look-alikes: a contract wallet that pays a private wallet, and a
 * forwarder whose flush goes to a mixer; both stay `contract` endpoints. Delays, amounts and counts are drawn.
 */

const USDT = 1_000_000n;

const worldArb = fc.record({
  category: fc.constantFrom(...SERVICE_CATEGORIES),
  forwarders: fc.array(fc.record({ amount: fc.bigInt({ min: 10n * USDT, max: 90_000n * USDT }), flushAfter: fc.integer({ min: 120, max: 14 * 86_400 }) }), {
    minLength: 1,
    maxLength: 3,
  }),
  lookalikeShare: fc.integer({ min: 10, max: 1000 }),
});

describe('deposit forwarder contracts (ganache, generated)', () => {
  it('a contract that kept taint and flushed it all to a service wallet is that service deposit address; look-alikes stay contracts', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const chain = await startLocalChain({ actors: ['deployer', 'victim', 'scammer', 'sweeper', 'owner'] });
        try {
          const hot = actor('service-hot');
          const mixer = actor('mixer-pool');
          const token = await chain.deploy('deployer', 'TestToken', ['Tether USD', 'USDT', 6, 10n ** 9n * USDT]);
          const total = w.forwarders.reduce((s, f) => s + f.amount, 0n) + 2n * 1_000n * USDT;
          await chain.invoke('deployer', token, 'transfer', [actor('victim'), total]);
          const seed = await chain.invoke('victim', token, 'transfer', [actor('scammer'), total]);
          const forwarders = [];
          for (const f of w.forwarders) {
            const c = await chain.deploy('deployer', 'DepositForwarder', [hot]);
            await chain.invoke('scammer', token, 'transfer', [c.address, f.amount]);
            forwarders.push({ ...f, contract: c });
          }
          // Look-alikes: a contract wallet paying a private wallet; a "forwarder" flushing into a mixer.
          const wallet = await chain.deploy('deployer', 'DepositForwarder', [hot]);
          await chain.invoke('scammer', token, 'transfer', [wallet.address, 1_000n * USDT]);
          const intoMixer = await chain.deploy('deployer', 'DepositForwarder', [mixer]);
          await chain.invoke('scammer', token, 'transfer', [intoMixer.address, 1_000n * USDT]);
          const flushes = new Map<string, string>();
          for (const f of [...forwarders].sort((a, b) => a.flushAfter - b.flushAfter)) {
            await chain.request('evm_increaseTime', [f.flushAfter]);
            flushes.set(f.contract.address, (await chain.invoke('sweeper', f.contract, 'flush', [token.address])).transactionHash);
          }
          await chain.invoke('owner', wallet, 'pay', [token.address, actor('private'), (1_000n * USDT * BigInt(w.lookalikeShare)) / 1000n]);
          await chain.invoke('sweeper', intoMixer, 'flush', [token.address]);

          const labels = createLabelStore([
            { chain: CHAIN, address: hot, entity: 'Forwarding Service', category: w.category, jurisdictions: ['SC'], confidence: 0.9, source: 'test' },
            { chain: CHAIN, address: mixer, entity: 'Blender', category: 'mixer', jurisdictions: [], confidence: 1, source: 'test' },
          ]);
          // Every getTransfers query, to count how the contracts were read.
          const adapter = createEvmRpcAdapter({ url: chain.url, chain: CHAIN });
          const queries: TransferQuery[] = [];
          const getTransfers = adapter.getTransfers.bind(adapter);
          adapter.getTransfers = (q) => {
            queries.push(q);
            return getTransfers(q);
          };
          const { report } = await trace({
            seeds: [{ chain: CHAIN, tx: seed.transactionHash }],
            adapters: [adapter],
            labels,
            builtinLabels: false,
            from: 1,
          });
          expect(report.complete).toBe(true);
          const at = (address: string) => report.endpoints.filter((e) => e.address.toLowerCase() === address);
          for (const f of forwarders) {
            const eps = at(f.contract.address);
            expect(eps).toHaveLength(1);
            expect(eps[0]).toMatchObject({ kind: w.category, entity: 'Forwarding Service', depositInferred: true, amount: String(f.amount) });
            expect(eps[0]!.sweptTo!.map((a) => a.toLowerCase())).toEqual([hot]);
            expect(eps[0]!.depositEvidence).toMatchObject({ forwarder: true, sweeps: 1, sweepTxs: [flushes.get(f.contract.address)], swept: String(f.amount) });
            // One act (the flush) under a 0.9 label: 0.9 x (1 - 1/2).
            expect(eps[0]!.depositEvidence!.confidence).toBeCloseTo(0.45, 6);
            expect(eps[0]!.reason).toContain('deposit forwarder');
          }
          expect(at(wallet.address)).toMatchObject([{ kind: 'contract', amount: String(1_000n * USDT) }]);
          expect(at(intoMixer.address)).toMatchObject([{ kind: 'contract', amount: String(1_000n * USDT) }]);
          // The contracts were read once, together, in the traced token (and the inferred ones once more for native value).
          const contracts = [...forwarders.map((f) => f.contract.address), wallet.address, intoMixer.address];
          const reads = queries.filter((q) => q.addresses.some((x) => contracts.includes(x.toLowerCase())));
          const tokenReads = reads.filter((q) => q.assets?.some((x) => x.kind === 'token'));
          expect(tokenReads).toHaveLength(1);
          expect(tokenReads[0]!.addresses.map((x) => x.toLowerCase()).sort()).toEqual([...contracts].sort());
          expect(reads.length - tokenReads.length).toBeLessThanOrEqual(1);
          // The service's packet names every forwarder, inferred.
          const packet = buildRequestPackets(report).find((p) => p.recipient.entity === 'Forwarding Service');
          expect(packet?.type).toBe(w.category);
          expect(packet!.addresses.map((a) => a.address.toLowerCase()).sort()).toEqual(forwarders.map((f) => f.contract.address).sort());
        } finally {
          await chain.close();
        }
      }),
      { seed: 9, numRuns: 4 },
    );
  }, 300_000);
});
