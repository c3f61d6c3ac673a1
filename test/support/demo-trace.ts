import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { readCaseFile } from '../../src/cli/case-file.js';
import { trace, type TraceResult } from '../../src/trace/trace.js';
import { loadLabelFiles } from '../../src/labels/load.js';

export const DEMO_CASE = 'fixtures/demo/case.json';
/** An exchange name as a hostile label file could write it: markup with a handler, a formula, quotes and a comma. */
export const HOSTILE_ENTITY = '<img src=x onerror="window.__pwned=1">Evil, & "Co"';
export const FORMULA_ENTITY = '=HYPERLINK("http://127.0.0.1/x","click")';

/**
 * The bundled demo case traced offline. With `hostile`, the label file is rewritten so that Northwind Exchange is
 * called HOSTILE_ENTITY and Harborline FORMULA_ENTITY (what an untrusted label source could contain).
 */
export async function traceDemo(options: { hostile?: boolean } = {}): Promise<TraceResult> {
  const demo = readCaseFile(DEMO_CASE);
  let labels = demo.labels;
  if (options.hostile) {
    const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const text = readFileSync(demo.labels[0]!, 'utf8').replaceAll('Northwind Exchange', quote(HOSTILE_ENTITY)).replaceAll('Harborline', quote(FORMULA_ENTITY));
    const dir = mkdtempSync(join(tmpdir(), 'chaintrail-labels-'));
    writeFileSync(join(dir, 'labels.csv'), text);
    labels = [join(dir, 'labels.csv')];
  }
  return trace({
    seeds: demo.seeds,
    adapters: [createFixtureAdapter({ dataset: demo.dataset })],
    labels: loadLabelFiles(labels),
    ...(demo.jurisdiction ? { caseJurisdiction: demo.jurisdiction } : {}),
    ...(demo.reference ? { caseReference: demo.reference } : {}),
    ...(demo.minValue ? { minValue: demo.minValue } : {}),
    ...(demo.maxDegree ? { maxDegree: demo.maxDegree } : {}),
  });
}
