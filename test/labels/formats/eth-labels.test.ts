import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.js';
import { ETH_LABELS_CHAINS, parseEthLabelsAccounts, readEthLabelsDir } from '../../../src/labels/formats/eth-labels.js';
import { etherscanCategory, etherscanEntity } from '../../../src/labels/formats/etherscan.js';

// Rows in the documented shape of dawsbot/eth-labels: data/<explorer>/<label>/accounts.json, an array of
// { address, nameTag } (nameTag null when the explorer shows none), tokens.json beside it for token contracts.
const hex = fc.stringMatching(/^[0-9a-f]{40}$/).map((h) => `0x${h}`);
const account = fc.record({
  address: fc.oneof({ weight: 9, arbitrary: hex }, { weight: 1, arbitrary: fc.constantFrom('0x12', 'not-an-address') }),
  nameTag: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('Binance 14', 'ChangeNOW 2', 'Tornado.Cash: Router', 'FixedFloat', 'Uniswap V2: Router 2', 'Fake_Phishing123') },
    { weight: 1, arbitrary: fc.constant(null) },
  ),
});
const slug = fc.constantFrom('exchange', 'binance', 'changenow', 'tornado-cash', 'phish-hack', 'dex', 'bridge');

describe('eth-labels importer', () => {
  it('reads every account of every explorer folder with its chain, entity, category and line; skips what it cannot read, saying why', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...Object.keys(ETH_LABELS_CHAINS), 'zkscan'), slug, fc.array(account, { minLength: 1, maxLength: 8 })), {
          minLength: 1,
          maxLength: 6,
        }),
        (folders) => {
          const dir = mkdtempSync(join(tmpdir(), 'eth-labels-'));
          try {
            const files = new Map<string, { chain: string | undefined; label: string; rows: { address: string; nameTag: string | null }[] }>();
            for (const [explorer, label, rows] of folders) files.set(`${explorer}/${label}`, { chain: ETH_LABELS_CHAINS[explorer], label, rows });
            for (const [path, f] of files) {
              mkdirSync(join(dir, 'data', path), { recursive: true });
              writeFileSync(join(dir, 'data', path, 'accounts.json'), JSON.stringify(f.rows, null, 2));
              writeFileSync(join(dir, 'data', path, 'tokens.json'), JSON.stringify([{ address: f.rows[0]!.address, tokenName: 'T', tokenSymbol: 'T' }]));
            }
            const got = readEthLabelsDir(dir);
            const read = [...files.values()].filter((f) => f.chain);
            const expected = read.flatMap((f) =>
              f.rows.flatMap((r) =>
                /^0x[0-9a-f]{40}$/.test(r.address) && r.nameTag
                  ? [{ chain: f.chain, address: r.address, entity: etherscanEntity(r.nameTag), category: etherscanCategory([f.label], r.nameTag) }]
                  : [],
              ),
            );
            const sortKey = (l: { chain: string | undefined; address: string; entity: string }) => `${l.chain}|${l.address}|${l.entity}`;
            expect(
              got.labels
                .map((l) => ({ chain: l.chain, address: l.address, entity: l.entity, category: l.category }))
                .sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
            ).toEqual(expected.sort((a, b) => sortKey(a).localeCompare(sortKey(b))));
            expect(got.summary.rows).toBe(read.reduce((n, f) => n + f.rows.length, 0));
            expect(got.summary.skipped.length).toBe(got.summary.rows - got.labels.length);
            for (const s of got.summary.skipped) expect(s.code === 'invalid-address' || s.code === 'no-entity').toBe(true);
            expect(got.unreadFolders.map((u) => u.folder.endsWith('zkscan'))).toEqual(folders.some(([e]) => e === 'zkscan') ? [true] : []);
            // Each label's source names its file and the line its address is written on.
            for (const l of got.labels) {
              const m = /^eth-labels (\w+)\/([\w-]+)\/accounts\.json:(\d+)$/.exec(l.source)!;
              expect(m, l.source).not.toBeNull();
              const text = JSON.stringify(files.get(`${m[1]}/${m[2]}`)!.rows, null, 2).split('\n');
              expect(text[Number(m[3]) - 1]).toContain(l.address);
            }
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rejects a file that is not an accounts array, naming it', () => {
    expect(() => parseEthLabelsAccounts('{"0xabc": "x"}', 'data/etherscan/x/accounts.json', { chain: 'ethereum', label: 'x' })).toThrow(InvalidInputError);
    expect(() => parseEthLabelsAccounts('[', 'data/etherscan/x/accounts.json', { chain: 'ethereum', label: 'x' })).toThrow(/accounts\.json: not valid JSON/);
  });
});
