import type { ServerResponse } from 'node:http';
import { startTestServer, type TestServer } from '../../support/http-test-server.js';
import type { EsploraIndex } from '../../support/esplora-server.js';

export interface CoreServerOptions {
  user: string;
  password: string;
  /** Without -txindex Core only finds mempool and wallet transactions. */
  txindex?: boolean;
  /** Answer this many calls with -28 "Loading block index…" first. */
  warmupCalls?: number;
}

/** Core prints amounts with 8 decimals (0.10000000): reproduce that on the wire, not JSON.stringify's 0.1. */
const AMOUNT = /"@@(\d+)@@"/g;
const amount = (sats: bigint) => `@@${sats}@@`;
function render(value: unknown): string {
  return JSON.stringify(value).replace(AMOUNT, (_, s: string) => {
    const sats = BigInt(s);
    return `${sats / 100_000_000n}.${(sats % 100_000_000n).toString().padStart(8, '0')}`;
  });
}

class RpcFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A local Bitcoin Core JSON-RPC 1.0 server (127.0.0.1, port 0) over the test index: Basic auth, the documented
 * result/error/id envelope, HTTP 500 for a failed single call and 404 for an unknown method, batches as arrays.
 */
export async function startCoreServer(index: EsploraIndex, rawHex: Map<string, string>, options: CoreServerOptions): Promise<TestServer> {
  let warmup = options.warmupCalls ?? 0;
  const expected = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;

  const methods: Record<string, (params: unknown[]) => unknown> = {
    getblockcount: () => index.tip,
    getblockheader: ([hash]) => {
      const entry = [...index.txs.values()].find((e) => e.block.hash === hash);
      if (!entry) throw new RpcFailure(-5, 'Block not found');
      return {
        hash,
        confirmations: index.tip - entry.block.height + 1,
        height: entry.block.height,
        time: entry.block.time,
        nTx: entry.block.transactions.length,
      };
    },
    getrawtransaction: ([txid, verbosity]) => {
      // Without -txindex, confirmed transactions are out of reach (the served ones are all confirmed).
      const entry = options.txindex === false ? undefined : index.txs.get(String(txid));
      if (!entry) {
        throw new RpcFailure(
          -5,
          options.txindex === false
            ? 'No such mempool transaction. Use -txindex or provide a block hash to enable blockchain transaction queries. Use gettransaction for wallet transactions.'
            : 'No such mempool or blockchain transaction. Use gettransaction for wallet transactions.',
        );
      }
      const hex = rawHex.get(entry.tx.txid)!;
      if (!verbosity) return hex;
      const spk = (o: { script: string; address: string; type: string }) => ({
        asm: '',
        desc: '',
        hex: o.script,
        ...(o.address.startsWith('script:') ? {} : { address: o.address }),
        type: o.type,
      });
      const vin = entry.tx.coinbase
        ? [{ coinbase: '03abcdef', sequence: 4294967295 }]
        : entry.tx.inputs.map((i) => {
            const prev = index.prevout(i.prevTx, i.vout);
            const origin = index.txs.get(i.prevTx);
            return {
              txid: i.prevTx,
              vout: i.vout,
              scriptSig: { asm: '', hex: '' },
              // Verbosity 2 adds the spent output when the node has the undo data.
              ...(prev
                ? { prevout: { generated: origin!.tx.coinbase, height: origin!.block.height, value: amount(prev.value), scriptPubKey: spk(prev) } }
                : {}),
              sequence: i.sequence,
            };
          });
      return {
        txid: entry.tx.txid,
        hash: entry.tx.txid,
        version: 2,
        size: hex.length / 2,
        vsize: entry.tx.vsize,
        weight: entry.tx.vsize * 4,
        locktime: 0,
        vin,
        vout: entry.tx.outputs.map((o) => ({ value: amount(o.value), n: o.n, scriptPubKey: spk(o) })),
        hex,
        blockhash: entry.block.hash,
        confirmations: index.tip - entry.block.height + 1,
        time: entry.block.time,
        blocktime: entry.block.time,
      };
    },
    gettxout: ([txid, n]) => {
      const entry = index.txs.get(String(txid));
      const output = entry?.tx.outputs[Number(n)];
      if (!entry || !output || index.spenders.has(`${txid}:${n}`) || output.type === 'op_return') return null;
      return {
        bestblock: '00'.repeat(32),
        confirmations: index.tip - entry.block.height + 1,
        value: amount(output.value),
        scriptPubKey: { hex: output.script, type: output.type },
        coinbase: entry.tx.coinbase,
      };
    },
  };

  const answer = (call: { id?: unknown; method?: unknown; params?: unknown }): { status: number; body: unknown } => {
    const id = call.id ?? null;
    const method = String(call.method);
    if (warmup > 0) {
      warmup--;
      return { status: 500, body: { result: null, error: { code: -28, message: 'Loading block index…' }, id } };
    }
    const fn = methods[method];
    if (!fn) return { status: 404, body: { result: null, error: { code: -32601, message: 'Method not found' }, id } };
    try {
      return { status: 200, body: { result: fn(Array.isArray(call.params) ? call.params : []), error: null, id } };
    } catch (error) {
      if (!(error instanceof RpcFailure)) throw error;
      return { status: 500, body: { result: null, error: { code: error.code, message: error.message }, id } };
    }
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(`${render(body)}\n`);
  };

  return startTestServer((req, res) => {
    if (req.method !== 'POST') return send(res, 405, { result: null, error: { code: -32600, message: 'JSON-RPC requires POST' }, id: null });
    if (req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="jsonrpc"' });
      res.end();
      return;
    }
    const body = JSON.parse(req.body) as unknown;
    if (Array.isArray(body))
      return send(
        res,
        200,
        body.map((call) => answer(call as never).body),
      );
    const { status, body: reply } = answer(body as never);
    return send(res, status, reply);
  });
}
