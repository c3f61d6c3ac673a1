import type { z } from 'zod';
import { describeZodIssues, InvalidInputError, type ChaintrailError, type ErrorDetails } from './errors.js';

/** The error to throw for a value that failed its schema; InvalidInputError unless the caller's boundary has its own. */
export type ParseErrorFactory = (shortMessage: string, details: ErrorDetails) => ChaintrailError;

/**
 * Validates untrusted input against its zod schema and returns the parsed value, or throws one typed error whose
 * one-line message is `<what>: <each issue with its path>` and whose details carry the issues (plus `details`).
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  options: { details?: ErrorDetails; error?: ParseErrorFactory } = {},
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = `${what}: ${describeZodIssues(parsed.error.issues)}`;
  const details = { ...options.details, issues: parsed.error.issues };
  throw options.error ? options.error(message, details) : new InvalidInputError(message, { details });
}
