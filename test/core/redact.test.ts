import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactText, redactUrl, secretsOfUrl } from '../../src/core/redact.js';

/** Keys as providers issue them: 32 hex (Infura), base64url-ish (Alchemy), UUID-like, or a sentinel. */
const key = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{32}$/),
  fc.stringMatching(/^[A-Za-z0-9_-]{20,40}$/).filter((s) => /\d/.test(s) && /[a-z]/i.test(s)),
  fc.uuid(),
  fc.constant('SENTINEL-KEY-7f3a9c2e51d04b8a'),
);
const word = fc.constantFrom('v2', 'v3', 'rpc', 'api', 'eth', 'mainnet', 'ws', 'bsc', 'polygon');
const host = fc.constantFrom('mainnet.infura.io', 'eth-mainnet.g.alchemy.com', 'node.example', '127.0.0.1:8545', 'rpc.ankr.com', 'x.quiknode.pro');
const keyParam = fc.constantFrom('apikey', 'api_key', 'key', 'token', 'access_token', 'secret', 'auth', 'password', 'x-api-key', 'projectId');

/** Every shape a provider URL takes: a key in the userinfo, in the path, in a key-like query parameter, or several. */
const secretUrl = fc
  .record({
    scheme: fc.constantFrom('http', 'https'),
    host,
    user: fc.option(fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/), { nil: undefined }),
    password: fc.option(key, { nil: undefined }),
    before: fc.array(word, { maxLength: 2 }),
    pathKey: fc.option(key, { nil: undefined }),
    after: fc.array(word, { maxLength: 1 }),
    queryKey: fc.option(fc.tuple(keyParam, key), { nil: undefined }),
    plain: fc.option(fc.tuple(fc.constantFrom('chainid', 'module', 'network'), fc.constantFrom('1', 'account', 'main')), { nil: undefined }),
  })
  .filter((u) => u.password !== undefined || u.pathKey !== undefined || u.queryKey !== undefined)
  .map((u) => {
    const auth = u.password !== undefined ? `${u.user ?? ''}:${encodeURIComponent(u.password)}@` : '';
    const path = [...u.before, ...(u.pathKey !== undefined ? [u.pathKey] : []), ...u.after].join('/');
    const query = [u.queryKey && `${u.queryKey[0]}=${encodeURIComponent(u.queryKey[1])}`, u.plain && `${u.plain[0]}=${u.plain[1]}`].filter(Boolean).join('&');
    const secrets = [u.password, u.pathKey, u.queryKey?.[1]].filter((s): s is string => s !== undefined);
    return { url: `${u.scheme}://${auth}${u.host}/${path}${query ? `?${query}` : ''}`, secrets, u };
  });

describe('redactUrl', () => {
  it('keeps scheme, host and path words but never a key, whatever the shape of the URL', () => {
    fc.assert(
      fc.property(secretUrl, ({ url, secrets, u }) => {
        const safe = redactUrl(url);
        for (const s of secrets) {
          expect(safe).not.toContain(s);
          expect(safe).not.toContain(encodeURIComponent(s));
        }
        expect(safe.startsWith(`${u.scheme}://`)).toBe(true);
        expect(safe).toContain(u.host);
        for (const w of [...u.before, ...u.after]) expect(safe).toContain(`/${w}`);
        if (u.plain) expect(safe).toContain(`${u.plain[0]}=${u.plain[1]}`);
        if (u.password !== undefined) expect(safe).toContain('***@');
      }),
      { numRuns: 400 },
    );
  });

  it('masks configured secrets and parameters too, and never echoes what does not parse', () => {
    expect(redactUrl('https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef')).toBe('https://mainnet.infura.io/v3/***');
    expect(redactUrl('https://user:pass@node.example:8545/rpc?apikey=SECRET&x=1')).toBe('https://***@node.example:8545/rpc?apikey=***&x=1');
    expect(redactUrl('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545');
    expect(redactUrl('https://h.example/rpc?c=abcd1234', { secretParams: ['c'] })).toBe('https://h.example/rpc?c=***');
    expect(redactUrl('https://h.example/short', { secrets: ['short'] })).toBe('https://h.example/***');
    expect(redactUrl('http://user:secretpw@[bad')).toBe('(invalid URL)');
  });
});

describe('redactText', () => {
  it('removes a URL key from any message that quotes the URL (undici, a stack, a body)', () => {
    fc.assert(
      fc.property(
        secretUrl,
        fc.constantFrom('Request cannot be constructed from a URL that includes credentials: %s', 'fetch failed (%s).', 'POST %s {"id":1}', '<a href="%s">'),
        ({ url, secrets }, template) => {
          const text = template.replace('%s', url);
          const safe = redactText(text, { secrets: secretsOfUrl(url) });
          for (const s of secrets) expect(safe).not.toContain(s);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps request paths (addresses, txids are evidence) and masks only what is secret', () => {
    const txid = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';
    expect(redactText(`GET https://blockstream.info/api/tx/${txid}`)).toBe(`GET https://blockstream.info/api/tx/${txid}`);
    expect(redactText('GET https://api.etherscan.io/v2/api?module=account&apikey=ABCDEFGH12345678&address=0xabc', { secretParams: ['apikey'] })).toBe(
      'GET https://api.etherscan.io/v2/api?module=account&apikey=***&address=0xabc',
    );
    expect(redactText('see http://alice:pw@host/x and https://bob@h2/')).toBe('see http://***@host/x and https://***@h2/');
  });
});
