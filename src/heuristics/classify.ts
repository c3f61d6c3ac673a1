import type { Label } from '../core/schema.js';
import { SERVICE_CATEGORIES, type ServiceCategory } from '../core/service.js';
import { labelCitation, type LabelStore } from '../labels/store.js';

/** The kinds of stop a label decides: sanctioned, mixer, bridge, and the services (exchange, instant-exchange, payment, gambling, custody). */
export type TerminalKind = 'bridge' | 'mixer' | 'sanctioned' | ServiceCategory;

/** A stop decided from an address's labels: kind, entity and reason. */
export interface Terminal {
  kind: TerminalKind;
  label: Label;
  reason: string;
}

// Sanctions outrank everything (a sanctioned exchange is reported as sanctioned); then where money leaves the chain's
// visible trail (mixer, bridge); then the services an investigator can write to.
const ORDER: TerminalKind[] = ['sanctioned', 'mixer', 'bridge', ...SERVICE_CATEGORIES];

/** Where tracing stops by label. scam/service/defi/other labels annotate an address but do not stop the trace. */
export function classifyByLabel(labels: LabelStore | undefined, chain: string, address: string): Terminal | undefined {
  if (!labels) return undefined;
  const all = labels.getAll(chain, address);
  // (Most addresses a trace meets have no label: no pass over the kinds for them.)
  if (all.length === 0) return undefined;
  for (const kind of ORDER) {
    const label = all.find((l) => l.category === kind);
    if (label) return { kind, label, reason: `labeled ${kind} "${label.entity}"${labelCitation(label)}` };
  }
  return undefined;
}
