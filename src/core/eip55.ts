import { EIP55_WASM } from './eip55-wasm.js';
import { lazyPackage } from './lazy.js';
import { webAssembly } from './webassembly.js';

interface Checksummer {
  /** The module's memory: the 40 digits at 0–39, upper-cased in place by `checksum`. */
  readonly memory: Uint8Array;
  readonly checksum: () => void;
}

let instance: Checksummer | undefined;

/**
 * The WebAssembly checksum module (scripts/build-eip55-wasm.ts), compiled with the first address checksummed; where
 * WebAssembly is off (`node --jitless`), the same in place through ethers' keccak-256 (about 20× slower an
 * address: 25–32 µs against 1.3–1.9 µs, both with the JIT on).
 */
function checksummer(): Checksummer {
  if (!instance) {
    // Synchronous: the module is about 1 kB, and every caller of a checksum is synchronous.
    if (webAssembly) {
      const { exports } = new webAssembly.Instance(new webAssembly.Module(Buffer.from(EIP55_WASM, 'base64')));
      instance = { memory: new Uint8Array(exports.memory.buffer), checksum: exports.checksum };
    } else instance = keccakInJs();
  }
  return instance;
}

const ethers = lazyPackage<typeof import('ethers')>('ethers');

/** The checksummer without WebAssembly: a digit is upper-cased where its nibble of the digits' keccak-256 is >= 8. */
function keccakInJs(): Checksummer {
  const memory = new Uint8Array(40);
  const { keccak256 } = ethers();
  const checksum = () => {
    const hash = keccak256(memory);
    for (let i = 0; i < 40; i++) if (memory[i]! >= 0x61 && Number.parseInt(hash[2 + i]!, 16) >= 8) memory[i]! -= 0x20;
  };
  return { memory, checksum };
}

// Char codes of every checksum made (the string is made from them at once).
const codes = new Array<number>(42).fill(0);
codes[0] = 0x30;
codes[1] = 0x78;

/**
 * EIP-55 of an EVM address (`0x` and 40 hex digits, either case; undefined for anything else): a hex digit is
 * upper-case where the keccak-256 of the 40 lower-case digits has a nibble >= 8. The form is checked and the digits
 * lower-cased in one pass over the char codes, written straight into the module's memory (no regular expression, no
 * string copies). Keccak in WebAssembly rather than ethers' getAddress or js-sha3: reports checksum every address
 * they print, and this is about 4× faster than js-sha3 (tests hold it to ethers' answers).
 */
export function eip55(address: string): string | undefined {
  if (address.length !== 42 || address.charCodeAt(0) !== 0x30 || address.charCodeAt(1) !== 0x78) return undefined;
  const { memory, checksum } = checksummer();
  for (let i = 0; i < 40; i++) {
    const c = address.charCodeAt(i + 2);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)) memory[i] = c;
    else if (c >= 0x41 && c <= 0x46) memory[i] = c + 0x20;
    else return undefined;
  }
  checksum();
  for (let i = 0; i < 40; i++) codes[i + 2] = memory[i]!;
  // One flat string from char codes: appending char by char leaves a 40-deep chain of cons strings per address.
  return String.fromCharCode.apply(null, codes);
}
