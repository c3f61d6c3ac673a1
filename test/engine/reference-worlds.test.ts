import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { answeringWithObjects, referenceWorlds, worldDigest } from '../support/reference-worlds.js';

/**
 * Drawn worlds (test/support/reference-worlds.ts: random account worlds, swaps on Ethereum and TRON, bridges from
 * Ethereum to Arbitrum, shared deposit addresses, UTXO) under every taint model: every output hashes to what the
 * engine gave before its core became columnar (#22; computed with commit ec9d1c5), whether the source answers by ids
 * or with movement objects only. Pinned again when a hub came to be told by the different addresses it paid
 * (reports state `maxMovements`): in 7 account worlds, drawn with degree limits of 1 to 12, addresses that paid a few
 * wallets more often than the limit are followed now where they stopped as high-degree; no other output changed.
 */
const PINNED: Record<string, [endpoints: number, digest: string]> = {
  'account-0': [4, 'e2f12352557756cd'],
  'account-1': [16, '865f13ea546bd49a'],
  'account-2': [19, '283df6a39ab4ae9f'],
  'account-3': [4, '1c7c318a73ace557'],
  'account-4': [4, '01fd4fe2cc8f5e0c'],
  'account-5': [8, 'b8952b855d337a95'],
  'account-6': [4, '2b080b7f37e66abb'],
  'account-7': [9, '75ad4d6ddafa0cab'],
  'account-8': [4, 'b22ab6709f3c8391'],
  'account-9': [4, 'ec4135afacd57e0d'],
  'account-10': [12, '7752429ba70609cc'],
  'account-11': [9, '1b5c3d9aefac2fcd'],
  'account-12': [12, '996102a37aa6a44a'],
  'account-13': [8, 'c020f09a52b3aa13'],
  'account-14': [16, 'f7f0f9e550d136f6'],
  'account-15': [16, 'd1b109ea884c4091'],
  'account-16': [4, '872885939eec6868'],
  'account-17': [4, '8f91512aa3a4392a'],
  'account-18': [4, 'd71f712086bcdf40'],
  'account-19': [8, 'cfef8d3dfdd90477'],
  'account-20': [12, 'e7185b8facacb145'],
  'account-21': [4, 'a130da6c816e9cad'],
  'account-22': [8, '9f9b4156fa9a4ab0'],
  'account-23': [12, '19907e5d9d7469ca'],
  'account-24': [4, 'f5659bc77df6c1b7'],
  'account-25': [4, '94d697c780d5660d'],
  'account-26': [12, '0718c33f3b8ac130'],
  'account-27': [4, '0fe8cec9df97c925'],
  'account-28': [4, 'ad25659c8f480215'],
  'account-29': [4, 'de6a1d3e1f8332ac'],
  'account-30': [4, '3cb18fe598e69c0b'],
  'account-31': [4, '5c34becd860b3f29'],
  'account-32': [8, '42610271453ea2a5'],
  'account-33': [8, 'c34362f91bc015b0'],
  'account-34': [4, '5be662a9b92224cd'],
  'account-35': [4, 'd41055e8d1c7de8a'],
  'account-36': [12, '299d6e53c35e63a3'],
  'account-37': [20, 'c531046adf81336e'],
  'account-38': [4, 'f41bb38939464c72'],
  'account-39': [12, '688baa93f11c8c89'],
  'account-40': [8, '867d12aa66c6d2b3'],
  'account-41': [12, 'ccbaa8b70c9b5678'],
  'account-42': [12, '08c3db52f24e084f'],
  'account-43': [16, 'a9595e3dae65b3f5'],
  'account-44': [16, '80ae4d1eb23f8077'],
  'account-45': [4, '9006df857b84f446'],
  'account-46': [14, 'f975e2588c9cb204'],
  'account-47': [4, '90206dcded39db05'],
  'account-48': [4, 'ae5655fdf55500a0'],
  'account-49': [8, '8a1d405de02f973a'],
  'account-50': [8, 'e3de10a43801ac1e'],
  'account-51': [8, 'e1fe801056de8abf'],
  'account-52': [4, '27c16f31b6698338'],
  'account-53': [8, '1587933494989947'],
  'account-54': [12, 'f331e5f1b428804d'],
  'account-55': [8, '3f1969f8bea637d4'],
  'account-56': [8, 'bf251545256c580c'],
  'account-57': [4, '1860778a8b2c4eb0'],
  'account-58': [8, 'f7fd00481d3c3a9e'],
  'account-59': [0, 'c119d9603e2f4d27'],
  'account-60': [4, '569bb5aea74b7401'],
  'account-61': [4, '1abb871be5b84693'],
  'account-62': [8, '5adff551a98d4e7f'],
  'account-63': [4, 'a2367451276276c0'],
  'account-64': [4, '912f9f374f6b6c33'],
  'account-65': [8, 'aa964d536b597788'],
  'account-66': [20, '6224588bc30cd4d5'],
  'account-67': [16, 'c59c3e7faf2a81c6'],
  'account-68': [12, '879ccd8540c8fd29'],
  'account-69': [4, '05f4942fc3ebdfa2'],
  'account-70': [16, '67ba7132a7502f76'],
  'account-71': [16, 'fee892dd680b2b12'],
  'account-72': [16, 'b90fd8b0c51bddad'],
  'account-73': [8, 'ca7d4e5e50226e7f'],
  'account-74': [4, '410a5c510bb35f4f'],
  'account-75': [12, '8c5f3da40437779a'],
  'account-76': [12, 'dd7de9f4ee664db2'],
  'account-77': [8, '7ef8178834f03547'],
  'account-78': [12, '42ddc0bc91b39028'],
  'account-79': [8, 'eb28dc609024b469'],
  'account-80': [4, '7d19f3c55e2d5135'],
  'account-81': [8, '5ffd81ab1132b342'],
  'account-83': [8, '44f10be31c41febd'],
  'account-84': [20, '1512e8233ca7347a'],
  'account-85': [4, 'b83df6d8944c9aef'],
  'account-86': [4, '098f393ba93a9e2a'],
  'account-87': [8, '35e8ce7f53373586'],
  'account-88': [12, 'e84efec9a93fa22f'],
  'account-89': [4, '7481a6270a6b04ea'],
  'account-90': [4, '517edab9c727f01f'],
  'account-91': [16, '0894107d0bb5a300'],
  'account-92': [12, 'a5093ce1b1669326'],
  'account-93': [12, 'b9f9e53abbb2a6f2'],
  'account-94': [4, 'b949b7f5cbf1903f'],
  'account-95': [4, '4a865693f12ff885'],
  'swap-ethereum-11': [12, '49870cf4a4f3dcce'],
  'swap-tron-11': [12, '7f49a88a7c891c89'],
  'swap-ethereum-23': [12, '23f8db09f947959e'],
  'swap-tron-23': [12, 'ecb3604594644df3'],
  'swap-ethereum-37': [8, '5962f2ae689e0cd9'],
  'swap-tron-37': [8, '16327001f67972ea'],
  'swap-ethereum-41': [8, '06d00babe008168a'],
  'swap-tron-41': [8, 'db46fcce4f8f358f'],
  'swap-ethereum-53': [10, 'c7f8ae71694183ab'],
  'swap-tron-53': [10, 'a93ccbef28d29415'],
  'swap-ethereum-67': [12, '672ab760ab55d51b'],
  'swap-tron-67': [12, 'c9ba026dfd2f5d94'],
  'swap-ethereum-79': [8, '60270afeeb74f097'],
  'swap-tron-79': [8, 'c75e9ed9c7af3756'],
  'swap-ethereum-97': [16, '1b1cfb5526314629'],
  'swap-tron-97': [16, 'f41d59b8abef16f6'],
  'bridge-1': [21, 'b8818e913bbeddb6'],
  'bridge-2': [20, 'a5cc417b37b4fb1c'],
  'bridge-3': [24, 'b261c54e5bc25c6d'],
  'bridge-4': [16, 'e6867e22cbc33e3f'],
  'bridge-5': [24, '36aced6af2735739'],
  'bridge-6': [16, 'bc85d67007b42d66'],
  'bridge-7': [24, 'a6652127df350c87'],
  'bridge-8': [20, 'd25527beeaea4c9d'],
  'bridge-9': [20, 'c39495f3ac0e65d1'],
  'bridge-10': [20, 'dca810d51c67941f'],
  'bridge-11': [16, 'f108d2095a42f2c3'],
  'bridge-12': [20, 'c63526d40a765a3c'],
  'shared-deposit-0': [28, 'be425f5ffce97063'],
  'shared-deposit-1': [4, '518ddb17aac327d8'],
  'shared-deposit-2': [12, '8d635f8573519459'],
  'shared-deposit-3': [8, 'e54ce066ecf55830'],
  'shared-deposit-4': [8, '9096deda3492a967'],
  'shared-deposit-5': [16, '861b7341d2760d75'],
  'utxo-101': [8, 'afd85d9be4cf4802'],
  'utxo-202': [44, '10ad447873ef89a8'],
  'utxo-303': [28, 'c613ccb4fbdee741'],
};

describe('drawn worlds give the pre-columnar engine outputs', () => {
  const worlds = referenceWorlds();

  it('draws the pinned worlds, and they are not trivial', () => {
    expect(worlds.map((w) => w.name)).toEqual(Object.keys(PINNED));
    const endpoints = Object.values(PINNED).map(([n]) => n);
    expect(endpoints.filter((n) => n > 0).length).toBeGreaterThan(worlds.length * 0.9);
    expect(endpoints.reduce((s, n) => s + n, 0)).toBeGreaterThan(1_000);
  });

  for (const family of ['account', 'swap', 'bridge', 'shared-deposit', 'utxo']) {
    it(`${family} worlds, answered by ids and with objects`, async () => {
      const differ: string[] = [];
      for (const w of worlds.filter((x) => x.name.startsWith(`${family}-`))) {
        const pinned = PINNED[w.name]!;
        const byIds = await worldDigest(api, w);
        const byObjects = await worldDigest(api, w, answeringWithObjects);
        if (byIds.join() !== pinned.join()) differ.push(`${w.name} by ids: ${byIds.join()} (pinned ${pinned.join()})`);
        if (byObjects.join() !== pinned.join()) differ.push(`${w.name} with objects: ${byObjects.join()} (pinned ${pinned.join()})`);
      }
      expect(differ).toEqual([]);
    }, 120_000);
  }

  it('outputs made from the trace before the report object is read (JSON, summary, CSV files, packets) are the same bytes', async () => {
    const differ: string[] = [];
    let compared = 0;
    for (const w of worlds) {
      for (const options of [w.runs[0]!, w.runs[w.runs.length - 1]!]) {
        const run = () =>
          api.trace({
            ...options,
            adapters: [api.createFixtureAdapter({ dataset: w.dataset })],
            labels: api.createLabelStore(w.labels),
            builtinLabels: w.builtinLabels ?? false,
          });
        const streamed = await run().catch(() => undefined);
        if (!streamed) continue;
        const outputs = (r: api.TraceResult, packets: () => Iterable<Parameters<typeof api.packetToMarkdown>[0]>) => ({
          json: Buffer.concat([...r.reportChunks()]).toString('utf8'),
          summary: [...r.summaryPieces()].join(''),
          csv: r.csvFiles().map((f) => `${f.name}\n${[...f.pieces()].join('')}`),
          packets: [...packets()].map(api.packetToMarkdown),
        });
        const before = outputs(streamed, () => streamed.eachRequestPacket());
        const held = await run();
        // Once read, the report object is what every output is made from.
        const report = held.report;
        const after = outputs(held, () => api.buildRequestPackets(report));
        expect(after.json).toBe(api.reportToJson(report));
        for (const key of ['json', 'summary', 'csv', 'packets'] as const)
          if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) differ.push(`${w.name}: ${key}`);
        compared++;
      }
    }
    expect(differ).toEqual([]);
    expect(compared).toBeGreaterThan(worlds.length);
  }, 240_000);
});
