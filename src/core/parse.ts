import type { z } from 'zod';
import { describeZodIssues, InvalidInputError, type ChaintrailError, type ErrorDetails } from './errors.js';

/** The error to throw for a value that failed its schema; InvalidInputError unless the caller's boundary has its own. */
export type ParseErrorFactory = (shortMessage: string, details: ErrorDetails) => ChaintrailError;

/** A value checked against its schema: the parsed value, or one line naming each issue with its path (and the issues). */
export type CheckedInput<T> = { ok: true; data: T } | { ok: false; problem: string; issues: z.ZodError['issues'] };

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
  const checked = checkInput(schema, value);
  if (checked.ok) return checked.data;
  const message = `${what}: ${checked.problem}`;
  const details = { ...options.details, issues: checked.issues };
  throw options.error ? options.error(message, details) : new InvalidInputError(message, { details });
}

/**
 * Validates one untrusted value without throwing, for importers that skip a bad row (and report it as skipped, with
 * `problem` as its reason) rather than fail the whole file.
 */
export function checkInput<S extends z.ZodType>(schema: S, value: unknown): CheckedInput<z.output<S>> {
  const parsed = schema.safeParse(value);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, problem: describeZodIssues(parsed.error.issues), issues: parsed.error.issues };
}
