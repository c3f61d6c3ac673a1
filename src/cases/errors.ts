import { AdapterError, InvalidInputError } from '../core/errors.js';

/** One problem in one row of a complaint file: where it is and what is wrong. */
export interface RowIssue {
  file: string;
  /** 1-based line in the file where the row (CSV record or JSON object) starts. */
  line: number;
  /** Column or field name; `(row)` when the problem is the row as a whole. */
  field: string;
  message: string;
}

/**
 * A complaint file with bad rows. Nothing of the file was written: the whole file is validated before the first
 * write. `details.issues` lists every problem (file, line, field, message); the message shows the first few.
 */
export class ComplaintImportError extends InvalidInputError {
  override name = 'ComplaintImportError';
  override readonly code = 'COMPLAINT_INVALID';
  readonly issues: RowIssue[];
  constructor(issues: RowIssue[]) {
    const shown = issues.slice(0, 5).map((i) => `${i.file}: line ${i.line}: ${i.field}: ${i.message}`);
    const more = issues.length > 5 ? `; … and ${issues.length - 5} more` : '';
    super(`Invalid complaint rows (nothing imported): ${shown.join('; ')}${more}`, { details: { issues } });
    this.issues = issues;
  }
}

/** The case database failed (cannot open, connect, migrate or write). */
export class CaseStoreError extends AdapterError {
  override name = 'CaseStoreError';
  override readonly code = 'CASE_STORE';
}
