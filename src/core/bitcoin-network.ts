import type { Network } from 'bitcoinjs-lib';
import { lazyPackage } from './lazy.js';

type BitcoinLib = typeof import('bitcoinjs-lib');
type Ecc = Parameters<BitcoinLib['initEccLib']>[0];
const ecc = lazyPackage<Ecc>('@bitcoinerlab/secp256k1');

/**
 * bitcoinjs-lib, loaded on the first Bitcoin address or transaction (importing chaintrail does not load it), with
 * its ECC backend set: Taproot (bech32m) addresses need one, and the pure-JS one keeps installs binary-free.
 */
export const bitcoinLib = lazyPackage<BitcoinLib>('bitcoinjs-lib', (lib) => lib.initEccLib(ecc()));

export function bitcoinNetwork(chain: string): Network {
  const { networks } = bitcoinLib();
  if (chain === 'bitcoin-testnet') return networks.testnet;
  if (chain === 'bitcoin-regtest') return networks.regtest;
  return networks.bitcoin;
}
