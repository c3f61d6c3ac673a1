import { readFileSync } from 'node:fs';
import { sendJson, startTestServer, type SeenRequest, type TestServer } from './http-test-server.js';
import { referencePath } from './reference.js';

/**
 * A local Etherscan V2 / Blockscout "Etherscan-compatible" API over in-memory rows. It answers as the services
 * document it: HTTP 200 envelopes, `No transactions found` with an empty result, NOTOK rate-limit and key errors,
 * the 10,000-result window, `chainid` required by V2 only. Rows keep the source's string shape.
 */

export type Row = Record<string, string>;

export interface EtherscanData {
  txlist?: Row[];
  txlistinternal?: Row[];
  tokentx?: Row[];
  /** For getblocknobytime: block numbers with their timestamps, ascending. */
  blocks?: Array<{ number: number; timestamp: number }>;
  /** Event logs per tx hash (lower-case), for receipts (Etherscan proxy) and gettxinfo (Blockscout). */
  logs?: Record<string, Array<{ address: string; topics: string[]; data: string; logIndex: number }>>;
  /** Contracts with their creation record, for getcontractcreation; any other address is an account. */
  contracts?: Array<{ address: string; creator: string; txHash: string }>;
}

export interface EtherscanServerOptions {
  flavor?: 'etherscan' | 'blockscout';
  data: EtherscanData;
  /** The one key accepted (V2 always demands one). */
  apiKey?: string;
  chainIds?: number[];
  /** page x offset may not exceed this. */
  window?: number;
  /** Called per request (1-based count); true answers the per-second rate-limit envelope instead. */
  rateLimited?: (n: number, req: SeenRequest) => boolean;
  /** Answers this body instead of the normal one when it returns something (a never-settling promise: no answer). */
  override?: (req: SeenRequest) => unknown;
}

export interface EtherscanServer extends TestServer {
  /** Base URL to hand to the adapter: /v2/api or /api. */
  apiUrl: string;
  /** Requests of module=account, in order. */
  listRequests(): SeenRequest[];
}

/** A real captured Etherscan `result` array from the vendored reference data (fixtures/reference). */
export function referenceRows(file: string): Row[] {
  const path = referencePath('ethereum/etherscan-v1-responses', file);
  return (JSON.parse(readFileSync(path, 'utf8')) as { res: Row[] }).res;
}

const EMPTY_MESSAGE = {
  etherscan: { txlist: 'No transactions found', tokentx: 'No transactions found', txlistinternal: 'No transactions found' },
  blockscout: { txlist: 'No transactions found', tokentx: 'No token transfers found', txlistinternal: 'No internal transactions found' },
} as const;

function involves(action: string, row: Row, address: string): boolean {
  const a = address.toLowerCase();
  const fields = action === 'tokentx' ? [row.from, row.to] : [row.from, row.to, row.contractAddress];
  return fields.some((f) => (f ?? '').toLowerCase() === a);
}

export async function startEtherscanServer(options: EtherscanServerOptions): Promise<EtherscanServer> {
  const flavor = options.flavor ?? 'etherscan';
  const window = options.window ?? 10_000;
  const chainIds = options.chainIds ?? [1];
  let count = 0;
  const path = flavor === 'etherscan' ? '/v2/api' : '/api';
  const server = await startTestServer(async (req, res) => {
    count++;
    const q = req.query;
    const ok = (result: unknown) => sendJson(res, 200, { status: '1', message: 'OK', result });
    const notok = (result: string) => sendJson(res, 200, { status: '0', message: 'NOTOK', result });
    if (req.path !== path) return sendJson(res, 404, { error: 'not found' });
    if (flavor === 'etherscan') {
      const key = q.get('apikey');
      if (!key) return notok('Missing/Invalid API Key');
      if (options.apiKey !== undefined && key !== options.apiKey) return notok('Invalid API Key');
      const chainid = Number(q.get('chainid'));
      if (!chainIds.includes(chainid))
        return notok(
          'Missing or unsupported chainid parameter (required for v2 api), please see https://api.etherscan.io/v2/chainlist for the list of supported chainids',
        );
    } else if (q.has('chainid')) {
      return sendJson(res, 200, { message: 'Unknown parameter chainid', result: null, status: '0' });
    }
    if (options.rateLimited?.(count, req)) return notok('Max calls per sec rate limit reached (3/sec)');
    const custom = await options.override?.(req);
    if (custom !== undefined) return sendJson(res, 200, custom);

    const module = q.get('module');
    const action = q.get('action') ?? '';
    if (module === 'block' && action === 'getblocknobytime') {
      const ts = Number(q.get('timestamp'));
      const blocks = options.data.blocks ?? [];
      const hit = q.get('closest') === 'before' ? [...blocks].reverse().find((b) => b.timestamp <= ts) : blocks.find((b) => b.timestamp >= ts);
      if (!hit) return notok('Error! No closest block found');
      return ok(flavor === 'etherscan' ? String(hit.number) : { blockNumber: String(hit.number) });
    }
    if (module === 'proxy' && action === 'eth_getTransactionByHash' && flavor === 'etherscan') {
      const hash = q.get('txhash')?.toLowerCase();
      const row = options.data.txlist?.find((r) => r.hash?.toLowerCase() === hash);
      return sendJson(res, 200, {
        jsonrpc: '2.0',
        id: 1,
        result: row
          ? {
              hash: row.hash,
              blockNumber: `0x${Number(row.blockNumber).toString(16)}`,
              from: row.from,
              to: row.to || null,
              value: `0x${BigInt(row.value ?? '0').toString(16)}`,
              transactionIndex: `0x${Number(row.transactionIndex ?? '0').toString(16)}`,
            }
          : null,
      });
    }
    if (module === 'proxy' && action === 'eth_getTransactionReceipt' && flavor === 'etherscan') {
      const hash = q.get('txhash')?.toLowerCase() ?? '';
      const row = options.data.txlist?.find((r) => r.hash?.toLowerCase() === hash);
      const hex = (n: number) => `0x${n.toString(16)}`;
      return sendJson(res, 200, {
        jsonrpc: '2.0',
        id: 1,
        result: row
          ? {
              transactionHash: row.hash,
              blockNumber: hex(Number(row.blockNumber)),
              status: row.isError === '1' ? '0x0' : '0x1',
              logs: (options.data.logs?.[hash] ?? []).map((l) => ({
                ...l,
                logIndex: hex(l.logIndex),
                transactionHash: row.hash,
                blockNumber: hex(Number(row.blockNumber)),
                removed: false,
              })),
            }
          : null,
      });
    }
    if (module === 'transaction' && action === 'gettxinfo' && flavor === 'blockscout') {
      const hash = q.get('txhash')?.toLowerCase() ?? '';
      const row = options.data.txlist?.find((r) => r.hash?.toLowerCase() === hash);
      if (!row) return sendJson(res, 200, { message: 'Transaction not found', result: null, status: '0' });
      // Blockscout pads topics to four with null and names the log index `index`, as a decimal string.
      const logs = (options.data.logs?.[hash] ?? []).map((l) => ({
        address: l.address,
        topics: [...l.topics, null, null, null, null].slice(0, 4),
        data: l.data,
        index: String(l.logIndex),
      }));
      const success = row.isError !== '1';
      return ok({ hash: row.hash, blockNumber: row.blockNumber, from: row.from, to: row.to, timeStamp: row.timeStamp, value: row.value, success, logs });
    }
    const special = answerSpecial(flavor, module, action, q, options.data);
    if (special !== undefined) return sendJson(res, 200, special);
    if (module !== 'account' || !['txlist', 'tokentx', 'txlistinternal'].includes(action)) return notok('Error! Missing Or invalid Module name');
    const act = action as 'txlist' | 'tokentx' | 'txlistinternal';
    const address = q.get('address');
    const txhash = q.get('txhash')?.toLowerCase();
    const contract = q.get('contractaddress')?.toLowerCase();
    // Etherscan documents tokentx by contract address alone ("address" optional when "contractaddress" is given).
    const byContract = flavor === 'etherscan' && act === 'tokentx' && !address && !txhash && contract !== undefined;
    if (!address && !txhash && !byContract)
      return flavor === 'etherscan'
        ? notok('Error! Missing Or invalid Address')
        : sendJson(res, 200, { message: 'Query parameter address is required', result: null, status: '0' });
    if (address && !/^0x[0-9a-fA-F]{40}$/.test(address)) {
      return flavor === 'etherscan'
        ? notok('Error! Invalid address format')
        : sendJson(res, 200, { message: 'Invalid address format', result: null, status: '0' });
    }
    const page = Number(q.get('page') ?? '1');
    const offset = Number(q.get('offset') ?? String(window));
    if (page * offset > window) return notok(`Result window is too large, PageNo x Offset size must be less than or equal to ${window}`);
    const start = Number(q.get('startblock') ?? '0');
    const end = q.has('endblock') ? Number(q.get('endblock')) : Number.MAX_SAFE_INTEGER;
    const rows = (options.data[act] ?? [])
      .filter((r) => byContract || (txhash ? r.hash?.toLowerCase() === txhash : involves(act, r, address!)))
      .filter((r) => Number(r.blockNumber) >= start && Number(r.blockNumber) <= end)
      .filter((r) => !contract || r.contractAddress?.toLowerCase() === contract)
      .map((r, i) => ({ r, i }))
      .sort((a, b) => Number(a.r.blockNumber) - Number(b.r.blockNumber) || a.i - b.i)
      .map(({ r }) => (txhash ? withoutHash(r) : r));
    const slice = rows.slice((page - 1) * offset, page * offset);
    if (!slice.length) return sendJson(res, 200, { status: '0', message: EMPTY_MESSAGE[flavor][act], result: [] });
    return ok(slice);
  });
  return {
    ...server,
    apiUrl: `${server.url}${path}`,
    listRequests: () => server.requests.filter((r) => r.query.get('module') === 'account'),
  };
}

/** Etherscan's txlistinternal by txhash omits the hash field. */
function withoutHash(row: Row): Row {
  const { hash: _hash, ...rest } = row;
  return rest;
}

/**
 * Answers of the endpoints the movement reader adds, as the services document them (undefined: not one of them).
 * proxy eth_getBlockByNumber (Etherscan; the block's header, null when unknown), contract getcontractcreation
 * (Etherscan up to 5 addresses a call, Blockscout up to 10; "No data found" when none is a contract), and
 * Blockscout's token getToken.
 */
function answerSpecial(flavor: 'etherscan' | 'blockscout', module: string | null, action: string, q: URLSearchParams, data: EtherscanData): unknown {
  if (module === 'proxy' && action === 'eth_getBlockByNumber' && flavor === 'etherscan') {
    const number = Number.parseInt(q.get('tag') ?? '', 16);
    const known = data.blocks?.find((b) => b.number === number)?.timestamp ?? data.txlist?.find((r) => Number(r.blockNumber) === number)?.timeStamp;
    const hex = (n: number) => `0x${n.toString(16)}`;
    return { jsonrpc: '2.0', id: 1, result: known === undefined ? null : { number: hex(number), timestamp: hex(Number(known)), transactions: [] } };
  }
  if (module === 'contract' && action === 'getcontractcreation') {
    const asked = (q.get('contractaddresses') ?? '').split(',').filter(Boolean);
    const most = flavor === 'etherscan' ? 5 : 10;
    if (asked.length === 0 || asked.length > most)
      return { status: '0', message: 'NOTOK', result: `Error! Invalid contractaddresses (at most ${most} comma-separated addresses)` };
    const rows = asked.flatMap((a) => {
      const c = data.contracts?.find((x) => x.address.toLowerCase() === a.toLowerCase());
      return c ? [{ contractAddress: c.address, contractCreator: c.creator, txHash: c.txHash }] : [];
    });
    return rows.length ? { status: '1', message: 'OK', result: rows } : { status: '0', message: 'No data found', result: null };
  }
  if (module === 'logs' && action === 'getLogs') return answerLogs(flavor, q, data);
  if (module === 'token' && action === 'getToken' && flavor === 'blockscout') {
    const contract = q.get('contractaddress')?.toLowerCase();
    const row = data.tokentx?.find((r) => r.contractAddress?.toLowerCase() === contract);
    if (!row) return { message: 'contract address not found', result: null, status: '0' };
    const result = {
      contractAddress: row.contractAddress,
      decimals: row.tokenDecimal,
      name: row.tokenName,
      symbol: row.tokenSymbol,
      totalSupply: '0',
      type: 'ERC-20',
    };
    return { message: 'OK', result, status: '1' };
  }
  return undefined;
}

/**
 * `module=logs&action=getLogs` as documented: fromBlock and toBlock required (a number or "latest"), address and/or
 * topics, an and|or operator required between two topics given, at most 1,000 logs an answer, oldest first.
 * Etherscan pages them (page, offset at most 1,000) and writes numbers as hex with index 0 as "0x"; Blockscout has
 * no pages and pads topics to four with null. Block, time and position come from the transaction's txlist row.
 */
function answerLogs(flavor: 'etherscan' | 'blockscout', q: URLSearchParams, data: EtherscanData): unknown {
  const notok = (result: string) => ({ status: '0', message: 'NOTOK', result });
  const block = (v: string | null) => (v === 'latest' ? Number.MAX_SAFE_INTEGER : v !== null && /^\d+$/.test(v) ? Number(v) : undefined);
  const [from, to] = [block(q.get('fromBlock')), block(q.get('toBlock'))];
  if (from === undefined || to === undefined) return notok('Error! Invalid fromBlock or toBlock (a block number or latest, both required)');
  const given = [0, 1, 2, 3].filter((i) => q.has(`topic${i}`));
  const address = q.get('address')?.toLowerCase();
  if (!address && given.length === 0) return notok('Error! Missing address or topic');
  const test = (topics: string[]) => {
    let verdict: boolean | undefined;
    let previous = -1;
    for (const i of given) {
      const hit = topics[i]?.toLowerCase() === q.get(`topic${i}`)!.toLowerCase();
      if (verdict === undefined) verdict = hit;
      else verdict = q.get(`topic${previous}_${i}_opr`) === 'or' ? verdict || hit : verdict && hit;
      previous = i;
    }
    return verdict ?? true;
  };
  for (let k = 1; k < given.length; k++) {
    const opr = q.get(`topic${given[k - 1]}_${given[k]}_opr`);
    if (opr !== 'and' && opr !== 'or') return notok(`Error! topic${given[k - 1]}_${given[k]}_opr is required (and|or)`);
  }
  const page = Number(q.get('page') ?? '1');
  const offset = Math.min(Number(q.get('offset') ?? '1000') || 1000, 1000);
  const rows = (data.txlist ?? []).flatMap((tx) =>
    (data.logs?.[tx.hash!.toLowerCase()] ?? [])
      .filter((l) => (!address || l.address.toLowerCase() === address) && test(l.topics))
      .filter(() => Number(tx.blockNumber) >= from && Number(tx.blockNumber) <= to)
      .map((l) => ({ l, tx })),
  );
  rows.sort(
    (a, b) =>
      Number(a.tx.blockNumber) - Number(b.tx.blockNumber) || Number(a.tx.transactionIndex) - Number(b.tx.transactionIndex) || a.l.logIndex - b.l.logIndex,
  );
  const hex = (n: number) => (n === 0 && flavor === 'etherscan' ? '0x' : `0x${n.toString(16)}`);
  const slice = flavor === 'etherscan' ? rows.slice((page - 1) * offset, page * offset) : rows.slice(0, 1000);
  if (slice.length === 0)
    return flavor === 'etherscan' ? { status: '0', message: 'No records found', result: [] } : { message: 'No logs found', result: [], status: '0' };
  const result = slice.map(({ l, tx }) => ({
    address: l.address,
    topics: flavor === 'etherscan' ? l.topics : [...l.topics, null, null, null, null].slice(0, 4),
    data: l.data,
    blockNumber: `0x${Number(tx.blockNumber).toString(16)}`,
    blockHash: tx.blockHash,
    timeStamp: `0x${Number(tx.timeStamp).toString(16)}`,
    gasPrice: `0x${BigInt(tx.gasPrice ?? '0').toString(16)}`,
    gasUsed: `0x${BigInt(tx.gasUsed ?? '0').toString(16)}`,
    logIndex: hex(l.logIndex),
    transactionHash: tx.hash,
    transactionIndex: hex(Number(tx.transactionIndex ?? '0')),
  }));
  return { status: '1', message: 'OK', result };
}
