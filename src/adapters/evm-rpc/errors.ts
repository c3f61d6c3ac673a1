import { AdapterError, type ChaintrailErrorOptions } from '../../core/errors.js';

/** A JSON-RPC error object the node answered with; callers inspect `rpcCode`/`rpcMessage` to decide (split, fall back). */
export class RpcError extends AdapterError {
  override name = 'RpcError';
  override readonly code = 'RPC_ERROR';
  readonly rpcCode: number;
  readonly rpcMessage: string;
  readonly method: string;

  constructor(method: string, rpcCode: number, rpcMessage: string, endpoint: string, options: ChaintrailErrorOptions = {}) {
    super(`${method} failed at ${endpoint}: ${rpcMessage} (code ${rpcCode})`, {
      ...options,
      details: { method, rpcCode, rpcMessage, endpoint, ...options.details },
    });
    this.rpcCode = rpcCode;
    this.rpcMessage = rpcMessage;
    this.method = method;
  }
}

const RATE_LIMIT = /rate limit|too many requests|request rate|exceeded .*(capacity|compute units|quota)|daily request|throughput/i;
// Provider wordings for "this eth_getLogs/trace_filter asks for too much" (Infura, Alchemy, QuickNode, Ankr,
// BSC/Polygon nodes, Erigon): the cure is a smaller block range, never dropping blocks.
const TOO_LARGE =
  /block range|range limit|range (is )?too|more than \d+ (results|logs)|returned more than|too many (results|logs|blocks)|response size|log response|limit exceeded|exceeds? (the )?(max|limit)|exceed maximum|query timeout|timed? ?out|try with this block range|results? (limit|cap)/i;
const MISSING_STATE = /missing trie node|header not found|state (is )?not available|historical state|pruned|state histories|block not found/i;
const NOT_SUPPORTED = /does not exist|not (available|supported|found|enabled|allowed|whitelisted)|unsupported|unknown method|method not|disabled/i;

export function isRateLimit(code: number, message: string): boolean {
  return code === 429 || RATE_LIMIT.test(message);
}

/** The request asked for too much at once (block span or result count): retry smaller. */
export function isTooLarge(error: unknown): error is RpcError {
  return error instanceof RpcError && classifyRpcError(error.method, error.rpcCode, error.rpcMessage) === 'too-large';
}

/** The node does not offer the method (probing trace_filter). */
export function isUnsupported(error: unknown): boolean {
  return error instanceof RpcError && (error.rpcCode === -32601 || NOT_SUPPORTED.test(error.rpcMessage));
}

export function isMissingState(message: string): boolean {
  return MISSING_STATE.test(message) && !LAGGING.test(message);
}

/** "header not found" and kin: a load-balanced backend behind the others, or a node without that history. */
export function isLagging(message: string): boolean {
  return LAGGING.test(message);
}

/** The block ranges' methods: only there does "too much" mean "ask for a smaller range". */
const RANGE_METHODS = new Set(['eth_getLogs', 'trace_filter']);
// Answers a healthy provider gives now and then (a load-balanced backend behind, a busy or restarting node):
// the same call asked again succeeds.
const LAGGING = /header not found|unknown block|block not found/i;
const TRANSIENT =
  /internal error|timed? ?out|timeout|temporar|try again|busy|overload|unavailable|upstream|bad gateway|connection|socket|EOF|reset|not synced|syncing/i;
// A call that ran and failed (a revert, out of gas) answers the same every time, whatever its code.
const EXECUTION = /revert|execution|VM Exception|invalid opcode|out of gas|stack (under|over)flow/i;

/**
 * What a JSON-RPC error object means, decided in this one place for every call and every batch element:
 * 'rate-limit' (slow down, retry), 'transient' (retry with backoff), 'too-large' (a range method asked for too
 * much: split, never retry as is), 'missing-state' (a pruned node: fail now, with the archive-node hint) or
 * 'permanent' (method not found, invalid params, a revert: the caller gets it at once).
 */
export type RpcErrorKind = 'rate-limit' | 'transient' | 'too-large' | 'missing-state' | 'permanent';

export function classifyRpcError(method: string, code: number, message: string): RpcErrorKind {
  if (isRateLimit(code, message)) return 'rate-limit';
  if (RANGE_METHODS.has(method) && TOO_LARGE.test(message) && !/request timed out/i.test(message)) return 'too-large';
  if (isMissingState(message)) return 'missing-state';
  if (code === -32601 || code === -32602 || code === -32600 || code === -32700 || code === -32004 || EXECUTION.test(message)) return 'permanent';
  // EIP-1474: -32005 "limit exceeded" on anything but a range method is a request-rate limit.
  if (code === -32005) return 'rate-limit';
  if (code === -32603 || code === -32002 || LAGGING.test(message) || TRANSIENT.test(message)) return 'transient';
  return 'permanent';
}
