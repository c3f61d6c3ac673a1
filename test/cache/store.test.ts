import { constants } from 'node:buffer';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheKey, createResponseCache, fileSha256, sha256Hex } from '../../src/cache/store.js';
import { InvalidInputError } from '../../src/core/errors.js';

const tempFile = (name = 'answers.log') => join(mkdtempSync(join(tmpdir(), 'cache-')), 'sub', name);

/** Answer bodies as sources send them: JSON, plain text, newlines, tabs, quotes, non-ASCII. */
const body = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.json({ maxDepth: 3 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constant('line 1\nline 2\t"quoted"\r\n'),
);
const writes = fc.array(fc.record({ key: fc.integer({ min: 0, max: 40 }), body, final: fc.boolean() }), { minLength: 1, maxLength: 60 });

function expectedAfter(list: { key: number; body: string; final: boolean }[]) {
  const map = new Map<string, { body: string; final: boolean }>();
  for (const w of list) map.set(cacheKey('src', String(w.key)), { body: w.body, final: w.final });
  return map;
}

describe('fileSha256', () => {
  it("hashes a file's bytes, also one longer than a string can be", () => {
    const dir = mkdtempSync(join(tmpdir(), 'file-sha-'));
    try {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
          writeFileSync(join(dir, 'small'), bytes);
          expect(fileSha256(join(dir, 'small'))).toBe(createHash('sha256').update(bytes).digest('hex'));
        }),
        { numRuns: 50 },
      );
      // Sparse: no disk is used. Its zero bytes hashed a MiB at a time, apart from the function's own reads.
      const size = constants.MAX_STRING_LENGTH + 3;
      writeFileSync(join(dir, 'big'), '');
      truncateSync(join(dir, 'big'), size);
      const expected = createHash('sha256');
      const mib = Buffer.alloc(2 ** 20);
      for (let left = size; left > 0; left -= mib.length) expected.update(left >= mib.length ? mib : mib.subarray(0, left));
      expect(fileSha256(join(dir, 'big'))).toBe(expected.digest('hex'));
      expect(() => readFileSync(join(dir, 'big'), 'utf8')).toThrow(/longer than/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('response cache (append-only answer log)', () => {
  it('keeps final answers across reopenings of the same file and counts hits and misses', () => {
    const file = tempFile();
    const key = cacheKey('etherscan', 'https://api.example.org/v2/api?module=account&apikey=***', '');
    const first = createResponseCache({ path: file });
    expect(first.get(key)).toBeUndefined();
    expect(first.set(key, '{"status":"1"}', { final: true }).sha256).toBe(sha256Hex('{"status":"1"}'));
    first.close();
    const second = createResponseCache({ path: file });
    expect(second.get(key)).toEqual({ body: '{"status":"1"}', sha256: sha256Hex('{"status":"1"}'), final: true });
    expect(second.stats()).toEqual({ hits: 1, misses: 0, entries: 1 });
    second.close();
  });

  it('gives back every last-written answer after reopening, for any sequence of writes (property)', () => {
    fc.assert(
      fc.property(writes, (list) => {
        const file = tempFile();
        const cache = createResponseCache({ path: file });
        for (const w of list) cache.set(cacheKey('src', String(w.key)), w.body, { final: w.final });
        // Read back before closing (what a running trace sees) and after reopening (what a resumed one sees).
        const expected = expectedAfter(list);
        for (const [key, want] of expected) expect(cache.get(key, { anyAge: true })).toEqual({ ...want, sha256: sha256Hex(want.body) });
        cache.close();
        const again = createResponseCache({ path: file });
        expect(again.stats().entries).toBe(expected.size);
        for (const [key, want] of expected) expect(again.get(key, { anyAge: true })).toEqual({ ...want, sha256: sha256Hex(want.body) });
        again.close();
      }),
      { numRuns: 40 },
    );
  });

  it('survives a torn last line (a write cut short by a crash): the earlier answers stay, the torn one is asked again, appends go on', () => {
    fc.assert(
      fc.property(writes, fc.double({ min: 0, max: 1, noNaN: true }), (list, where) => {
        const file = tempFile();
        const cache = createResponseCache({ path: file });
        for (const w of list.slice(0, -1)) cache.set(cacheKey('src', String(w.key)), w.body, { final: w.final });
        const sizeBefore = statSync(file).size;
        const last = list.at(-1)!;
        cache.set(cacheKey('src', 'torn'), last.body, { final: true });
        const sizeAfter = statSync(file).size;
        // Drop everything past a point inside the last line: at least one byte of it stays, at least its newline goes.
        truncateSync(file, sizeBefore + 1 + Math.floor(where * (sizeAfter - sizeBefore - 2)));
        const notes: string[] = [];
        const reopened = createResponseCache({ path: file, onNote: (m) => notes.push(m) });
        const expected = expectedAfter(list.slice(0, -1));
        expect(reopened.stats().entries).toBe(expected.size);
        expect(reopened.get(cacheKey('src', 'torn'))).toBeUndefined();
        expect(notes.join('\n')).toMatch(/torn last answer/);
        expect(statSync(file).size).toBeLessThanOrEqual(sizeBefore);
        reopened.set(cacheKey('src', 'after'), last.body, { final: true });
        reopened.close();
        const third = createResponseCache({ path: file });
        for (const [key, want] of expected) expect(third.get(key, { anyAge: true })?.body).toBe(want.body);
        expect(third.get(cacheKey('src', 'after'))?.body).toBe(last.body);
        third.close();
      }),
      { numRuns: 40 },
    );
  });

  it('skips an unreadable line in the middle, says so, and keeps the lines around it', () => {
    const file = tempFile();
    const cache = createResponseCache({ path: file });
    cache.set('a'.repeat(64), 'first', { final: true });
    cache.close();
    appendFileSync(file, 'garbage that is not an answer\n');
    const again = createResponseCache({ path: file });
    again.set('b'.repeat(64), 'second', { final: true });
    again.close();
    const notes: string[] = [];
    const third = createResponseCache({ path: file, onNote: (m) => notes.push(m) });
    expect(third.get('a'.repeat(64))?.body).toBe('first');
    expect(third.get('b'.repeat(64))?.body).toBe('second');
    expect(notes.join('\n')).toMatch(/1 unreadable line\(s\) skipped/);
    third.close();
  });

  it('does not serve a body that no longer hashes to what was stored', () => {
    const file = tempFile();
    const cache = createResponseCache({ path: file });
    cache.set('c'.repeat(64), 'original answer', { final: true });
    cache.close();
    writeFileSync(file, readFileSync(file, 'utf8').replace('original answer', 'tampered answer'));
    const again = createResponseCache({ path: file });
    expect(again.get('c'.repeat(64))).toBeUndefined();
    again.close();
  });

  it('compacts superseded answers away on open when they outweigh the live ones, keeping every live answer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.integer({ min: 2, max: 6 }), fc.string({ minLength: 50, maxLength: 400 }), (keys, rewrites, text) => {
        const file = tempFile();
        const cache = createResponseCache({ path: file });
        for (let r = 0; r < rewrites; r++) for (let k = 0; k < keys; k++) cache.set(cacheKey('k', String(k)), `${text}#${k}#${r}`, { final: false });
        cache.close();
        const before = statSync(file).size;
        const notes: string[] = [];
        const again = createResponseCache({ path: file, onNote: (m) => notes.push(m) });
        expect(notes.join('\n')).toMatch(/compacted/);
        expect(statSync(file).size).toBeLessThan(before / (rewrites - 0.5));
        for (let k = 0; k < keys; k++) expect(again.get(cacheKey('k', String(k)))?.body).toBe(`${text}#${k}#${rewrites - 1}`);
        again.close();
      }),
      { numRuns: 15 },
    );
  });

  it('refuses an old SQLite cache file at the same path with a one-line error, and any other foreign file', () => {
    const file = tempFile('cache.db');
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (f: string) => { exec(sql: string): void; close(): void };
    const dir = join(file, '..');
    mkdirSync(dir, { recursive: true });
    const db = new Database(file);
    db.exec('CREATE TABLE answers (key TEXT PRIMARY KEY, body TEXT)');
    db.close();
    const error = (() => {
      try {
        createResponseCache({ path: file });
      } catch (e) {
        return e;
      }
    })() as InvalidInputError;
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.shortMessage).toMatch(/is an SQLite answer cache of an earlier chaintrail.*pass another --cache file/);
    expect(error.shortMessage).not.toContain('\n');
    const other = join(dir, 'notes.txt');
    writeFileSync(other, 'my case notes\n');
    expect(() => createResponseCache({ path: other })).toThrow(/is not a chaintrail answer cache/);
    expect(readFileSync(other, 'utf8')).toBe('my case notes\n');
  });

  it('lets near-head (volatile) answers expire so a reorg cannot stick', () => {
    for (const path of [':memory:', tempFile()]) {
      let now = 1_000;
      const cache = createResponseCache({ path, volatileTtlSeconds: 60, now: () => now });
      cache.set('k'.repeat(64), 'head', { final: false });
      cache.set('o'.repeat(64), 'deep', { final: true });
      now += 59;
      expect(cache.get('k'.repeat(64))?.body).toBe('head');
      now += 2;
      expect(cache.get('k'.repeat(64))).toBeUndefined();
      expect(cache.get('k'.repeat(64), { anyAge: true })?.body).toBe('head');
      expect(cache.get('o'.repeat(64))?.body).toBe('deep');
      cache.close();
    }
  });

  it('needs a location and says so', () => {
    const saved = process.env.CHAINTRAIL_CACHE;
    delete process.env.CHAINTRAIL_CACHE;
    try {
      expect(() => createResponseCache({})).toThrow(InvalidInputError);
    } finally {
      if (saved !== undefined) process.env.CHAINTRAIL_CACHE = saved;
    }
  });
});
