import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { answeringWithObjects, referenceWorlds, worldDigest } from '../support/reference-worlds.js';

/**
 * Drawn worlds (test/support/reference-worlds.ts: random account worlds, swaps on Ethereum and TRON, bridges from
 * Ethereum to Arbitrum, shared deposit addresses, UTXO) under every taint model: every output hashes to what the
 * engine gave before its core became columnar (#22; computed with commit ec9d1c5), whether the source answers by ids
 * or with movement objects only. Seven account worlds (account-7, -26, -43, -72, -74, -88, -90; degree limits of 1 to
 * 12 drawn) were pinned again when a hub came to be told by the different addresses it paid: addresses that paid a
 * few wallets more often than the limit are followed there now, and a hub's reason says what it paid.
 */
const PINNED: Record<string, [endpoints: number, digest: string]> = {
  'account-0': [4, '4dd7f1776ee1320f'],
  'account-1': [16, 'ae2db5a48ca965c9'],
  'account-2': [19, '77b14a00d6d20a10'],
  'account-3': [4, '4da8f1298fa78c6c'],
  'account-4': [4, '9928de9ad06e536f'],
  'account-5': [8, 'a7e69eae9304c9ee'],
  'account-6': [4, '47c83768b573fa94'],
  'account-7': [9, '6e2220a7b7105a17'],
  'account-8': [4, '814c2b0b46bc219f'],
  'account-9': [4, '3fff408149f304a3'],
  'account-10': [12, '47b5f74b6dcc4dbd'],
  'account-11': [9, '5219c9378627b620'],
  'account-12': [12, 'a6d7032b53c900fc'],
  'account-13': [8, 'df1e3a54c071e3c2'],
  'account-14': [16, '3321722f87d520f9'],
  'account-15': [16, '4222f431f79b8be7'],
  'account-16': [4, '3e63a4a116141716'],
  'account-17': [4, '85d8325aaee0c4b5'],
  'account-18': [4, 'f45d4b5cb5c9ee4a'],
  'account-19': [8, '9f6a6179b50950cd'],
  'account-20': [12, 'a49d30ec76903229'],
  'account-21': [4, '506c8fc7648ad567'],
  'account-22': [8, '1077f7c2b00aadf6'],
  'account-23': [12, '52e22945d1cbe615'],
  'account-24': [4, '0dc873c4419984cd'],
  'account-25': [4, 'f10451174a653fa0'],
  'account-26': [12, 'e7b28c72d2121a3a'],
  'account-27': [4, '2931d55131bc9a89'],
  'account-28': [4, '0c8a61b7f7a91f7a'],
  'account-29': [4, '2ce97cda63b35d43'],
  'account-30': [4, '3651df605d2e71b5'],
  'account-31': [4, '8e26384eda4d177e'],
  'account-32': [8, '0108780d9e8dd3d0'],
  'account-33': [8, '703564e88cc37be5'],
  'account-34': [4, '8bbf3c0a88d3752b'],
  'account-35': [4, '419cf5014add257f'],
  'account-36': [12, '9cb620603269c265'],
  'account-37': [20, 'b94acf2caa80f9b6'],
  'account-38': [4, 'd4cb9497c7b07f7a'],
  'account-39': [12, 'f344b36fa86db531'],
  'account-40': [8, '1a3f0a3340b4b741'],
  'account-41': [12, '146920a5ef1fab3c'],
  'account-42': [12, '77bcc37b5276d6a3'],
  'account-43': [16, '12072095e4015015'],
  'account-44': [16, '7db9ad7108fd24fc'],
  'account-45': [4, 'aeb5c730b2791a47'],
  'account-46': [14, 'f8a1fdd8364c4e35'],
  'account-47': [4, '238105e9b83ff2b4'],
  'account-48': [4, 'a804b4921e6e205b'],
  'account-49': [8, 'b68dbc6f1439a4a7'],
  'account-50': [8, '5d58122720540fd7'],
  'account-51': [8, '3969685bd0be0875'],
  'account-52': [4, 'cfca81c6e9adb621'],
  'account-53': [8, '4205f2f32c6346c7'],
  'account-54': [12, 'd081015231fcd79b'],
  'account-55': [8, '154f04fba8953b95'],
  'account-56': [8, 'adfaae8167d9f88d'],
  'account-57': [4, 'ca2dedf3cedb9173'],
  'account-58': [8, 'f409200c8b392d6a'],
  'account-59': [0, 'c119d9603e2f4d27'],
  'account-60': [4, 'e80ba2e8b70927e7'],
  'account-61': [4, 'fa4978cc7139c4c5'],
  'account-62': [8, '189ad2b1eecd1564'],
  'account-63': [4, '4929f7afa39daf31'],
  'account-64': [4, '83af4d51810019ec'],
  'account-65': [8, 'c762636b92acc3f0'],
  'account-66': [20, '10e2e6ba13b88627'],
  'account-67': [16, '5cd294dceabae124'],
  'account-68': [12, '71fc0a175da285e7'],
  'account-69': [4, '1439feab940f9833'],
  'account-70': [16, '6b8fd32c20e41d33'],
  'account-71': [16, '819d0960bfb2f85c'],
  'account-72': [16, '8a6da871e5bbd53f'],
  'account-73': [8, 'ed355d54d55bccce'],
  'account-74': [4, 'c55575c31f71439c'],
  'account-75': [12, 'd32527dc5d69626f'],
  'account-76': [12, '84e3f38f876f1dd0'],
  'account-77': [8, '8b54e706fa29467b'],
  'account-78': [12, '3b13d3a19c783a76'],
  'account-79': [8, 'efe1af91a9b64419'],
  'account-80': [4, 'd4e9d45f3a0a22af'],
  'account-81': [8, 'bc5c60d360696e75'],
  'account-83': [8, 'b0007505e7e0b9e7'],
  'account-84': [20, '3a51cb914e58185c'],
  'account-85': [4, '6e795a5f1404081f'],
  'account-86': [4, '1c8e79483af3b00c'],
  'account-87': [8, '28895490cff3012e'],
  'account-88': [12, 'ef22a2dfcf9565ea'],
  'account-89': [4, '8ebc1d4d4bc8993e'],
  'account-90': [4, '2001d3404cbe7feb'],
  'account-91': [16, '3b88d575bb18f12a'],
  'account-92': [12, 'f3c7b6478c00a964'],
  'account-93': [12, '84068b1d6719d9e6'],
  'account-94': [4, 'cfed29babfaea9c0'],
  'account-95': [4, '9785eb5492c7830d'],
  'swap-ethereum-11': [12, 'e605fd741f2209ee'],
  'swap-tron-11': [12, '585d251fcd756f18'],
  'swap-ethereum-23': [12, '5208ef59ebd82ca4'],
  'swap-tron-23': [12, '4cf5534ec7b3bfb3'],
  'swap-ethereum-37': [8, 'ed4c6a5a8fa68e7b'],
  'swap-tron-37': [8, 'a3f4cc0d1cb3d71e'],
  'swap-ethereum-41': [8, '502c8b1d448c8342'],
  'swap-tron-41': [8, '11b089f4ee1a26ae'],
  'swap-ethereum-53': [10, '1ee1d119791cef2b'],
  'swap-tron-53': [10, '88db3254121dedb4'],
  'swap-ethereum-67': [12, '2c008c1aa2338c41'],
  'swap-tron-67': [12, 'cc267e2db667fd78'],
  'swap-ethereum-79': [8, '417331e3643c4265'],
  'swap-tron-79': [8, 'de2a160a1ff3adf3'],
  'swap-ethereum-97': [16, '8c520dc81a0887ab'],
  'swap-tron-97': [16, 'c0339cc43d7049e8'],
  'bridge-1': [21, '382e67a3e87bbaa6'],
  'bridge-2': [20, '7a992c948b160cf0'],
  'bridge-3': [24, '34cfb971b06cbcc8'],
  'bridge-4': [16, '963bb0a837dec39d'],
  'bridge-5': [24, '86bfd63e9f4fae03'],
  'bridge-6': [16, '48393a0fd493c385'],
  'bridge-7': [24, 'f46f9f02dd90c007'],
  'bridge-8': [20, '25bb71911e16e3c5'],
  'bridge-9': [20, '6060be26bb9c1223'],
  'bridge-10': [20, '1e251b344d11cf4d'],
  'bridge-11': [16, 'f3fc56e7724a01e6'],
  'bridge-12': [20, '7b7a07a55050100d'],
  'shared-deposit-0': [28, 'ce98e138377b27ec'],
  'shared-deposit-1': [4, 'f504561005c59db5'],
  'shared-deposit-2': [12, 'fc5250b1779161d3'],
  'shared-deposit-3': [8, '0d2d3e41f4184e7e'],
  'shared-deposit-4': [8, 'aef4b32226742e1a'],
  'shared-deposit-5': [16, '1227d7fdbfe52fa4'],
  'utxo-101': [8, '24daf54bd164227b'],
  'utxo-202': [44, '9a6953a1917c6079'],
  'utxo-303': [28, '0579446593c5bb06'],
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
