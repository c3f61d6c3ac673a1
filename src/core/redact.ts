/**
 * The one redaction of secrets, used by every error, log line, cache key, evidence entry and report that names a
 * source. Provider URLs carry keys in the userinfo (`user:password@`), the path (Infura /v3/KEY, Alchemy /v2/KEY,
 * QuickNode /TOKEN/) or the query (`?apikey=`); configured keys (API-key headers, passwords) can turn up anywhere.
 */

export const REDACTED = '***';

/** Query parameter names whose values are credentials, whatever the source. */
const SECRET_PARAM = /key|token|secret|pass|pwd|auth|sig|credential|session|jwt|bearer|private|access|client_id|project_?id/i;

/** A path segment that is a key rather than a word: long, or mixing letters and digits. */
export function looksSecret(segment: string): boolean {
  if (segment.length >= 16) return true;
  return segment.length >= 8 && /\d/.test(segment) && /[a-z]/i.test(segment);
}

/**
 * A URL safe to print: scheme, host, port and the harmless path words; no userinfo, no key-like path segment, no
 * value of a key-like query parameter (nor of any parameter in `secretParams`), no fragment, and none of `secrets`.
 * Text that does not parse as a URL is not echoed at all.
 */
export function redactUrl(raw: string, options: { secretParams?: readonly string[]; secrets?: readonly string[] } = {}): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '(invalid URL)';
  }
  const named = new Set((options.secretParams ?? []).map((n) => n.toLowerCase()));
  const path = url.pathname
    .split('/')
    .map((segment) => (looksSecret(safeDecode(segment)) ? REDACTED : segment))
    .join('/');
  const query = [...url.searchParams.entries()]
    .map(([key, value]) => `${encodeURIComponent(key)}=${SECRET_PARAM.test(key) || named.has(key.toLowerCase()) ? REDACTED : encodeURIComponent(value)}`)
    .join('&');
  const auth = url.username || url.password ? `${REDACTED}@` : '';
  const authority = url.host ? `//${auth}${url.host}` : '';
  return maskValues(`${url.protocol}${authority}${path === '/' ? '' : path}${query ? `?${query}` : ''}`, options.secrets ?? []);
}

/**
 * The parts of a configured URL that `redactUrl` hides (userinfo, key-like path segments, values of key-like
 * query parameters), to be masked wherever they turn up later: in a request URL, an undici message, a body.
 */
export function secretsOfUrl(raw: string, options: { secretParams?: readonly string[] } = {}): string[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [];
  }
  const named = new Set((options.secretParams ?? []).map((n) => n.toLowerCase()));
  const found = [url.username, url.password, safeDecode(url.username), safeDecode(url.password)];
  for (const segment of url.pathname.split('/')) if (looksSecret(safeDecode(segment))) found.push(segment, safeDecode(segment));
  for (const [key, value] of url.searchParams) if (SECRET_PARAM.test(key) || named.has(key.toLowerCase())) found.push(value);
  return [...new Set(found.filter((v) => v.length > 0))];
}

/**
 * Free text (an error message, an undici cause, a log line, a request for a cache key) with the userinfo of every
 * URL in it, the values of `secretParams` query parameters and every one of `secrets` masked. Request paths are
 * kept (addresses and txids in them are evidence); the configured base URL's secrets come in through `secrets`.
 */
export function redactText(text: string, options: { secretParams?: readonly string[]; secrets?: readonly string[] } = {}): string {
  const names = (options.secretParams ?? []).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  let out = text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>`]*@/gi, `$1${REDACTED}@`);
  if (names.length) out = out.replace(new RegExp(`([?&](?:${names.join('|')})=)[^&#\\s"']*`, 'gi'), `$1${REDACTED}`);
  return maskValues(out, options.secrets ?? []);
}

/** Each secret (and its URL-encoded form) replaced wherever it appears. */
function maskValues(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const value of secrets) {
    if (value.length < 4) continue; // a 1-3 character "secret" would mask ordinary text; keys are long
    for (const form of new Set([value, encodeURIComponent(value)])) out = out.split(form).join(REDACTED);
  }
  return out;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
