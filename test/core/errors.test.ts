import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as errors from '../../src/core/errors.js';

const CLASSES = [
  errors.ChaintrailError,
  errors.InvalidInputError,
  errors.InvalidAddressError,
  errors.AdapterError,
  errors.RateLimitError,
  errors.ResponseShapeError,
  errors.NotFoundError,
  errors.TraceAbortedError,
  errors.MissingDependencyError,
  errors.MemoError,
] as const;

describe('isChaintrailError', () => {
  it('recognises every error class by brand and by code, and nothing else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CLASSES), fc.string(), fc.string({ minLength: 1 }), (Class, message, otherCode) => {
        const error = new Class(message);
        expect(errors.isChaintrailError(error)).toBe(true);
        expect(errors.isChaintrailError(error, error.code)).toBe(true);
        expect(errors.isChaintrailError(error, otherCode)).toBe(otherCode === error.code);
        // Look-alikes are not ours: a plain Error with the same fields, a copy of the fields, a primitive.
        const lookalike = Object.assign(new Error(message), { code: error.code, shortMessage: message, details: {} });
        expect(errors.isChaintrailError(lookalike)).toBe(false);
        expect(errors.isChaintrailError({ ...error })).toBe(false);
        expect(errors.isChaintrailError(error.code)).toBe(false);
      }),
    );
    expect(errors.isChaintrailError(null)).toBe(false);
    expect(errors.isChaintrailError(new errors.TraceIncompleteError({}, new errors.RateLimitError('slow')), 'TRACE_INCOMPLETE')).toBe(true);
  });

  it('recognises errors of a second copy of the library, where instanceof does not', async () => {
    // A second instance of the module (another build, another copy in node_modules): its classes are distinct.
    const url: string = '../../src/core/errors.js?second-copy';
    const copy = (await import(/* @vite-ignore */ url)) as typeof errors;
    expect(copy.ChaintrailError).not.toBe(errors.ChaintrailError);
    const error = new copy.RateLimitError('429 from the source');
    expect(error instanceof errors.ChaintrailError).toBe(false);
    expect(errors.isChaintrailError(error)).toBe(true);
    expect(errors.isChaintrailError(error, 'RATE_LIMITED')).toBe(true);
    expect(errors.isChaintrailError(error, 'NOT_FOUND')).toBe(false);
    expect(copy.isChaintrailError(new errors.NotFoundError('gone'), 'NOT_FOUND')).toBe(true);
  });
});
