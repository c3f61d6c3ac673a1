import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitcoinLib } from '../../src/core/bitcoin-network.js';
import { normalizeAddress, tronHexToBase58 } from '../../src/core/address.js';
import { getChain } from '../../src/core/chain.js';
import { type ChaintrailError, InvalidInputError } from '../../src/core/errors.js';
import { editDistance } from '../../src/core/suggest.js';
import { TraceReportSchema } from '../../src/core/schema.js';
import { EXIT } from '../../src/cli/io.js';
import { parseSeedArg } from '../../src/cli/seed-arg.js';
import { cli } from '../support/cli.js';

const bitcoin = bitcoinLib();

const DEMO = JSON.parse(readFileSync('fixtures/demo/case.json', 'utf8')) as { seeds: { chain: string; tx: string }[] };
const ETH_SEED = DEMO.seeds.find((s) => s.chain === 'ethereum')!.tx;
const FIXTURE = ['--source', 'fixture:fixtures/demo/dataset.json'];

const hexDigits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: min, maxLength: max });
const bytes20 = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => Buffer.from(b));
const tronAddresses = bytes20.map((b) => tronHexToBase58(`41${b.toString('hex')}`));
const btcAddresses = fc
  .tuple(bytes20, fc.constantFrom('p2pkh', 'p2sh', 'p2wpkh'))
  .map(([hash, kind]) =>
    kind === 'p2pkh'
      ? bitcoin.payments.p2pkh({ hash }).address!
      : kind === 'p2sh'
        ? bitcoin.payments.p2sh({ hash }).address!
        : bitcoin.payments.p2wpkh({ hash }).address!,
  );
const evmAddresses = bytes20.map((b) => `0x${b.toString('hex')}`);

function parseError(arg: string, chain: string): InvalidInputError {
  try {
    parseSeedArg(arg, chain);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as ChaintrailError).shortMessage).not.toContain('\n');
    return error as InvalidInputError;
  }
  throw new Error(`--seed ${arg} on ${chain} was accepted`);
}

describe('seed values that are neither a hash nor an address', () => {
  it('says a hex string of the wrong length is neither a tx hash nor an address, and how long it is', () => {
    expect(parseError('0x1234567890ab', 'ethereum').shortMessage).toBe(
      '--seed 0x1234567890ab: "0x1234567890ab" has 12 hex digits: neither a transaction hash (0x + 64 hex digits) nor an address (0x + 40 hex digits) on ethereum',
    );
    fc.assert(
      fc.property(
        hexDigits(1, 80).filter((h) => h.length !== 40 && h.length !== 64),
        fc.boolean(),
        (digits, prefix) => {
          const value = `${prefix ? '0x' : ''}${digits}`;
          const e = parseError(value, 'ethereum');
          expect(e.shortMessage).toContain(
            `has ${digits.length} hex digits: neither a transaction hash (0x + 64 hex digits) nor an address (0x + 40 hex digits) on ethereum`,
          );
          expect(e.details).toMatchObject({ digits: digits.length });
        },
      ),
      { numRuns: 200, seed: 5 },
    );
  });

  it('keeps the address message for an address-shaped value that does not parse (bad checksum)', () => {
    const e = parseError('0x52908400098527886E0F7030069857D2E4169EE7'.replace('E7', 'e7'), 'ethereum');
    expect(e.shortMessage).toMatch(/Invalid ethereum address .*bad EIP-55 checksum/);
  });

  it('points a bare 64-digit hash given on an EVM chain to TRON or Bitcoin', () => {
    fc.assert(
      fc.property(hexDigits(64, 64), (digits) => {
        expect(parseError(digits, 'ethereum').shortMessage).toMatch(
          /a 64-digit hash without 0x is a TRON or Bitcoin transaction id: use --seed tron=… or bitcoin=…$/,
        );
      }),
      { numRuns: 50, seed: 6 },
    );
  });

  it('suggests the chain whose address form the value fits', () => {
    fc.assert(
      fc.property(tronAddresses, fc.constantFrom('ethereum', 'evm:56', 'bitcoin'), (address, chain) => {
        const e = parseError(address, chain);
        expect(e.shortMessage).toMatch(/it is a valid tron address: use --chain tron or --seed tron=…$/);
        expect(e.details).toMatchObject({ fitsChains: ['tron'] });
      }),
      { numRuns: 60, seed: 7 },
    );
    fc.assert(
      fc.property(btcAddresses, fc.constantFrom('ethereum', 'tron', 'bitcoin-testnet'), (address, chain) => {
        expect(parseError(address, chain).shortMessage).toMatch(/it is a valid bitcoin address: use --chain bitcoin or --seed bitcoin=…$/);
      }),
      { numRuns: 60, seed: 8 },
    );
    fc.assert(
      fc.property(evmAddresses, fc.constantFrom('tron', 'bitcoin'), (address, chain) => {
        const e = parseError(address, chain);
        expect(e.shortMessage).toContain(`--seed ${address}: `);
        expect(e.shortMessage).toMatch(/ethereum/);
      }),
      { numRuns: 60, seed: 9 },
    );
  });

  it('says the same in the library: an address refused on one chain names the chains it is valid on', () => {
    fc.assert(
      fc.property(tronAddresses, (address) => {
        expect(() => normalizeAddress('ethereum', address)).toThrow(
          new RegExp(`^Invalid ethereum address "${address}": expected 0x followed by 40 hex digits; it is a valid tron address$`),
        );
      }),
      { numRuns: 30, seed: 10 },
    );
    expect(() => normalizeAddress('ethereum', 'not-an-address')).toThrow(/^Invalid ethereum address "not-an-address": expected 0x followed by 40 hex digits$/);
  });

  it('takes TX:N on every chain, TX:native on account chains, and refuses an index on an address', () => {
    const evmTx = `0x${'ab'.repeat(32)}`;
    expect(parseSeedArg(`${evmTx}:7`, 'ethereum')).toEqual({ chain: 'ethereum', tx: evmTx, index: 7 });
    expect(parseSeedArg(`${evmTx}:native`, 'evm:56')).toEqual({ chain: 'evm:56', tx: evmTx, index: -1 });
    expect(parseSeedArg(`bitcoin=${'cd'.repeat(32)}:1`, 'ethereum')).toEqual({ chain: 'bitcoin', tx: 'cd'.repeat(32), index: 1 });
    expect(parseSeedArg(`evm:1337=${evmTx}:0`, 'tron')).toEqual({ chain: 'evm:1337', tx: evmTx, index: 0 });
    expect(parseError('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t:1', 'tron').shortMessage).toMatch(/only a transaction hash takes :N/);
    expect(parseError(`${evmTx}:x`, 'ethereum').shortMessage).toMatch(/"x" after the colon is not the log index of a token transfer, or "native"/);
  });
});

describe('chain names', () => {
  it('suggests the nearest chain name for a typo, and none for a word that is no chain', () => {
    const names = ['ethereum', 'bitcoin', 'tron', 'polygon', 'arbitrum', 'optimism', 'avalanche', 'bitcoin-testnet'];
    const typo = fc
      .tuple(fc.constantFrom(...names), fc.nat(), fc.constantFrom('drop', 'swap', 'insert', 'replace'), fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'))
      .map(([name, at, edit, c]) => {
        const i = at % name.length;
        const typed =
          edit === 'drop'
            ? name.slice(0, i) + name.slice(i + 1)
            : edit === 'insert'
              ? name.slice(0, i) + c + name.slice(i)
              : edit === 'replace'
                ? name.slice(0, i) + c + name.slice(i + 1)
                : name.slice(0, i) + (name[i + 1] ?? '') + name[i] + name.slice(i + 2);
        return { name, typed };
      });
    fc.assert(
      fc.property(typo, ({ name, typed }) => {
        let known = true;
        try {
          getChain(typed);
        } catch (error) {
          known = false;
          const suggestion = (error as ChaintrailError).details.suggestion as string;
          expect((error as ChaintrailError).shortMessage).toBe(
            `Unknown chain "${typed}": did you mean ${suggestion}? use ethereum, bitcoin, tron or evm:<chainId>`,
          );
          // The suggestion is at least as near as the name meant (a typo can land nearer another name).
          expect(editDistance(typed, suggestion)).toBeLessThanOrEqual(editDistance(typed, name));
        }
        // A typo that is itself a name (an alias) is simply that chain.
        if (known) expect(getChain(typed).id).toBeTruthy();
      }),
      { numRuns: 300, seed: 11 },
    );
    for (const word of ['solana', 'cardano', 'x']) expect(() => getChain(word)).toThrow(new RegExp(`^Unknown chain "${word}": use ethereum`));
  });

  it('says it in the CLI as one line with exit code 2', async () => {
    const r = await cli(['trace', '--chain', 'etherum', ...FIXTURE, '--seed', ETH_SEED]);
    expect(r.code).toBe(EXIT.invalidInput);
    expect(r.stderr).toBe('chaintrail: Unknown chain "etherum": did you mean ethereum? use ethereum, bitcoin, tron or evm:<chainId> [INVALID_INPUT]\n');
  });
});

describe('options named as typed', () => {
  it('names the flag and shows the bad value, before any source is asked', async () => {
    const jurisdiction = await cli(['trace', '--chain', 'ethereum', ...FIXTURE, '--seed', ETH_SEED, '--case-jurisdiction', 'Germany']);
    expect(jurisdiction.code).toBe(EXIT.invalidInput);
    expect(jurisdiction.stderr).toBe('chaintrail: --case-jurisdiction "Germany" is not an ISO 3166-1 alpha-2 country code [INVALID_INPUT]\n');
    const min = await cli(['trace', '--chain', 'ethereum', ...FIXTURE, '--seed', ETH_SEED, '--min-value', '1,5']);
    expect(min.stderr).toBe('chaintrail: --min-value "1,5": expected a non-negative decimal number [INVALID_INPUT]\n');
    const nodes = await cli(['trace', '--chain', 'ethereum', ...FIXTURE, '--seed', ETH_SEED, '--max-nodes', '0']);
    expect(nodes.stderr).toMatch(/^chaintrail: --max-nodes "0": /);
    const movements = await cli(['trace', '--chain', 'ethereum', ...FIXTURE, '--seed', ETH_SEED, '--max-movements', '0']);
    expect(movements.stderr).toMatch(/^chaintrail: --max-movements "0": /);
    // `case trace` checks the same flags once, before any case is traced.
    const cases = await cli(['case', 'trace', 'C-1', ...FIXTURE, '--min-value', '1,5']);
    expect(cases.code).toBe(EXIT.invalidInput);
    expect(cases.stderr).toBe('chaintrail: --min-value "1,5": expected a non-negative decimal number [INVALID_INPUT]\n');
    for (const r of [jurisdiction, min, nodes, cases]) expect(r.stderr).not.toMatch(/caseJurisdiction|minValue|maxNodes|Invalid trace options/);
  });

  it('refuses a switch word as the cache file, naming the flag that turns the cache off', async () => {
    for (const word of ['false', 'OFF', 'no', '0']) {
      const r = await cli(['trace', '--chain', 'ethereum', ...FIXTURE, '--seed', ETH_SEED, '--cache', word]);
      expect(r.code).toBe(EXIT.invalidInput);
      expect(r.stderr).toBe(
        `chaintrail: --cache "${word}" takes a file, not a switch: use --no-cache to read and write no answer cache (or --cache ./${word} for a file of that name) [INVALID_INPUT]\n`,
      );
    }
    // A path that only ends in the word is a file like any other.
    expect((await cli(['trace', '--chain', 'ethereum', ...FIXTURE, '--seed', ETH_SEED, '--cache', './false', '--quiet'])).code).toBe(0);
  });
});

describe('the hop limit', () => {
  it('names the --hops that continues a branch, and that value does continue it', { timeout: 60_000 }, async () => {
    for (const hops of [0, 1, 2]) {
      const run = await cli(['trace', '--chain', 'ethereum', ...FIXTURE, '--seed', ETH_SEED, '--hops', String(hops), '--format', 'json', '--quiet']);
      const cut = TraceReportSchema.parse(JSON.parse(run.stdout)).endpoints.filter((e) => e.kind === 'hop-limit');
      expect(cut.length).toBeGreaterThan(0);
      for (const e of cut) expect(e.reason).toBe(`hop limit ${hops} reached: re-run with --hops ${e.hops + 1} (maxHops: ${e.hops + 1}) to follow it further`);
      const next = Math.max(...cut.map((e) => e.hops)) + 1;
      const further = TraceReportSchema.parse(
        JSON.parse((await cli(['trace', '--chain', 'ethereum', ...FIXTURE, '--seed', ETH_SEED, '--hops', String(next), '--format', 'json', '--quiet'])).stdout),
      );
      // Each address cut before is now followed: it no longer ends at the hop limit at the same depth.
      for (const e of cut) expect(further.endpoints.some((f) => f.kind === 'hop-limit' && f.address === e.address && f.hops === e.hops)).toBe(false);
    }
  });
});
