// What the case database stores and returns: the shapes of its records (no logic).
import type { AssetRef, TraceReport } from '../core/schema.js';
import type { ReachedAddress } from './reach.js';
import type { Payment } from './schema.js';

/** A case: id, reference, jurisdiction, opening date and notes. */
export interface CaseRecord {
  id: number;
  reference: string;
  jurisdiction?: string;
  /** YYYY-MM-DD */
  opened?: string;
  notes?: string;
  createdAt: string;
}

/** A case with its counts of victims, payments and traces, and when it was last traced. */
export interface CaseSummary extends CaseRecord {
  victims: number;
  payments: number;
  traces: number;
  lastTraceAt?: string;
}

/** A victim's payment as stored, with its row id. */
export interface StoredPayment extends Payment {
  id: number;
}

/** A saved trace of a case: when, with which options, and its report. */
export interface StoredTrace {
  id: number;
  caseReference: string;
  createdAt: string;
  options: unknown;
  report: TraceReport;
  sources: unknown;
  complete: boolean;
}

/** An amount of one asset: base units and display units, as decimal strings. */
export interface Money {
  asset: AssetRef;
  /** Base units. */
  amount: string;
  amountDisplay: string;
}

/** One case's part in a shared address. */
export interface ConvergenceCase {
  reference: string;
  victims: string[];
  amounts: Money[];
  firstSeen: string;
  lastSeen: string;
  roles: string[];
  hops: number | null;
}

/** An address reached by two or more cases (in their latest traces). */
export interface ConvergenceEntry {
  rank: number;
  chain: string;
  /** As shown to people (EIP-55 on EVM chains). */
  address: string;
  /** `exchange`, `unspent`, … (endpoint kinds), `seed` (received victim payments), `intermediate`, `swept` (after a deposit). */
  roles: string[];
  entity?: string;
  category?: string;
  caseCount: number;
  victimCount: number;
  totals: Money[];
  firstSeen: string;
  lastSeen: string;
  cases: ConvergenceCase[];
}

/** Filters of the cross-case convergence ranking: minimum cases, chain, length. */
export interface ConvergenceOptions {
  /** Cases that must share an address (default 2). */
  minCases?: number;
  chain?: string;
  /** Only the first N of the ranking. */
  limit?: number;
  signal?: AbortSignal;
}

/** Batch size, cancellation and progress of a payment import. */
export interface InsertPaymentsOptions {
  /** Rows per transaction (rounded up to whole cases: a case is never split across transactions). Default 500. */
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (e: { done: number; total: number; inserted: number; duplicates: number }) => void;
}

/** What a payment import stored: inserted, duplicates (not stored twice) and cases created. */
export interface InsertPaymentsResult {
  inserted: number;
  /** Payments already in the store (the same payment reported again): not stored twice. */
  duplicates: number;
  casesCreated: number;
  transactions: number;
}

/** What a saved trace keeps: its options, its report and the addresses it reached. */
export interface SaveTraceInput {
  options: unknown;
  report: TraceReport;
  reached: ReachedAddress[];
}

/** Counts of what the case database holds. */
export interface StoreStats {
  cases: number;
  victims: number;
  payments: number;
  traces: number;
  reachedAddresses: number;
  sizeBytes: number;
  schemaVersion: number;
}
