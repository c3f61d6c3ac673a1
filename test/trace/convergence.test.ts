import { describe, expect, it } from 'vitest';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { readCaseFile } from '../../src/cli/case-file.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { convergence, ConvergenceReportSchema, victimConvergenceToSummary } from '../../src/trace/convergence.js';
import { trace } from '../../src/trace/trace.js';
import { loadLabelFiles } from '../../src/labels/load.js';

const demo = readCaseFile('fixtures/demo/case.json');
const options = () => ({
  adapters: [createFixtureAdapter({ dataset: demo.dataset })],
  labels: loadLabelFiles(demo.labels),
  caseJurisdiction: 'DE',
  minValue: '1',
  maxDegree: 50,
});
const eth = demo.seeds.filter((s) => s.chain === 'ethereum');
const tron = demo.seeds.filter((s) => s.chain === 'tron');

describe('convergence across victims', () => {
  it('finds the collector wallets every victim paid into, with per-victim amounts equal to their payments', { timeout: 60_000 }, async () => {
    const result = await convergence(options(), demo.seeds);
    expect(ConvergenceReportSchema.parse(result)).toEqual(result);
    expect(result.victims).toHaveLength(12);
    const full = await trace({ ...options(), seeds: demo.seeds });
    const collectors = full.report.seeds.map((s) => s.address);
    const ethCollector = result.addresses.find((a) => a.address === full.report.seeds.find((s) => s.chain === 'ethereum')!.address)!;
    expect(ethCollector).toMatchObject({ chain: 'ethereum', victims: eth.length, totals: [{ amountDisplay: '111000' }] });
    for (const hit of ethCollector.perVictim) {
      const seed = full.report.seeds.find((s) => s.tx === hit.victim)!;
      expect(hit.amount).toBe(seed.amount);
      expect(hit.hops).toBe(0);
    }
    const tronCollector = result.addresses.find((a) => a.chain === 'tron' && collectors.includes(a.address))!;
    expect(tronCollector).toMatchObject({ victims: tron.length, totals: [{ amountDisplay: '58500' }] });
    // Most victims first; every listed address was reached by at least two of them.
    expect(result.addresses.map((a) => a.victims)).toEqual([...result.addresses.map((a) => a.victims)].sort((a, b) => b - a));
    expect(result.addresses.every((a) => a.victims >= 2 && a.victimIds.length === a.victims)).toBe(true);
    expect(result.addresses.some((a) => a.entity === 'Rheinwerk Boerse' && a.endpoint.includes('exchange'))).toBe(true);
    expect(victimConvergenceToSummary(result)).toMatch(/^\s+8 victims\s+ethereum\s+0x/m);
  });

  it('under haircut, per-victim amounts add up to the combined trace (up to rounding)', { timeout: 60_000 }, async () => {
    const result = await convergence({ ...options(), taint: 'haircut' }, demo.seeds);
    const { graph } = await trace({ ...options(), taint: 'haircut', seeds: demo.seeds });
    const inflow = new Map<string, bigint>();
    graph.forEachEdge((_e, a, _s, t) => {
      const address = String(graph.getNodeAttribute(t, 'address'));
      inflow.set(address, (inflow.get(address) ?? 0n) + BigInt(String(a.taint)));
    });
    expect(result.addresses.length).toBeGreaterThan(10);
    for (const a of result.addresses) {
      const combined = inflow.get(a.address)!;
      const sum = BigInt(a.totals[0]!.amount);
      const diff = sum > combined ? sum - combined : combined - sum;
      expect(diff).toBeLessThanOrEqual(BigInt(a.victims * 10));
    }
  });

  it('groups payments by victim id and applies minVictims', { timeout: 60_000 }, async () => {
    const grouped = await convergence({ ...options(), minVictims: 2 }, [
      { id: 'complaint-1', seeds: eth.slice(0, 4) },
      { id: 'complaint-2', seeds: eth.slice(4) },
      { id: 'complaint-3', seeds: tron },
    ]);
    expect(grouped.victims.map((v) => [v.id, v.seeds])).toEqual([
      ['complaint-1', 4],
      ['complaint-2', eth.length - 4],
      ['complaint-3', tron.length],
    ]);
    expect(grouped.addresses.length).toBeGreaterThan(0);
    expect(grouped.addresses.every((a) => a.chain === 'ethereum' && a.victimIds.join() === 'complaint-1,complaint-2')).toBe(true);
    const none = await convergence({ ...options(), minVictims: 3 }, [
      { id: 'a', seeds: eth.slice(0, 2) },
      { id: 'b', seeds: eth.slice(2) },
    ]);
    expect(none.addresses).toEqual([]);
  });

  it('rejects empty, malformed and duplicate victims with InvalidInputError', async () => {
    await expect(convergence(options(), [])).rejects.toThrow(InvalidInputError);
    await expect(convergence(options(), [{ chain: 'ethereum', tx: '0x12' }])).rejects.toThrow(/Invalid victims/);
    await expect(
      convergence(options(), [
        { id: 'x', seeds: [eth[0]!] },
        { id: 'x', seeds: [eth[1]!] },
      ]),
    ).rejects.toThrow(/appears twice/);
    await expect(convergence({ ...options(), minVictims: 0 }, [eth[0]!])).rejects.toThrow(/minVictims/);
  });
});
