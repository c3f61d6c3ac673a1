import { closeSync, createWriteStream, openSync, writeSync } from 'node:fs';
import { ChaintrailError, InvalidInputError } from '../core/errors.js';
import type { TraceReport } from '../core/schema.js';
import type { StreamedReport } from './build.js';
import { MadeList } from './made-list.js';

/** Writing a report failed (the file could not be opened or written, the stream failed or closed early). */
export class ReportWriteError extends ChaintrailError {
  override name = 'ReportWriteError';
  override readonly code: string = 'REPORT_WRITE_FAILED';
}

export interface ReportJsonOptions {
  /** The largest chunk handed to the file or stream, in bytes (default 64 KiB); every chunk but the last is this size. */
  chunkBytes?: number;
  /**
   * Called as each chunk is made: how far the writing is (a big trace's report takes minutes to write). The last
   * call, for the last chunk, has `endpoints === of` and the report's whole size in `bytes`.
   */
  onProgress?: (progress: ReportWriteProgress) => void;
}

/** How far a report's writing is: endpoint records written of the report's, and bytes made so far. */
export interface ReportWriteProgress {
  endpoints: number;
  of: number;
  bytes: number;
}

const DEFAULT_CHUNK = 64 * 1024;
/** Bytes a file being written may have queued before the writer waits for them to be written. */
const FILE_BUFFER = 1024 * 1024;

/**
 * The bytes of `reportToJson(report)` (JSON.stringify with a 2-space indent, then a newline) in chunks of
 * `chunkBytes`, made as they are consumed: the whole text never exists at once, only a chunk or so of it.
 */
export function reportJsonChunks(report: TraceReport | StreamedReport, options: ReportJsonOptions = {}): Generator<Buffer, void, undefined> {
  return chunksOf(jsonText(report), chunkSize(options.chunkBytes), progressCallback(options.onProgress));
}

/** The bytes of `${JSON.stringify(value, null, 2)}\n` for any JSON value (a request packet) in chunks, as a report's. */
export function jsonChunks(value: unknown, chunkBytes?: number): Generator<Buffer, void, undefined> {
  return chunksOf(jsonText(value), chunkSize(chunkBytes), undefined);
}

function* chunksOf(text: JsonText, size: number, onProgress: ((p: ReportWriteProgress) => void) | undefined): Generator<Buffer, void, undefined> {
  let carry: Buffer | undefined;
  let bytes = 0;
  const made = (chunk: Buffer) => {
    bytes += chunk.length;
    onProgress?.({ ...text.endpoints(), bytes });
    return chunk;
  };
  for (;;) {
    const piece = text.next(size);
    if (piece === '') break;
    const fresh = Buffer.from(piece, 'utf8');
    const all = carry ? Buffer.concat([carry, fresh]) : fresh;
    const whole = all.length - (all.length % size);
    for (let at = 0; at < whole; at += size) yield made(all.subarray(at, at + size));
    carry = whole < all.length ? all.subarray(whole) : undefined;
  }
  if (carry) yield made(carry);
}

function progressCallback(value: unknown): ((p: ReportWriteProgress) => void) | undefined {
  if (value === undefined || typeof value === 'function') return value as ((p: ReportWriteProgress) => void) | undefined;
  throw new InvalidInputError(`Invalid onProgress: give a function (it is called with { endpoints, of, bytes } as the report is written)`, {
    details: { option: 'onProgress' },
  });
}

function chunkSize(value: number | undefined): number {
  if (value === undefined) return DEFAULT_CHUNK;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidInputError(`Invalid chunkBytes ${String(value)}: give a whole number of bytes, at least 1 (default ${DEFAULT_CHUNK})`, {
      details: { option: 'chunkBytes' },
    });
  }
  return value;
}

/**
 * Writes the report as `reportToJson` would, to a file (created or replaced) or a Writable, chunk by chunk: it waits
 * for `drain` whenever the stream asks it to. A file is closed when done; a Writable given is left open (it may be
 * stdout). A failure of the file or stream rejects with ReportWriteError naming it.
 */
export async function writeReportJson(
  report: TraceReport | StreamedReport,
  target: string | NodeJS.WritableStream,
  options: ReportJsonOptions = {},
): Promise<void> {
  const chunks = reportJsonChunks(report, options);
  if (typeof target !== 'string') return pump(target, chunks, 'the output stream', false);
  return pump(createWriteStream(target, { highWaterMark: FILE_BUFFER }), chunks, target, true);
}

/** The same bytes written synchronously to a file (the CLI's `--format json --out FILE`). */
export function writeReportJsonSync(report: TraceReport | StreamedReport, file: string, options: ReportJsonOptions = {}): void {
  writePiecesSync(file, reportJsonChunks(report, options), 'the JSON report');
}

/**
 * Text or bytes written synchronously to a file (created or replaced) piece by piece as they are made; a failure of
 * the file (disk full, no permission) is a ReportWriteError naming `what` and the file.
 */
export function writePiecesSync(file: string, pieces: Iterable<string | Buffer>, what: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'w');
    for (const piece of pieces) {
      if (typeof piece === 'string') writeSync(fd, piece);
      else for (let at = 0; at < piece.length; ) at += writeSync(fd, piece, at, piece.length - at);
    }
  } catch (error) {
    throw isSystemError(error) ? writeError(file, error, what) : error;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

type Stream = NodeJS.WritableStream & { destroy?(): void };

async function pump(stream: Stream, chunks: Iterable<Buffer>, name: string, own: boolean): Promise<void> {
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
  };
  stream.on('error', fail);
  try {
    let last: Promise<void> = Promise.resolve();
    for (const chunk of chunks) {
      if (failure !== undefined) break;
      let ready = true;
      last = new Promise<void>((resolve) => {
        ready = stream.write(chunk, (error) => {
          if (error) fail(error);
          resolve();
        });
      });
      // Then the event loop runs before the next chunk is made: the file takes this one (or the one queued before)
      // while that is made. Without the turn, a write handed to the file is not followed by the next until the
      // writer waits, and each chunk was written while nothing else ran (1.2 s of 6.6 s at 1 M transfers).
      if (!ready) await drained(stream, fail);
      else await turn();
    }
    if (failure === undefined) await (own ? ended(stream) : last);
  } catch (error) {
    // The report itself cannot be written as JSON (JSON.stringify would throw the same).
    if (own) stream.destroy?.();
    throw error;
  } finally {
    stream.off('error', fail);
  }
  if (failure === undefined) return;
  if (own) stream.destroy?.();
  throw writeError(name, failure);
}

/** One turn of the event loop (what I/O finished in the meantime is taken in). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Resolves on `drain`, or on an error or a close (then the write has failed). */
function drained(stream: Stream, fail: (error: unknown) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', closed);
      resolve();
    };
    const closed = () => {
      fail(new Error('the stream closed before the report was written'));
      done();
    };
    stream.on('drain', done);
    stream.on('error', done);
    stream.on('close', closed);
  });
}

/** Ends our own file stream and waits until it is closed (its bytes written, or it failed). */
function ended(stream: Stream): Promise<void> {
  return new Promise((resolve) => {
    stream.on('close', () => resolve());
    stream.end();
  });
}

function isSystemError(error: unknown): error is Error {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

function writeError(name: string, cause: unknown, what = 'the JSON report'): ReportWriteError {
  const why = cause instanceof Error ? cause.message : String(cause);
  const code = (cause as { code?: unknown } | undefined)?.code;
  return new ReportWriteError(`Could not write ${what} to ${name}: ${why}; check that the place exists, is writable and has space`, {
    details: { target: name, ...(typeof code === 'string' ? { code } : {}) },
    cause,
  });
}

interface Frame {
  value: object;
  /** The value is a MadeList: its items are read with at(), each made as it is written. */
  made: boolean;
  /** An object's keys; undefined for an array. */
  keys: string[] | undefined;
  length: number;
  index: number;
  written: boolean;
  /** Indent of the members, and of the closing bracket. */
  inner: string;
  outer: string;
}

/** The report's text made on demand (jsonText), and how many of its endpoint records are made so far. */
interface JsonText {
  next(n: number): string;
  endpoints(): { endpoints: number; of: number };
}

type Omitted = typeof OMITTED;
const OMITTED = Symbol('omitted');

/**
 * JSON.stringify(value, null, 2) + '\n' as a machine that makes its text on demand: `next(n)` returns the next
 * piece of at least n characters (less only at the end, '' when done). Same rules as JSON.stringify: toJSON, boxed
 * primitives, undefined/functions/symbols left out of objects and null in arrays, non-finite numbers as null,
 * keys in Object.keys order, a BigInt or a cycle throws TypeError.
 */
function jsonText(root: unknown): JsonText {
  const stack: Frame[] = [];
  // The report's endpoint list (its top-level `endpoints`): counted for progress while it is walked.
  let endpointList: Frame | undefined;
  let endpointsOf = 0;
  let endpointsDone = 0;
  const open = new Set<object>();
  let parts: string[] = [];
  let size = 0;
  let finished = false;
  const emit = (s: string) => {
    parts.push(s);
    size += s.length;
  };
  const put = (v: unknown, indent: string) => {
    if (typeof v !== 'object' || v === null || isBoxed(v)) return emit(JSON.stringify(v));
    const made = v instanceof MadeList;
    // A small value (an endpoint record, a movement row, a short tx list) is one native call, indented in place.
    if (!made && isSmall(v)) return emit(indented(v, indent));
    if (open.has(v)) throw new TypeError('Converting circular structure to JSON');
    open.add(v);
    const keys = made || Array.isArray(v) ? undefined : Object.keys(v);
    const length = keys ? keys.length : (v as { length: number }).length;
    stack.push({ value: v, made, keys, length, index: 0, written: false, inner: `${indent}  `, outer: indent });
  };
  const step = (f: Frame) => {
    if (f.index >= f.length) {
      stack.pop();
      open.delete(f.value);
      if (f === endpointList) {
        endpointList = undefined;
        endpointsDone = endpointsOf;
      }
      const brackets = f.keys ? '{}' : '[]';
      return emit(f.written ? `\n${f.outer}${brackets[1]!}` : brackets);
    }
    const i = f.index++;
    const key = f.keys ? f.keys[i]! : String(i);
    const v = resolve(f.made ? (f.value as MadeList<unknown>).at(i) : (f.value as Record<string, unknown>)[key], key);
    if (v === OMITTED && f.keys) return;
    emit(`${f.written ? ',' : f.keys ? '{' : '['}\n${f.inner}${f.keys ? `${JSON.stringify(key)}: ` : ''}`);
    f.written = true;
    const depth = stack.length;
    put(v === OMITTED ? null : v, f.inner);
    if (depth !== 1 || key !== 'endpoints' || !f.keys || typeof v !== 'object' || v === null) return;
    // Walked item by item (a frame was pushed), or written at once (a small list).
    endpointsOf = (v as { length?: unknown }).length === undefined ? 0 : Number((v as { length: unknown }).length);
    if (stack.length > depth) endpointList = stack[stack.length - 1];
    else endpointsDone = endpointsOf;
  };
  const start = resolve(root, '');
  if (start === OMITTED) emit(String(JSON.stringify(root)));
  else put(start, '');
  return {
    next(n) {
      while (size < n && !finished) {
        const top = stack[stack.length - 1];
        if (top) step(top);
        else {
          emit('\n');
          finished = true;
        }
      }
      const out = parts.join('');
      parts = [];
      size = 0;
      return out;
    },
    endpoints: () => ({ endpoints: endpointList ? endpointList.index : endpointsDone, of: endpointsOf }),
  };
}

/**
 * JSON.stringify(v, null, 2) with every line after the first indented by `indent` (an even number of spaces): v
 * stringified inside as many one-item arrays as the indent has levels, which the native call indents, and their
 * brackets cut off (no second pass over the text to indent it).
 */
function indented(v: object, indent: string): string {
  const depth = indent.length / 2;
  let wrapped: unknown = v;
  for (let d = 0; d < depth; d++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // Each level opens with '[', '\n' and its indent, and closes with '\n', the indent of the level above and ']'.
  return text.slice(2 * depth + depth * (depth + 1), text.length - (2 * depth + depth * (depth - 1)));
}

/** A value as JSON.stringify sees it at `key`: after toJSON; OMITTED for what it leaves out. */
function resolve(value: unknown, key: string): unknown {
  let v = value;
  // A list made on demand is walked item by item (its toJSON, for JSON.stringify, would make it whole).
  if (v instanceof MadeList) return v;
  if ((typeof v === 'object' && v !== null) || typeof v === 'bigint') {
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') v = toJSON.call(v, key);
  }
  return v === undefined || typeof v === 'function' || typeof v === 'symbol' ? OMITTED : (v as unknown | Omitted);
}

/** The most members (all levels) a value written by one native JSON.stringify call may have. */
const SMALL_MEMBERS = 2048;

/**
 * No toJSON of its own (JSON.stringify would call it with no key), and at most SMALL_MEMBERS members at all levels
 * together (a cycle exceeds any count): its text is small, so one native call makes it (an endpoint record, a movement
 * row, a short tx list), and a big list is walked instead.
 */
function isSmall(v: object): boolean {
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  let budget = SMALL_MEMBERS;
  const pending: object[] = [v];
  while (pending.length > 0) {
    const o = pending.pop()!;
    // (A list made on demand is walked, never made whole.)
    if (o instanceof MadeList) return false;
    if (Array.isArray(o)) {
      budget -= o.length;
      if (budget < 0) return false;
      for (let i = 0; i < o.length; i++) {
        const m: unknown = o[i];
        if (typeof m === 'object' && m !== null) pending.push(m);
      }
      continue;
    }
    for (const key in o) {
      if (!Object.hasOwn(o, key)) continue;
      if (--budget < 0) return false;
      const m = (o as Record<string, unknown>)[key];
      if (typeof m === 'object' && m !== null) pending.push(m);
    }
  }
  return true;
}

const isBoxed = (v: object) => v instanceof Number || v instanceof String || v instanceof Boolean || v instanceof BigInt;
