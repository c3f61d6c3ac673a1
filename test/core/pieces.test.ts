import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linesInPieces, PIECE_CHARS } from '../../src/core/pieces.js';

describe('linesInPieces', () => {
  it('gives the lines, each ended by a newline, in pieces that end a line and reach the piece size but the last', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40_000 }), { maxLength: 60 }), (lines) => {
        const pieces = [...linesInPieces(lines)];
        expect(pieces.join('')).toBe(lines.map((l) => `${l}\n`).join(''));
        for (const piece of pieces.slice(0, -1)) expect(piece.length).toBeGreaterThanOrEqual(PIECE_CHARS);
        expect(pieces.every((p) => p.endsWith('\n'))).toBe(true);
        // A piece is cut as soon as it is big enough: without its last line it was still below the size.
        for (const piece of pieces.slice(0, -1)) expect(piece.slice(0, piece.lastIndexOf('\n', piece.length - 2) + 1).length).toBeLessThan(PIECE_CHARS);
      }),
      { numRuns: 60 },
    );
    expect([...linesInPieces([])]).toEqual([]);
  });

  it('ends lines as asked and says how many lines the pieces handed out so far hold', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `row ${i},${'x'.repeat(i % 97)}`);
    const counts: number[] = [];
    const pieces = [...linesInPieces(lines, '\r\n', (n) => counts.push(n))];
    expect(pieces.join('')).toBe(lines.map((l) => `${l}\r\n`).join(''));
    expect(counts).toHaveLength(pieces.length);
    expect(counts.at(-1)).toBe(lines.length);
    // Each count is the number of lines in the pieces up to and including this one.
    let seen = 0;
    pieces.forEach((piece, i) => {
      seen += piece.split('\r\n').length - 1;
      expect(counts[i]).toBe(seen);
    });
  });
});
