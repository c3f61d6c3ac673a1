import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../src/report/escape.js';

/** The seven replacements escapeMarkdown makes, each applied to every text (its fast path skips them when none applies). */
const replaced = (text: string) =>
  text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]#|~!]/g, (c) => `\\${c}`)
    .replace(/:\/\//g, '\\://')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\\.`);

describe('escapeMarkdown', () => {
  it('gives what the seven replacements give, for text with and without anything to escape', () => {
    const pieces = [
      'a',
      'Z',
      '0',
      '.',
      ' ',
      ':',
      '/',
      '://',
      'www.',
      'WwW.',
      'xwww.',
      '\n',
      '\r',
      '\u2028',
      '&',
      '<',
      '>',
      '\\',
      '`',
      '*',
      '_',
      '[',
      ']',
      '#',
      '|',
      '~',
      '!',
      'é',
      '-',
    ];
    let escaped = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        const out = escapeMarkdown(text);
        expect(out).toBe(replaced(text));
        if (out !== text) escaped++;
      }),
      { numRuns: 2000 },
    );
    expect(escaped).toBeGreaterThan(100);
    expect(escapeMarkdown('2026-12-04T10:00:00Z')).toBe('2026-12-04T10:00:00Z');
    expect(escapeMarkdown(undefined)).toBe('');
    expect(escapeMarkdown(12.5)).toBe('12.5');
  });
});
