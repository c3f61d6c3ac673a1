// `chaintrail/cases`: the case database (cases, victims' payments, traces, cross-case convergence, consolidated
// requests) on SQLite (optional package better-sqlite3) or PostgreSQL (optional package pg). Re-exports only.
export {
  openCaseStore,
  createCaseStore,
  type CaseStore,
  type OpenCaseStoreOptions,
  type CaseRecord,
  type CaseSummary,
  type StoredPayment,
  type StoredTrace,
  type ConvergenceEntry,
  type ConvergenceCase,
  type ConvergenceOptions,
  type InsertPaymentsOptions,
  type InsertPaymentsResult,
  type SaveTraceInput,
  type StoreStats,
  type Money,
} from './cases/store.js';
export { CaseInputSchema, ComplaintRowSchema, PaymentSchema, COMPLAINT_COLUMNS, type CaseInput, type ComplaintRow, type Payment } from './cases/schema.js';
export {
  importComplaints,
  addPayments,
  validateComplaints,
  parseComplaintCsv,
  parseComplaintJson,
  parseComplaintJsonLines,
  type ImportOptions,
  type ImportResult,
  type ComplaintRecord,
  type ComplaintFormat,
} from './cases/import.js';
export {
  traceCase,
  traceCases,
  paymentSeed,
  type TraceCaseOptions,
  type TraceCaseResult,
  type TraceCasesProgress,
  type TraceCasesResult,
} from './cases/trace.js';
export { reachedAddresses, type ReachedAddress, type ReachedRole } from './cases/reach.js';
export { caseLinkGraph, convergenceToCsv, convergenceToSummary, linkGraphToGexf, linkGraphToGraphml, type LinkGraphOptions } from './cases/convergence.js';
export {
  casePackets,
  consolidatePackets,
  consolidatedPacketToMarkdown,
  consolidatedPacketFiles,
  ConsolidatedPacketSchema,
  type ConsolidatedPacket,
} from './cases/packets.js';
export { ComplaintImportError, CaseStoreError, type RowIssue } from './cases/errors.js';
export { SCHEMA_VERSION } from './cases/migrations.js';
export type { SqlDriver, SqlExecutor, SqlValue, Dialect } from './cases/sql.js';
