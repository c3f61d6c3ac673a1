import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AdapterError, InvalidInputError } from '../core/errors.js';

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
  /** SQLite file; ':memory:' for a throwaway store. Defaults to CHAINTRAIL_CACHE. */
  path?: string;
  /** Seconds a volatile (near-head) answer stays valid. */
  volatileTtlSeconds?: number;
  now?: () => number;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** One key per request: source kind, redacted URL or method, and body. Never pass anything secret here. */
export function cacheKey(...parts: string[]): string {
  return sha256Hex(parts.join('\u0000'));
}

interface Row {
  body: string;
  sha256: string;
  final: number;
  stored_at: number;
}

type Database = {
  prepare(sql: string): { get(...args: unknown[]): unknown; run(...args: unknown[]): unknown };
  exec(sql: string): void;
  pragma(sql: string): unknown;
  close(): void;
};

function openDatabase(path: string): Database {
  const require = createRequire(import.meta.url);
  let Ctor: new (file: string) => Database;
  try {
    Ctor = require('better-sqlite3');
  } catch (error) {
    throw new AdapterError('The response cache needs the better-sqlite3 package (npm install better-sqlite3@12)', { cause: error });
  }
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  try {
    return new Ctor(path);
  } catch (error) {
    throw new InvalidInputError(`Cannot open cache file ${path}: ${(error as Error).message}`, { details: { path }, cause: error });
  }
}

/** Opens the persistent answer cache that network sources share (`cache` option of their factories). */
export function createResponseCache(options: CacheOptions = {}): ResponseCache {
  const path = options.path ?? process.env.CHAINTRAIL_CACHE;
  if (!path) throw new InvalidInputError('No cache file given: pass a path or set CHAINTRAIL_CACHE', { details: {} });
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const ttl = options.volatileTtlSeconds ?? 600;
  const db = openDatabase(path);
  // WAL keeps what was committed when a trace is killed mid-run (resumable traces).
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, body TEXT NOT NULL, sha256 TEXT NOT NULL, final INTEGER NOT NULL, stored_at INTEGER NOT NULL)');
  const select = db.prepare('SELECT body, sha256, final, stored_at FROM answers WHERE key = ?');
  const upsert = db.prepare('INSERT OR REPLACE INTO answers (key, body, sha256, final, stored_at) VALUES (?, ?, ?, ?, ?)');
  const count = db.prepare('SELECT COUNT(*) AS n FROM answers');
  let hits = 0;
  let misses = 0;
  return {
    location: path,
    get(key, opts = {}) {
      const row = select.get(key) as Row | undefined;
      if (!row || (!row.final && !opts.anyAge && now() - row.stored_at > ttl)) {
        misses++;
        return undefined;
      }
      hits++;
      return { body: row.body, sha256: row.sha256, final: row.final === 1 };
    },
    set(key, body, { final }) {
      const answer = { body, sha256: sha256Hex(body), final };
      upsert.run(key, body, answer.sha256, final ? 1 : 0, now());
      return answer;
    },
    stats() {
      return { hits, misses, entries: (count.get() as { n: number }).n };
    },
    close() {
      db.close();
    },
  };
}
