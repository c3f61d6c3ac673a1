import { InvalidInputError, TraceIncompleteError } from '../core/errors.js';
import type { SeedInput, TraceReport } from '../core/schema.js';
import { trace, type TraceOptions, type TraceResult } from '../trace/trace.js';
import type { TraceGraph } from '../engine/graph.js';
import { reachedAddresses, type ReachedAddress } from './reach.js';
import type { Payment } from './schema.js';
import type { CaseStore } from './store.js';

/** Everything `trace()` takes except the seeds (the case's payments are the seeds). */
export type TraceCaseOptions = Omit<TraceOptions, 'seeds'>;

/** What `traceCase` returns: the stored trace's id, the case reference, the report, the graph and the addresses reached. */
export interface TraceCaseResult {
  traceId: number;
  reference: string;
  report: TraceReport;
  graph: TraceGraph;
  reached: ReachedAddress[];
}

/**
 * A payment as a trace seed: with a tx hash exactly that payment is tainted; with only the address paid, the address
 * is seeded with a window of that one second (`from` = `to` = the reported time), so other victims' payments to the
 * same address are not taken for this one. Give the tx hash whenever the victim has it.
 */
export function paymentSeed(p: Payment): SeedInput {
  if (p.tx !== undefined) return { chain: p.chain, tx: p.tx, ...(p.logIndex !== undefined ? { logIndex: p.logIndex } : {}) };
  return { chain: p.chain, address: p.address!, from: p.time, to: p.time };
}

/** The options worth keeping with a trace (no adapters, label stores, callbacks or signals). */
function storableOptions(options: TraceCaseOptions, seeds: SeedInput[]): Record<string, unknown> {
  const { adapters, labels, onProgress, signal, ...rest } = options;
  void onProgress;
  void signal;
  return {
    ...rest,
    seeds,
    adapters: adapters.map((a) => ({ kind: a.kind })),
    ...(labels ? { labels: { count: labels.size } } : {}),
  };
}

/**
 * Traces every payment of a case in one trace (its jurisdiction and reference go into the report), stores the report
 * and the addresses reached. A trace a source cut short is stored too (report.complete = false) before the
 * TraceIncompleteError is rethrown.
 */
export async function traceCase(store: CaseStore, reference: string, options: TraceCaseOptions): Promise<TraceCaseResult> {
  const signal = options.signal;
  const record = await store.getCase(reference, signal ? { signal } : {});
  if (!record) throw new InvalidInputError(`No case "${reference}" in the case database`, { details: { reference } });
  const payments = await store.payments(reference, signal ? { signal } : {});
  if (payments.length === 0) throw new InvalidInputError(`Case "${reference}" has no payments to trace`, { details: { reference } });
  const seeds = payments.map(paymentSeed);
  const traceOptions: TraceOptions = {
    ...options,
    seeds,
    caseReference: reference,
    ...((options.caseJurisdiction ?? record.jurisdiction) ? { caseJurisdiction: options.caseJurisdiction ?? record.jurisdiction } : {}),
  };
  let result: TraceResult;
  let failure: TraceIncompleteError<TraceResult> | undefined;
  try {
    result = await trace(traceOptions);
  } catch (error) {
    if (!(error instanceof TraceIncompleteError)) throw error;
    failure = error as TraceIncompleteError<TraceResult>;
    result = failure.partial;
  }
  const reached = reachedAddresses(result, payments);
  const traceId = await store.saveTrace(reference, { options: storableOptions(traceOptions, seeds), report: result.report, reached }, signal ? { signal } : {});
  if (failure) throw failure;
  return { traceId, reference, report: result.report, graph: result.graph, reached };
}

/** Passed to `traceCases`' `onCase` after each case, traced or failed. */
export interface TraceCasesProgress {
  /** Cases finished (traced or failed). */
  done: number;
  total: number;
  reference: string;
  /** Set when this case failed; the batch goes on with the next. */
  error?: Error;
}

/**
 * What `traceCases` returns: the cases traced (trace id, completeness, endpoint count) and those that failed, with
 * the error.
 */
export interface TraceCasesResult {
  traced: { reference: string; traceId: number; complete: boolean; endpoints: number }[];
  failed: { reference: string; error: Error }[];
}

/**
 * Traces many cases one after another (all cases with payments when `references` is omitted). A case that fails is
 * reported and the batch goes on; an abort (the signal) stops the batch.
 */
export async function traceCases(
  store: CaseStore,
  options: TraceCaseOptions & { references?: string[]; onCase?: (e: TraceCasesProgress) => void },
): Promise<TraceCasesResult> {
  const { references, onCase, ...traceOptions } = options;
  const signal = traceOptions.signal;
  const refs = references ?? (await store.listCases(signal ? { signal } : {})).filter((c) => c.payments > 0).map((c) => c.reference);
  const out: TraceCasesResult = { traced: [], failed: [] };
  for (const [i, reference] of refs.entries()) {
    signal?.throwIfAborted();
    try {
      const r = await traceCase(store, reference, traceOptions);
      out.traced.push({ reference, traceId: r.traceId, complete: r.report.complete, endpoints: r.report.endpoints.length });
      onCase?.({ done: i + 1, total: refs.length, reference });
    } catch (error) {
      if (signal?.aborted) throw error;
      const e = error instanceof Error ? error : new Error(String(error));
      out.failed.push({ reference, error: e });
      onCase?.({ done: i + 1, total: refs.length, reference, error: e });
    }
  }
  return out;
}
