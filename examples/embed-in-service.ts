/**
 * Embedding chaintrail in a service: cancellable with an AbortSignal, progress events for a UI, JSON out.
 * Run: npx tsx examples/embed-in-service.ts
 */
import { createFixtureAdapter, loadLabelFiles, trace, TraceAbortedError, ChaintrailError } from '../src/index.js';
import { readCaseFile } from '../src/cli.js';

const demo = readCaseFile(new URL('../fixtures/demo/case.json', import.meta.url).pathname);
const controller = new AbortController();
const timeout = setTimeout(() => controller.abort(new Error('request deadline')), 30_000);

try {
  const { report } = await trace({
    seeds: demo.seeds,
    adapters: [createFixtureAdapter({ dataset: demo.dataset })],
    labels: loadLabelFiles(demo.labels),
    caseJurisdiction: 'DE',
    signal: controller.signal,
    onProgress: (e) => process.stderr.write(`${e.phase} round=${e.round} expanded=${e.expanded} requests=${e.requests}\n`),
  });
  process.stdout.write(`${JSON.stringify({ ok: true, endpoints: report.endpoints.length, exchanges: report.exchanges })}\n`);
} catch (error) {
  // Typed errors carry a stable code for the API response; shortMessage is safe to show (no secrets).
  if (error instanceof TraceAbortedError) process.stdout.write(`${JSON.stringify({ ok: false, code: error.code })}\n`);
  else if (error instanceof ChaintrailError) process.stdout.write(`${JSON.stringify({ ok: false, code: error.code, message: error.shortMessage })}\n`);
  else throw error;
} finally {
  clearTimeout(timeout);
}
