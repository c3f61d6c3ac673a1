/**
 * `npm run eip55:build`: writes src/core/eip55-wasm.ts, the WebAssembly module that checksums EVM addresses (EIP-55),
 * compiled by wabt from the text `eip55Wat()` generates. The test compiles the text again and holds the committed
 * bytes to it, so the binary in the source tree is always this text.
 *
 * Why WebAssembly: a report checksums every EVM address it prints (hundreds of thousands in a big trace), and keccak-256
 * in JavaScript (js-sha3) took about 2.3 µs per address, this about 0.6 µs. Why generated text: keccak-f[1600]'s round
 * is 25 lanes in locals, written out by a loop here rather than by hand.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Rotation offsets r[x][y] of keccak's ρ step (FIPS 202, table 2). */
const ROTATIONS = [
  [0, 36, 3, 41, 18],
  [1, 44, 10, 45, 2],
  [62, 6, 43, 15, 61],
  [28, 55, 25, 21, 56],
  [27, 20, 39, 8, 14],
];

/** Round constants of keccak's ι step, as FIPS 202 derives them (the LFSR of its algorithm 5), not copied in. */
function roundConstants(): bigint[] {
  let r = 1;
  const bit = () => {
    const out = r & 1;
    r = r & 0x80 ? ((r << 1) ^ 0x71) & 0xff : (r << 1) & 0xff;
    return out;
  };
  const out: bigint[] = [];
  for (let round = 0; round < 24; round++) {
    let rc = 0n;
    for (let j = 0; j <= 6; j++) if (bit()) rc |= 1n << BigInt(2 ** j - 1);
    out.push(rc);
  }
  return out;
}

/**
 * The module's text. Memory: bytes 0–39 the address's 40 lower-case hex digits (the caller writes them), 40–63 the
 * hash's first bytes, 64–255 the round constants. `checksum()` hashes the 40 bytes (keccak-256: one block of 136, the
 * pad 0x01 … 0x80) and upper-cases, in place, each letter whose hash nibble is 8 or more.
 */
export function eip55Wat(): string {
  const lane = (x: number, y: number) => `$a${(x % 5) + 5 * (y % 5)}`;
  const moved = (x: number, y: number) => `$b${(x % 5) + 5 * (y % 5)}`;
  const get = (name: string) => `(local.get ${name})`;
  const constants = roundConstants()
    .map((rc) => {
      let s = '';
      for (let i = 0n; i < 8n; i++) s += `\\${((rc >> (8n * i)) & 0xffn).toString(16).padStart(2, '0')}`;
      return s;
    })
    .join('');
  const locals = [
    ...Array.from({ length: 25 }, (_, i) => `(local $a${i} i64) (local $b${i} i64)`),
    ...Array.from({ length: 5 }, (_, i) => `(local $c${i} i64) (local $d${i} i64)`),
    '(local $round i32) (local $i i32) (local $nibble i32) (local $char i32)',
  ];
  const lines = ['(module', '  (memory (export "memory") 1)', `  (data (i32.const 64) "${constants}")`, '  (func (export "checksum")'];
  lines.push(`    ${locals.join(' ')}`);
  // Absorb the one block into a zero state: five lanes of digits, the pad's first byte, its last (byte 135).
  for (let i = 0; i < 5; i++) lines.push(`    (local.set $a${i} (i64.load (i32.const ${8 * i})))`);
  lines.push('    (local.set $a5 (i64.const 1))', '    (local.set $a16 (i64.const 0x8000000000000000))');
  lines.push('    (loop $rounds');
  // θ: column parities, each lane xored with its neighbours' parities.
  for (let x = 0; x < 5; x++) {
    const parity = [1, 2, 3, 4].reduce((acc, y) => `(i64.xor ${acc} ${get(lane(x, y))})`, get(lane(x, 0)));
    lines.push(`      (local.set $c${x} ${parity})`);
  }
  for (let x = 0; x < 5; x++) lines.push(`      (local.set $d${x} (i64.xor ${get(`$c${(x + 4) % 5}`)} (i64.rotl ${get(`$c${(x + 1) % 5}`)} (i64.const 1))))`);
  // ρ and π: lane (x, y), θ applied, rotated to (y, 2x + 3y).
  for (let x = 0; x < 5; x++)
    for (let y = 0; y < 5; y++) {
      const value = `(i64.xor ${get(lane(x, y))} ${get(`$d${x}`)})`;
      const r = ROTATIONS[x]![y]!;
      lines.push(`      (local.set ${moved(y, 2 * x + 3 * y)} ${r === 0 ? value : `(i64.rotl ${value} (i64.const ${r}))`})`);
    }
  // χ, then ι from the constants table.
  for (let x = 0; x < 5; x++)
    for (let y = 0; y < 5; y++)
      lines.push(
        `      (local.set ${lane(x, y)} (i64.xor ${get(moved(x, y))} (i64.and (i64.xor ${get(moved(x + 1, y))} (i64.const -1)) ${get(moved(x + 2, y))})))`,
      );
  lines.push('      (local.set $a0 (i64.xor (local.get $a0) (i64.load offset=64 (local.get $round))))');
  lines.push('      (local.set $round (i32.add (local.get $round) (i32.const 8)))');
  lines.push('      (br_if $rounds (i32.lt_u (local.get $round) (i32.const 192))))');
  // The hash's first 24 bytes (20 needed: one nibble per digit), little-endian lanes as keccak's output bytes.
  for (let i = 0; i < 3; i++) lines.push(`    (i64.store (i32.const ${40 + 8 * i}) (local.get $a${i}))`);
  lines.push(
    '    (loop $digits',
    '      (local.set $nibble (i32.load8_u offset=40 (i32.shr_u (local.get $i) (i32.const 1))))',
    // Digit i's nibble: the high one of byte i/2 for even i, the low one for odd; only whether it is 8 or more counts.
    '      (local.set $nibble (i32.and (local.get $nibble) (select (i32.const 0x08) (i32.const 0x80) (i32.and (local.get $i) (i32.const 1)))))',
    '      (local.set $char (i32.load8_u (local.get $i)))',
    '      (if (i32.and (i32.ne (local.get $nibble) (i32.const 0)) (i32.ge_u (local.get $char) (i32.const 0x61)))',
    '        (then (i32.store8 (local.get $i) (i32.sub (local.get $char) (i32.const 0x20)))))',
    '      (local.set $i (i32.add (local.get $i) (i32.const 1)))',
    '      (br_if $digits (i32.lt_u (local.get $i) (i32.const 40))))',
    '  )',
    ')',
  );
  return `${lines.join('\n')}\n`;
}

/** The module's bytes, compiled from `eip55Wat()` by wabt (a development dependency). */
export async function compileEip55Wasm(): Promise<Uint8Array> {
  const wabt = await (await import('wabt')).default();
  const module = wabt.parseWat('eip55.wat', eip55Wat());
  try {
    module.validate();
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** The TypeScript module holding the bytes, as src/core/eip55-wasm.ts has it. */
export function eip55WasmSource(bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes).toString('base64');
  return [
    '// Generated by scripts/build-eip55-wasm.ts (`npm run eip55:build`) from the text it writes; do not edit.',
    '/** The EIP-55 checksum module (WebAssembly, base64). */',
    // (Laid out as the formatter lays out a long string.)
    'export const EIP55_WASM =',
    `  '${base64}';`,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = fileURLToPath(new URL('../src/core/eip55-wasm.ts', import.meta.url));
  const bytes = await compileEip55Wasm();
  writeFileSync(target, eip55WasmSource(bytes));
  console.log(`wrote ${target}: ${bytes.length} bytes of WebAssembly`);
}
