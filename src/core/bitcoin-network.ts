import * as bitcoin from 'bitcoinjs-lib';
import * as ecc from '@bitcoinerlab/secp256k1';

// Taproot (bech32m) addresses need an ECC backend in bitcoinjs-lib; the pure-JS one keeps installs binary-free.
bitcoin.initEccLib(ecc);

export { bitcoin };

export function bitcoinNetwork(chain: string): bitcoin.Network {
  if (chain === 'bitcoin-testnet') return bitcoin.networks.testnet;
  if (chain === 'bitcoin-regtest') return bitcoin.networks.regtest;
  return bitcoin.networks.bitcoin;
}
