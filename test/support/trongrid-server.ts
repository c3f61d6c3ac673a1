import { tronBase58ToHex, tronHexToBase58 } from '../../src/core/address.js';
import { sendJson, startTestServer, type SeenRequest, type TestServer } from './http-test-server.js';

/**
 * A local TronGrid: v1 account lists with fingerprint paging (`meta.fingerprint`, `meta.links.next` absent on
 * the last page), `limit` <= 200, `min_timestamp`/`max_timestamp` in ms, `only_to`/`only_from`,
 * `contract_address`, `order_by`; the full-node POST /wallet/gettransactionbyid and /wallet/gettransactioninfobyid
 * (`{}` for unknown ids); the 429 body of a key over its frequency limit; 401 for a wrong key.
 */

export interface Trc20Rec {
  transaction_id: string;
  token_info: { symbol: string; address: string; decimals: number; name: string };
  block_timestamp: number;
  from: string;
  to: string;
  type: string;
  value: string;
}

export interface TronTxRec {
  txID: string;
  blockNumber: number;
  block_timestamp: number;
  ret: Array<{ contractRet: string; fee: number }>;
  raw_data: { contract: Array<{ type: string; parameter: { value: Record<string, unknown>; type_url: string } }>; timestamp: number };
}

export interface TronInternalRec {
  internal_tx_id: string;
  tx_id: string;
  block_timestamp: number;
  from_address: string;
  to_address: string;
  data: { call_value?: Record<string, number>; rejected?: boolean; note?: string };
}

export interface TronData {
  trc20?: Trc20Rec[];
  transactions?: Array<TronTxRec | TronInternalRec>;
  /** /wallet/gettransactioninfobyid answers by txid. */
  infos?: Record<string, unknown>;
  /** Base58 addresses holding code: /wallet/getcontract answers their SmartContract, `{}` for any other. */
  contracts?: string[];
  /** Decoded contract events, for /v1/contracts/:address/events. */
  events?: TronEventRec[];
}

/** A decoded event as /v1/contracts/:address/events lists it (arguments by name and position, addresses as 0x hex). */
export interface TronEventRec {
  block_number: number;
  block_timestamp: number;
  caller_contract_address: string;
  contract_address: string;
  event_index: number;
  event_name: string;
  result: Record<string, string>;
  result_type: Record<string, string>;
  event: string;
  transaction_id: string;
}

export interface TronServerOptions {
  data: TronData;
  apiKey?: string;
  /** 1-based request count -> answer the frequency-limit 429 instead. */
  rateLimited?: (n: number, req: SeenRequest) => boolean;
  override?: (req: SeenRequest) => { status: number; body: unknown } | undefined;
}

export interface TronServer extends TestServer {
  listRequests(): SeenRequest[];
}

export const USDT_TRC20 = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';

/** Deterministic TRON address from a number. */
export const tronAddress = (n: number): string => tronHexToBase58(`41${n.toString(16).padStart(40, '0')}`);
export const tronTxid = (n: number): string => n.toString(16).padStart(64, '0');

const base58 = (a: string) => (a.startsWith('T') ? a : tronHexToBase58(a));

function involved(rec: TronTxRec | TronInternalRec, address: string): { from: boolean; to: boolean } {
  if ('internal_tx_id' in rec) return { from: base58(rec.from_address) === address, to: base58(rec.to_address) === address };
  const v = rec.raw_data.contract[0]!.parameter.value as Record<string, string>;
  const to = v.to_address ?? v.contract_address;
  return { from: !!v.owner_address && base58(v.owner_address) === address, to: !!to && base58(to) === address };
}

const timeOf = (rec: Trc20Rec | TronTxRec | TronInternalRec) => rec.block_timestamp;

/**
 * POST /wallet/getcontract {"value": "41…"}: the SmartContract (origin_address, contract_address, abi, bytecode,
 * name, …) for an address with code, `{}` for any other account; an address that does not parse gets the full
 * node's `{"Error": …}` body.
 */
function getContract(res: Parameters<typeof sendJson>[0], body: string, contracts: string[]) {
  const { value, visible } = JSON.parse(body || '{}') as { value?: string; visible?: boolean };
  let address: string;
  try {
    address = base58(value ?? '');
    tronBase58ToHex(address);
  } catch {
    return sendJson(res, 200, { Error: `class java.lang.IllegalArgumentException : invalid address ${value}` });
  }
  if (!contracts.includes(address)) return sendJson(res, 200, {});
  const hex = tronBase58ToHex(address).slice(2);
  const at = (a: string) => (visible ? a : hex);
  return sendJson(res, 200, {
    origin_address: visible ? tronAddress(1) : tronBase58ToHex(tronAddress(1)).slice(2),
    contract_address: at(address),
    abi: { entrys: [] },
    bytecode: '6080604052',
    name: 'Contract',
    origin_energy_limit: 10_000_000,
    code_hash: '00'.repeat(32),
  });
}

export async function startTronServer(options: TronServerOptions): Promise<TronServer> {
  let count = 0;
  const server = await startTestServer((req, res) => {
    count++;
    if (options.apiKey !== undefined && req.headers['tron-pro-api-key'] !== options.apiKey) {
      return sendJson(res, 401, { success: false, error: 'ApiKey not exists', statusCode: 401 });
    }
    if (options.rateLimited?.(count, req)) {
      return sendJson(res, 429, { Error: 'The key exceeds the frequency limit(15), and the query server is suspended for 27 s' });
    }
    const custom = options.override?.(req);
    if (custom) return sendJson(res, custom.status, custom.body);

    if (req.method === 'POST' && req.path === '/wallet/getcontract') return getContract(res, req.body, options.data.contracts ?? []);
    if (req.method === 'POST' && (req.path === '/wallet/gettransactionbyid' || req.path === '/wallet/gettransactioninfobyid')) {
      const { value } = JSON.parse(req.body || '{}') as { value?: string };
      if (req.path === '/wallet/gettransactioninfobyid') return sendJson(res, 200, options.data.infos?.[value ?? ''] ?? {});
      const tx = options.data.transactions?.find((t): t is TronTxRec => 'txID' in t && t.txID === value);
      if (!tx) return sendJson(res, 200, {});
      const { blockNumber: _b, block_timestamp: _t, ...wallet } = tx;
      return sendJson(res, 200, { ...wallet, ret: tx.ret.map((r) => ({ contractRet: r.contractRet })), signature: ['00'], raw_data_hex: '00' });
    }

    const events = /^\/v1\/contracts\/([^/]+)\/events$/.exec(req.path);
    if (req.method === 'GET' && events) return listEvents(res, req, events[1]!, options.data.events ?? []);

    const m = /^\/v1\/accounts\/([^/]+)\/transactions(\/trc20)?$/.exec(req.path);
    if (req.method !== 'GET' || !m) return sendJson(res, 404, { success: false, error: 'Not found', statusCode: 404 });
    let address: string;
    try {
      address = base58(m[1]!);
      tronBase58ToHex(address);
    } catch {
      return sendJson(res, 400, { success: false, error: `Invalid address provided: ${m[1]}`, statusCode: 400 });
    }
    const q = req.query;
    const limit = Number(q.get('limit') ?? '20');
    if (!(limit >= 1 && limit <= 200)) return sendJson(res, 400, { success: false, error: 'limit must be between 1 and 200', statusCode: 400 });
    const min = Number(q.get('min_timestamp') ?? '0');
    const max = q.has('max_timestamp') ? Number(q.get('max_timestamp')) : Number.MAX_SAFE_INTEGER;
    const onlyTo = q.get('only_to') === 'true';
    const onlyFrom = q.get('only_from') === 'true';
    const asc = q.get('order_by') === 'block_timestamp,asc';
    let rows: Array<Trc20Rec | TronTxRec | TronInternalRec>;
    if (m[2]) {
      const contract = q.get('contract_address');
      rows = (options.data.trc20 ?? []).filter(
        (r) =>
          (onlyFrom || onlyTo ? (onlyFrom && r.from === address) || (onlyTo && r.to === address) : r.from === address || r.to === address) &&
          (!contract || r.token_info.address === contract),
      );
    } else {
      rows = (options.data.transactions ?? []).filter((r) => {
        if ('internal_tx_id' in r && q.get('search_internal') === 'false') return false;
        const inv = involved(r, address);
        return onlyFrom || onlyTo ? (onlyFrom && inv.from) || (onlyTo && inv.to) : inv.from || inv.to;
      });
    }
    rows = rows
      .map((r, i) => ({ r, i }))
      .filter(({ r }) => timeOf(r) >= min && timeOf(r) <= max)
      .sort((a, b) => (asc ? timeOf(a.r) - timeOf(b.r) : timeOf(b.r) - timeOf(a.r)) || a.i - b.i)
      .map(({ r }) => r);
    return sendPage(res, req, rows, limit);
  });
  return { ...server, listRequests: () => server.requests.filter((r) => r.path.startsWith('/v1/')) };
}

/** Builders for records in TronGrid's shapes. */
export function trc20(
  i: number,
  from: string,
  to: string,
  value: string,
  timeMs: number,
  token: Partial<Trc20Rec['token_info']> = {},
  type = 'Transfer',
): Trc20Rec {
  return {
    transaction_id: tronTxid(i),
    token_info: { symbol: 'USDT', address: USDT_TRC20, decimals: 6, name: 'Tether USD', ...token },
    block_timestamp: timeMs,
    from,
    to,
    type,
    value,
  };
}

export function trxTransfer(i: number, from: string, to: string, amount: number, block: number, timeMs: number, fee = 0, contractRet = 'SUCCESS'): TronTxRec {
  return {
    txID: tronTxid(i),
    blockNumber: block,
    block_timestamp: timeMs,
    ret: [{ contractRet, fee }],
    raw_data: {
      contract: [
        {
          type: 'TransferContract',
          parameter: {
            value: { amount, owner_address: tronBase58ToHex(from).slice(2), to_address: tronBase58ToHex(to).slice(2) },
            type_url: 'type.googleapis.com/protocol.TransferContract',
          },
        },
      ],
      timestamp: timeMs - 1000,
    },
  };
}

export function triggerCall(
  i: number,
  from: string,
  contract: string,
  callValue: number | undefined,
  block: number,
  timeMs: number,
  fee: number,
  contractRet = 'SUCCESS',
): TronTxRec {
  return {
    txID: tronTxid(i),
    blockNumber: block,
    block_timestamp: timeMs,
    ret: [{ contractRet, fee }],
    raw_data: {
      contract: [
        {
          type: 'TriggerSmartContract',
          parameter: {
            value: {
              data: 'a9059cbb',
              owner_address: tronBase58ToHex(from).slice(2),
              contract_address: tronBase58ToHex(contract).slice(2),
              ...(callValue !== undefined ? { call_value: callValue } : {}),
            },
            type_url: 'type.googleapis.com/protocol.TriggerSmartContract',
          },
        },
      ],
      timestamp: timeMs - 1000,
    },
  };
}

/** A Transfer(address,address,uint256) log as /wallet/gettransactioninfobyid prints it. */
export function transferLog(contract: string, from: string, to: string, value: bigint) {
  const word = (hex: string) => hex.padStart(64, '0');
  return {
    address: tronBase58ToHex(contract).slice(4),
    topics: ['ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef', word(tronBase58ToHex(from).slice(4)), word(tronBase58ToHex(to).slice(4))],
    data: word(value.toString(16)),
  };
}

/**
 * GET /v1/contracts/:address/events: the contract's decoded events, filtered by `event_name` and
 * `min_block_timestamp`/`max_block_timestamp` (ms) only, `order_by` block_timestamp asc or desc (default desc),
 * `limit` 1 to 200 (default 20), fingerprint paging as the account lists.
 */
function listEvents(res: Parameters<typeof sendJson>[0], req: SeenRequest, contract: string, all: TronEventRec[]) {
  let address: string;
  try {
    address = base58(contract);
    tronBase58ToHex(address);
  } catch {
    return sendJson(res, 400, { success: false, error: `Invalid contract address provided: ${contract}`, statusCode: 400 });
  }
  const q = req.query;
  const limit = Number(q.get('limit') ?? '20');
  if (!(limit >= 1 && limit <= 200)) return sendJson(res, 400, { success: false, error: 'limit must be between 1 and 200', statusCode: 400 });
  const min = Number(q.get('min_block_timestamp') ?? '0');
  const max = q.has('max_block_timestamp') ? Number(q.get('max_block_timestamp')) : Number.MAX_SAFE_INTEGER;
  const name = q.get('event_name');
  const asc = q.get('order_by') === 'block_timestamp,asc';
  const rows = all
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.contract_address === address && (!name || r.event_name === name) && r.block_timestamp >= min && r.block_timestamp <= max)
    .sort((a, b) => (asc ? a.r.block_timestamp - b.r.block_timestamp : b.r.block_timestamp - a.r.block_timestamp) || a.i - b.i)
    .map(({ r }) => r);
  return sendPage(res, req, rows, limit);
}

/** One page of a v1 list: `limit` rows from the fingerprint's offset, and the next page's fingerprint and link while more remain. */
function sendPage(res: Parameters<typeof sendJson>[0], req: SeenRequest, rows: unknown[], limit: number) {
  const q = req.query;
  const offset = q.has('fingerprint') ? Number(Buffer.from(q.get('fingerprint')!, 'base64url').toString('utf8').replace('fp:', '')) : 0;
  const page = rows.slice(offset, offset + limit);
  const more = offset + limit < rows.length;
  const fingerprint = Buffer.from(`fp:${offset + limit}`, 'utf8').toString('base64url');
  const next = new URL(`http://127.0.0.1${req.path}`);
  for (const [k, v] of q) next.searchParams.set(k, v);
  next.searchParams.set('fingerprint', fingerprint);
  return sendJson(res, 200, {
    data: page,
    success: true,
    meta: { at: 1_700_000_000_000, page_size: page.length, ...(more ? { fingerprint, links: { next: next.toString() } } : {}) },
  });
}
