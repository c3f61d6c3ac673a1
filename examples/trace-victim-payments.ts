/**
 * From victims' payment transactions to a report: the everyday job.
 * Run: npx tsx examples/trace-victim-payments.ts   (uses the bundled demo case, offline)
 * In your own project import from 'chaintrail' and 'chaintrail/cli' instead of '../src/index.js' and '../src/cli.js', and use
 * createEvmRpcAdapter / createTronGridAdapter / createEtherscanAdapter as sources.
 */
import { createFixtureAdapter, loadLabelFiles, reportToSummary, trace } from '../src/index.js';
import { readCaseFile } from '../src/cli.js';

const demo = readCaseFile(new URL('../fixtures/demo/case.json', import.meta.url).pathname);

const { report } = await trace({
  seeds: demo.seeds, // [{ chain: 'ethereum', tx: '0x…' }, { chain: 'tron', tx: '…' }]
  adapters: [createFixtureAdapter({ dataset: demo.dataset })],
  labels: loadLabelFiles(demo.labels),
  caseJurisdiction: 'DE',
  caseReference: demo.reference,
  minValue: '1',
  maxDegree: 50,
});

process.stdout.write(reportToSummary(report));
for (const exchange of report.exchanges) {
  const where = exchange.crossBorder ? 'abroad' : exchange.crossBorder === false ? 'domestic' : 'jurisdiction unknown';
  console.log(`request to ${exchange.entity} (${where}): ${exchange.depositAddresses.length} deposit address(es)`);
}
