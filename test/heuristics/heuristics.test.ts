import { describe, expect, it } from 'vitest';
import { inferDepositAddress, type DepositMovement, type DepositRule } from '../../src/heuristics/deposit.js';
import { classifyByLabel } from '../../src/heuristics/classify.js';
import { spamReason } from '../../src/heuristics/spam.js';
import type { AccountTransfer } from '../../src/core/movement.js';
import type { AssetRef } from '../../src/core/schema.js';
import { addr, labels, USDT } from '../support/world.js';

const usdt = { chain: 'ethereum', kind: 'token' as const, contract: USDT, symbol: 'USDT', decimals: 6 };
const move = (amount: bigint, time: number, asset: AssetRef = usdt): AccountTransfer => ({
  chain: 'ethereum',
  type: 'token',
  from: addr('a'),
  to: addr('b'),
  asset,
  amount,
  tx: `0x${time}`,
  logIndex: 0,
  block: time,
  time,
});

describe('deposit inference by behaviour', () => {
  const eth = { chain: 'ethereum', kind: 'native' as const, symbol: 'ETH', decimals: 18 };
  const key = (a: AssetRef) => `${a.kind}:${a.contract ?? ''}`;
  const inflow = (amount: bigint, time: number, asset: AssetRef = usdt): DepositMovement => ({ t: move(amount, time, asset), asset: key(asset) });
  const out = (amount: bigint, time: number, exchange?: string, asset: AssetRef = usdt, to = exchange ? 'hot' : 'friend'): DepositMovement => ({
    t: { ...move(amount, time, asset), to: addr(to) },
    asset: key(asset),
    service: exchange,
  });
  const behaviour = (inflows: DepositMovement[], outflows: DepositMovement[], tainted = [key(usdt)]) => ({
    inflows,
    outflows,
    taintedAssets: new Set(tainted),
  });
  const rule: DepositRule = { tolerance: 0.001 };

  it('infers from where the outflows go, whatever the delay, the batching or the share swept', () => {
    for (const delay of [60, 13 * 3600, 20 * 86_400]) {
      const d = inferDepositAddress(behaviour([inflow(1000n, 0)], [out(1000n, delay, 'Ex')]), rule);
      expect(d?.entity).toBe('Ex');
      expect(d?.evidence.get(key(usdt))).toMatchObject({
        deposits: 1,
        sweeps: 1,
        received: 1000n,
        swept: 1000n,
        elsewhere: 0n,
        sweepDelaySeconds: { min: delay, max: delay },
      });
    }
    // Three deposits, one sweep of two of them, a partial second sweep: delays per deposit until the next sweep.
    const d = inferDepositAddress(behaviour([inflow(400n, 0), inflow(600n, 100), inflow(500n, 5000)], [out(1000n, 3600, 'Ex'), out(300n, 9000, 'Ex')]), rule);
    expect(d?.evidence.get(key(usdt))).toMatchObject({ deposits: 3, sweeps: 2, received: 1500n, swept: 1300n, sweepDelaySeconds: { min: 3500, max: 4000 } });
  });

  it('rules out an address that also pays anyone else, or two exchanges', () => {
    expect(inferDepositAddress(behaviour([inflow(1000n, 0)], [out(900n, 10, 'Ex'), out(100n, 20)]), rule)).toBeUndefined();
    expect(inferDepositAddress(behaviour([inflow(1000n, 0)], [out(500n, 10, 'Ex'), out(500n, 20, 'Other', usdt, 'other-hot')]), rule)).toBeUndefined();
    expect(inferDepositAddress(behaviour([inflow(1000n, 0)], [out(1000n, 20)]), rule)).toBeUndefined();
  });

  it('lets dust go elsewhere: within the tolerance of what it received, below minValue, or gas money', () => {
    const received = 10_000_000n;
    const share = (paid: bigint, r: DepositRule = rule) =>
      inferDepositAddress(behaviour([inflow(received, 0)], [out(received - paid, 10, 'Ex'), out(paid, 20)]), r)?.entity;
    expect(share(received / 1000n)).toBe('Ex');
    expect(share(received / 1000n + 1n)).toBeUndefined();
    expect(share(received / 100n, { tolerance: 0.001, minValue: new Map([[key(usdt), received / 100n + 1n]]) })).toBe('Ex');
    // A token deposit address returning its (clean) gas top-up is a deposit address; passing on tainted ETH is not.
    const gas = [inflow(1000n, 0), inflow(10n ** 16n, 1, eth)];
    const refund = [out(1000n, 10, 'Ex'), out(4n * 10n ** 15n, 20, undefined, eth, 'gas-station')];
    expect(inferDepositAddress(behaviour(gas, refund), rule)?.evidence.get(key(eth))).toMatchObject({ sweeps: 0, elsewhere: 4n * 10n ** 15n });
    expect(inferDepositAddress(behaviour(gas, refund, [key(usdt), key(eth)]), rule)).toBeUndefined();
  });
});

describe('label classification', () => {
  it('ranks sanctioned over exchange and ignores non-terminal categories', () => {
    const store = labels([
      ['x', 'Garnet', 'exchange', ['RU']],
      ['x', 'OFAC: Garnet', 'sanctioned', ['RU']],
      ['s', 'Scam wallet', 'scam'],
    ]);
    expect(classifyByLabel(store, 'ethereum', addr('x'))?.kind).toBe('sanctioned');
    expect(classifyByLabel(store, 'ethereum', addr('s'))).toBeUndefined();
    expect(classifyByLabel(undefined, 'ethereum', addr('x'))).toBeUndefined();
  });
});

describe('spam', () => {
  it('flags zero-value transfers and look-alike stablecoins, not the real one', () => {
    expect(spamReason(move(0n, 1))).toBe('zero-value');
    expect(spamReason(move(5n, 1, { ...usdt, contract: addr('fake') }))).toBe('lookalike-token');
    expect(spamReason(move(5n, 1))).toBeUndefined();
  });
});
