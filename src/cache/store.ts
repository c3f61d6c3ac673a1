import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidInputError } from '../core/errors.js';

/**
 * Persistent store of source answers keyed by the normalized request, so re-runs and resumed traces cost nothing.
 * Keys are built from requests with secrets already removed (see cacheKey); values are the raw answer text.
 * Answers about data close to the chain head may still change (reorgs): they are stored as volatile and expire.
 */
export interface ResponseCache {
  /** An answer still valid; `{ anyAge: true }` also returns expired volatile ones (verification reads history). */
  get(key: string, options?: { anyAge?: boolean }): CachedAnswer | undefined;
  set(key: string, body: string, options: { final: boolean }): CachedAnswer;
  stats(): { hits: number; misses: number; entries: number };
  close(): void;
  /** Where it lives, for reports ("memory" or a file path). */
  readonly location: string;
}

/** One stored answer: its body, its SHA-256 (cited as evidence) and whether it can still change. */
export interface CachedAnswer {
  body: string;
  /** SHA-256 of the body: what a report cites as evidence and `verify` checks. */
  sha256: string;
  final: boolean;
}

/** Where the answer cache lives and how long near-head answers stay valid. */
export interface CacheOptions {
  /** Answer log file; ':memory:' for a throwaway store. Defaults to CHAINTRAIL_CACHE. */
  path?: string;
  /** Seconds a volatile (near-head) answer stays valid. */
  volatileTtlSeconds?: number;
  now?: () => number;
  /** Told what opening the file repaired or dropped (a torn last line, unreadable lines, a compaction). */
  onNote?: (message: string) => void;
}

/** Where the CLI keeps its answers when neither --cache nor CHAINTRAIL_CACHE says otherwise. */
export const DEFAULT_CACHE_PATH = '.chaintrail/answers.log';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The SHA-256 (hex) of a file's bytes, read 4 MiB at a time: a dataset can be larger than one string can be. */
export function fileSha256(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 22);
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** One key per request: source kind, redacted URL or method, and body. Never pass anything secret here. */
export function cacheKey(...parts: string[]): string {
  return sha256Hex(parts.join('\u0000'));
}

/**
 * The file is an append-only log, one answer per line, loaded into an index (key -> where its body sits) on open:
 *
 *   chaintrail answer cache v1
 *   <key, 64 hex> TAB <F final | V volatile> TAB <stored at, unix s> TAB <sha256 of body> TAB <body as a JSON string>
 *
 * Every answer is one write(2) the moment it is stored, so a process killed with SIGKILL keeps every answer it
 * stored (the kernel holds what was written). There is no fsync per answer: only an OS crash or power loss can lose
 * the last answers, which costs their requests again, while an fsync per answer would cost more than a local node's
 * answer; the file is fsynced on close and after a compaction. A torn last line (a write cut short) is cut off on
 * the next open; a later line for a key supersedes the earlier ones, and when superseded lines outweigh the live
 * ones, opening rewrites the file without them (written beside it, fsynced, renamed over it).
 */
const HEADER = 'chaintrail answer cache v1\n';
const SQLITE_MAGIC = 'SQLite format 3\u0000';
const CHUNK = 8 << 20;

interface Entry {
  final: boolean;
  storedAt: number;
  sha256: string;
  /** Memory store: the body itself. File store: where its JSON string sits. */
  body?: string;
  offset: number;
  length: number;
  /** Start and length of the whole line (compaction copies it). */
  lineStart: number;
  lineLength: number;
}

/** Opens the persistent answer cache that network sources share (`cache` option of their factories). */
export function createResponseCache(options: CacheOptions = {}): ResponseCache {
  const path = options.path ?? process.env.CHAINTRAIL_CACHE;
  if (!path) throw new InvalidInputError('No cache file given: pass a path or set CHAINTRAIL_CACHE', { details: {} });
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const ttl = options.volatileTtlSeconds ?? 600;
  const log = path === ':memory:' ? undefined : openLog(path, options.onNote ?? (() => {}));
  const entries = log?.entries ?? new Map<string, Entry>();
  let hits = 0;
  let misses = 0;

  function body(key: string, entry: Entry): string | undefined {
    if (entry.body !== undefined || !log) return entry.body;
    const text = log.read(entry);
    // A body that does not hash to what was stored (disk damage, another process appending) is not served.
    if (text === undefined || sha256Hex(text) !== entry.sha256) {
      entries.delete(key);
      return undefined;
    }
    return text;
  }

  return {
    location: path,
    get(key, opts = {}) {
      const entry = entries.get(key);
      const text = entry && (entry.final || opts.anyAge || now() - entry.storedAt <= ttl) ? body(key, entry) : undefined;
      if (text === undefined) {
        misses++;
        return undefined;
      }
      hits++;
      return { body: text, sha256: entry!.sha256, final: entry!.final };
    },
    set(key, text, { final }) {
      const answer = { body: text, sha256: sha256Hex(text), final };
      const storedAt = now();
      if (log) entries.set(key, log.append(key, answer.sha256, final, storedAt, text));
      else entries.set(key, { final, storedAt, sha256: answer.sha256, body: text, offset: 0, length: 0, lineStart: 0, lineLength: 0 });
      return answer;
    },
    stats() {
      return { hits, misses, entries: entries.size };
    },
    close() {
      log?.close();
    },
  };
}

function openLog(path: string, note: (message: string) => void) {
  mkdirSync(dirname(path), { recursive: true });
  let fd = openFile(path);
  let { entries, superseded, liveBytes } = load(fd, path, note);
  if (superseded > 0 && superseded >= liveBytes) {
    // Superseded (and unreadable) lines weigh as much as the live ones: the rewrite at least halves the file.
    fd = compact(fd, path, entries);
    note(`answer cache ${path}: compacted, ${superseded} bytes of superseded answers removed`);
    ({ entries } = load(fd, path, note));
  }
  return {
    entries,
    read(entry: Entry): string | undefined {
      const buffer = Buffer.allocUnsafe(entry.length);
      if (readSync(fd, buffer, 0, entry.length, entry.offset) !== entry.length) return undefined;
      try {
        const text: unknown = JSON.parse(buffer.toString('utf8'));
        return typeof text === 'string' ? text : undefined;
      } catch {
        return undefined;
      }
    },
    append(key: string, sha256: string, final: boolean, storedAt: number, text: string): Entry {
      const prefix = `${key}\t${final ? 'F' : 'V'}\t${storedAt}\t${sha256}\t`;
      const line = Buffer.from(`${prefix}${JSON.stringify(text)}\n`, 'utf8');
      writeAll(fd, line);
      // O_APPEND put it at the end: where that is, the file's size says.
      const lineStart = fstatSync(fd).size - line.length;
      const offset = lineStart + Buffer.byteLength(prefix);
      return { final, storedAt, sha256, offset, length: line.length - 1 - (offset - lineStart), lineStart, lineLength: line.length };
    },
    close() {
      fsyncSync(fd);
      closeSync(fd);
    },
  };
}

/** Opens (creating) the log for reading and appending; anything that is not an answer log is refused. */
function openFile(path: string): number {
  const existed = existsSync(path);
  let fd: number;
  try {
    fd = openSync(path, 'a+');
  } catch (error) {
    throw new InvalidInputError(`Cannot open the answer cache ${path}: ${(error as Error).message}; pass another --cache file`, {
      details: { path },
      cause: error,
    });
  }
  const head = Buffer.alloc(HEADER.length);
  const got = readSync(fd, head, 0, head.length, 0);
  const text = head.toString('latin1', 0, got);
  if (got >= SQLITE_MAGIC.length && text.startsWith(SQLITE_MAGIC)) {
    closeSync(fd);
    throw new InvalidInputError(
      `${path} is an SQLite answer cache of an earlier chaintrail, which this version no longer reads: move it away or pass another --cache file`,
      { details: { path, reason: 'sqlite-cache' } },
    );
  }
  if (got === HEADER.length && text === HEADER) return fd;
  // Empty, or a header cut short by a kill right after the file was created: start it afresh.
  if (!existed || (got < HEADER.length && HEADER.startsWith(text))) {
    ftruncateSync(fd, 0);
    writeAll(fd, Buffer.from(HEADER, 'latin1'));
    return fd;
  }
  closeSync(fd);
  throw new InvalidInputError(`${path} is not a chaintrail answer cache: pass another --cache file (or delete this one if it is a stale cache)`, {
    details: { path, reason: 'not-a-cache' },
  });
}

/**
 * Reads the log in chunks into an index; a line without its newline at the end (a write torn by a crash) is cut
 * off, unreadable lines are skipped, and both are said through `note`.
 */
function load(fd: number, path: string, note: (message: string) => void) {
  const entries = new Map<string, Entry>();
  let superseded = 0;
  let liveBytes = 0;
  let bad = 0;
  let position = HEADER.length;
  let buffer = Buffer.allocUnsafe(CHUNK);
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, position);
    if (n === 0) break;
    const view = buffer.subarray(0, n);
    let start = 0;
    for (let end = view.indexOf(10, start); end !== -1; end = view.indexOf(10, start)) {
      const entry = parseLine(view, start, end, position);
      if (!entry) {
        bad++;
        superseded += end + 1 - start; // unreadable lines are rewritten away with the superseded ones
      } else {
        const previous = entries.get(entry.key);
        if (previous) {
          superseded += previous.lineLength;
          liveBytes -= previous.lineLength;
        }
        entries.set(entry.key, entry.entry);
        liveBytes += entry.entry.lineLength;
      }
      start = end + 1;
    }
    if (n < buffer.length) {
      // The end of the file: what follows the last newline is a line a crash cut short.
      if (start < n) {
        ftruncateSync(fd, position + start);
        note(`answer cache ${path}: a torn last answer (${n - start} bytes, cut short by a crash) was removed; it will be asked again`);
      }
      break;
    }
    // The next read starts at the first line not yet complete; a line longer than the buffer gets a larger one.
    if (start === 0) buffer = Buffer.allocUnsafe(buffer.length * 2);
    position += start;
  }
  if (bad > 0) {
    note(`answer cache ${path}: ${bad} unreadable line(s) skipped; those answers will be asked again`);
  }
  return { entries, superseded, liveBytes };
}

function parseLine(buffer: Buffer, start: number, end: number, base: number): { key: string; entry: Entry } | undefined {
  // key(64) TAB flag(1) TAB storedAt TAB sha(64) TAB "…"
  if (end - start < 64 + 1 + 1 + 1 + 1 + 1 + 64 + 1 + 2) return undefined;
  const flag = buffer[start + 65];
  const timeEnd = buffer.indexOf(9, start + 67);
  if (buffer[start + 64] !== 9 || buffer[start + 66] !== 9 || timeEnd === -1 || timeEnd > end) return undefined;
  const storedAt = Number(buffer.toString('latin1', start + 67, timeEnd));
  const offset = timeEnd + 66;
  if (
    !isHex64(buffer, start) ||
    (flag !== 0x46 && flag !== 0x56) ||
    !Number.isSafeInteger(storedAt) ||
    !isHex64(buffer, timeEnd + 1) ||
    buffer[timeEnd + 65] !== 9
  )
    return undefined;
  if (buffer[offset] !== 0x22 || buffer[end - 1] !== 0x22 || end - 1 <= offset) return undefined;
  return {
    key: buffer.toString('latin1', start, start + 64),
    entry: {
      final: flag === 0x46,
      storedAt,
      sha256: buffer.toString('latin1', timeEnd + 1, timeEnd + 65),
      offset: base + offset,
      length: end - offset,
      lineStart: base + start,
      lineLength: end + 1 - start,
    },
  };
}

/** 64 lower-case hex digits at `at` (keys and hashes), checked on the bytes. */
function isHex64(buffer: Buffer, at: number): boolean {
  for (let i = at; i < at + 64; i++) {
    const c = buffer[i]!;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** The live lines only, written beside the log, fsynced and renamed over it. Returns the new file's descriptor. */
function compact(fd: number, path: string, entries: Map<string, Entry>): number {
  const temporary = `${path}.compact-${process.pid}`;
  const out = openSync(temporary, 'w');
  writeAll(out, Buffer.from(HEADER, 'latin1'));
  const live = [...entries.values()].sort((a, b) => a.lineStart - b.lineStart);
  for (const entry of live) {
    const line = Buffer.allocUnsafe(entry.lineLength);
    readSync(fd, line, 0, entry.lineLength, entry.lineStart);
    writeAll(out, line);
  }
  fsyncSync(out);
  closeSync(out);
  closeSync(fd);
  renameSync(temporary, path);
  return openSync(path, 'a+');
}

function writeAll(fd: number, buffer: Buffer): void {
  for (let done = 0; done < buffer.length; ) done += writeSync(fd, buffer, done, buffer.length - done);
}
