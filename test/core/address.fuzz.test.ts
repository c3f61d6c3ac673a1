import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeAddress, formatAddress } from '../../src/core/address.js';
import { type ChaintrailError, InvalidAddressError } from '../../src/core/errors.js';

const CHAINS = ['ethereum', 'evm:56', 'tron', 'bitcoin', 'bitcoin-testnet'];
const near = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.stringMatching(/^0x[0-9a-fA-F]{0,44}$/),
  fc.stringMatching(/^T[1-9A-HJ-NP-Za-km-z]{30,36}$/),
  fc.stringMatching(/^(bc1|tb1|1|3|BC1)[02-9ac-hj-np-zA-HJ-NP-Z]{10,70}$/),
  fc.stringMatching(/^41[0-9a-f]{38,42}$/),
  // Valid ones too, so the success path is exercised: random 20-byte EVM addresses, upper- or lower-case hex.
  fc
    .uint8Array({ minLength: 20, maxLength: 20 })
    .chain((b) => fc.constantFrom(`0x${Buffer.from(b).toString('hex')}`, `0x${Buffer.from(b).toString('hex').toUpperCase()}`)),
);

describe('address parsers under fuzzing', () => {
  it('either normalize to a stable form or throw InvalidAddressError, never anything else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CHAINS), near, (chain, input) => {
        try {
          const once = normalizeAddress(chain, input);
          // Normalizing is idempotent and the display form parses back to the same address.
          expect(normalizeAddress(chain, once)).toBe(once);
          expect(normalizeAddress(chain, formatAddress(chain, once))).toBe(once);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidAddressError);
          expect((error as ChaintrailError).shortMessage.length).toBeLessThan(400);
        }
      }),
      { numRuns: 3000, seed: 20261125 },
    );
  });
});
