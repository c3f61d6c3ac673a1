import { describe, expect, it } from 'vitest';
import { createAdapterFromSource } from '../../../src/cli/sources.js';
import { InvalidInputError } from '../../../src/core/errors.js';

const KEY = 'SENTINEL-SOURCE-KEY-0c1d2e3f';

describe('--source etherscan / trongrid', () => {
  it('builds Etherscan V2 with the key from ETHERSCAN_API_KEY and never prints it', async () => {
    const a = await createAdapterFromSource('etherscan', 'evm:137', { ETHERSCAN_API_KEY: KEY });
    expect(a.kind).toBe('etherscan');
    expect(a.endpoint).toBe('https://api.etherscan.io/v2/api (chainid 137)');
    expect(a.supports('polygon')).toBe(true);
    expect(a.supports('ethereum')).toBe(false);
  });

  it('fails clearly without a key for Etherscan V2', async () => {
    await expect(createAdapterFromSource('etherscan', 'ethereum', {})).rejects.toThrow(InvalidInputError);
  });

  it('takes any other URL as a Blockscout instance, key optional', async () => {
    const a = await createAdapterFromSource('etherscan:http://127.0.0.1:9/api', 'ethereum', {});
    expect(a.endpoint).toBe('http://127.0.0.1:9/api');
  });

  it('builds TronGrid with an optional URL', async () => {
    expect((await createAdapterFromSource('trongrid', 'tron', { TRONGRID_API_KEY: KEY })).endpoint).toBe('https://api.trongrid.io');
    const local = await createAdapterFromSource('trongrid:http://127.0.0.1:9', 'tron', {});
    expect(local.kind).toBe('trongrid');
    expect(local.endpoint).toBe('http://127.0.0.1:9');
    expect(local.supports('trx')).toBe(true);
  });
});
