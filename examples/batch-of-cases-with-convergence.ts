/**
 * A batch of cases, then convergence across all their victims: which wallets received money from several victims
 * (the scam's collector and layering wallets) — what a shared fraud database or a joint investigation wants.
 * Run: npx tsx examples/batch-of-cases-with-convergence.ts   (the bundled demo case split into three complaints, offline)
 * In your own project import from 'chaintrail' and 'chaintrail/cli' instead of '../src/index.js' and '../src/cli.js'.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  convergence,
  createFixtureAdapter,
  freezeCandidates,
  loadLabelFiles,
  packetFiles,
  trace,
  victimConvergenceToSummary,
  type SeedInput,
} from '../src/index.js';
import { readCaseFile } from '../src/cli.js';

const demo = readCaseFile(new URL('../fixtures/demo/case.json', import.meta.url).pathname);
const adapters = [createFixtureAdapter({ dataset: demo.dataset })];
const labels = loadLabelFiles(demo.labels);
const settings = { caseJurisdiction: 'DE', minValue: '1', maxDegree: 50 } as const;

// Three complaints filed separately (in practice: rows of a complaints table, each with the victim's payments).
const eth = demo.seeds.filter((s) => s.chain === 'ethereum');
const cases: { reference: string; victim: string; seeds: SeedInput[] }[] = [
  { reference: 'DEMO-2026-0417-A', victim: 'victim-A', seeds: eth.slice(0, 5) },
  { reference: 'DEMO-2026-0417-B', victim: 'victim-B', seeds: eth.slice(5) },
  { reference: 'DEMO-2026-0417-C', victim: 'victim-C', seeds: demo.seeds.filter((s) => s.chain === 'tron') },
];

// 1. Each case on its own: a report and request packets per case.
const out = mkdtempSync(join(tmpdir(), 'chaintrail-batch-'));
for (const c of cases) {
  const { report } = await trace({ ...settings, seeds: c.seeds, adapters, labels, caseReference: c.reference });
  const files = packetFiles(report);
  for (const f of files) writeFileSync(join(out, `${c.reference}-${f.name}`), f.content);
  const freeze = freezeCandidates(report).flatMap((g) => g.totals.map((t) => `${t.amountDisplay} ${t.asset.symbol} (${g.issuer})`));
  console.log(
    `case ${c.reference}: ${report.seeds.length} payment(s), exchanges ${report.exchanges.map((x) => x.entity).join(', ') || '-'}; ` +
      `freeze candidates ${freeze.join(', ') || '-'}; ${files.length / 2} request packet(s)`,
  );
}

// 2. Convergence across all victims of the batch. Haircut keeps the per-victim split additive.
const result = await convergence(
  { ...settings, adapters, labels, taint: 'haircut', onVictim: (e) => process.stderr.write(`traced ${e.id} (${e.index + 1}/${e.of})\n`) },
  cases.map((c) => ({ id: c.victim, seeds: c.seeds })),
);
process.stdout.write(victimConvergenceToSummary(result));
writeFileSync(join(out, 'convergence.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`packets and convergence.json written to ${out}`);
