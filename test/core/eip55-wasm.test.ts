import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileEip55Wasm, eip55Wat, eip55WasmSource } from '../../scripts/build-eip55-wasm.js';
import { EIP55_WASM } from '../../src/core/eip55-wasm.js';

describe('the EIP-55 WebAssembly module', () => {
  it('is the generator’s text compiled by wabt, byte for byte, and the committed file is what the build writes', async () => {
    const bytes = await compileEip55Wasm();
    expect(Buffer.from(EIP55_WASM, 'base64').equals(Buffer.from(bytes))).toBe(true);
    const committed = readFileSync(new URL('../../src/core/eip55-wasm.ts', import.meta.url), 'utf8');
    expect(committed).toBe(eip55WasmSource(bytes));
  });

  it('carries keccak’s 24 round constants as FIPS 202 lists them (first, last and one with bit 63)', () => {
    const data = /\(data \(i32\.const 64\) "([^"]+)"\)/.exec(eip55Wat())![1]!;
    const bytes = data
      .split('\\')
      .slice(1)
      .map((h) => Number.parseInt(h, 16));
    expect(bytes).toHaveLength(24 * 8);
    const lane = (i: number) => bytes.slice(8 * i, 8 * i + 8).reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n);
    expect(lane(0)).toBe(0x0000000000000001n);
    expect(lane(2)).toBe(0x800000000000808an);
    expect(lane(23)).toBe(0x8000000080008008n);
  });
});
