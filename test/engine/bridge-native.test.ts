import { getAddress, Interface } from 'ethers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { trace } from '../../src/trace/trace.js';
import { BRIDGE_REGISTRY } from '../../src/heuristics/bridges.js';
import { addr, T0, txOf } from '../support/world.js';

/**
 * Native ETH into a bridge whose deposit event names the wrapped token (Across wraps ETH into WETH and its
 * V3FundsDeposited says WETH): the deposit of the amount that entered is the movement's deposit. Amounts drawn.
 */
const WETH = '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2';
const WETH_ARB = '0x82af49447d8a07e3bd95bd0d56f35241523fbab1';
const ACROSS = BRIDGE_REGISTRY.find((b) => b.protocol === 'across' && b.chain === 'ethereum')!;

function world(sent: bigint, deposited: bigint, other: bigint) {
  const i = new Interface([ACROSS.events[0]!.abi]);
  const log = (amount: bigint, id: number, logIndex: number) => {
    const { topics, data } = i.encodeEventLog(i.fragments[0] as never, [
      WETH,
      WETH_ARB,
      amount,
      amount - amount / 1000n,
      42161n,
      id,
      T0,
      T0 + 3600,
      0,
      addr('c'),
      addr('r'),
      '0x0000000000000000000000000000000000000000',
      '0x',
    ]);
    return { chain: 'ethereum', tx: txOf('dep'), block: 120, logIndex, address: ACROSS.address, topics, data };
  };
  const t = (tx: string, from: string, to: string, amount: bigint, at: number) => ({
    chain: 'ethereum',
    tx: txOf(tx),
    logIndex: 0,
    block: 100 + at,
    time: T0 + at,
    from: from.startsWith('0x') ? from : addr(from),
    to: to.startsWith('0x') ? to : addr(to),
    asset: 'eth',
    amount: String(amount),
  });
  return {
    format: 'chaintrail-fixture' as const,
    version: 1 as const,
    assets: [{ id: 'eth', chain: 'ethereum', kind: 'native' as const, symbol: 'ETH', decimals: 18 }],
    transfers: [t('v', 'victim', 'c', sent, 10), t('dep', 'c', ACROSS.address, deposited, 20)],
    // Another deposit in the same transaction (someone else's WETH, another amount) must not be taken for it.
    logs: [log(other, 7, 1), log(deposited, 8, 2)],
  };
}

describe('native value into a bridge whose event names the wrapped token', () => {
  it('takes the deposit of the amount that entered (WETH in the event, ETH in the transfer)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 10n ** 16n, max: 10n ** 21n }),
        fc.bigInt({ min: 10n ** 15n, max: 10n ** 21n }),
        fc.integer({ min: 1, max: 100 }),
        async (deposited, other, extraPct) => {
          fc.pre(other !== deposited);
          const sent = deposited + (deposited * BigInt(extraPct)) / 100n;
          const { report } = await trace({
            adapters: [createFixtureAdapter({ dataset: world(sent, deposited, other) })],
            seeds: [{ chain: 'ethereum', tx: txOf('v') }],
          });
          const bridge = report.endpoints.find((e) => e.kind === 'bridge')!;
          expect(bridge.amount).toBe(String(deposited));
          expect(bridge.bridge).toMatchObject({ protocol: 'across', destinationChain: 'evm:42161', recipient: getAddress(addr('r')) });
          expect(bridge.bridge!.deposits![0]).toMatchObject({
            event: 'V3FundsDeposited',
            depositId: '8',
            amount: String(deposited),
            note: 'evm:42161 is not traced (no source configured for it)',
          });
        },
      ),
      { numRuns: 12 },
    );
  });
});
