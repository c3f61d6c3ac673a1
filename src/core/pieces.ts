/** Characters gathered into a piece before it is handed out: files of any size are written a piece at a time. */
export const PIECE_CHARS = 64 * 1024;

/** Lines, each ended by a newline, gathered into pieces of about PIECE_CHARS (each ends a line). */
export function* linesInPieces(lines: Iterable<string>): Generator<string, void, undefined> {
  let piece = '';
  for (const line of lines) {
    piece += `${line}\n`;
    if (piece.length >= PIECE_CHARS) {
      yield piece;
      piece = '';
    }
  }
  if (piece) yield piece;
}
