import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheKey, createResponseCache, sha256Hex } from '../../src/cache/store.js';
import { InvalidInputError } from '../../src/core/errors.js';

describe('response cache', () => {
  it('keeps final answers across reopenings of the same file and counts hits and misses', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cache-')), 'sub', 'c.db');
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

  it('lets near-head (volatile) answers expire so a reorg cannot stick', () => {
    let now = 1_000;
    const cache = createResponseCache({ path: ':memory:', volatileTtlSeconds: 60, now: () => now });
    cache.set('k', 'head', { final: false });
    cache.set('old', 'deep', { final: true });
    now += 59;
    expect(cache.get('k')?.body).toBe('head');
    now += 2;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.get('old')?.body).toBe('deep');
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
