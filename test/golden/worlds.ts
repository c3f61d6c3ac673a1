/**
 * The reports the golden test pins: the demo case and generated worlds (account layering, UTXO, convergence), under
 * every taint model, with and without cuts, in every export format. Imported only through the public entries, so
 * the pins survive moves inside src/.
 */
import { createHash } from 'node:crypto';
import {
  convergence,
  createFixtureAdapter,
  createLabelStore,
  graphToGexf,
  graphToGraphml,
  graphToTransfersCsv,
  buildRequestPackets,
  packetToMarkdown,
  freezeCandidates,
  reportToEndpointsCsv,
  reportToJson,
  reportToSummary,
  trace,
  victimConvergenceToSummary,
  type TraceResult,
} from '../../src/index.js';
import { reportToHtml } from '../../src/html.js';
import {
  addPayments,
  casePackets,
  caseLinkGraph,
  consolidatedPacketFiles,
  convergenceToCsv,
  convergenceToSummary,
  linkGraphToGraphml,
  openCaseStore,
  traceCases,
} from '../../src/cases.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCaseWorld, DEMO_LABELS } from '../support/case-world.js';
import { loadLabelFiles } from '../../src/labels/load.js';
import { traceDemo } from '../support/demo-trace.js';
import { generateWorld } from '../bench/engine.js';
import { utxoWorld } from '../support/utxo-world.js';

export const MODELS = ['fifo', 'haircut', 'poison', 'tiho'] as const;

/** One pinned output: its name and text. */
export interface Pinned {
  name: string;
  text: string;
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function exportsOf(prefix: string, result: TraceResult, full: boolean): Pinned[] {
  const { report, graph } = result;
  const out: Pinned[] = [
    { name: `${prefix}.json`, text: reportToJson(report) },
    { name: `${prefix}.summary.md`, text: reportToSummary(report) },
    { name: `${prefix}.endpoints.csv`, text: reportToEndpointsCsv(report) },
    { name: `${prefix}.transfers.csv`, text: graphToTransfersCsv(graph, report) },
  ];
  if (full) {
    out.push(
      { name: `${prefix}.gexf`, text: graphToGexf(graph, report) },
      { name: `${prefix}.graphml`, text: graphToGraphml(graph, report) },
      { name: `${prefix}.packets.md`, text: buildRequestPackets(report).map(packetToMarkdown).join('\n---\n') },
      { name: `${prefix}.freeze.json`, text: JSON.stringify(freezeCandidates(report), null, 2) },
    );
  }
  return out;
}

/** Reports are deterministic; the elapsed-time figures of a run are not part of them. */
async function demoOutputs(): Promise<Pinned[]> {
  const out: Pinned[] = [];
  const base = await traceDemo();
  out.push(...exportsOf('demo.default', base, true));
  out.push({ name: 'demo.default.html', text: reportToHtml(base.report, base.graph) });
  return out;
}

/** Every pinned output, in a fixed order. */
export async function goldenOutputs(): Promise<Pinned[]> {
  const out: Pinned[] = await demoOutputs();

  const world = generateWorld(6_000, 11);
  const adapter = createFixtureAdapter({ dataset: world.dataset });
  const labels = createLabelStore(world.labels);
  for (const taint of MODELS) {
    const wide = await trace({ seeds: world.seeds, adapters: [adapter], labels, taint, maxHops: world.levels.length + 2, maxNodes: 100_000 });
    out.push(...exportsOf(`layering.${taint}`, wide, taint === 'fifo'));
    // Cuts: a hop limit, an address budget, a degree limit (a collector pays more than 15 addresses) and a minimum value all bite.
    const cuts = {
      hops: { maxHops: 3, minValue: '40' },
      budget: { maxHops: 10, maxNodes: 300 },
      degree: { maxHops: 10, maxNodes: 100_000, maxDegree: 15 },
    };
    for (const [name, limits] of Object.entries(cuts)) {
      const cut = await trace({ seeds: world.seeds, adapters: [adapter], labels, taint, ...limits });
      out.push(...exportsOf(`layering-cut-${name}.${taint}`, cut, false));
    }
  }

  const victims = [0, 1, 2].map((v) => ({ id: `victim-${v}`, seeds: world.seeds.filter((_, i) => i % 3 === v) }));
  const conv = await convergence({ adapters: [adapter], labels, maxHops: 5, maxNodes: 20_000 }, victims);
  out.push(
    { name: 'layering.convergence.json', text: JSON.stringify(conv, null, 2) },
    { name: 'layering.convergence.md', text: victimConvergenceToSummary(conv) },
  );

  for (const seed of [3, 5]) {
    const u = utxoWorld(seed);
    const utxoAdapter = createFixtureAdapter({ dataset: u.dataset });
    const utxoLabels = createLabelStore([
      { chain: 'bitcoin', address: u.exchange, entity: 'Coin Exchange', category: 'exchange', jurisdictions: ['SC'], confidence: 1, source: 'golden' },
    ]);
    for (const taint of MODELS) {
      for (const peelMode of ['all-outputs', 'follow-change'] as const) {
        const r = await trace({
          seeds: [{ chain: 'bitcoin', tx: u.seedTx }],
          adapters: [utxoAdapter],
          labels: utxoLabels,
          taint,
          peelMode,
          caseJurisdiction: 'DE',
          maxHops: 6,
        });
        out.push(...exportsOf(`utxo-${seed}.${taint}.${peelMode}`, r, false));
      }
    }
  }
  out.push(...(await caseOutputs()));
  return out;
}

/** The case database over 40+ generated cases on the demo world: convergence, link graph, consolidated packets. */
async function caseOutputs(): Promise<Pinned[]> {
  const world = buildCaseWorld();
  const dir = mkdtempSync(join(tmpdir(), 'chaintrail-golden-cases-'));
  const store = await openCaseStore({ target: join(dir, 'cases.db'), env: {} });
  try {
    await addPayments(store, world.rows, { source: 'golden' });
    await traceCases(store, { adapters: [createFixtureAdapter({ dataset: world.dataset })], labels: loadLabelFiles([DEMO_LABELS]) });
    const conv = await store.convergence();
    const cases = await store.listCases();
    return [
      { name: 'cases.convergence.csv', text: convergenceToCsv(conv) },
      { name: 'cases.convergence.md', text: convergenceToSummary(conv) },
      { name: 'cases.links.graphml', text: linkGraphToGraphml(caseLinkGraph(conv, cases)) },
      ...consolidatedPacketFiles(await casePackets(store)).map((f) => ({ name: `cases.packets.${f.name}`, text: f.content })),
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
