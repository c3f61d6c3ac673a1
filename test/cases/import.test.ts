import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ComplaintImportError, CaseStoreError } from '../../src/cases/errors.js';
import { importComplaints, parseComplaintCsv, parseComplaintJson, validateComplaints } from '../../src/cases/import.js';
import { openCaseStore } from '../../src/cases/store.js';
import { paymentSeed } from '../../src/cases/trace.js';
import { SCHEMA_VERSION } from '../../src/cases/migrations.js';

const dir = mkdtempSync(join(tmpdir(), 'chaintrail-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hash = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;

describe('complaint files', () => {
  it('gives CSV rows the line they start on, also after blank lines and quoted line breaks', () => {
    const text = `case_ref,victim_id,chain,tx_hash,amount,asset,time\n\nC1,V1,ethereum,${hash(1)},1,USDT,1775000000\n"C\n2",V2,ethereum,${hash(2)},1,USDT,1775000000\nC3,V3,ethereum,${hash(3)},1,USDT\n`;
    const { records, issues } = parseComplaintCsv(text, 'f.csv');
    expect(records.map((r) => r.line)).toEqual([3, 4]);
    expect(issues).toEqual([{ file: 'f.csv', line: 6, field: '(row)', message: 'expected 7 fields, found 6' }]);
    const v = validateComplaints(records, 'f.csv');
    expect(v.issues).toEqual([{ file: 'f.csv', line: 4, field: 'case_ref', message: 'no control characters' }]);
  });

  it('names unknown and missing columns on the header line', () => {
    const { issues } = parseComplaintCsv('case_ref,victim,chain,amount,asset,time\n', 'h.csv');
    expect(issues.map((i) => [i.line, i.field])).toEqual([
      [1, 'victim'],
      [1, 'victim_id'],
    ]);
  });

  it('gives JSON rows the line their object starts on', () => {
    const text = `{\n  "payments": [\n    {"case_ref": "A", "note": "[{"},\n\n    {\n      "case_ref": "B"\n    }\n  ]\n}\n`;
    expect(parseComplaintJson(text, 'p.json').records.map((r) => r.line)).toEqual([3, 5]);
  });

  it('takes payments by address (no hash known) and seeds them with a one-second window', () => {
    const v = validateComplaints(
      [
        {
          line: 2,
          record: {
            case_ref: 'C',
            victim_id: 'V',
            chain: 'tron',
            address: 'TNbZ9eKc3wySACMFxn8L84hGjE6ftHnpra',
            amount: '12.5',
            asset: 'usdt',
            time: '2026-04-02T10:00:00Z',
          },
        },
        {
          line: 3,
          record: {
            case_ref: 'C',
            victim_id: 'V',
            chain: 'eth',
            tx_hash: hash(7).toUpperCase().replace('0X', '0x'),
            amount_base: '5',
            asset: 'native',
            time: 1775000000,
          },
        },
        {
          line: 4,
          record: {
            case_ref: 'C',
            victim_id: 'V',
            chain: 'ethereum',
            tx_hash: hash(8),
            amount: '1',
            asset: '0x1111111111111111111111111111111111111111',
            time: 1775000000,
          },
        },
      ],
      'x',
    );
    expect(v.issues).toEqual([{ file: 'x', line: 4, field: 'decimals', message: 'required for a token contract that is not a known stablecoin' }]);
    const [byAddress, byTx] = v.payments;
    expect(byAddress).toMatchObject({
      chain: 'tron',
      amount: '12500000',
      asset: { symbol: 'USDT', decimals: 6, contract: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' },
    });
    expect(paymentSeed(byAddress!)).toEqual({ chain: 'tron', address: 'TNbZ9eKc3wySACMFxn8L84hGjE6ftHnpra', from: 1775124000, to: 1775124000 });
    expect(byTx).toMatchObject({ chain: 'ethereum', tx: hash(7), amount: '5', asset: { kind: 'native', symbol: 'ETH', decimals: 18 } });
  });
});

describe('opening a store', () => {
  it('uses CHAINTRAIL_DB, migrates once and keeps the data on reopen', async () => {
    const file = join(dir, 'env.db');
    const first = await openCaseStore({ env: { CHAINTRAIL_DB: `sqlite:${file}` } });
    expect(first.location).toBe(file);
    await first.addCase({ reference: 'R-1', jurisdiction: 'at' });
    await first.close();
    const again = await openCaseStore({ env: { CHAINTRAIL_DB: file } });
    expect(await again.getCase('R-1')).toMatchObject({ reference: 'R-1', jurisdiction: 'AT' });
    expect((await again.stats()).schemaVersion).toBe(SCHEMA_VERSION);
    await again.close();
  });

  it('refuses a store written by a newer chaintrail', async () => {
    const file = join(dir, 'newer.db');
    const s = await openCaseStore(file);
    await s.close();
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(file);
    raw.prepare('INSERT INTO schema_versions (version, name, applied_at) VALUES (?, ?, ?)').run(SCHEMA_VERSION + 1, 'future', 'now');
    raw.close();
    await expect(openCaseStore(file)).rejects.toBeInstanceOf(CaseStoreError);
  });

  it('reports an unreachable PostgreSQL server as a store error without the password', async () => {
    const error = (await openCaseStore('postgres://user:secret@127.0.0.1:1/cases').catch((e: unknown) => e)) as CaseStoreError;
    expect(error).toBeInstanceOf(CaseStoreError);
    expect(error.shortMessage).not.toContain('secret');
    expect(error.shortMessage).toContain('postgres://user:***@127.0.0.1:1/cases');
  });

  it('writes nothing of a file with one bad row among good ones', async () => {
    const store = await openCaseStore(':memory:');
    const file = join(dir, 'one-bad.csv');
    const good = (n: number) => `C${n % 3},V${n},ethereum,${hash(100 + n)},1.5,USDT,2026-04-0${1 + (n % 9)}T00:00:00Z`;
    writeFileSync(
      file,
      `case_ref,victim_id,chain,tx_hash,amount,asset,time\n${Array.from({ length: 40 }, (_, n) => (n === 33 ? `C0,V33,ethereum,${hash(133)},1.5,USDT,yesterday` : good(n))).join('\n')}\n`,
    );
    const error = (await importComplaints(store, file, { batchSize: 5 }).catch((e: unknown) => e)) as ComplaintImportError;
    expect(error.issues).toEqual([{ file, line: 35, field: 'time', message: 'not a date/time: yesterday' }]);
    expect(await store.stats()).toMatchObject({ cases: 0, victims: 0, payments: 0 });
    await store.close();
  });
});
