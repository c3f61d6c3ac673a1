import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonFile, readJsonPieces } from '../../src/core/json-file.js';
import { reportToJson } from '../../src/report/json.js';
import { traceDemo } from '../support/demo-trace.js';

const dir = mkdtempSync(join(tmpdir(), 'json-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** `text` written to a fresh file, read back by readJsonFile: its value, or the error it threw. */
function readBack(text: string, readBytes: number): { value?: unknown; error?: unknown } {
  const file = join(dir, `${files++}.json`);
  writeFileSync(file, text);
  try {
    return { value: readJsonFile(file, { readBytes }) };
  } catch (error) {
    return { error };
  } finally {
    rmSync(file);
  }
}

function parsed(text: string): { value?: unknown; error?: unknown } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error };
  }
}

/** The same value, members in the same order (JSON.stringify lists them in order). */
function expectSame(a: unknown, b: unknown): void {
  expect(a).toStrictEqual(b);
  expect(JSON.stringify(a)).toBe(JSON.stringify(b));
}

const layouts = fc.record({
  value: fc.jsonValue({ maxDepth: 4 }),
  indent: fc.constantFrom<string | number | undefined>(undefined, 0, 1, 2, '\t', ' '),
  before: fc.constantFrom('', ' ', '\n', '\r\n\t '),
  after: fc.constantFrom('', ' ', '\n', '\t\n'),
  // From one byte at a time (every value spans reads) to more than most texts.
  readBytes: fc.integer({ min: 1, max: 96 }),
});

describe('readJsonFile', () => {
  it('reads any JSON text, in any layout and any read size, as JSON.parse does (members in the same order)', () => {
    fc.assert(
      fc.property(layouts, ({ value, indent, before, after, readBytes }) => {
        const text = `${before}${JSON.stringify(value, null, indent)}${after}`;
        const read = readBack(text, readBytes);
        expect(read.error).toBeUndefined();
        expectSame(read.value, JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('fails exactly where JSON.parse fails: a byte dropped, added or changed anywhere', () => {
    const edits = fc.record({
      layout: layouts,
      at: fc.nat(),
      kind: fc.constantFrom('drop', 'add', 'change'),
      byte: fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '0', '-', 'e', '.', 'n', 't', ' ', '\u0000', 'é'),
    });
    fc.assert(
      fc.property(edits, ({ layout, at, kind, byte }) => {
        const valid = JSON.stringify(layout.value, null, layout.indent);
        const i = at % (valid.length + 1);
        const text =
          kind === 'drop'
            ? valid.slice(0, i) + valid.slice(i + 1)
            : kind === 'add'
              ? valid.slice(0, i) + byte + valid.slice(i)
              : valid.slice(0, i) + byte + valid.slice(i + 1);
        const read = readBack(text, layout.readBytes);
        const expected = parsed(text);
        if (expected.error) {
          expect(read.error).toBeInstanceOf(SyntaxError);
          expect((read.error as Error).message).toMatch(/byte \d+/);
        } else {
          expect(read.error).toBeUndefined();
          expectSame(read.value, expected.value);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('names the byte where the JSON goes wrong, and the end of a text cut short', () => {
    expect(readBack('{"a": [1, 2] "b": 3}', 4).error).toMatchObject({ message: "Expected ',' or '}' after a member at byte 13" });
    expect(readBack('[1, 2', 4).error).toMatchObject({ message: 'Unexpected end of JSON input at byte 5' });
    expect(readBack('[1, 2}', 4).error).toMatchObject({ message: "Expected ',' or ']' after an element at byte 5" });
    expect(readBack('{"a": {"b": [1}}', 4).error).toMatchObject({ message: expect.stringMatching(/\(in the value at byte 12\)$/) });
    expect(readBack('', 4).error).toMatchObject({ message: 'Unexpected end of JSON input at byte 0' });
    expect(readBack('\u0000', 4).error).toMatchObject({ message: 'Unexpected byte 0x00 where a JSON value should start at byte 0' });
    expect(readBack('[1] 2', 4).error).toMatchObject({ message: 'Unexpected data after the JSON value at byte 4' });
  });

  it('reads a text given in pieces (bytes cut anywhere, or strings) as JSON.parse reads it joined', () => {
    const cuts = fc.record({ layout: layouts, cuts: fc.array(fc.nat(), { maxLength: 12 }), strings: fc.boolean() });
    fc.assert(
      fc.property(cuts, ({ layout, cuts, strings }) => {
        const text = JSON.stringify(layout.value, null, layout.indent);
        // Strings are cut between characters; bytes anywhere, inside a character's UTF-8 too.
        const whole = strings ? text : Buffer.from(text, 'utf8');
        const at = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...at].map((from, i) => whole.slice(from, i < at.length ? at[i] : whole.length));
        if (strings && pieces.some((p) => /^[\udc00-\udfff]|[\ud800-\udbff]$/.test(p as string))) return;
        expectSame(readJsonPieces(pieces as (string | Uint8Array)[], { readBytes: layout.readBytes }), JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('reads only the top-level members asked for, as JSON.parse gives them, stepping over the others', () => {
    const objects = fc.record({
      value: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 }),
      indent: fc.constantFrom<string | number | undefined>(undefined, 2, '\t'),
      asked: fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 }),
      pick: fc.array(fc.boolean(), { maxLength: 8 }),
      readBytes: fc.integer({ min: 1, max: 64 }),
    });
    fc.assert(
      fc.property(objects, ({ value, indent, asked, pick, readBytes }) => {
        const text = JSON.stringify(value, null, indent);
        const whole = JSON.parse(text) as Record<string, unknown>;
        const members = [...Object.keys(whole).filter((_, i) => pick[i]), ...asked];
        const file = join(dir, `${files++}.json`);
        writeFileSync(file, text);
        const read = readJsonFile(file, { members, readBytes });
        rmSync(file);
        const expected = Object.fromEntries(Object.entries(whole).filter(([k]) => members.includes(k)));
        expectSame(read, expected);
      }),
      { numRuns: 300 },
    );
    const file = join(dir, 'list.json');
    writeFileSync(file, '[1, 2]');
    expect(() => readJsonFile(file, { members: ['a'] })).toThrow('Expected a JSON object at byte 0');
  });

  it('keeps "__proto__" an own member, as JSON.parse does, at every level', () => {
    const text = '{"__proto__": {"polluted": true}, "list": [{"__proto__": 1}], "inner": {"__proto__": [2]}}';
    const read = readBack(text, 7).value as Record<string, unknown>;
    expectSame(read, JSON.parse(text));
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
    expect(Object.keys(read)).toEqual(['__proto__', 'list', 'inner']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads a report file as JSON.parse does, with reads far smaller than one endpoint record', async () => {
    const { report } = await traceDemo();
    const text = reportToJson(report);
    for (const readBytes of [1, 100, 4096]) expectSame(readBack(text, readBytes).value, JSON.parse(text));
  });
});
