import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Graph from 'graphology';
import { parse as parseGraphml } from 'graphology-graphml';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { loadLabelFiles } from '../../src/labels/load.js';
import { formatAddress } from '../../src/core/address.js';
import { InvalidInputError, isChaintrailError } from '../../src/core/errors.js';
import { reportToJson } from '../../src/report/json.js';
import { CaseStoreError, ComplaintImportError } from '../../src/cases/errors.js';
import { addPayments, importComplaints } from '../../src/cases/import.js';
import { openCaseStore, type CaseStore, type ConvergenceEntry } from '../../src/cases/store.js';
import { traceCases } from '../../src/cases/trace.js';
import { SCHEMA_VERSION } from '../../src/cases/migrations.js';
import { openPostgresDriver } from '../../src/cases/postgres.js';
import { openSqliteDriver } from '../../src/cases/sqlite.js';
import { casePackets, consolidatedPacketFiles } from '../../src/cases/packets.js';
import { caseLinkGraph, convergenceToCsv, linkGraphToGexf, linkGraphToGraphml } from '../../src/cases/convergence.js';
import { bulkComplaintCsv, buildCaseWorld, DEMO_LABELS, EXCHANGES, ethAddr, expectedConvergence, tronAddr, type CaseWorld } from '../support/case-world.js';
import { cli } from '../support/cli.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHILD = join(HERE, 'import-child.ts');

/** Runs the import child; resolves with its stdout and how it ended (killed with SIGKILL once `killAt` rows are committed). */
function runImportChild(target: string, file: string, killAt?: number): Promise<{ out: string; signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target, file, '100', '10'], {
      cwd: join(HERE, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const done = [...out.matchAll(/progress (\d+)/g)].map((m) => Number(m[1]));
      if (killAt !== undefined && (done.at(-1) ?? 0) >= killAt && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code !== 0 && signal === null ? reject(new Error(`import child failed (${code}): ${err}`)) : resolve({ out, signal, code }),
    );
  });
}

const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
const csvOf = (rows: Record<string, unknown>[]) => {
  const cols = ['case_ref', 'victim_id', 'chain', 'tx_hash', 'address', 'amount', 'amount_base', 'asset', 'decimals', 'time', 'log_index', 'jurisdiction'];
  return `${cols.join(',')}\n${rows.map((r) => cols.map((c) => (r[c] === undefined ? '' : String(r[c]))).join(',')).join('\n')}\n`;
};

/** A second, raw connection to a store (to change a row behind the store's back, as a damaged file or a foreign writer would). */
const rawDriver = (target: string) => (/^postgres(ql)?:/i.test(target) ? openPostgresDriver(target) : openSqliteDriver(target.replace(/^sqlite:/i, '')));

/**
 * The case-database behaviour every backend must show, run against SQLite and against a real PostgreSQL server:
 * `open` gives the --db target of a fresh, empty store each time it is called.
 */
export function caseStoreSuite(name: string, open: () => Promise<string>): void {
  describe(`case database on ${name}`, () => {
    let world: CaseWorld;
    let target: string;
    let store: CaseStore;
    let dir: string;
    let convergence: ConvergenceEntry[];

    beforeAll(async () => {
      world = buildCaseWorld();
      dir = mkdtempSync(join(tmpdir(), 'chaintrail-cases-'));
      target = await open();
      store = await openCaseStore({ target, env: {} });
    }, 120_000);

    afterAll(async () => {
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('builds a world of at least 40 cases on the demo world, with duplicate complaint rows', () => {
      expect(world.cases.length).toBeGreaterThanOrEqual(40);
      expect(world.duplicateRows).toBeGreaterThan(5);
      expect(world.rows.length).toBe(world.routes.length + world.duplicateRows);
    });

    it('imports complaints from CSV and JSON: every payment once, duplicates counted, cases and victims created', async () => {
      const half = Math.floor(world.rows.length / 2);
      const csvFile = join(dir, 'complaints.csv');
      const jsonFile = join(dir, 'complaints.json');
      writeFileSync(csvFile, csvOf(world.rows.slice(0, half) as Record<string, unknown>[]));
      writeFileSync(jsonFile, JSON.stringify(world.rows.slice(half), null, 2));
      const a = await importComplaints(store, csvFile, { batchSize: 40 });
      const b = await importComplaints(store, jsonFile, { batchSize: 40 });
      expect(a.inserted + b.inserted).toBe(world.routes.length);
      expect(a.duplicates + b.duplicates).toBe(world.duplicateRows);
      expect(a.transactions).toBeGreaterThan(1);
      const stats = await store.stats();
      expect(stats.payments).toBe(world.routes.length);
      expect(stats.cases).toBe(world.cases.length);
      expect(stats.victims).toBe(new Set(world.routes.map((r) => `${r.caseRef}|${r.victim}`)).size);
      expect(stats.schemaVersion).toBe(SCHEMA_VERSION);
      // Amounts are exact base units whatever the row gave (display units or base units).
      const first = world.routes[0]!;
      const stored = (await store.payments(first.caseRef)).find((p) => p.tx === first.tx);
      expect(stored?.amount).toBe(first.amount.toString());
      expect(stored?.time).toBe(first.time);
      // Case jurisdictions came from the rows that carried one.
      const withJurisdiction = world.rows.find((r) => r.jurisdiction)!;
      expect((await store.getCase(withJurisdiction.case_ref))?.jurisdiction).toBe(withJurisdiction.jurisdiction);
    });

    it('re-importing the same complaints stores nothing twice and reports every row as a duplicate', async () => {
      const again = await addPayments(store, world.rows, { source: 'again' });
      expect(again.inserted).toBe(0);
      expect(again.alreadyStored).toBe(world.routes.length);
      expect(again.duplicates).toBe(world.routes.length + world.duplicateRows);
      expect((await store.stats()).payments).toBe(world.routes.length);
    });

    it('traces every case from the stored payments with the demo world as source', async () => {
      const progress: number[] = [];
      const result = await traceCases(store, {
        adapters: [createFixtureAdapter({ dataset: world.dataset })],
        labels: loadLabelFiles([DEMO_LABELS]),
        onCase: (e) => progress.push(e.done),
      });
      expect(result.failed.map((f) => `${f.reference}: ${f.error.message}`)).toEqual([]);
      expect(result.traced).toHaveLength(world.cases.length);
      expect(result.traced.every((t) => t.complete)).toBe(true);
      expect(progress.at(-1)).toBe(world.cases.length);
      const stats = await store.stats();
      expect(stats.traces).toBe(world.cases.length);
      expect(stats.reachedAddresses).toBeGreaterThan(world.cases.length);
      convergence = await store.convergence();
    }, 120_000);

    it('finds exactly the addresses two or more cases reached, with their cases, victims, amounts and times', () => {
      const expected = expectedConvergence(world.routes);
      const key = (e: ConvergenceEntry) => `${e.chain}|${e.chain === 'tron' ? e.address : e.address.toLowerCase()}`;
      expect(new Set(convergence.map(key))).toEqual(new Set(expected.keys()));
      // Collector + hub + deposit/holding/exchange per G group (4 x 3), Northwind's wallet, X deposit + Harborline's
      // wallet, T collector + deposit + Kestrel's wallet.
      expect(convergence).toHaveLength(18);
      for (const entry of convergence) {
        const exp = expected.get(key(entry))!;
        expect(entry.caseCount).toBe(exp.cases.size);
        expect(entry.victimCount).toBe(exp.victims);
        expect(entry.totals).toHaveLength(1);
        expect(entry.totals[0]!.amount).toBe(exp.total.toString());
        expect(entry.totals[0]!.asset.symbol).toBe('USDT');
        expect(entry.cases.map((c) => c.reference)).toEqual([...exp.cases.keys()].sort());
        for (const c of entry.cases) {
          const e = exp.cases.get(c.reference)!;
          expect(c.amounts.map((a) => a.amount)).toEqual([e.amount.toString()]);
          expect(c.firstSeen).toBe(iso(e.first));
          expect(c.lastSeen).toBe(iso(e.last));
          expect(new Set(c.victims)).toEqual(e.victims);
        }
      }
      // Isolated cases share nothing.
      const isolated = world.cases.filter((c) => c.kind === 'I').map((c) => c.reference);
      expect(convergence.flatMap((e) => e.cases.map((c) => c.reference)).filter((r) => isolated.includes(r))).toEqual([]);
    });

    it('ranks by victims, then cases, then amount, and names the roles', () => {
      expect(convergence.map((e) => e.rank)).toEqual(convergence.map((_, i) => i + 1));
      for (let i = 1; i < convergence.length; i++) {
        const [a, b] = [convergence[i - 1]!, convergence[i]!];
        expect(a.victimCount > b.victimCount || (a.victimCount === b.victimCount && a.caseCount >= b.caseCount)).toBe(true);
      }
      // Northwind's hot wallet collects from G0, G1 and every Y case: the most victims.
      expect(convergence[0]!.address).toBe(formatAddress('ethereum', EXCHANGES.northwindHot));
      expect(convergence[0]!.caseCount).toBe(16);
      expect(convergence[0]!.roles).toEqual(['swept']);
      const find = (chain: string, address: string) => convergence.find((e) => e.chain === chain && e.address === formatAddress(chain, address))!;
      expect(find('ethereum', ethAddr('collector-G0')).roles).toEqual(['seed']);
      expect(find('ethereum', ethAddr('hub-G0')).roles).toEqual(['intermediate']);
      expect(find('ethereum', ethAddr('deposit-G0'))).toMatchObject({ roles: ['exchange'], entity: 'Northwind Exchange', caseCount: 6 });
      expect(find('ethereum', ethAddr('deposit-X'))).toMatchObject({ roles: ['exchange'], entity: 'Harborline', caseCount: 10 });
      // G2's hub pays Rheinwerk's labeled wallet within a minute of each receipt: the engine infers it is the deposit address.
      expect(find('ethereum', ethAddr('hub-G2'))).toMatchObject({ roles: ['exchange'], entity: 'Rheinwerk Boerse', caseCount: 6 });
      expect(find('ethereum', EXCHANGES.rheinwerk)).toMatchObject({ roles: ['swept'], entity: 'Rheinwerk Boerse', caseCount: 6 });
      expect(find('ethereum', ethAddr('holding-G3')).roles).toEqual(['unspent']);
      expect(find('tron', tronAddr('deposit-T'))).toMatchObject({ roles: ['exchange'], entity: 'Kestrel Markets', caseCount: 6 });
    });

    it('filters convergence by chain and by minimum case count', async () => {
      const tron = await store.convergence({ chain: 'tron' });
      expect(tron.map((e) => e.chain)).toEqual(['tron', 'tron', 'tron']);
      const big = await store.convergence({ minCases: 10 });
      expect(big.map((e) => e.caseCount).every((n) => n >= 10)).toBe(true);
      expect(big).toHaveLength(3); // Northwind's wallet (16), X deposit and Harborline (10 each)
      expect(await store.convergence({ limit: 2 })).toEqual(convergence.slice(0, 2));
    });

    it('builds a case-to-case link graph and exports it as GEXF and GraphML', async () => {
      const graph = caseLinkGraph(convergence, await store.listCases());
      expect(graph.order).toBe(world.cases.length - 4); // every case but the isolated ones
      // Cases of one group are linked pairwise; a G0 case and a Y case only through Northwind's wallet.
      const g0 = world.cases.filter((c) => c.kind === 'G0').map((c) => c.reference);
      const y = world.cases.find((c) => c.kind === 'Y')!.reference;
      expect(graph.getEdgeAttribute(g0[0]!, g0[1]!, 'weight')).toBe(4); // collector, hub, deposit, Northwind's wallet
      expect(graph.getEdgeAttribute(g0[0]!, y, 'weight')).toBe(1);
      expect(graph.hasEdge(g0[0]!, world.cases.find((c) => c.kind === 'T')!.reference)).toBe(false);
      const gexf = linkGraphToGexf(graph);
      expect(gexf).toContain('<gexf');
      expect(gexf.match(/<node /g)).toHaveLength(graph.order);
      const back = parseGraphml(Graph, linkGraphToGraphml(graph));
      expect(back.order).toBe(graph.order);
      expect(back.size).toBe(graph.size);
      expect(convergenceToCsv(convergence).split('\r\n')).toHaveLength(convergence.length + 2);
    });

    it('writes one consolidated packet per exchange and per issuer, covering every case that reached it', async () => {
      const packets = await casePackets(store);
      const expectedGroups = new Map<string, Set<string>>();
      for (const c of world.cases) {
        const r = world.recipientOf(c.kind);
        const k = `${r.type}:${r.entity}`;
        expectedGroups.set(k, (expectedGroups.get(k) ?? new Set()).add(c.reference));
      }
      expect(new Map(packets.map((p) => [`${p.type}:${p.recipient.entity}`, new Set(p.cases.map((c) => c.reference))]))).toEqual(expectedGroups);
      const sumOf = (ref: string) => world.routes.filter((r) => r.caseRef === ref).reduce((s, r) => s + r.amount, 0n);
      for (const p of packets) {
        expect(p.caseCount).toBe(p.cases.length);
        for (const c of p.cases) {
          expect(c.totals.map((t) => t.amount)).toEqual([sumOf(c.reference).toString()]);
          // Every address of the case carries its tx hashes and the hop path from a victim payment.
          for (const a of c.addresses) {
            expect(a.txs.length).toBeGreaterThan(0);
            expect(a.path[0]?.victimPayment).toBe(true);
          }
        }
        expect(p.totals[0]!.amount).toBe(p.cases.reduce((s, c) => s + sumOf(c.reference), 0n).toString());
      }
      const harborline = packets.find((p) => p.recipient.entity === 'Harborline')!;
      expect(harborline.addresses).toHaveLength(1);
      expect(harborline.addresses[0]!.address).toBe(formatAddress('ethereum', ethAddr('deposit-X')));
      expect(harborline.addresses[0]!.cases).toHaveLength(10);
      const northwind = packets.find((p) => p.recipient.entity === 'Northwind Exchange')!;
      expect(northwind.addresses).toHaveLength(2 + 4); // deposit-G0, deposit-G1, one deposit per Y case
      const tether = packets.find((p) => p.type === 'issuer')!;
      expect(tether.addresses.map((a) => a.cases.length).sort((a, b) => b - a)).toEqual([6, 1, 1, 1, 1]);
      const files = consolidatedPacketFiles(packets);
      expect(files.map((f) => f.name)).toContain('exchange-northwind-exchange.md');
      const md = files.find((f) => f.name === 'exchange-harborline.md')!.content;
      for (const c of harborline.cases) expect(md).toContain(c.reference.replace(/-/g, '-'));
      expect(md).toContain(harborline.cases[0]!.victimPayments[0]!.tx);
    });

    it('rejects bad complaint rows with typed errors naming file, line and field, and writes nothing', async () => {
      const before = await store.stats();
      const good = { case_ref: 'BAD-1', victim_id: 'V1', chain: 'ethereum', asset: 'USDT', time: '2026-05-01T10:00:00Z' };
      const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
      const rows = [
        { ...good, tx_hash: hash(1), amount: '10.5' }, // line 2: fine
        { ...good, chain: 'dogechain', tx_hash: hash(2), amount: '1' }, // 3: unknown chain
        { ...good, tx_hash: hash(3), amount: '1.1234567' }, // 4: more decimals than USDT has
        { ...good, tx_hash: hash(4), amount: '-5' }, // 5: negative
        { ...good, tx_hash: hash(5), amount_base: '0' }, // 6: zero
        { ...good, tx_hash: hash(6), amount_base: (1n << 256n).toString() }, // 7: more than 2^256 - 1
        { ...good, tx_hash: 'abc', amount: '1' }, // 8: malformed hash
        { ...good, amount: '1' }, // 9: neither hash nor address
        { ...good, tx_hash: hash(1), amount: '11' }, // 10: same payment as line 2, another amount
        { ...good, tx_hash: hash(9), amount: '1', time: '2099-01-01' }, // 11: in the future
        { ...good, victim_id: 'Jane Doe', tx_hash: hash(10), amount: '1' }, // 12: a name, not a pseudonym
        { ...good, tx_hash: hash(11), amount: '1', asset: 'DOGE' }, // 13: unknown asset
        { ...good, tx_hash: hash(1), amount: '10.5' }, // 14: duplicate of line 2: fine
      ];
      const file = join(dir, 'bad.csv');
      writeFileSync(file, csvOf(rows));
      const error = await importComplaints(store, file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ComplaintImportError);
      const issues = (error as ComplaintImportError).issues;
      expect(issues.map((i) => [i.line, i.field])).toEqual([
        [3, 'chain'],
        [4, 'amount'],
        [5, 'amount'],
        [6, 'amount_base'],
        [7, 'amount_base'],
        [8, 'tx_hash'],
        [9, 'tx_hash'],
        [10, 'tx_hash'],
        [11, 'time'],
        [12, 'victim_id'],
        [13, 'asset'],
      ]);
      expect(issues.every((i) => i.file === file)).toBe(true);
      expect((error as ComplaintImportError).code).toBe('COMPLAINT_INVALID');
      expect((error as ComplaintImportError).shortMessage).toContain(`${file}: line 3: chain: unknown chain "dogechain"`);
      expect(await store.stats()).toMatchObject({ cases: before.cases, payments: before.payments, victims: before.victims });
      expect(await store.getCase('BAD-1')).toBeUndefined();

      // JSON: lines are where each row object starts; a JSON number amount is refused (floats lose digits).
      const jsonFile = join(dir, 'bad.json');
      writeFileSync(
        jsonFile,
        `[\n  ${JSON.stringify({ ...good, tx_hash: hash(20), amount: '1' })},\n  ${JSON.stringify({ ...good, tx_hash: hash(21), amount: 1.5 })}\n]\n`,
      );
      const jsonError = (await importComplaints(store, jsonFile).catch((e: unknown) => e)) as ComplaintImportError;
      expect(jsonError.issues.map((i) => [i.line, i.field])).toEqual([[3, 'amount']]);

      // A payment already stored for another case is a contradiction, not a duplicate.
      const taken = world.routes[0]!;
      const conflict = (await addPayments(store, [{ ...good, tx_hash: taken.tx, amount_base: taken.amount.toString() }], { source: 'form' }).catch(
        (e: unknown) => e,
      )) as ComplaintImportError;
      expect(conflict).toBeInstanceOf(ComplaintImportError);
      expect(conflict.issues[0]).toMatchObject({ file: 'form', line: 1, field: 'tx_hash' });
      expect(conflict.issues[0]!.message).toContain(taken.caseRef);
      expect(await store.getCase('BAD-1')).toBeUndefined();
    });

    it('survives SIGKILL mid-import: committed cases stay whole, a second run stores the rest, every row exactly once', async () => {
      const crashTarget = await open();
      const file = join(dir, 'bulk.csv');
      writeFileSync(file, bulkComplaintCsv(200, 50)); // 10,000 payments in 200 cases of 50
      const killed = await runImportChild(crashTarget, file, 3000);
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.out).not.toContain('done');
      const crashed = await openCaseStore({ target: crashTarget, env: {} });
      try {
        const after = await crashed.listCases();
        const stored = after.reduce((n, c) => n + c.payments, 0);
        expect(stored).toBeGreaterThanOrEqual(3000);
        expect(stored).toBeLessThan(10_000);
        // No half case: every case present has all of its 50 payments and 5 victims.
        expect(after.every((c) => c.payments === 50 && c.victims === 5)).toBe(true);
        const rerun = await runImportChild(crashTarget, file);
        const result = JSON.parse(rerun.out.slice(rerun.out.indexOf('done ') + 5)) as { inserted: number; alreadyStored: number };
        expect(result).toMatchObject({ inserted: 10_000 - stored, alreadyStored: stored });
        const final = await crashed.listCases();
        expect(final).toHaveLength(200);
        expect(final.every((c) => c.payments === 50)).toBe(true);
        // Every transaction of the file is stored exactly once.
        const fileTxs = readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.split(',')[3]);
        const storedTxs: string[] = [];
        for (const c of final) for (const p of await crashed.payments(c.reference)) storedTxs.push(p.tx!);
        expect(storedTxs).toHaveLength(10_000);
        expect(new Set(storedTxs)).toEqual(new Set(fileTxs));
        expect((await crashed.stats()).payments).toBe(10_000);
      } finally {
        await crashed.close();
      }
    }, 120_000);

    it('refuses an invalid case and a damaged stored report with typed one-line errors naming what and where, and keeps a long report in parts', async () => {
      const freshTarget = await open();
      const fresh = await openCaseStore({ target: freshTarget, env: {} });
      const raw = await rawDriver(freshTarget);
      try {
        const bad = await fresh.addCase({ reference: 'ERR-1', jurisdiction: 'Germany', opened: '2026-02-30x' }).catch((e: unknown) => e);
        expect(bad).toBeInstanceOf(InvalidInputError);
        const message = (bad as InvalidInputError).shortMessage;
        expect(message).toMatch(/^Invalid case: /);
        expect(message).toContain('jurisdiction: ');
        expect(message).toContain('opened: ');
        expect(message).not.toContain('\n');
        expect(new Set(((bad as InvalidInputError).details.issues as { path: string[] }[]).map((i) => i.path.join('.')))).toEqual(
          new Set(['jurisdiction', 'opened']),
        );
        expect(await fresh.listCases()).toEqual([]);

        // A report stored by an earlier trace, then damaged outside chaintrail: read back as a CaseStoreError, never half-read.
        const reference = world.cases[0]!.reference;
        const report = (await store.latestTrace(reference))!.report;
        await fresh.addCase({ reference });
        // A report is kept in parts of 8 MiB of its JSON, never as one value: one of several parts reads back whole.
        // A run of two-byte characters across the first part's end, one cut in half there (parts hold whole characters).
        const run = 'é'.repeat(12 * 2 ** 20);
        const text = reportToJson({ ...report, notes: [run] });
        const runStart = Buffer.byteLength(text.slice(0, text.indexOf(run)));
        const long = { ...report, notes: [(2 ** 23 - runStart) % 2 === 0 ? `x${run}` : run] };
        const longId = await fresh.saveTrace(reference, { options: {}, report: long, reached: [] });
        const parts = await raw.all<{ n: number }>('SELECT COUNT(*) AS n FROM trace_report_parts WHERE trace_id = ?', [longId]);
        expect(Number(parts[0]!.n)).toBe(Math.ceil(Buffer.byteLength(reportToJson(long)) / 2 ** 23));
        expect(Number(parts[0]!.n)).toBeGreaterThan(2);
        expect((await fresh.latestTrace(reference))?.report).toEqual(long);
        const id = await fresh.saveTrace(reference, { options: {}, report, reached: [] });
        expect((await fresh.latestTrace(reference))?.report).toEqual(report);
        await raw.run('UPDATE trace_report_parts SET text = ? WHERE trace_id = ?', [JSON.stringify({ ...report, endpoints: 'lost' }), id]);
        for (const read of [() => fresh.latestTrace(reference), () => fresh.latestTraces()]) {
          const damaged = await read().catch((e: unknown) => e);
          expect(damaged).toBeInstanceOf(CaseStoreError);
          expect(isChaintrailError(damaged, 'CASE_STORE')).toBe(true);
          expect((damaged as CaseStoreError).shortMessage).toMatch(new RegExp(`^Stored trace ${id} of case ${reference} is not a valid report: endpoints: `));
          expect((damaged as CaseStoreError).details).toMatchObject({ trace: id });
        }
      } finally {
        await raw.close();
        await fresh.close();
      }
    });

    it('moves the reports of a store made by schema 2 into parts when it is opened', async () => {
      const target = await open();
      const raw = await rawDriver(target);
      try {
        const reference = world.cases[0]!.reference;
        const report = (await store.latestTrace(reference))!.report;
        const first = await openCaseStore({ target, env: {} });
        await first.addCase({ reference });
        await first.saveTrace(reference, { options: {}, report, reached: [] });
        await first.close();
        // The store as schema 2 left it: each report one value in traces.report.
        for (const { id } of await raw.all<{ id: number }>('SELECT id FROM traces')) {
          const parts = await raw.all<{ text: string }>('SELECT text FROM trace_report_parts WHERE trace_id = ? ORDER BY part', [id]);
          await raw.run('UPDATE traces SET report = ? WHERE id = ?', [parts.map((p) => p.text).join(''), id]);
        }
        await raw.exec('DROP TABLE trace_report_parts');
        await raw.run('DELETE FROM schema_versions WHERE version = 3');
        const again = await openCaseStore({ target, env: {} });
        try {
          expect((await again.stats()).schemaVersion).toBe(SCHEMA_VERSION);
          expect((await again.latestTrace(reference))?.report).toEqual(report);
          expect(await raw.all("SELECT id FROM traces WHERE report <> ''")).toEqual([]);
        } finally {
          await again.close();
        }
      } finally {
        await raw.close();
      }
    });

    it('runs the case commands of the CLI against the same store', async () => {
      const list = await cli(['case', 'list', '--db', target, '--format', 'json']);
      expect(list.code).toBe(0);
      expect((JSON.parse(list.stdout) as unknown[]).length).toBe(world.cases.length);
      const conv = await cli(['case', 'convergence', '--db', target, '--format', 'csv', '--graph', join(dir, 'cases.gexf')]);
      expect(conv.code).toBe(0);
      expect(conv.stdout.split('\r\n')[0]).toBe('rank,chain,address,roles,entity,category,cases,victims,total,first_seen,last_seen,case_references,per_case');
      expect(readFileSync(join(dir, 'cases.gexf'), 'utf8')).toContain('SYN-G0-01');
      const packets = await cli(['case', 'packets', '--db', target, '--out-dir', join(dir, 'packets')]);
      expect(packets.code).toBe(0);
      expect(packets.stdout).toContain('exchange Harborline: 10 case(s), 1 address(es)');
      expect(readFileSync(join(dir, 'packets', 'issuer-tether-operations-limited.json'), 'utf8')).toContain('"caseCount": 10');
      const show = await cli(['case', 'show', 'SYN-T-01', '--db', target]);
      expect(show.stdout).toContain('exchange Kestrel Markets');
      const add = await cli(['case', 'add', 'NEW-1', '--jurisdiction', 'de', '--opened', '2026-05-02', '--db', target, '--format', 'json']);
      expect(JSON.parse(add.stdout)).toMatchObject({ reference: 'NEW-1', jurisdiction: 'DE', opened: '2026-05-02' });
      const again = await cli(['case', 'add', 'NEW-1', '--db', target]);
      expect(again.code).toBe(2);
      // Re-tracing a case from the CLI stores a new trace; convergence reads the latest trace of each case: unchanged.
      const datasetFile = join(dir, 'world.json');
      writeFileSync(datasetFile, JSON.stringify(world.dataset));
      const traced = await cli([
        'case',
        'trace',
        'SYN-G0-01',
        'SYN-T-01',
        '--source',
        `fixture:${datasetFile}`,
        '--labels',
        DEMO_LABELS,
        '--db',
        target,
        '--format',
        'json',
      ]);
      expect(traced.code).toBe(0);
      expect((JSON.parse(traced.stdout) as { reference: string; status: string }[]).map((r) => [r.reference, r.status])).toEqual([
        ['SYN-G0-01', 'traced'],
        ['SYN-T-01', 'traced'],
      ]);
      expect((await store.listCases()).find((c) => c.reference === 'SYN-G0-01')?.traces).toBe(2);
      expect(await store.convergence()).toEqual(convergence);
      const bad = await cli(['case', 'import', join(dir, 'bad.csv'), '--db', target]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('line 4: amount:');
    }, 60_000);
  });
}
