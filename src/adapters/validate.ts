/** Validation at the adapters' boundary, over core/parse.ts's parseInput: options given, answers received. */
import type { z } from 'zod';
import { describeZodIssues, InvalidInputError, ResponseShapeError } from '../core/errors.js';
import { parseInput } from '../core/parse.js';

/** Where an answer came from: the source, the request in words, and its URL (redacted) when known. */
export interface AnswerSource {
  source: string;
  what: string;
  url?: string;
}

/** An answer not in its documented shape: a ResponseShapeError quoting the answer's start; it is not trusted. */
export function shapeError(where: AnswerSource, issues: string, json: unknown): ResponseShapeError {
  const body = JSON.stringify(json) ?? '';
  return new ResponseShapeError(`${where.source} answered ${where.what} in an unexpected shape (${issues}): the answer is not trusted`, {
    details: { ...where, issues, body: body.length > 300 ? `${body.slice(0, 297)}…` : body },
  });
}

/**
 * An explorer answer (or a part of it, `value`) checked against its schema; a mismatch is `shapeError` quoting the
 * whole answer `json`. `part` names the part the issues are in ("logs").
 */
export function parseAnswer<S extends z.ZodType>(schema: S, value: unknown, where: AnswerSource, json: unknown = value, part?: string): z.output<S> {
  return parseInput(schema, value, part ?? where.what, {
    // The issues go inside the shape error's sentence, so they are described from parseInput's details.
    error: (message, details) => shapeError(where, part ? message : describeZodIssues(issuesOf(details)), json),
  });
}

/**
 * An adapter's options validated; a mismatch is an InvalidInputError `<what>: <issues>` whose details name the
 * fields only: options may hold a key or a password, never echoed back.
 */
export function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  return parseInput(schema, input, what, {
    error: (message, details) => new InvalidInputError(message, { details: { fields: issuesOf(details).map((i) => i.path.join('.')) } }),
  });
}

/** The zod issues parseInput puts in an error's details. */
export function issuesOf(details: Record<string, unknown>): z.core.$ZodIssue[] {
  return details.issues as z.core.$ZodIssue[];
}
