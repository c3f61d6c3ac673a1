import { createRequire } from 'node:module';
import type { Network } from 'bitcoinjs-lib';

type BitcoinLib = typeof import('bitcoinjs-lib');
let lib: BitcoinLib | undefined;

/**
 * bitcoinjs-lib, loaded on the first Bitcoin address or transaction (importing chaintrail does not load it), with
 * its ECC backend set: Taproot (bech32m) addresses need one, and the pure-JS one keeps installs binary-free.
 * One copy for every caller, so the backend is set once.
 */
export function bitcoinLib(): BitcoinLib {
  if (lib === undefined) {
    const require = createRequire(import.meta.url);
    const loaded = require('bitcoinjs-lib') as BitcoinLib;
    loaded.initEccLib(require('@bitcoinerlab/secp256k1') as Parameters<BitcoinLib['initEccLib']>[0]);
    lib = loaded;
  }
  return lib;
}

export function bitcoinNetwork(chain: string): Network {
  const { networks } = bitcoinLib();
  if (chain === 'bitcoin-testnet') return networks.testnet;
  if (chain === 'bitcoin-regtest') return networks.regtest;
  return networks.bitcoin;
}
