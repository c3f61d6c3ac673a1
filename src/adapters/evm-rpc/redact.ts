/**
 * Provider URLs carry API keys in the path (Infura /v3/KEY, Alchemy /v2/KEY, QuickNode /TOKEN/), the query
 * (?apikey=) or the userinfo. What we print keeps scheme, host and the harmless path words only.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '(invalid URL)';
  }
  const path = url.pathname
    .split('/')
    .map((segment) => (looksSecret(segment) ? '***' : segment))
    .join('/');
  const query = [...url.searchParams.keys()].map((key) => `${encodeURIComponent(key)}=***`).join('&');
  const auth = url.username || url.password ? '***@' : '';
  return `${url.protocol}//${auth}${url.host}${path === '/' ? '' : path}${query ? `?${query}` : ''}`;
}

/** A path segment that is a key rather than a word: long, or mixing letters and digits. */
function looksSecret(segment: string): boolean {
  if (segment.length >= 16) return true;
  return segment.length >= 8 && /\d/.test(segment) && /[a-z]/i.test(segment);
}
