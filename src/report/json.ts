import type { TraceReport } from '../core/schema.js';

/** Stable JSON: the report is already sorted and clock-free, so the same trace gives the same bytes. */
export function reportToJson(report: TraceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
