import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, parseRetryAfter, type HttpClientOptions } from '../../../src/adapters/http/index.js';
import { createResponseCache } from '../../../src/cache/store.js';
import { AdapterError, NotFoundError, RateLimitError, ResponseShapeError, TraceAbortedError } from '../../../src/core/errors.js';
import { createVirtualClock } from '../../support/virtual-clock.js';
import { sendJson, startTestServer, type Handler, type TestServer } from '../../support/http-test-server.js';

const SENTINEL = 'SENTINEL-KEY-7f3a9c1e5b';

let servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(handler: Handler): Promise<TestServer> {
  const server = await startTestServer(handler);
  servers.push(server);
  return server;
}

function client(server: TestServer, extra: Partial<HttpClientOptions> = {}) {
  const clock = createVirtualClock();
  const logs: string[] = [];
  const http = createHttpClient({
    source: 'TestAPI',
    baseUrl: server.url,
    clock,
    random: () => 0.5,
    onLog: (e) => logs.push(e.message),
    ...extra,
  });
  return { http, clock, logs };
}

/** Answers from a script, one per request; the last entry repeats. */
function scripted(...steps: Array<(res: Parameters<Handler>[1]) => void>): Handler {
  let i = 0;
  return (_req, res) => {
    const step = steps[Math.min(i++, steps.length - 1)]!;
    step(res);
  };
}

describe('createHttpClient', () => {
  it('retries 5xx answers with exponential backoff and then returns the JSON', async () => {
    const server = await serve(
      scripted(
        (res) => sendJson(res, 503, { error: 'busy' }),
        (res) => sendJson(res, 502, 'bad gateway'),
        (res) => sendJson(res, 200, { ok: true }),
      ),
    );
    const { http, clock } = client(server, { backoffBaseMs: 1000 });
    await expect(http.requestJson({ path: '/x' })).resolves.toEqual({ ok: true });
    expect(server.requests).toHaveLength(3);
    // random() = 0.5 -> wait = backoff * 0.75; backoff doubles per failure.
    expect(clock.sleeps).toEqual([750, 1500]);
    expect(http.stats()).toMatchObject({ requests: 3, retries: 2 });
  });

  it('honors Retry-After given in seconds on a 429', async () => {
    const server = await serve(
      scripted(
        (res) => sendJson(res, 429, { error: 'slow down' }, { 'retry-after': '7' }),
        (res) => sendJson(res, 200, [1]),
      ),
    );
    const { http, clock } = client(server);
    await expect(http.requestJson({})).resolves.toEqual([1]);
    expect(clock.sleeps).toEqual([7000]);
    expect(http.stats().rateLimited).toBe(1);
  });

  it('honors Retry-After given as an HTTP date', async () => {
    const clock = createVirtualClock(Date.UTC(2024, 0, 1, 12, 0, 0));
    const retryAt = new Date(Date.UTC(2024, 0, 1, 12, 0, 42)).toUTCString();
    const server = await serve(
      scripted(
        (res) => sendJson(res, 503, 'maintenance', { 'retry-after': retryAt }),
        (res) => sendJson(res, 200, { ok: 1 }),
      ),
    );
    const http = createHttpClient({ source: 'TestAPI', baseUrl: server.url, clock, random: () => 0.5 });
    await expect(http.requestJson({})).resolves.toEqual({ ok: 1 });
    expect(clock.sleeps).toEqual([42_000]);
  });

  it('parses Retry-After forms and ignores garbage', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter('1.5', 0)).toBe(1500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });

  it('keeps waiting through rate-limit answers past the ordinary retry budget, then fails with RateLimitError', async () => {
    const server = await serve(scripted((res) => sendJson(res, 429, 'Too Many Requests')));
    const { http } = client(server, { retries: 1, rateLimitRetries: 5, backoffBaseMs: 10 });
    const error = await http.requestJson({ what: 'probe' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).code).toBe('RATE_LIMITED');
    expect((error as RateLimitError).shortMessage).toMatch(/kept rate-limiting probe .*API key/);
    // 1 first attempt + 5 rate-limit retries, although the ordinary budget is 1.
    expect(server.requests).toHaveLength(6);
  });

  it('fails with RateLimitError at once when the source asks to wait longer than allowed', async () => {
    const server = await serve(scripted((res) => sendJson(res, 429, 'no', { 'retry-after': '3600' })));
    const { http } = client(server, { maxRetryAfterMs: 60_000 });
    const error = await http.requestJson({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).shortMessage).toMatch(/asks to wait 3600 s/);
    expect(server.requests).toHaveLength(1);
  });

  it('turns answers slower than the timeout into a typed AdapterError after the retries', async () => {
    const server = await serve((_req, res) => {
      const timer = setTimeout(() => sendJson(res, 200, { late: true }), 5_000);
      res.on('close', () => clearTimeout(timer));
    });
    const { http } = client(server, { timeoutMs: 150, retries: 2, backoffBaseMs: 1 });
    const started = Date.now();
    const error = await http.requestJson({ what: 'slow thing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).code).toBe('ADAPTER_ERROR');
    expect((error as AdapterError).shortMessage).toMatch(/after 3 attempts \(timed out after 150 ms\): slow thing/);
    expect((error as AdapterError).details).toMatchObject({ attempts: 3, reason: 'timed out after 150 ms' });
    expect(server.requests).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(4_000); // generous: three 150 ms timeouts, never the 5 s answer
  });

  it('answers that are not JSON are a ResponseShapeError, not retried', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    });
    const { http } = client(server);
    const error = await http.requestJson({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect((error as ResponseShapeError).code).toBe('RESPONSE_SHAPE');
    expect(server.requests).toHaveLength(1);
  });

  it('retries a JSON answer cut short, and takes the whole one', async () => {
    let n = 0;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(++n === 1 ? '{"result": [1, 2' : '{"result": [1, 2, 3]}');
    });
    const { http } = client(server);
    expect(await http.requestJson({})).toEqual({ result: [1, 2, 3] });
    expect(server.requests).toHaveLength(2);
  });

  it('maps 404 to NotFoundError and 401 to an AdapterError about the key', async () => {
    const server = await serve((req, res) => sendJson(res, req.path === '/missing' ? 404 : 401, { error: 'x' }));
    const { http } = client(server);
    await expect(http.requestJson({ path: '/missing' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(http.requestJson({ path: '/secret' })).rejects.toThrow(/check the API key/);
    expect(server.requests).toHaveLength(2);
  });

  it('gives a network failure a typed error after the retries', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, {}));
    const url = server.url;
    await server.close();
    servers = [];
    const http = createHttpClient({ source: 'TestAPI', baseUrl: url, clock: createVirtualClock(), retries: 2, random: () => 0.5 });
    const error = await http.requestJson({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect((error as AdapterError).shortMessage).toMatch(/after 3 attempts \(network error/);
    expect(http.stats().requests).toBe(3);
  });

  it('never lets a secret query param or header reach a message, details, log line or the endpoint', async () => {
    // The server echoes what it got, as some APIs do in error pages.
    const server = await serve((req, res) => sendJson(res, 500, { echo: `${req.path}?${req.query.toString()}`, key: req.headers['x-api-key'] }));
    const { http, logs } = client(server, {
      baseUrl: `${server.url}/api?apikey=${SENTINEL}`,
      query: { apikey: SENTINEL },
      headers: { 'x-api-key': SENTINEL },
      secrets: { query: ['apikey'], headers: ['x-api-key'] },
      retries: 1,
      backoffBaseMs: 1,
    });
    const error = (await http.requestJson({ query: { module: 'account' } }).catch((e: unknown) => e)) as AdapterError;
    expect(error).toBeInstanceOf(AdapterError);
    // The key did go out on the wire: the point is that it is not printed.
    expect(server.requests[0]!.query.get('apikey')).toBe(SENTINEL);
    expect(server.requests[0]!.headers['x-api-key']).toBe(SENTINEL);
    const printed = [
      error.message,
      error.shortMessage,
      JSON.stringify(error.details),
      JSON.stringify(error),
      String(error.cause),
      http.endpoint,
      ...logs,
      JSON.stringify(http.stats()),
    ];
    for (const text of printed) expect(text).not.toContain(SENTINEL);
    expect(error.details.url).toMatch(/apikey=\*\*\*/);
    expect(http.endpoint).toMatch(/apikey=\*\*\*/);
    expect(logs.length).toBeGreaterThan(0);
  });

  it('lets a classify hook fail at once, retry after a given wait, or accept', async () => {
    const server = await serve((req, res) => sendJson(res, 200, { status: req.query.get('mode') }));
    let calls = 0;
    const { http, clock } = client(server, {
      classify: (a) => {
        const status = (a.json as { status?: string }).status;
        if (status === 'fatal') return { kind: 'fail', error: new AdapterError('fatal body') };
        if (status === 'wait' && calls++ === 0) return { kind: 'retry', reason: 'body says wait', afterMs: 2500, rateLimited: true };
        return { kind: 'ok' };
      },
    });
    await expect(http.requestJson({ query: { mode: 'fatal' } })).rejects.toThrow('fatal body');
    expect(server.requests).toHaveLength(1);
    await expect(http.requestJson({ query: { mode: 'wait' } })).resolves.toEqual({ status: 'wait' });
    expect(server.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([2500]);
  });

  it('spaces requests by the token bucket (3 per second, burst 1)', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { ok: true }));
    const { http, clock } = client(server, { rateLimit: { perSecond: 3, burst: 1 } });
    const start = clock.now();
    await Promise.all(Array.from({ length: 7 }, () => http.requestJson({})));
    expect(server.requests).toHaveLength(7);
    // 6 requests after the first each need a third of a second of (virtual) refill.
    expect(clock.now() - start).toBeGreaterThanOrEqual(1_990);
    expect(clock.now() - start).toBeLessThan(2_200);
  });

  it('a rate-limit answer holds back the other requests of the same source', async () => {
    let first = true;
    const server = await serve((_req, res) => {
      if (first) {
        first = false;
        return sendJson(res, 429, 'limit', { 'retry-after': '10' });
      }
      sendJson(res, 200, { ok: true });
    });
    const { http, clock } = client(server, { rateLimit: { perSecond: 100, burst: 100 }, concurrency: 1 });
    const start = clock.now();
    await http.requestJson({});
    await Promise.all([http.requestJson({}), http.requestJson({})]);
    expect(server.requests).toHaveLength(4);
    expect(clock.now() - start).toBeGreaterThanOrEqual(10_000);
    expect(http.stats().waitedMs).toBeGreaterThanOrEqual(10_000);
  });

  it('never runs more requests at once than the concurrency limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const server = await serve((_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        sendJson(res, 200, { ok: true });
      }, 30);
    });
    const { http } = client(server, { concurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, () => http.requestJson({})));
    expect(server.requests).toHaveLength(8);
    expect(peak).toBe(2);
  });

  it('stops with TraceAbortedError when the caller aborts during backoff', async () => {
    const server = await serve((_req, res) => sendJson(res, 503, 'busy'));
    const controller = new AbortController();
    const clock = createVirtualClock();
    const sleep = clock.sleep;
    clock.sleep = async (ms, signal) => {
      controller.abort(new Error('user cancelled'));
      return sleep(ms, signal);
    };
    const http = createHttpClient({ source: 'TestAPI', baseUrl: server.url, clock, retries: 5 });
    const error = await http.requestJson({ signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TraceAbortedError);
    expect(server.requests).toHaveLength(1);
  });

  it('sends POST bodies as JSON', async () => {
    const server = await serve((req, res) => sendJson(res, 200, { got: JSON.parse(req.body) as unknown, type: req.headers['content-type'] }));
    const { http } = client(server);
    await expect(http.requestJson({ method: 'POST', path: '/wallet/x', body: { value: 'ab' } })).resolves.toEqual({
      got: { value: 'ab' },
      type: 'application/json',
    });
  });
});

describe('answer cache', () => {
  it('serves repeated requests from the cache, keeps settled history for good and lets near-head answers expire', async () => {
    const server = await serve((req, res) => sendJson(res, 200, { path: req.path }));
    let now = 1_800_000_000;
    const cache = createResponseCache({ path: ':memory:', volatileTtlSeconds: 60, now: () => now });
    const { http } = client(server, { cache, reorgMarginSeconds: 3600, clock: { ...createVirtualClock(), now: () => now * 1000 } });
    await http.requestJson({ path: '/old', dataUntil: now - 7200 });
    await http.requestJson({ path: '/recent', dataUntil: now - 60 });
    await http.requestJson({ path: '/old', dataUntil: now - 7200 });
    expect(server.requests).toHaveLength(2);
    expect(http.stats().cacheHits).toBe(1);
    now += 3600; // past the volatile TTL
    await http.requestJson({ path: '/old', dataUntil: now - 10_800 });
    await http.requestJson({ path: '/recent', dataUntil: now - 3660 });
    expect(server.requests.map((r) => r.path)).toEqual(['/old', '/recent', '/recent']);
    expect(http.evidence().map((e) => e.request)).toEqual([expect.stringContaining('/old'), expect.stringContaining('/recent')]);
  });
});
