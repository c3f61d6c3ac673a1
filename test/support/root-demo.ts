// Traces the bundled demo through the root entry only and prints the JSON report (run as a child process).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFixtureAdapter, loadLabelFiles, reportToJson, trace } from '../../src/index.js';

const dir = 'fixtures/demo';
const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8'));
const { report } = await trace({
  adapters: [createFixtureAdapter({ dataset: join(dir, c.dataset) })],
  labels: loadLabelFiles(c.labels.map((f: string) => join(dir, f))),
  seeds: c.seeds,
  caseJurisdiction: c.jurisdiction,
  caseReference: c.reference,
  ...(c.minValue ? { minValue: c.minValue } : {}),
  ...(c.maxDegree ? { maxDegree: c.maxDegree } : {}),
});
process.stdout.write(reportToJson(report));
