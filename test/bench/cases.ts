import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { loadLabelFiles } from '../../src/labels/load.js';
import { importComplaints } from '../../src/cases/import.js';
import { openCaseStore, type CaseStore } from '../../src/cases/store.js';
import { traceCase } from '../../src/cases/trace.js';
import type { ReachedAddress } from '../../src/cases/reach.js';
import type { TraceReport } from '../../src/core/schema.js';
import { bulkComplaintCsv, buildCaseWorld, DEMO_LABELS, ethAddr } from '../support/case-world.js';
import { startPostgres } from '../support/postgres.js';

const PER_CASE = 100;
const USDT = { chain: 'ethereum', kind: 'token' as const, contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 };

/**
 * What one traced case leaves in the store, shaped like the real thing: a collector shared by 10 cases, a hub shared
 * by 50, a deposit address shared by 200, an exchange wallet every case reaches, and 8 addresses of its own; each
 * address attributed to a quarter of the case's payments.
 */
function reachedFor(c: number, paymentKeys: string[]): ReachedAddress[] {
  const t0 = 1_775_000_000 + c * PER_CASE;
  const addr = (name: string, role: string, hops: number, entity?: string): ReachedAddress => ({
    chain: 'ethereum',
    address: ethAddr(name),
    assetKey: `ethereum:${USDT.contract}`,
    asset: USDT,
    amount: String(1_000_000 * PER_CASE + c),
    firstSeen: t0 + hops * 60,
    lastSeen: t0 + PER_CASE + hops * 60,
    hops,
    role,
    ...(entity ? { entity, category: 'exchange' } : {}),
    payments: paymentKeys.filter((_, i) => (i + hops) % 4 === 0),
  });
  return [
    addr(`bench-collector-${Math.floor(c / 10)}`, 'seed', 0),
    addr(`bench-hub-${Math.floor(c / 50)}`, 'intermediate', 1),
    addr(`bench-deposit-${Math.floor(c / 200)}`, 'exchange', 2, 'Northwind Exchange'),
    addr('bench-exchange-hot', 'swept', 3, 'Northwind Exchange'),
    ...Array.from({ length: 8 }, (_, i) => addr(`bench-own-${c}-${i}`, i % 2 ? 'unspent' : 'intermediate', 1 + (i % 3))),
  ];
}

async function benchStore(label: string, target: string, csvFile: string, report: TraceReport): Promise<void> {
  const store: CaseStore = await openCaseStore({ target, env: {} });
  try {
    let start = performance.now();
    const imported = await importComplaints(store, csvFile, { batchSize: 2_000 });
    const importMs = performance.now() - start;
    console.log(
      `cases ${label}: import ${imported.inserted.toLocaleString('en')} payments (${imported.cases} cases, validated, ${imported.transactions} transactions) in ` +
        `${(importMs / 1000).toFixed(1)} s = ${Math.round(imported.rows / (importMs / 1000)).toLocaleString('en')} rows/s`,
    );
    start = performance.now();
    const again = await importComplaints(store, csvFile, { batchSize: 2_000 });
    console.log(
      `cases ${label}: re-import of the same file: ${again.alreadyStored.toLocaleString('en')} duplicates recognised, 0 stored, in ${((performance.now() - start) / 1000).toFixed(1)} s`,
    );

    start = performance.now();
    const cases = await store.listCases();
    for (const [c, info] of cases.entries()) {
      const payments = await store.payments(info.reference);
      await store.saveTrace(info.reference, {
        options: { bench: true },
        report: { ...report, case: { reference: info.reference } },
        reached: reachedFor(
          c,
          payments.map((p) => `${p.chain}|${p.key}`),
        ),
      });
    }
    const saveMs = performance.now() - start;
    console.log(
      `cases ${label}: stored ${cases.length} traces (report + 12 reached addresses + payment links each) in ${(saveMs / 1000).toFixed(1)} s = ${Math.round(cases.length / (saveMs / 1000))} traces/s`,
    );

    start = performance.now();
    const shared = await store.convergence();
    const convergenceMs = performance.now() - start;
    const top = shared[0];
    console.log(
      `cases ${label}: convergence over ${cases.length} traced cases: ${shared.length} shared addresses in ${convergenceMs.toFixed(0)} ms` +
        (top ? ` (top: ${top.caseCount} cases, ${top.victimCount} victims)` : ''),
    );
    const stats = await store.stats();
    console.log(
      `cases ${label}: store size ${(stats.sizeBytes / 1024 / 1024).toFixed(1)} MiB (${stats.payments.toLocaleString('en')} payments, ${stats.reachedAddresses.toLocaleString('en')} reached-address rows)`,
    );
  } finally {
    await store.close();
  }
}

/**
 * Case database benchmark: import 100,000 payments (1,000 cases of 100) from CSV, then store 1,000 traces and rank
 * the addresses they share, on SQLite (a temp file) and on PostgreSQL (a temporary server on 127.0.0.1).
 */
export async function run(options: { cases?: number } = {}): Promise<void> {
  const CASES = options.cases ?? 1_000;
  const dir = mkdtempSync(join(tmpdir(), 'chaintrail-bench-cases-'));
  const pg = await startPostgres();
  try {
    const csvFile = join(dir, 'complaints.csv');
    writeFileSync(csvFile, bulkComplaintCsv(CASES, PER_CASE, 'BENCH'));
    // One real trace of a synthetic case gives a realistic report to store with every bench trace.
    const world = buildCaseWorld();
    const probe = await openCaseStore({ target: ':memory:', env: {} });
    const g0 = world.rows.filter((r) => r.case_ref === 'SYN-G0-01');
    const { importRecords } = await import('../../src/cases/import.js');
    await importRecords(
      probe,
      g0.map((record, i) => ({ line: i + 1, record })),
      'probe',
    );
    const start = performance.now();
    const traced = await traceCase(probe, 'SYN-G0-01', { adapters: [createFixtureAdapter({ dataset: world.dataset })], labels: loadLabelFiles([DEMO_LABELS]) });
    console.log(
      `cases: one real case trace (${g0.length} payments, ${traced.reached.length} addresses reached) in ${(performance.now() - start).toFixed(0)} ms`,
    );
    await probe.close();

    await benchStore('SQLite', `sqlite:${join(dir, 'cases.db')}`, csvFile, traced.report);
    await benchStore('PostgreSQL', await pg.createDatabase('bench_cases'), csvFile, traced.report);
  } finally {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run(process.argv[2] ? { cases: Number(process.argv[2]) } : {});
