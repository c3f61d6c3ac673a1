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
 * values the engine gave before its core became columnar (#22), so the new inside changed no byte outside. The hub
 * cuts were pinned again when a hub came to be told by the different addresses it paid: the collectors pay at most
 * 6 wallets and are followed now (8 endpoints, 6 of them hubs at hop 1; before, 2 collectors stopped at hop 0).
 */
const PINNED: Record<string, [endpoints: number, digest: string]> = {
  'fifo full': [1026, 'd0c4ab6b4a0cf5a2'],
  'fifo hub': [8, '394af391ca4081f6'],
  'fifo budget': [318, '5cae0336f04effda'],
  'haircut full': [1330, 'ddf89da9647c3a59'],
  'haircut hub': [8, '96fb812beb079f43'],
  'haircut budget': [375, 'b2ec1c14f3c1fb49'],
  'poison full': [925, 'd9e182796d0ec570'],
  'poison hub': [8, '0afd72c698761223'],
  'poison budget': [289, '8b180d5f5bfac8af'],
  'tiho full': [925, '86fb5832bff93942'],
  'tiho hub': [8, '5b4816ec54d9f6a6'],
  'tiho budget': [289, '1551dc3efefe1105'],
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
