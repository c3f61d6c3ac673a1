import { InvalidInputError } from '../core/errors.js';
import { TraceSettingsSchema } from '../core/schema.js';

/** The trace option each `trace` flag sets: errors name the flag as typed, never the option's field name. */
const FLAG_OF: Record<string, string> = {
  seeds: '--seed',
  maxHops: '--hops',
  minValue: '--min-value',
  taint: '--taint',
  caseJurisdiction: '--case-jurisdiction',
  caseReference: '--case-reference',
  from: '--from',
  to: '--to',
  maxNodes: '--max-nodes',
  maxDegree: '--max-degree',
  maxMovements: '--max-movements',
  peelMode: '--peel-mode',
  bridges: '--bridges',
  bridgeWindowHours: '--bridge-window',
  bridgeTolerance: '--bridge-tolerance',
};

/** Checks the trace options before any source is asked; a bad one is named by its flag, with the value typed. */
export function checkTraceFlags(settings: Record<string, unknown>, typed: (flag: string) => unknown): void {
  const parsed = TraceSettingsSchema.omit({ seeds: true }).safeParse(settings);
  if (parsed.success) return;
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? '');
  const flag = FLAG_OF[field] ?? field;
  const value = typed(flag);
  const shown = value === undefined || Array.isArray(value) ? '' : ` "${String(value)}"`;
  const message = shown && issue.message.startsWith('not ') ? `${flag}${shown} is ${issue.message}` : `${flag}${shown}: ${issue.message}`;
  throw new InvalidInputError(message, { details: { option: flag, ...(shown ? { value } : {}) } });
}

/** The value of a flag as the user typed it, from commander's options (`--case-jurisdiction` -> `caseJurisdiction`). */
export function typedFlag(opts: Record<string, unknown>): (flag: string) => unknown {
  return (flag) => opts[flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())];
}
