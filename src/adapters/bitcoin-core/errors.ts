import { AdapterError, InvalidInputError, NotFoundError } from '../../core/errors.js';
import type { Classify } from '../http/index.js';
import { RpcEnvelopeSchema, type RpcError } from './schema.js';

/** Bitcoin Core RPC error codes chaintrail reacts to (src/rpc/protocol.h). */
const RPC_INVALID_ADDRESS_OR_KEY = -5;
const RPC_INVALID_PARAMETER = -8;
const RPC_IN_WARMUP = -28;
const RPC_METHOD_NOT_FOUND = -32601;

/** Core's -5 answer without -txindex says so: "No such mempool transaction. Use -txindex or provide a block hash…". */
export function rpcError(error: RpcError, method: string, endpoint: string): AdapterError | NotFoundError | InvalidInputError {
  const details = { source: 'Bitcoin Core', endpoint, method, rpcCode: error.code, rpcMessage: error.message.slice(0, 300) };
  if (error.code === RPC_INVALID_ADDRESS_OR_KEY && /-txindex/.test(error.message)) {
    return new AdapterError(
      `Bitcoin Core at ${endpoint} cannot look up transactions outside its mempool and wallet: restart it with -txindex=1 (and let the index build), or use an Esplora source`,
      { details: { ...details, reason: 'txindex-missing' } },
    );
  }
  if (error.code === RPC_INVALID_ADDRESS_OR_KEY) return new NotFoundError(`Bitcoin Core: ${error.message} (${method})`, { details });
  if (error.code === RPC_INVALID_PARAMETER) return new InvalidInputError(`Bitcoin Core rejected a parameter of ${method}: ${error.message}`, { details });
  if (error.code === RPC_METHOD_NOT_FOUND)
    return new AdapterError(`Bitcoin Core at ${endpoint} does not offer ${method} (too old, or the RPC is restricted by -rpcwhitelist)`, { details });
  return new AdapterError(`Bitcoin Core ${method} failed: ${error.message} (code ${error.code})`, { details });
}

export function classifyCore(endpoint: string): Classify {
  return (answer) => {
    if (answer.status === 401 || answer.status === 403) {
      return {
        kind: 'fail',
        error: new AdapterError(
          `Bitcoin Core at ${endpoint} refused the RPC credentials (HTTP ${answer.status}): set BITCOIN_RPC_USER and BITCOIN_RPC_PASSWORD (or pass user/password)`,
          {
            details: { source: 'Bitcoin Core', endpoint, status: answer.status },
          },
        ),
      };
    }
    // A single call's error arrives as HTTP 500 (JSON-RPC 1.0) or 200 (2.0) with an error object: never retried,
    // except while the node is warming up.
    // A batch element warming up holds the whole batch back: it is asked again whole, answers matched by id.
    if (Array.isArray(answer.json)) {
      const warming = answer.json.map((item) => RpcEnvelopeSchema.safeParse(item)).find((e) => e.success && e.data.error?.code === RPC_IN_WARMUP);
      return warming?.success ? { kind: 'retry', reason: `node warming up: ${warming.data.error!.message}`, afterMs: 2_000 } : undefined;
    }
    const envelope = RpcEnvelopeSchema.safeParse(answer.json);
    if (envelope.success && envelope.data.error) {
      if (envelope.data.error.code === RPC_IN_WARMUP) return { kind: 'retry', reason: `node warming up: ${envelope.data.error.message}`, afterMs: 2_000 };
      return { kind: 'fail', error: rpcError(envelope.data.error, 'RPC call', endpoint) };
    }
    return undefined;
  };
}
