import { describe, expect, it } from 'vitest';
import { arrivalKey, matchBridgeArrival, rescale, type BridgeArrival, type BridgeDeparture } from '../../src/heuristics/bridge-match.js';
import type { BridgeExit, BridgeFill } from '../../src/heuristics/bridges.js';

const RECIPIENT = '0x1111111111111111111111111111111111111111';
const OTHER = '0x3333333333333333333333333333333333333333';
const RELAYER = '0x4444444444444444444444444444444444444444';
const USDC_ETH = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
const USDC_ARB = '0xaf88d065e77c8cc2239327c5edb3a432268e5831';
const T = 1_760_000_000;
const rule = { windowSeconds: 6 * 3600, tolerance: 0.05 };

/** Fields to override, `undefined` meaning "the event did not say" (the field is left out). */
type Override<T> = { [K in keyof T]?: T[K] | undefined };
const defined = <T extends object>(o: Override<T>): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
const exit = (over: Override<BridgeExit> = {}): BridgeExit =>
  defined<BridgeExit>({
    protocol: 'across',
    name: 'Across SpokePool (Ethereum)',
    sourceChain: 'ethereum',
    bridge: '0x5c7bcd6e7de5423a257d81b442095a1a6ced35c5',
    event: 'V3FundsDeposited',
    destinationChain: 'evm:42161',
    destinationChainId: '42161',
    recipient: RECIPIENT,
    token: USDC_ETH,
    destinationToken: USDC_ARB,
    amount: 1_000_000_000n,
    outputAmount: 998_000_000n,
    protocolId: '77',
    reason: '',
    ...over,
  });
const departure = (over: Override<BridgeExit> = {}, extra: Partial<BridgeDeparture> = {}): BridgeDeparture => ({
  exit: exit(over),
  time: T,
  sourceChainId: 1,
  sourceDecimals: 6,
  ...extra,
});
const fill = (over: Partial<BridgeFill> = {}): BridgeFill => ({
  protocol: 'across',
  name: 'Across SpokePool (Arbitrum)',
  chain: 'evm:42161',
  bridge: '0xe35e9842fceaca96570b734083f4a58e8f7c5f2a',
  event: 'FilledRelay',
  originChainId: '1',
  protocolId: '77',
  recipient: RECIPIENT,
  token: USDC_ARB,
  amount: 998_000_000n,
  ...over,
});
let n = 0;
const arrival = (over: Override<BridgeArrival> = {}): BridgeArrival =>
  defined<BridgeArrival>({
    chain: 'evm:42161',
    tx: `0x${(++n).toString(16).padStart(64, '0')}`,
    logIndex: 0,
    time: T + 60,
    from: RELAYER,
    to: RECIPIENT,
    token: USDC_ARB,
    symbol: 'USDC',
    decimals: 6,
    amount: 998_000_000n,
    fills: [],
    ...over,
  });

describe('matchBridgeArrival', () => {
  it('matches by the protocol deposit id and origin chain with confidence 1, even when another transfer fits the amount better', async () => {
    const exact = arrival({ amount: 998_000_000n, fills: [fill()], time: T + 600 });
    const lookalike = arrival({ amount: 998_000_000n, time: T + 30 });
    const m = matchBridgeArrival(departure(), [lookalike, exact], rule)!;
    expect(m.arrival).toBe(exact);
    expect(m).toMatchObject({ method: 'protocol-id', confidence: 1, fill: { protocolId: '77' } });
    expect(m.reason).toMatch(/FilledRelay on evm:42161 .* fills across deposit id 77 from chain id 1: 998 USDC paid to 0x1111/);
  });

  it('does not take a fill of the same id from another origin chain, or of another protocol', () => {
    const wrongOrigin = arrival({ fills: [fill({ originChainId: '10' })] });
    const otherProtocol = arrival({ fills: [fill({ protocol: 'stargate' })] });
    const m = matchBridgeArrival(departure({ outputAmount: 500_000_000n }), [wrongOrigin, otherProtocol], rule);
    // Neither is a protocol-id match; the one whose fill answers another across deposit is excluded from amount matching,
    // and the other does not fit the amount.
    expect(m).toBeUndefined();
  });

  it('follows a fill to an updated recipient and says the depositor changed it', () => {
    const a = arrival({ to: OTHER, fills: [fill({ recipient: OTHER })] });
    const m = matchBridgeArrival(departure(), [a], rule)!;
    expect(m.method).toBe('protocol-id');
    expect(m.reason).toMatch(/deposit named 0x1111.*changed the recipient/);
  });

  it('without a fill event, matches by amount within tolerance and time window, with lower confidence and a reason', () => {
    const a = arrival({ amount: 990_000_000n, time: T + 1800 });
    const m = matchBridgeArrival(departure(), [a], rule)!;
    expect(m.method).toBe('amount-time');
    expect(m.confidence).toBeLessThan(0.8);
    expect(m.confidence).toBeGreaterThan(0.6);
    expect(m.reason).toMatch(
      /matched by amount and time: 990 USDC reached the recipient 0x1111.* on evm:42161 30 min after the deposit \(expected 998 USDC, 0\.80 % off, tolerance 5\.00 %\)/,
    );
  });

  it('rejects arrivals outside the window, before the deposit beyond clock skew, off in amount, to someone else or of another token', () => {
    const cases = [
      arrival({ time: T + rule.windowSeconds + 1 }),
      arrival({ time: T - 301 }),
      arrival({ amount: 900_000_000n }),
      arrival({ to: OTHER }),
      arrival({ token: '0x5555555555555555555555555555555555555555' }),
      arrival({ chain: 'evm:10' }),
    ];
    for (const c of cases) expect(matchBridgeArrival(departure(), [c], rule)).toBeUndefined();
    expect(matchBridgeArrival(departure(), [arrival({ time: T - 200 })], rule)?.reason).toMatch(/200 s before the deposit \(clock skew/);
  });

  it('shares confidence among arrivals that fit equally, picks the closest amount, and never reuses a taken arrival', () => {
    const near = arrival({ amount: 997_000_000n, time: T + 120 });
    const far = arrival({ amount: 960_000_000n, time: T + 60 });
    const both = matchBridgeArrival(departure(), [far, near], rule)!;
    expect(both.arrival).toBe(near);
    expect(both.reason).toMatch(/2 arrivals fit, the closest was chosen/);
    const alone = matchBridgeArrival(departure(), [near], rule)!;
    expect(both.confidence).toBeLessThan(alone.confidence);
    const next = matchBridgeArrival(departure(), [far, near], rule, new Set([arrivalKey(near)]))!;
    expect(next.arrival).toBe(far);
  });

  it('compares amounts across token decimals (USDT with 6 decimals bridged to an 18-decimal USDT)', () => {
    expect(rescale(5_000_000n, 6, 18)).toBe(5n * 10n ** 18n);
    expect(rescale(5n * 10n ** 18n + 7n, 18, 6)).toBe(5_000_000n);
    const a = arrival({ decimals: 18, amount: 997n * 10n ** 18n });
    expect(matchBridgeArrival(departure(), [a], rule)?.method).toBe('amount-time');
  });

  it('cannot match by amount without a recipient in the deposit event, nor native arrivals for a token deposit', () => {
    expect(matchBridgeArrival(departure({ recipient: undefined, protocolId: undefined }), [arrival()], rule)).toBeUndefined();
    expect(
      matchBridgeArrival(departure({ destinationToken: undefined }), [arrival({ token: undefined, decimals: 18, amount: 998n * 10n ** 18n })], rule)?.method,
    ).toBeUndefined();
    // A native deposit (no token) matches a native arrival.
    const native = matchBridgeArrival(
      departure({ token: undefined, destinationToken: undefined, amount: 10n ** 18n, outputAmount: undefined, protocolId: undefined }, { sourceDecimals: 18 }),
      [arrival({ token: undefined, decimals: 18, symbol: 'ETH', amount: 10n ** 18n - 10n ** 15n })],
      rule,
    );
    expect(native?.reason).toMatch(/0\.999 ETH reached the recipient/);
  });
});
