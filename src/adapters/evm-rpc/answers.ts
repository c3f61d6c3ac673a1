import type { z } from 'zod';
import { AdapterError, RateLimitError, ResponseShapeError } from '../../core/errors.js';
import { parseInput } from '../../core/parse.js';
import type { HttpClient } from '../http/index.js';
import { isMissingState, isRateLimit, RpcError } from './errors.js';
import type { RpcRequest } from './request.js';
import { JsonRpcResponseSchema, type JsonRpcResponse } from './schema.js';

/** Reads one call's JSON-RPC answer: its result checked against a schema, or its error typed and redacted. */
export interface AnswerReader {
  /** The result, or the call's RpcError; a missing-state or rate-limit error is thrown. */
  unwrap<S extends z.ZodType>(request: RpcRequest, raw: unknown, schema: S): z.infer<S> | RpcError;
  shapeError(method: string, why: string): ResponseShapeError;
}

export function createAnswerReader(http: HttpClient, endpoint: string): AnswerReader {
  function toError(method: string, error: { code: number; message: string; data?: unknown }): RpcError | AdapterError {
    if (isMissingState(error.message)) {
      return new AdapterError(
        `${method} at ${endpoint}: the node lacks the requested historical data ("${error.message}"); use an archive node or a narrower, recent window`,
        { details: { endpoint, method, rpcCode: error.code, rpcMessage: error.message } },
      );
    }
    if (isRateLimit(error.code, error.message)) {
      return new RateLimitError(`${method} at ${endpoint} is rate-limited: ${error.message}`, {
        details: { endpoint, method, rpcCode: error.code, rpcMessage: error.message },
      });
    }
    return new RpcError(method, error.code, error.message, endpoint, { details: { data: error.data } });
  }

  function redactData(data: unknown): unknown {
    return data === undefined ? undefined : (JSON.parse(http.redact(JSON.stringify(data))) as unknown);
  }

  /** A node's answer checked against its schema; a mismatch is a ResponseShapeError naming the method (and `part`). */
  function parseAnswer<S extends z.ZodType>(schema: S, value: unknown, method: string, part = ''): z.output<S> {
    return parseInput(schema, value, `${method} at ${endpoint} answered in an unexpected shape${part}`, {
      error: (message) => new ResponseShapeError(message, { details: { endpoint, method } }),
    });
  }

  return {
    unwrap(request, raw, schema) {
      const answer: JsonRpcResponse = parseAnswer(JsonRpcResponseSchema, raw, request.method, ': not a JSON-RPC response');
      if ('error' in answer) {
        // Providers echo the request (its key) in their messages: redacted before anything keeps it.
        const error = toError(request.method, { ...answer.error, message: http.redact(answer.error.message), data: redactData(answer.error.data) });
        if (!(error instanceof RpcError)) throw error;
        return error;
      }
      return parseAnswer(schema, answer.result, request.method);
    },
    shapeError(method, why) {
      return new ResponseShapeError(`${method} at ${endpoint} answered in an unexpected shape: ${why}`, {
        details: { endpoint, method },
      });
    },
  };
}
