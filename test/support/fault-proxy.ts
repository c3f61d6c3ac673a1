import { createHash } from 'node:crypto';
import { startTestServer, type SeenRequest, type TestServer } from './http-test-server.js';

/** Faults any HTTP source can meet: rate limits, 5xx pages, hung and reset connections, cut-off JSON. */
export type HttpFaultKind = '429' | '503' | 'timeout' | 'reset' | 'malformed' | 'truncated';
export const ALL_FAULTS: HttpFaultKind[] = ['429', '503', 'timeout', 'reset', 'malformed', 'truncated'];

/**
 * A fault in the body of a good answer, in the source's own words: it gets the upstream answer and a seeded
 * `pick(n)` (0 ≤ result < n) and returns what to send instead.
 */
export type BodyFault = (
  upstream: { status: number; text: string },
  pick: (n: number) => number,
) => { status: number; body: string; headers?: Record<string, string> };

/** Providers' transient JSON-RPC errors, each put at a seeded position of a batch (or as the single answer). */
export const RPC_FAULTS: Record<string, BodyFault> = {
  'rpc -32603 internal error': rpcError(-32603, 'internal error'),
  'rpc -32000 header not found': rpcError(-32000, 'header not found'),
  'rpc -32000 request timed out': rpcError(-32000, 'request timed out'),
  'rpc -32005 limit': rpcError(-32005, 'project ID request rate exceeded', {
    see: 'https://infura.io/docs/ethereum/jsonrpc/ratelimits',
    current_rps: 13.3,
    allowed_rps: 10,
    backoff_seconds: 1,
  }),
};

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): BodyFault =>
  () => ({ status, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
/** Etherscan's and Blockscout's own words for "not now", in an HTTP 200 envelope. */
export const ETHERSCAN_FAULTS: Record<string, BodyFault> = {
  'etherscan rate limit': json(200, { status: '0', message: 'NOTOK', result: 'Max calls per sec rate limit reached (3/sec)' }),
  'etherscan busy': json(200, { status: '0', message: 'NOTOK', result: 'Unexpected error, timeout or server too busy. Please try again later' }),
};
/** TronGrid's: a key over its frequency limit, a JSON 503. */
export const TRONGRID_FAULTS: Record<string, BodyFault> = {
  'trongrid suspended': json(403, { Error: 'The key exceeds the frequency limit(15), and the query server is suspended for 1s' }),
  'trongrid 503 json': json(503, { Error: 'service unavailable' }),
};
const google = (code: number, reason: string, message: string) => json(code, { error: { code, message, errors: [{ message, domain: 'global', reason }] } });
/** Google's transient BigQuery errors, in its JSON error format. */
export const GOOGLE_FAULTS: Record<string, BodyFault> = {
  'google 500 backendError': google(500, 'backendError', 'Error encountered during execution. Retrying may solve the problem.'),
  'google 503 backendError': google(503, 'backendError', 'The service is currently unavailable.'),
  'google 403 rateLimitExceeded': google(403, 'rateLimitExceeded', 'Exceeded rate limits: too many api requests per user per method for this user_method.'),
};

function rpcError(code: number, message: string, data?: unknown): BodyFault {
  return (upstream, pick) => {
    const json = JSON.parse(upstream.text) as { id: unknown } | { id: unknown }[];
    const error = { code, message, ...(data === undefined ? {} : { data }) };
    if (!Array.isArray(json)) return { status: 200, body: JSON.stringify({ jsonrpc: '2.0', id: json.id, error }) };
    const at = pick(json.length);
    return { status: 200, body: JSON.stringify(json.map((item, i) => (i === at ? { jsonrpc: '2.0', id: item.id, error } : item))) };
  };
}

export interface FaultProxy extends TestServer {
  /** Faults injected so far, by kind. */
  injected: Record<string, number>;
  /** Faults injected so far, all kinds. */
  total(): number;
  /** Each seeded position a body fault chose, with the count it chose from (a batch's position and length). */
  picks: { at: number; of: number }[];
}

export interface FaultProxyOptions {
  /** Share of requests that get a fault (0.2 = 20 %). */
  rate?: number;
  seed?: number;
  kinds?: HttpFaultKind[];
  /** Source-specific faults (RPC_FAULTS, an explorer's "busy" envelope…), drawn alongside `kinds`. */
  bodyFaults?: Record<string, BodyFault>;
  /** The same request is faulted at most this many times in a row, so the client's retries can get through. */
  maxConsecutive?: number;
  /** How long a 'timeout' fault holds the connection (longer than the client's timeout). */
  holdMs?: number;
  /** Whether `kind` may hit this request (default: every kind, every request). */
  allow?: (kind: string, req: SeenRequest) => boolean;
  /** What makes two requests "the same" for maxConsecutive (default: method, path, query and body). */
  keyOf?: (req: SeenRequest) => string;
}

/** A 5xx error page as a CDN or load balancer sends it: HTML, not JSON. */
const errorPage = (status: number) =>
  `<!DOCTYPE html>\n<html><head><title>${status} Service Temporarily Unavailable</title></head><body><center><h1>${status}</h1></center><hr><center>nginx</center></body></html>\n`;

/**
 * A proxy in front of a local test server that breaks a seeded share of the answers: rate limits, 5xx HTML
 * pages, hung connections, resets, malformed and truncated JSON, and source-specific faults in the body. The same
 * seed breaks the same requests the same way, in any order of arrival (the choice hashes the request and its
 * attempt number), so a run is reproducible.
 */
export async function startFaultProxy(target: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const rate = options.rate ?? 0.2;
  const seed = options.seed ?? 1;
  const bodyFaults = options.bodyFaults ?? {};
  const kinds: string[] = [...(options.kinds ?? ALL_FAULTS), ...Object.keys(bodyFaults)];
  const maxConsecutive = options.maxConsecutive ?? 2;
  const holdMs = options.holdMs ?? 2_000;
  const attempts = new Map<string, number>();
  const injected: Record<string, number> = Object.fromEntries(kinds.map((k) => [k, 0]));
  const picks: FaultProxy['picks'] = [];
  const draw = (key: string, attempt: number, salt: string) =>
    parseInt(createHash('sha256').update(`${seed}|${salt}|${attempt}|${key}`).digest('hex').slice(0, 8), 16) / 2 ** 32;

  const server = await startTestServer(async (req, res) => {
    const key = options.keyOf?.(req) ?? `${req.method} ${req.path}?${req.query} ${req.body}`;
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    const faulty = attempt < maxConsecutive && draw(key, attempt, 'rate') < rate;
    const drawn = faulty ? kinds[Math.floor(draw(key, attempt, 'kind') * kinds.length)]! : undefined;
    const kind = drawn && (options.allow?.(drawn, req) ?? true) ? drawn : undefined;
    if (kind) injected[kind]!++;
    if (kind === '429') return res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"error":"Too Many Requests"}');
    if (kind === '503') {
      const status = [500, 502, 503, 504][Math.floor(draw(key, attempt, 'status') * 4)]!;
      return res.writeHead(status, { 'content-type': 'text/html' }).end(errorPage(status));
    }
    if (kind === 'reset') return res.socket?.destroy();
    if (kind === 'timeout') {
      await new Promise((r) => setTimeout(r, holdMs));
      return res.socket?.destroy();
    }
    const upstream = await fetch(`${target}${req.path}${req.query.size ? `?${req.query}` : ''}`, {
      method: req.method,
      headers: Object.fromEntries(
        Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)),
      ) as Record<string, string>,
      ...(req.method === 'POST' ? { body: req.body } : {}),
    });
    let body = await upstream.text();
    let status = upstream.status;
    let headers: Record<string, string> = { 'content-type': upstream.headers.get('content-type') ?? 'application/json' };
    if (kind === 'malformed') body = body.slice(0, Math.floor(body.length / 2));
    if (kind === 'truncated') body = body.slice(0, Math.max(1, body.length - 3));
    if (kind && bodyFaults[kind]) {
      const fault = bodyFaults[kind]({ status, text: body }, (n) => {
        const at = Math.floor(draw(key, attempt, 'position') * n);
        picks.push({ at, of: n });
        return at;
      });
      ({ status, body } = fault);
      headers = { ...headers, ...fault.headers };
    }
    res.writeHead(status, headers).end(body);
  });
  return Object.assign(server, { injected, picks, total: () => Object.values(injected).reduce((a, b) => a + b, 0) });
}
