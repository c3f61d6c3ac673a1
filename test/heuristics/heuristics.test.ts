import { describe, expect, it } from 'vitest';
import { matchDepositSweeps } from '../../src/heuristics/deposit.js';
import { classifyByLabel } from '../../src/heuristics/classify.js';
import { spamReason } from '../../src/heuristics/spam.js';
import type { AccountTransfer } from '../../src/core/movement.js';
import { addr, labels, USDT } from '../support/world.js';

const usdt = { chain: 'ethereum', kind: 'token' as const, contract: USDT, symbol: 'USDT', decimals: 6 };
const move = (amount: bigint, time: number, asset = usdt): AccountTransfer => ({
  chain: 'ethereum', type: 'token', from: addr('a'), to: addr('b'), asset, amount, tx: `0x${time}`, logIndex: 0, block: time, time,
});

describe('deposit inference', () => {
  const rule = { windowSeconds: 12 * 3600, tolerance: 0.01 };
  it('matches a sweep within tolerance and window after its inflow, once per inflow', () => {
    expect(matchDepositSweeps([move(1000n, 0)], [move(990n, 3600)], rule)).toHaveLength(1);
    expect(matchDepositSweeps([move(1000n, 0)], [move(989n, 3600)], rule)).toHaveLength(0);
    expect(matchDepositSweeps([move(1000n, 0)], [move(1000n, 12 * 3600 + 1)], rule)).toHaveLength(0);
    expect(matchDepositSweeps([move(1000n, 100)], [move(1000n, 50)], rule)).toHaveLength(0);
    expect(matchDepositSweeps([move(1000n, 0)], [move(1000n, 10), move(1000n, 20)], rule)).toHaveLength(1);
  });
  it('matches a batched sweep of several deposits within the window', () => {
    expect(matchDepositSweeps([move(400n, 0), move(600n, 100)], [move(1000n, 3600)], rule)).toHaveLength(1);
    expect(matchDepositSweeps([move(400n, 0), move(600n, 100)], [move(1500n, 3600)], rule)).toHaveLength(0);
  });

  it('never matches across assets', () => {
    const other = { ...usdt, contract: addr('other') };
    expect(matchDepositSweeps([move(1000n, 0, other)], [move(1000n, 10)], rule)).toHaveLength(0);
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
