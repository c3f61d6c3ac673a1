import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { graphToTransfersCsv, reportToConversionsCsv, reportToEndpointsCsv } from '../../src/report/csv.js';
import { buildRequestPackets } from '../../src/report/packets.js';
import { reportToSummary } from '../../src/report/summary.js';
import { generateWorld } from '../bench/engine.js';
import { traceBenchWorld } from '../support/bench-world.js';

/**
 * The engine benchmark's layering world (3,000 transfers) traced under every taint model, in full and cut by hubs
 * (hop limit 4, degree 6) and by the node budget: the reports, CSVs, summary, request packets and graph CSV hash to the
 * values the engine gave before its core became columnar (#22), so the new inside changed no byte outside. Pinned
 * again when a hub came to be told by the different addresses it paid: the same endpoints, kinds and amounts (the
 * collectors pay more than 6), the reports stating `maxMovements` and the hubs' new reason.
 */
const PINNED: Record<string, [endpoints: number, digest: string]> = {
  'fifo full': [1026, 'b671211210cf0a00'],
  'fifo hub': [8, '46a74ff1ce3a3f11'],
  'fifo budget': [318, '0ebeb6ee87132ac4'],
  'haircut full': [1330, '9f9224443bcad38d'],
  'haircut hub': [8, '4be4cfb9a707edce'],
  'haircut budget': [375, '8d0dbbc6c4a6b94c'],
  'poison full': [925, '78dbe9bef15f8246'],
  'poison hub': [8, '652faaacdeb0d6ae'],
  'poison budget': [289, 'f41a59241f493541'],
  'tiho full': [925, '44705056ea9822e4'],
  'tiho hub': [8, '7c9e936c4b16956e'],
  'tiho budget': [289, '36912d6f0676fd9f'],
};

const text = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));

describe('the engine benchmark world gives the pinned outputs', () => {
  const n = 3_000;
  const w = generateWorld(n, n % 97);
  for (const taint of ['fifo', 'haircut', 'poison', 'tiho'] as const) {
    for (const cut of ['full', 'hub', 'budget'] as const) {
      it(`${taint}, ${cut}`, async () => {
        const r = await traceBenchWorld(w, taint, cut, Math.floor(n / 20));
        const h = createHash('sha256');
        h.update(text(r.report));
        h.update(reportToEndpointsCsv(r.report));
        h.update(reportToConversionsCsv(r.report));
        h.update(reportToSummary(r.report));
        h.update(text(buildRequestPackets(r.report)));
        h.update(graphToTransfersCsv(r.graph, r.report));
        expect([r.report.endpoints.length, h.digest('hex').slice(0, 16)]).toEqual(PINNED[`${taint} ${cut}`]);
      }, 60_000);
    }
  }
});
