/** A JSON file read in pieces: its value without its text ever being one string. */

import { closeSync, openSync, readSync } from 'node:fs';

/** Bytes read from the file at a time; the window grows past it only for one value longer than it. */
const READ_BYTES = 16 * 1024 * 1024;
/** Containers this many levels deep and deeper are parsed whole (the top level is 0): elements of a top-level member. */
const PIECE_DEPTH = 2;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
/** Whether a JSON value can start with byte `c`: a string, container, number or literal (true, false, null). */
const startsValue = (c: number) =>
  c === QUOTE || c === OPEN_BRACE || c === OPEN_BRACKET || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e;
/** Where a number or literal (true, false, null) ends. */
const endsScalar = (c: number) => c === COMMA || c === CLOSE_BRACKET || c === CLOSE_BRACE || isSpace(c);

export interface JsonFileOptions {
  /** Bytes read at a time (default 16 MiB). */
  readBytes?: number;
  /**
   * Only these members of the top-level object are read (a file whose value is no object is a SyntaxError); the
   * others are passed over by their brackets and quotes, neither parsed nor checked.
   */
  members?: readonly string[];
}

/**
 * The value of the JSON file `file`, equal to `JSON.parse` of its text, read in pieces: the file's top-level
 * containers (its value and that value's members or elements) are read here, and each value below them (a report's
 * endpoint record, say) is parsed by `JSON.parse` alone. A file longer than one string can be (V8 caps a string near
 * 512 MB: the report of a trace of about 1.2 M transfers) is read this way, as long as no single value below the
 * top two levels is that long; only the piece being read is held, never the whole text. Invalid JSON is a SyntaxError
 * naming the byte where it was found.
 */
export function readJsonFile(file: string, options: JsonFileOptions = {}): unknown {
  const fd = openSync(file, 'r');
  try {
    return new PieceReader((into, at, length) => readSync(fd, into, at, length, null), options).document();
  } finally {
    closeSync(fd);
  }
}

/**
 * The value of the JSON text made of `pieces` (their bytes, or strings as UTF-8, one after another), read as
 * readJsonFile reads a file: a text stored in parts (a case database's report) is never joined into one string.
 */
export function readJsonPieces(pieces: Iterable<Uint8Array | string>, options: JsonFileOptions = {}): unknown {
  const next = pieces[Symbol.iterator]();
  let piece: Uint8Array | undefined;
  let used = 0;
  const fill = (into: Buffer, at: number, length: number): number => {
    while (!piece || used === piece.length) {
      const step = next.next();
      if (step.done) return 0;
      piece = typeof step.value === 'string' ? Buffer.from(step.value, 'utf8') : step.value;
      used = 0;
    }
    const n = Math.min(length, piece.length - used);
    into.set(piece.subarray(used, used + n), at);
    used += n;
    return n;
  };
  return new PieceReader(fill, options).document();
}

/** Reads up to `length` bytes of the text into `into` at `at`; 0 at its end. */
type Fill = (into: Buffer, at: number, length: number) => number;

class PieceReader {
  private buf: Buffer;
  /** File offset of buf[0]. */
  private offset = 0;
  /** Bytes of buf read from the file. */
  private end = 0;
  /** Position in buf (may pass `end` by one: an escape's second byte not read yet). */
  private at = 0;
  /** Start in buf of the value being scanned (kept across reads), or -1. */
  private mark = -1;
  private eof = false;

  /** The top-level members read (undefined: all). */
  private readonly members: ReadonlySet<string> | undefined;

  constructor(
    private readonly fill: Fill,
    options: JsonFileOptions,
  ) {
    this.buf = Buffer.allocUnsafe(options.readBytes ?? READ_BYTES);
    this.members = options.members && new Set(options.members);
  }

  document(): unknown {
    this.skipSpace();
    if (this.members && this.peek() !== OPEN_BRACE) throw this.syntax('Expected a JSON object');
    const value = this.value(0);
    this.skipSpace();
    if (this.peek() !== -1) throw this.syntax('Unexpected data after the JSON value');
    return value;
  }

  /** The value at the current position: a container read member by member above PIECE_DEPTH, else parsed whole. */
  private value(depth: number): unknown {
    this.skipSpace();
    const c = this.peek();
    if (depth < PIECE_DEPTH && c === OPEN_BRACE) return this.object(depth);
    if (depth < PIECE_DEPTH && c === OPEN_BRACKET) return this.array(depth);
    return this.parsed();
  }

  private object(depth: number): Record<string, unknown> {
    this.at++;
    const out: Record<string, unknown> = {};
    this.skipSpace();
    if (this.peek() === CLOSE_BRACE) {
      this.at++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== QUOTE) throw this.syntax('Expected a member name in double quotes');
      const key = this.parsed() as string;
      this.skipSpace();
      const colon = this.take();
      if (colon !== COLON) throw this.unexpected(colon, "Expected ':' after a member name");
      if (depth === 0 && this.members && !this.members.has(key)) {
        // A member not asked for: stepped over, its bytes let go as they are read.
        this.skipSpace();
        this.skipValue();
      } else {
        const value = this.value(depth + 1);
        // As JSON.parse does: "__proto__" is an own member, not the object's prototype.
        if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
        else out[key] = value;
      }
      this.skipSpace();
      const next = this.take();
      if (next === CLOSE_BRACE) return out;
      if (next !== COMMA) throw this.unexpected(next, "Expected ',' or '}' after a member");
    }
  }

  private array(depth: number): unknown[] {
    this.at++;
    const out: unknown[] = [];
    this.skipSpace();
    if (this.peek() === CLOSE_BRACKET) {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.skipSpace();
      const next = this.take();
      if (next === CLOSE_BRACKET) return out;
      if (next !== COMMA) throw this.unexpected(next, "Expected ',' or ']' after an element");
    }
  }

  /** The value starting here, found by its brackets and quotes, then parsed by JSON.parse (which checks it). */
  private parsed(): unknown {
    this.mark = this.at;
    this.skipValue();
    const from = this.mark;
    this.mark = -1;
    const text = this.buf.toString('utf8', from, this.at);
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new SyntaxError(`${(error as Error).message} (in the value at byte ${this.offset + from})`);
    }
  }

  /** Steps over the value starting here, found by its brackets and quotes (not checked: JSON.parse does that). */
  private skipValue(): void {
    const c = this.peek();
    if (c === -1) throw this.syntax('Unexpected end of JSON input');
    if (!startsValue(c)) throw this.syntax(`Unexpected byte 0x${c.toString(16).padStart(2, '0')} where a JSON value should start`);
    if (c === QUOTE) {
      this.at++;
      this.skipBalanced(true);
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.skipBalanced(false);
    else this.skipScalar();
  }

  /**
   * Steps past the string or container starting here by its quotes and brackets (a string: its opening quote
   * already taken, `inString` true): it ends where the string closes or the brackets balance.
   */
  private skipBalanced(inString: boolean): void {
    let depth = 0;
    let open = inString;
    for (;;) {
      if (this.at >= this.end && !this.more()) throw this.syntax(open ? 'Unterminated string in JSON' : 'Unexpected end of JSON input');
      const { buf, end } = this;
      let i = this.at;
      for (; i < end; i++) {
        const c = buf[i]!;
        if (open) {
          if (c === BACKSLASH) i++;
          else if (c === QUOTE) {
            open = false;
            if (depth === 0) {
              this.at = i + 1;
              return;
            }
          }
        } else if (c === QUOTE) open = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
        else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) {
          this.at = i + 1;
          return;
        }
      }
      this.at = i;
    }
  }

  private skipScalar(): void {
    for (;;) {
      if (this.at >= this.end && !this.more()) return;
      const { buf, end } = this;
      let i = this.at;
      while (i < end && !endsScalar(buf[i]!)) i++;
      this.at = i;
      if (i < end) return;
    }
  }

  private skipSpace(): void {
    for (;;) {
      if (this.at >= this.end && !this.more()) return;
      const { buf, end } = this;
      let i = this.at;
      while (i < end && isSpace(buf[i]!)) i++;
      this.at = i;
      if (i < end) return;
    }
  }

  /** The byte at the current position, or -1 at the end of the file. */
  private peek(): number {
    if (this.at >= this.end && !this.more()) return -1;
    return this.buf[this.at]!;
  }

  /** The byte at the current position, stepping past it (-1 at the end of the file). */
  private take(): number {
    const c = this.peek();
    if (c !== -1) this.at++;
    return c;
  }

  /**
   * Reads on: what is still needed (from the marked value, else from the current position) moves to the buffer's
   * start, into one twice as large when it fills more than half of this one, and the file's next bytes follow it.
   * False at the file's end.
   */
  private more(): boolean {
    if (this.eof) return false;
    const keepFrom = Math.min(this.mark >= 0 ? this.mark : this.at, this.end);
    const kept = this.end - keepFrom;
    if (2 * kept > this.buf.length) {
      const bigger = Buffer.allocUnsafe(2 * this.buf.length);
      this.buf.copy(bigger, 0, keepFrom, this.end);
      this.buf = bigger;
    } else if (keepFrom > 0) this.buf.copy(this.buf, 0, keepFrom, this.end);
    this.offset += keepFrom;
    this.at -= keepFrom;
    if (this.mark >= 0) this.mark -= keepFrom;
    this.end = kept;
    const n = this.fill(this.buf, kept, this.buf.length - kept);
    if (n === 0) {
      this.eof = true;
      return false;
    }
    this.end += n;
    return true;
  }

  /** A SyntaxError at the current position. */
  private syntax(message: string): SyntaxError {
    return new SyntaxError(`${message} at byte ${this.offset + this.at}`);
  }

  /** The SyntaxError for byte `taken` (-1: the file's end), just taken where something else was expected. */
  private unexpected(taken: number, expected: string): SyntaxError {
    if (taken === -1) return this.syntax('Unexpected end of JSON input');
    this.at--;
    return this.syntax(expected);
  }
}
