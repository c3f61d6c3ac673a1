import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseLinkGraph, convergenceToCsv, convergenceToSummary, linkGraphToGexf, linkGraphToGraphml } from '../../src/cases/convergence.js';
import { casePackets, consolidatedPacketFiles } from '../../src/cases/packets.js';
import { openCaseStore, type CaseStore } from '../../src/cases/store.js';
import { buildCaseWorld, DEMO_LABELS, type CaseWorld } from '../support/case-world.js';
import { cli } from '../support/cli.js';

// Each `chaintrail case` subcommand, in each format and with its options, prints and writes exactly what the library
// gives for the same store: the CLI only parses flags, opens the store and renders.

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const COLUMNS = ['case_ref', 'victim_id', 'chain', 'tx_hash', 'address', 'amount', 'amount_base', 'asset', 'decimals', 'time', 'log_index', 'jurisdiction'];

describe('chaintrail case subcommands', () => {
  let world: CaseWorld;
  let dir: string;
  let db: string;
  let store: CaseStore;

  beforeAll(async () => {
    world = buildCaseWorld(29);
    dir = mkdtempSync(join(tmpdir(), 'chaintrail-case-cli-'));
    db = `sqlite:${join(dir, 'cases.db')}`;
    const rows = world.rows as Record<string, unknown>[];
    writeFileSync(
      join(dir, 'complaints.csv'),
      `${COLUMNS.join(',')}\n${rows.map((r) => COLUMNS.map((c) => (r[c] === undefined ? '' : String(r[c]))).join(',')).join('\n')}\n`,
    );
    writeFileSync(join(dir, 'world.json'), JSON.stringify(world.dataset));
    store = await openCaseStore({ target: db, env: {} });
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('import and trace report what they stored, in JSON and CSV', async () => {
    const imported = await cli(['case', 'import', join(dir, 'complaints.csv'), '--batch-size', '25', '--db', db, '--format', 'json']);
    expect(imported.code).toBe(0);
    const [result] = JSON.parse(imported.stdout) as { inserted: number; duplicates: number; cases: number; transactions: number }[];
    expect(result).toMatchObject({ inserted: world.routes.length, duplicates: world.duplicateRows, cases: world.cases.length });
    expect(result!.transactions).toBeGreaterThan(1);
    const again = await cli(['case', 'import', join(dir, 'complaints.csv'), '--db', db, '--format', 'csv']);
    expect(again.stdout.split('\r\n')[0]).toBe('file,rows,payments,inserted,duplicates,duplicates_in_file,already_stored,cases,cases_created');
    expect(again.stdout.split('\r\n')[1]!.split(',').slice(1).map(Number)).toEqual([
      world.rows.length,
      world.routes.length,
      0,
      world.rows.length,
      world.duplicateRows,
      world.routes.length,
      world.cases.length,
      0,
    ]);

    const traced = await cli([
      'case',
      'trace',
      '--all',
      '--source',
      `fixture:${join(dir, 'world.json')}`,
      '--labels',
      DEMO_LABELS,
      '--db',
      db,
      '--format',
      'csv',
      '--out',
      join(dir, 'traced.csv'),
    ]);
    expect(traced.code).toBe(0);
    expect(traced.stdout).toBe('');
    const lines = readFileSync(join(dir, 'traced.csv'), 'utf8').trim().split('\r\n');
    expect(lines[0]).toBe('reference,status,trace_id,endpoints,error');
    const latest = await store.latestTraces();
    expect(lines.slice(1)).toEqual(latest.map((t) => `${t.caseReference},traced,${t.id},${t.report.endpoints.length},`));
  }, 120_000);

  it('list and show print the stored cases, payments and latest trace', async () => {
    expect((await cli(['case', 'list', '--db', db, '--format', 'json'])).stdout).toBe(json(await store.listCases()));
    const reference = world.cases.find((c) => c.kind === 'T')!.reference;
    const latest = (await store.latestTrace(reference))!;
    const shown = await cli(['case', 'show', reference, '--db', db, '--format', 'json']);
    expect(shown.stdout).toBe(
      json({
        case: await store.getCase(reference),
        payments: await store.payments(reference),
        latestTrace: { id: latest.id, createdAt: latest.createdAt, report: latest.report },
      }),
    );
    const summary = (await cli(['case', 'show', reference, '--db', db])).stdout;
    for (const x of latest.report.exchanges) expect(summary).toContain(`exchange ${x.entity} `);
    const missing = await cli(['case', 'show', 'NO-SUCH-CASE', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No case "NO-SUCH-CASE"');
  });

  it('convergence prints the ranking with its filters in every format and writes the link graph', async () => {
    const all = await store.convergence();
    expect(all.length).toBeGreaterThan(3);
    expect((await cli(['case', 'convergence', '--db', db, '--format', 'json'])).stdout).toBe(json(all));
    expect((await cli(['case', 'convergence', '--db', db])).stdout).toBe(convergenceToSummary(all));
    const filtered = await store.convergence({ minCases: 3, chain: 'ethereum', limit: 4 });
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.length).toBeLessThan(all.length);
    const csv = await cli([
      'case',
      'convergence',
      '--db',
      db,
      '--format',
      'csv',
      '--min-cases',
      '3',
      '--chain',
      'ethereum',
      '--limit',
      '4',
      '--graph',
      join(dir, 'links.graphml'),
    ]);
    expect(csv.stdout).toBe(convergenceToCsv(filtered));
    expect(readFileSync(join(dir, 'links.graphml'), 'utf8')).toBe(linkGraphToGraphml(caseLinkGraph(filtered, await store.listCases())));
    await cli(['case', 'convergence', '--db', db, '--graph', join(dir, 'links.gexf'), '--out', join(dir, 'ranking.txt')]);
    expect(readFileSync(join(dir, 'links.gexf'), 'utf8')).toBe(linkGraphToGexf(caseLinkGraph(all, await store.listCases())));
    expect(readFileSync(join(dir, 'ranking.txt'), 'utf8')).toBe(convergenceToSummary(all));
    const badGraph = await cli(['case', 'convergence', '--db', db, '--graph', join(dir, 'links.dot')]);
    expect(badGraph.code).toBe(2);
    expect(existsSync(join(dir, 'links.dot'))).toBe(false);
  });

  it('packets prints and writes one consolidated request per recipient, or only the one asked for', async () => {
    const packets = await casePackets(store);
    expect(packets.length).toBeGreaterThan(1);
    expect((await cli(['case', 'packets', '--db', db, '--format', 'json', '--out-dir', join(dir, 'requests')])).stdout).toBe(json(packets));
    const files = consolidatedPacketFiles(packets);
    expect(readdirSync(join(dir, 'requests')).sort()).toEqual(files.map((f) => f.name).sort());
    for (const f of files) expect(readFileSync(join(dir, 'requests', f.name), 'utf8')).toBe(f.content);
    const entity = packets[0]!.recipient.entity;
    const one = await cli(['case', 'packets', '--db', db, '--entity', entity.toUpperCase()]);
    expect(one.stdout.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^${packets[0]!.type} ${entity}: ${packets[0]!.caseCount} case\\(s\\)`))]);
    const csv = (await cli(['case', 'packets', '--db', db, '--format', 'csv'])).stdout.trim().split('\r\n');
    expect(csv.length - 1).toBe(packets.reduce((n, p) => n + p.addresses.reduce((m, a) => m + a.shares.length, 0), 0));
    expect((await cli(['case', 'packets', '--db', db, '--entity', 'nobody at all'])).stdout).toBe(
      'No exchange or freezable balance reached by the traced cases.\n',
    );
  });
});
