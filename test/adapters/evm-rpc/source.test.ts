import { describe, expect, it } from 'vitest';
import { createAdapterFromSource } from '../../../src/cli/sources.js';
import { InvalidInputError } from '../../../src/core/errors.js';

describe('--source rpc:URL', () => {
  it('builds the EVM RPC adapter for the chain, printing the URL without its key', async () => {
    const adapter = await createAdapterFromSource('rpc:https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef', 'ethereum', {});
    expect(adapter.kind).toBe('evm-rpc');
    expect(adapter.endpoint).toBe('https://mainnet.infura.io/v3/***');
    expect(adapter.supports('ethereum')).toBe(true);
    expect(adapter.supports('evm:137')).toBe(false);
  });

  it('takes the URL from CHAINTRAIL_RPC_URL so keys stay out of shell history', async () => {
    const adapter = await createAdapterFromSource('rpc', 'polygon', { CHAINTRAIL_RPC_URL: 'https://polygon-mainnet.g.alchemy.com/v2/abcdEFGH12345678abcd' });
    expect(adapter.endpoint).toBe('https://polygon-mainnet.g.alchemy.com/v2/***');
    expect(adapter.supports('evm:137')).toBe(true);
  });

  it('says what is missing or wrong', async () => {
    await expect(createAdapterFromSource('rpc', 'ethereum', {})).rejects.toThrow(/needs a JSON-RPC URL/);
    await expect(createAdapterFromSource('rpc:http://127.0.0.1:8545', 'bitcoin', {})).rejects.toThrow(InvalidInputError);
  });
});
