import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLabelCsv } from '../../src/labels/formats/csv.js';
import { parseLabelJson } from '../../src/labels/formats/json.js';
import { InvalidInputError } from '../../src/core/errors.js';

const HEADER = 'chain,address,entity,category,jurisdiction,confidence,source';
const cell = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('ethereum', 'tron', 'exchange', 'DE', '0.5', '"', '""', ',', '\n', '0xdac17f958d2ee523a2206206994597c13d831ec7'),
);

describe('label parsers under fuzzing', () => {
  it('CSV: rows of random cells give labels or an InvalidInputError naming the file', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 9 }), { maxLength: 6 }), (rows) => {
        const text = [HEADER, ...rows.map((r) => r.join(','))].join('\n');
        try {
          for (const label of parseLabelCsv(text, 'fuzz.csv')) expect(label.confidence).toBeGreaterThanOrEqual(0);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidInputError);
          expect((error as InvalidInputError).shortMessage).toMatch(/^fuzz\.csv/);
        }
      }),
      { numRuns: 1500, seed: 7 },
    );
  });

  it('JSON: arbitrary JSON values give labels or an InvalidInputError', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        try {
          parseLabelJson(JSON.stringify(value), 'fuzz.json');
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidInputError);
        }
      }),
      { numRuns: 1500, seed: 11 },
    );
    expect(() => parseLabelJson('{"labels": [1]}', 'x.json')).toThrow(InvalidInputError);
  });
});
