import { loadLabelSources } from '../labels/load.js';
import { formatSummary } from '../labels/summary.js';
import type { CliIo } from './io.js';

/** Any supported label format; what was skipped or conflicting is said on stderr, never dropped silently. */
export function labelsFrom(paths: string[], quiet: boolean, io: CliIo) {
  const { store, summary } = loadLabelSources(paths.map((file) => ({ file })));
  if (!quiet && (summary.skipped.length || summary.warnings.length)) io.stderr.write(`labels: ${formatSummary(summary, 10)}\n`);
  return store;
}
