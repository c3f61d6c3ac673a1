import { describe, expect, it } from 'vitest';
import { DEFAULT_CACHE_PATH } from '../../src/cache/store.js';
import { cacheFile } from '../../src/cli/cache-flag.js';
import { InvalidInputError } from '../../src/core/errors.js';

describe('the --cache flag (trace, verify)', () => {
  it('takes the file given, else $CHAINTRAIL_CACHE, else the default', () => {
    expect(cacheFile('case-17.answers.log', { CHAINTRAIL_CACHE: 'env.log' })).toBe('case-17.answers.log');
    expect(cacheFile(undefined, { CHAINTRAIL_CACHE: 'env.log' })).toBe('env.log');
    expect(cacheFile(undefined, {})).toBe(DEFAULT_CACHE_PATH);
    expect(cacheFile('./false', {})).toBe('./false');
    expect(cacheFile('falsehoods.log', {})).toBe('falsehoods.log');
  });

  it('refuses a switch word, which would have made a cache file of that name', () => {
    for (const word of ['true', 'False', 'yes', 'no', 'on', 'off', '0', '1', 'none']) {
      expect(() => cacheFile(word, {})).toThrow(InvalidInputError);
      expect(() => cacheFile(word, {})).toThrow(`--cache "${word}" takes a file, not a switch: use --no-cache`);
    }
  });
});
