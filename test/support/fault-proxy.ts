import { createHash } from 'node:crypto';
import { startTestServer, type TestServer } from './http-test-server.js';

export type FaultKind = '429' | '503' | 'timeout' | 'reset' | 'malformed' | 'truncated';
export const ALL_FAULTS: FaultKind[] = ['429', '503', 'timeout', 'reset', 'malformed', 'truncated'];

export interface FaultProxy extends TestServer {
  /** Faults injected so far, by kind. */
  injected: Record<FaultKind, number>;
}

export interface FaultProxyOptions {
  /** Share of requests that get a fault (0.2 = 20 %). */
  rate?: number;
  seed?: number;
  kinds?: FaultKind[];
  /** The same request is faulted at most this many times in a row, so the client's retries can get through. */
  maxConsecutive?: number;
  /** How long a 'timeout' fault holds the connection (longer than the client's timeout). */
  holdMs?: number;
}

/**
 * A proxy in front of a local test server that breaks a seeded share of the answers: rate limits, server errors,
 * hung connections, resets, malformed and truncated JSON. The same seed breaks the same requests the same way, in
 * any order of arrival (the choice hashes the request and its attempt number), so a run is reproducible.
 */
export async function startFaultProxy(target: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const rate = options.rate ?? 0.2;
  const seed = options.seed ?? 1;
  const kinds = options.kinds ?? ALL_FAULTS;
  const maxConsecutive = options.maxConsecutive ?? 2;
  const holdMs = options.holdMs ?? 2_000;
  const attempts = new Map<string, number>();
  const injected = Object.fromEntries(ALL_FAULTS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const draw = (key: string, attempt: number, salt: string) => parseInt(createHash('sha256').update(`${seed}|${salt}|${attempt}|${key}`).digest('hex').slice(0, 8), 16) / 2 ** 32;

  const server = await startTestServer(async (req, res) => {
    const key = `${req.method} ${req.path}?${req.query} ${req.body}`;
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    const faulty = attempt < maxConsecutive && draw(key, attempt, 'rate') < rate;
    const kind = faulty ? kinds[Math.floor(draw(key, attempt, 'kind') * kinds.length)]! : undefined;
    if (kind) injected[kind]++;
    if (kind === '429') return res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"error":"Too Many Requests"}');
    if (kind === '503') return res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
    if (kind === 'reset') return res.socket?.destroy();
    if (kind === 'timeout') {
      await new Promise((r) => setTimeout(r, holdMs));
      return res.socket?.destroy();
    }
    const upstream = await fetch(`${target}${req.path}${req.query.size ? `?${req.query}` : ''}`, {
      method: req.method,
      headers: Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>,
      ...(req.method === 'POST' ? { body: req.body } : {}),
    });
    let body = await upstream.text();
    if (kind === 'malformed') body = body.slice(0, Math.floor(body.length / 2));
    if (kind === 'truncated') body = body.slice(0, Math.max(1, body.length - 3));
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(body);
  });
  return Object.assign(server, { injected });
}
