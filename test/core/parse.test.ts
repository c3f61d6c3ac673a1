import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkInput, parseInput } from '../../src/core/parse.js';
import { InvalidInputError, ResponseShapeError } from '../../src/core/errors.js';

const Schema = z.object({ hops: z.number().int().min(0), name: z.string() }).strict();

describe('parseInput', () => {
  it('returns the parsed value with defaults applied', () => {
    expect(parseInput(Schema.extend({ depth: z.number().default(3) }), { hops: 2, name: 'x' }, 'Invalid options')).toEqual({ hops: 2, name: 'x', depth: 3 });
  });

  it('throws one InvalidInputError naming what and every bad field, with the issues in details', () => {
    let error: unknown;
    try {
      parseInput(Schema, { hops: -1, name: 7 }, 'Invalid options', { details: { file: 'case.json' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    const e = error as InvalidInputError;
    expect(e.shortMessage).toMatch(/^Invalid options: /);
    expect(e.shortMessage).toContain('hops');
    expect(e.shortMessage).toContain('name');
    expect(e.shortMessage).not.toContain('\n');
    expect(e.details.file).toBe('case.json');
    expect((e.details.issues as unknown[]).length).toBe(2);
  });

  it("throws the boundary's own error class when given one", () => {
    const make = (m: string, details: Record<string, unknown>) => new ResponseShapeError(m, { details });
    expect(() => parseInput(Schema, null, 'answer of eth_getLogs', { error: make })).toThrow(ResponseShapeError);
    expect(() => parseInput(Schema, null, 'answer of eth_getLogs', { error: make })).toThrow(/^answer of eth_getLogs: /);
  });
});

describe('checkInput', () => {
  it('returns the parsed value, or the same one-line problem parseInput would put after "<what>: ", without throwing', () => {
    expect(checkInput(Schema, { hops: 1, name: 'a' })).toEqual({ ok: true, data: { hops: 1, name: 'a' } });
    const bad = { hops: 1.5, name: 'a', extra: true };
    const checked = checkInput(Schema, bad);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problem).toContain('hops');
    expect(checked.problem).toContain('extra');
    expect(checked.issues.length).toBe(2);
    expect(() => parseInput(Schema, bad, 'row 3')).toThrow(`row 3: ${checked.problem}`);
  });
});
