/** Characters gathered into a piece before it is handed out: files of any size are written a piece at a time. */
export const PIECE_CHARS = 64 * 1024;

/**
 * Lines, each ended by `end` (a newline; CSV's CRLF), gathered into pieces of about PIECE_CHARS (each ends a line).
 * `onPiece` hears, before each piece is handed out, how many lines it and the pieces before it hold.
 */
export function* linesInPieces(lines: Iterable<string>, end = '\n', onPiece?: (lines: number) => void): Generator<string, void, undefined> {
  let piece = '';
  let count = 0;
  for (const line of lines) {
    piece += `${line}${end}`;
    count++;
    if (piece.length >= PIECE_CHARS) {
      onPiece?.(count);
      yield piece;
      piece = '';
    }
  }
  if (!piece) return;
  onPiece?.(count);
  yield piece;
}
