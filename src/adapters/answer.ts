import type { z } from 'zod';
import { describeZodIssues, ResponseShapeError } from '../core/errors.js';
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
    error: (message, details) => shapeError(where, part ? message : describeZodIssues(details.issues as z.core.$ZodIssue[]), json),
  });
}
