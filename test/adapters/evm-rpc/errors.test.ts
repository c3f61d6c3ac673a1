import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyRpcError } from '../../../src/adapters/evm-rpc/errors.js';

const methods = fc.constantFrom('eth_getLogs', 'trace_filter', 'eth_getBlockByNumber', 'eth_call', 'eth_getTransactionReceipt', 'eth_chainId');
const rangeMethods = fc.constantFrom('eth_getLogs', 'trace_filter');
const otherMethods = fc.constantFrom('eth_getBlockByNumber', 'eth_call', 'eth_getTransactionReceipt', 'eth_chainId', 'trace_transaction');

describe('classifyRpcError: one verdict per JSON-RPC error, for every method', () => {
  it('calls providers’ passing faults transient on every method', () => {
    fc.assert(
      fc.property(
        methods,
        fc.constantFrom<[number, string]>(
          [-32603, 'internal error'],
          [-32000, 'header not found'],
          [-32000, 'request timed out'],
          [-32002, 'resource unavailable'],
          [-32000, 'server is busy, try again later'],
          [-32603, 'upstream connect error or disconnect/reset before headers'],
        ),
        (method, [code, message]) => {
          expect(classifyRpcError(method, code, message)).toBe('transient');
        },
      ),
    );
  });

  it('calls rate limits rate limits, and -32005 a limit everywhere but on a range method asking too much', () => {
    fc.assert(
      fc.property(
        methods,
        fc.constantFrom(
          'project ID request rate exceeded',
          'Too Many Requests',
          'daily request count exceeded, request rate limited',
          'Your app has exceeded its compute units per second capacity',
        ),
        fc.constantFrom(-32005, 429, -32000),
        (method, message, code) => {
          expect(classifyRpcError(method, code, message)).toBe('rate-limit');
        },
      ),
    );
    fc.assert(
      fc.property(otherMethods, (method) => {
        expect(classifyRpcError(method, -32005, 'limit exceeded')).toBe('rate-limit');
      }),
    );
  });

  it('sends "too much" back to the range methods to split, never to retry as is', () => {
    fc.assert(
      fc.property(
        rangeMethods,
        fc.constantFrom<[number, string]>(
          [-32005, 'query returned more than 10000 results. Try with this block range [0x1, 0x2].'],
          [-32602, 'block range limit exceeded'],
          [-32000, 'Log response size exceeded.'],
          [-32005, 'limit exceeded'],
          [-32000, 'query timeout exceeded'],
        ),
        (method, [code, message]) => {
          expect(classifyRpcError(method, code, message)).toBe('too-large');
        },
      ),
    );
  });

  it('fails permanent answers at once: method not found, invalid params, reverts, pruned state', () => {
    fc.assert(
      fc.property(
        methods,
        fc.constantFrom<[number, string, string]>(
          [-32601, 'the method eth_x does not exist/is not available', 'permanent'],
          [-32602, 'invalid argument 0: hex string has leading zero digits after 0x', 'permanent'],
          [3, 'execution reverted', 'permanent'],
          [-32603, 'Error: VM Exception while processing transaction: reverted with reason string', 'permanent'],
          [-32000, 'missing trie node 3f1a (path ) state is not available', 'missing-state'],
          [-32000, 'required historical state unavailable (reexec=128)', 'missing-state'],
        ),
        (method, [code, message, kind]) => {
          expect(classifyRpcError(method, code, message)).toBe(kind);
        },
      ),
    );
  });
});
