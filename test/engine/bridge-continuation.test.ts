import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvmRpcAdapter, type EvmRpcAdapter } from '../../src/adapters/evm-rpc/adapter.js';
import { continueThroughBridges, type TaintedBridgeInflow } from '../../src/engine/bridge-continuation.js';
import { createBridgeRegistry, resolveBridgeDefinitions, type BridgeRegistry } from '../../src/heuristics/bridges.js';
import { buildBridgeWorld, CHAIN_B_ID, FEE, U, type BridgeWorld } from '../support/ganache-bridge.js';

let w: BridgeWorld;
let rpcA: EvmRpcAdapter;
let rpcB: EvmRpcAdapter;
let registry: BridgeRegistry;
const rule = { windowSeconds: 6 * 3600, tolerance: 0.05 };

beforeAll(async () => {
  w = await buildBridgeWorld();
  rpcA = createEvmRpcAdapter({ url: w.a.url, chain: w.a.chain });
  rpcB = createEvmRpcAdapter({ url: w.b.url, chain: w.b.chain });
  registry = createBridgeRegistry(resolveBridgeDefinitions(w.bridges));
}, 120_000);

afterAll(async () => {
  await w?.close();
});

/** The scammer's deposit movement into the pool, with the given taint. */
async function depositInflow(taint: bigint): Promise<TaintedBridgeInflow> {
  const { transfers } = await rpcA.getTransaction(w.a.chain, w.tx.scamDeposit!.transactionHash);
  const transfer = transfers.find((t) => t.to === w.poolA.address)!;
  return { transfer, taint };
}

describe('continueThroughBridges on a ganache chain pair', { timeout: 120_000 }, () => {
  it('reads the deposit event, finds the fill naming its deposit id on the destination chain and hands the taint over', async () => {
    const taken = new Set<string>();
    const [h, ...rest] = await continueThroughBridges({ inflows: [await depositInflow(8_000n * U)], registry, adapters: [rpcA, rpcB], rule, taken });
    expect(rest).toEqual([]);
    expect(h).toMatchObject({
      bridgeNode: `${w.a.chain}|${w.poolA.address}`,
      tx: w.tx.scamDeposit!.transactionHash,
      tainted: 8_000n * U,
      exit: { protocol: 'across', destinationChain: `evm:${CHAIN_B_ID}`, recipient: w.who.recipient, protocolId: '1' },
    });
    expect(h!.note).toBeUndefined();
    const c = h!.continuation!;
    expect(c.match).toMatchObject({ method: 'protocol-id', confidence: 1 });
    expect(c.transfer).toMatchObject({ chain: w.b.chain, tx: w.tx.scamFill!.transactionHash, from: w.who.relayer, to: w.who.recipient, amount: 8_000n * U - FEE });
    expect(c.transfer.asset).toMatchObject({ contract: w.usdtB.address, symbol: 'USDT', decimals: 6 });
    expect(c.taint).toBe(8_000n * U - FEE);
    expect(taken.size).toBe(1);
    // The same arrival is not handed over twice: with the fill taken, only the clean decoy of the same amount is left,
    // and it can only be matched by amount and time (lower confidence, said so).
    const again = await continueThroughBridges({ inflows: [await depositInflow(8_000n * U)], registry, adapters: [rpcA, rpcB], rule, taken });
    expect(again[0]!.continuation!.transfer.tx).toBe(w.tx.decoy!.transactionHash);
    expect(again[0]!.continuation!.match).toMatchObject({ method: 'amount-time' });
    expect(again[0]!.continuation!.match.reason).toMatch(/no fill naming deposit 1 found; matched by amount and time: 7990 USDT reached the recipient/);
    const third = await continueThroughBridges({ inflows: [await depositInflow(8_000n * U)], registry, adapters: [rpcA, rpcB], rule, taken });
    expect(third[0]!.continuation).toBeUndefined();
    expect(third[0]!.note).toMatch(/no arrival found on evm:1338 for recipient 0x[0-9a-f]{40} within 6 h \(deposit id 1\)/);
  });

  it('hands over the tainted share of a partly tainted deposit', async () => {
    const [h] = await continueThroughBridges({ inflows: [await depositInflow(2_000n * U)], registry, adapters: [rpcA, rpcB], rule, taken: new Set() });
    expect(h!.continuation!.taint).toBe(((8_000n * U - FEE) * 2_000n * U) / (8_000n * U));
  });

  it('without the destination pool registered, falls back to amount and time and says the decoy made it uncertain', async () => {
    const onlyA = createBridgeRegistry(resolveBridgeDefinitions([w.bridges[0]]));
    const [h] = await continueThroughBridges({ inflows: [await depositInflow(8_000n * U)], registry: onlyA, adapters: [rpcA, rpcB], rule, taken: new Set() });
    const c = h!.continuation!;
    expect(c.match.method).toBe('amount-time');
    // The fill came before the clean decoy of the same amount: the earlier one is chosen, with halved confidence.
    expect(c.transfer.tx).toBe(w.tx.scamFill!.transactionHash);
    expect(c.match.confidence).toBeLessThan(0.5);
    expect(c.match.reason).toMatch(/2 arrivals fit/);
  });

  it('says why a deposit was not continued: destination not traced, or a source without logs', async () => {
    const [notTraced] = await continueThroughBridges({ inflows: [await depositInflow(8_000n * U)], registry, adapters: [rpcA], rule, taken: new Set() });
    expect(notTraced).toMatchObject({ exit: { recipient: w.who.recipient }, note: 'evm:1338 is not traced (no source configured for it)' });
    const { getTransactionLogs: _omit, ...noLogs } = rpcA;
    const [blind] = await continueThroughBridges({ inflows: [await depositInflow(8_000n * U)], registry, adapters: [noLogs as never, rpcB], rule, taken: new Set() });
    expect(blind!.exit).toBeUndefined();
    expect(blind!.note).toMatch(/cannot read transaction logs/);
  });
});
