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
  return error instanceof RpcError && !isRateLimit(error.rpcCode, error.rpcMessage) && TOO_LARGE.test(error.rpcMessage);
}

/** The node does not offer the method (probing trace_filter). */
export function isUnsupported(error: unknown): boolean {
  return error instanceof RpcError && (error.rpcCode === -32601 || NOT_SUPPORTED.test(error.rpcMessage));
}

export function isMissingState(message: string): boolean {
  return MISSING_STATE.test(message);
}

