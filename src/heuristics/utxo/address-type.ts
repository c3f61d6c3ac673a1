import { bitcoinLib } from '../../core/bitcoin-network.js';

/** The output type behind an address (`addressType`); `script` for `script:` ids, `unknown` for anything it does not recognize. */
export type AddressType = 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr' | 'witness-unknown' | 'script' | 'unknown';

const cache = new Map<string, AddressType>();
const P2PKH_VERSIONS = new Set([0x00, 0x6f]);
const P2SH_VERSIONS = new Set([0x05, 0xc4]);

/** The output type behind an address string (mainnet, testnet or regtest); `script:` ids are 'script'. */
export function addressType(address: string): AddressType {
  const hit = cache.get(address);
  if (hit) return hit;
  const type = classify(address);
  if (cache.size > 100_000) cache.clear();
  cache.set(address, type);
  return type;
}

function classify(address: string): AddressType {
  if (address.startsWith('script:')) return 'script';
  try {
    if (/^(bc|tb|bcrt)1/i.test(address)) {
      const { version, data } = bitcoinLib().address.fromBech32(address);
      if (version === 0) return data.length === 20 ? 'p2wpkh' : data.length === 32 ? 'p2wsh' : 'unknown';
      return version === 1 && data.length === 32 ? 'p2tr' : 'witness-unknown';
    }
    const { version } = bitcoinLib().address.fromBase58Check(address);
    if (P2PKH_VERSIONS.has(version)) return 'p2pkh';
    if (P2SH_VERSIONS.has(version)) return 'p2sh';
  } catch {
    // Not an address this code knows: 'unknown' votes for nothing.
  }
  return 'unknown';
}
