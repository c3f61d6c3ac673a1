import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, markdownReplacements } from '../../src/report/escape.js';

describe('escapeMarkdown', () => {
  it('gives what its replacements give, for text with and without anything to escape (its shortcut skips none that applies)', () => {
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
        expect(out).toBe(markdownReplacements(text));
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
