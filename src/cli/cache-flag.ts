import { DEFAULT_CACHE_PATH } from '../cache/store.js';
import { InvalidInputError } from '../core/errors.js';

/** Words that mean a switch, not a file: `--cache false` would otherwise write a cache file named "false". */
const SWITCH_WORDS = /^(true|false|yes|no|on|off|0|1|none)$/i;

/**
 * The answer cache's file: `--cache FILE`, else $CHAINTRAIL_CACHE, else the default. A switch word given as the file is
 * refused with the flag that does what was meant (a file of that name is still `./false`).
 */
export function cacheFile(flag: string | boolean | undefined, env: Record<string, string | undefined>): string {
  if (typeof flag === 'string' && SWITCH_WORDS.test(flag))
    throw new InvalidInputError(
      `--cache "${flag}" takes a file, not a switch: use --no-cache to read and write no answer cache (or --cache ./${flag} for a file of that name)`,
      { details: { option: '--cache', value: flag } },
    );
  return typeof flag === 'string' ? flag : (env.CHAINTRAIL_CACHE ?? DEFAULT_CACHE_PATH);
}
