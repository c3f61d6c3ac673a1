import { describe, expect, it } from 'vitest';
import { formatUnits, parseUnits, assetKey } from '../../src/core/asset.js';
import { getChain } from '../../src/core/chain.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { crossBorder, isJurisdiction } from '../../src/core/jurisdiction.js';
import { freezableStablecoin, isLookalikeToken } from '../../src/core/stablecoins.js';

describe('amounts', () => {
  it('formats base units with decimals and trims trailing zeros', () => {
    expect(formatUnits(1234500n, 6)).toBe('1.2345');
    expect(formatUnits(5n, 6)).toBe('0.000005');
    expect(formatUnits(10n ** 18n, 18)).toBe('1');
    expect(formatUnits(123n, 0)).toBe('123');
  });

  it('parses display units exactly and refuses extra precision instead of rounding', () => {
    expect(parseUnits('1.2345', 6)).toBe(1234500n);
    expect(parseUnits('7056176614974947328', 0)).toBe(7056176614974947328n);
    expect(() => parseUnits('0.0000001', 6)).toThrow(InvalidInputError);
    expect(() => parseUnits('-1', 6)).toThrow(InvalidInputError);
  });

  it('keys assets by chain and contract so a look-alike is another asset', () => {
    expect(assetKey({ chain: 'ethereum', kind: 'token', contract: '0xaa' })).not.toBe(assetKey({ chain: 'ethereum', kind: 'token', contract: '0xbb' }));
    expect(assetKey({ chain: 'tron', kind: 'native' })).toBe('tron:native');
  });
});

describe('chains', () => {
  it('knows ethereum, bitcoin, tron and evm:<id>, and treats evm:1 as ethereum', () => {
    expect(getChain('evm:1').id).toBe('ethereum');
    expect(getChain('bsc')).toMatchObject({ id: 'evm:56', family: 'evm', evmChainId: 56 });
    expect(getChain('evm:999999')).toMatchObject({ id: 'evm:999999', family: 'evm' });
    expect(getChain('tron').native).toEqual({ symbol: 'TRX', decimals: 6 });
  });

  it('rejects unknown chains with a typed error', () => {
    expect(() => getChain('solana')).toThrow(InvalidInputError);
    expect(() => getChain('evm:0')).toThrow(/Unknown chain/);
  });
});

describe('jurisdictions and cross-border', () => {
  it('validates ISO 3166 alpha-2', () => {
    expect(isJurisdiction('DE')).toBe(true);
    expect(isJurisdiction('XX')).toBe(false);
    expect(isJurisdiction('de')).toBe(false);
  });

  it('is true, false or unknown, never guessed', () => {
    expect(crossBorder(['SC'], 'DE').crossBorder).toBe(true);
    expect(crossBorder(['MT', 'DE'], 'DE').crossBorder).toBe(false);
    expect(crossBorder([], 'DE')).toEqual({ crossBorder: null, reason: 'entity jurisdiction unknown' });
    expect(crossBorder(['SC'], undefined).crossBorder).toBeNull();
  });
});

describe('stablecoins', () => {
  it('recognizes canonical USDT and flags a same-symbol token elsewhere as a look-alike', () => {
    expect(freezableStablecoin('tron', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t')?.symbol).toBe('USDT');
    expect(freezableStablecoin('ethereum', '0xdac17f958d2ee523a2206206994597c13d831ec7')?.issuer).toMatch(/Tether/);
    expect(isLookalikeToken('ethereum', '0x1111111111111111111111111111111111111111', 'usdt')).toBe(true);
    expect(isLookalikeToken('ethereum', '0xdac17f958d2ee523a2206206994597c13d831ec7', 'USDT')).toBe(false);
    expect(isLookalikeToken('ethereum', '0x1111111111111111111111111111111111111111', 'SHIB')).toBe(false);
  });
});
