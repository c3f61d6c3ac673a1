import { InvalidInputError } from '../core/errors.js';
import type { Label } from '../core/schema.js';
import { readLabelCsv } from './formats/csv.js';
import { readLabelJson } from './formats/json.js';
import { createLabelStore, type LabelStore } from './store.js';

/** Reads one label file by its extension. */
export function readLabelFile(file: string): Label[] {
  if (/\.csv$/i.test(file)) return readLabelCsv(file);
  if (/\.json$/i.test(file)) return readLabelJson(file);
  throw new InvalidInputError(`Unknown label file type: ${file} (expected .csv or .json)`, { details: { file } });
}

/** Loads files in order; on equal confidence the earlier file takes precedence. */
export function loadLabelFiles(files: readonly string[], store: LabelStore = createLabelStore()): LabelStore {
  for (const file of files) store.add(...readLabelFile(file));
  return store;
}
