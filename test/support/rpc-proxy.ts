import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A test-only JSON-RPC proxy on 127.0.0.1 in front of ganache that behaves like hosted providers do: it caps the
 * block span of eth_getLogs / trace_filter with their error wordings, can refuse batches, and answers the trace_*
 * methods ganache lacks from parity-format traces the test supplies.
 */
export interface ProxyCall {
  method: string;
  params: unknown[];
}

export type Answer = { result: unknown } | { error: { code: number; message: string } };

export interface ProxyOptions {
  target: string;
  /** Largest block span eth_getLogs and trace_filter accept. */
  maxBlockSpan?: number;
  /** 'suggest': Infura-style -32005 with a suggested range; 'plain': no range in the message. */
  spanError?: 'suggest' | 'plain';
  /** When set, trace_filter / trace_transaction are answered from these (parity format). */
  traces?: ParityTrace[];
  refuseBatches?: boolean;
  /** Answer a call before anything else (errors, malformed results). */
  intercept?: (call: ProxyCall) => Answer | undefined;
}

export interface ParityTrace {
  type: string;
  action: Record<string, unknown>;
  result?: Record<string, unknown> | null;
  error?: string;
  blockHash?: string;
  blockNumber: number;
  subtraces?: number;
  traceAddress: number[];
  transactionHash: string | null;
  transactionPosition: number | null;
}

export async function startRpcProxy(options: ProxyOptions) {
  const calls: ProxyCall[] = [];
  /** Calls per HTTP request, in arrival order (1 for a call sent alone). */
  const batchSizes: number[] = [];
  let httpRequests = 0;

  function capped(call: ProxyCall): Answer | undefined {
    if (options.maxBlockSpan === undefined || (call.method !== 'eth_getLogs' && call.method !== 'trace_filter')) return undefined;
    const filter = call.params[0] as { fromBlock?: string; toBlock?: string };
    if (!filter?.fromBlock?.startsWith('0x') || !filter.toBlock?.startsWith('0x')) return undefined;
    const from = Number(filter.fromBlock);
    const to = Number(filter.toBlock);
    if (to - from + 1 <= options.maxBlockSpan) return undefined;
    if (options.spanError === 'plain') return { error: { code: -32602, message: 'block range limit exceeded' } };
    const end = from + options.maxBlockSpan - 1;
    return {
      error: { code: -32005, message: `query returned more than 10000 results. Try with this block range [0x${from.toString(16)}, 0x${end.toString(16)}].` },
    };
  }

  function traceAnswer(call: ProxyCall): Answer | undefined {
    if (!options.traces) return undefined;
    if (call.method === 'trace_transaction') {
      const hash = String(call.params[0]).toLowerCase();
      return { result: options.traces.filter((t) => t.transactionHash === hash) };
    }
    if (call.method !== 'trace_filter') return undefined;
    const f = call.params[0] as { fromBlock: string; toBlock: string; fromAddress?: string[]; toAddress?: string[] };
    const from = Number(f.fromBlock);
    const to = Number(f.toBlock);
    const fromSet = f.fromAddress ? new Set(f.fromAddress.map((a) => a.toLowerCase())) : undefined;
    const toSet = f.toAddress ? new Set(f.toAddress.map((a) => a.toLowerCase())) : undefined;
    const sender = (t: ParityTrace) => String(t.action.from ?? t.action.address ?? '').toLowerCase();
    const recipient = (t: ParityTrace) => String(t.action.to ?? t.action.refundAddress ?? t.result?.address ?? '').toLowerCase();
    return {
      result: options.traces.filter(
        (t) => t.blockNumber >= from && t.blockNumber <= to && (!fromSet || fromSet.has(sender(t))) && (!toSet || toSet.has(recipient(t))),
      ),
    };
  }

  async function forward(items: { id: unknown; call: ProxyCall }[]): Promise<Map<unknown, unknown>> {
    if (items.length === 0) return new Map();
    const response = await fetch(options.target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(items.map(({ id, call }) => ({ jsonrpc: '2.0', id, method: call.method, params: call.params }))),
    });
    const answers = (await response.json()) as { id: unknown }[];
    return new Map(answers.map((a) => [a.id, a]));
  }

  async function handle(body: unknown): Promise<unknown> {
    const batch = Array.isArray(body);
    if (batch && options.refuseBatches) return { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'batch requests are not supported' } };
    const items = (batch ? body : [body]) as { id: unknown; method: string; params?: unknown[] }[];
    batchSizes.push(items.length);
    const local = new Map<unknown, unknown>();
    const pass: { id: unknown; call: ProxyCall }[] = [];
    for (const item of items) {
      const call = { method: item.method, params: item.params ?? [] };
      calls.push(call);
      const answer = options.intercept?.(call) ?? capped(call) ?? traceAnswer(call);
      if (answer) local.set(item.id, { jsonrpc: '2.0', id: item.id, ...answer });
      else pass.push({ id: item.id, call });
    }
    const forwarded = await forward(pass);
    const out = items.map((item) => local.get(item.id) ?? forwarded.get(item.id));
    return batch ? out : out[0];
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    httpRequests++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(JSON.parse(Buffer.concat(chunks).toString('utf8')))
        .then((answer) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer));
        })
        .catch((error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    batchSizes,
    count: (method: string) => calls.filter((c) => c.method === method).length,
    httpRequests: () => httpRequests,
    reset: () => {
      calls.length = 0;
      httpRequests = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
