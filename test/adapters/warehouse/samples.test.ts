import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbWarehouse } from '../../../src/adapters/warehouse/duckdb.js';
import { createWarehouseAdapter, type WarehouseAdapter } from '../../../src/adapters/warehouse/adapter.js';
import { MissingTableError, TableShapeError } from '../../../src/adapters/warehouse/errors.js';
import { trace } from '../../../src/trace/trace.js';
import { ResponseShapeError } from '../../../src/core/errors.js';
import { referencePath } from '../../support/reference.js';

/**
 * The ethereum-etl stream samples of mainnet blocks 17173049–17173050, read where they are (never copied): 298
 * transactions and 291 token transfers as ethereum-etl writes them, values as bare JSON numbers above 2^53.
 */
const SAMPLES = referencePath('ethereum/ethereum-etl-samples/test_stream/blocks_17173049_17173050');
const TOKEN_FILE = join(SAMPLES, 'expected_token_transfers.json');
const TX_FILE = join(SAMPLES, 'expected_transactions.json');

interface RawTransfer {
  token: string;
  from: string;
  to: string;
  value: string;
  tx: string;
  logIndex: number;
  time: number;
}

/** An independent, lossless reading of the files: the digits as written, never through JSON.parse or a number. */
function field(line: string, name: string): string {
  const m = new RegExp(`"${name}": ("(?:[^"]*)"|-?\\d+|null)`).exec(line);
  if (!m) throw new Error(`no ${name} in ${line.slice(0, 80)}`);
  return m[1]!.replace(/^"|"$/g, '');
}
function rawTransfers(): RawTransfer[] {
  return readFileSync(TOKEN_FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => ({
      token: field(l, 'token_address'),
      from: field(l, 'from_address'),
      to: field(l, 'to_address'),
      value: field(l, 'value'),
      tx: field(l, 'transaction_hash'),
      logIndex: Number(field(l, 'log_index')),
      time: Number(field(l, 'block_timestamp')),
    }));
}
function rawTransactions() {
  return readFileSync(TX_FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => ({
      hash: field(l, 'hash'),
      from: field(l, 'from_address'),
      to: field(l, 'to_address'),
      contract: field(l, 'receipt_contract_address'),
      value: field(l, 'value'),
      status: field(l, 'receipt_status'),
      gasUsed: field(l, 'receipt_gas_used'),
      price: field(l, 'receipt_effective_gas_price'),
    }));
}

let adapter: WarehouseAdapter;
const transfers = rawTransfers();
const transactions = rawTransactions();
const tmp = mkdtempSync(join(tmpdir(), 'chaintrail-wh-'));

beforeAll(() => {
  adapter = createWarehouseAdapter({
    engine: createDuckDbWarehouse({ tables: { token_transfers: TOKEN_FILE, transactions: TX_FILE } }),
    chain: 'ethereum',
  });
});
afterAll(async () => {
  await adapter?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the ethereum-etl stream samples through DuckDB', { timeout: 60_000 }, () => {
  it('reads all 291 token transfers with the exact value, including those far above 2^53', async () => {
    expect(transfers).toHaveLength(291);
    expect(transactions).toHaveLength(298);
    const addresses = [...new Set(transfers.flatMap((t) => [t.from, t.to]))];
    const result = await adapter.getTransfers({ chain: 'ethereum', addresses, direction: 'both', assets: [] });
    // assets [] asks for no token and no native: nothing.
    expect(result.transfers).toEqual([]);
    const all = await adapter.getTransfers({ chain: 'ethereum', addresses, direction: 'both' });
    const tokens = all.transfers.filter((t) => t.type === 'token');
    expect(tokens).toHaveLength(291);
    const byId = new Map(tokens.map((t) => [`${t.tx}|${t.logIndex}`, t]));
    for (const raw of transfers) {
      const got = byId.get(`${raw.tx}|${raw.logIndex}`);
      expect(got, `${raw.tx} log ${raw.logIndex}`).toBeDefined();
      expect(got!.amount.toString()).toBe(raw.value);
      expect([got!.from, got!.to, got!.asset.contract, got!.time]).toEqual([raw.from, raw.to, raw.token, raw.time]);
    }
    // The sample's first transfer is the value JSON.parse would corrupt.
    expect(transfers[0]!.value).toBe('7056176614974947328');
    expect(Number(transfers[0]!.value).toString()).not.toBe('7056176614974947328');
    expect(byId.get(`${transfers[0]!.tx}|0`)!.amount).toBe(7056176614974947328n);
    expect(tokens.some((t) => t.amount > 2n ** 96n)).toBe(true);
  });

  it('reads native value only from successful transactions that carry value, with the fee they paid', async () => {
    const expected = transactions.filter((t) => t.status === '1' && t.value !== '0');
    const failedWithValue = transactions.filter((t) => t.status === '0' && t.value !== '0');
    const addresses = [...new Set(transactions.flatMap((t) => [t.from, t.to === 'null' ? t.contract : t.to]))].filter((a) => a !== 'null');
    const { transfers: got } = await adapter.getTransfers({
      chain: 'ethereum',
      addresses,
      direction: 'out',
      assets: [{ chain: 'ethereum', kind: 'native', symbol: 'ETH', decimals: 18 }],
    });
    expect(got.every((t) => t.type === 'native' && t.logIndex === -1)).toBe(true);
    expect(got.map((t) => t.tx).sort()).toEqual(expected.map((t) => t.hash).sort());
    const byTx = new Map(got.map((t) => [t.tx, t]));
    for (const raw of expected) {
      const t = byTx.get(raw.hash)!;
      expect(t.amount.toString()).toBe(raw.value);
      expect(t.fee).toBe(BigInt(raw.gasUsed) * BigInt(raw.price));
    }
    for (const raw of failedWithValue) expect(byTx.has(raw.hash)).toBe(false);
    expect(adapter.notes('ethereum').join(' ')).toMatch(/internal transfers.*not visible: no traces table/);
  });

  it('answers for one address exactly the movements the files hold for it, in both directions and in the window', async () => {
    const router = '0x74de5d4fcbf63e00296fd95d33236b9794016631';
    const fileRows = transfers.filter((t) => t.from === router || t.to === router);
    const { transfers: got, truncated } = await adapter.getTransfers({ chain: 'ethereum', addresses: [router], direction: 'both', maxPerAddress: 100 });
    expect(truncated).toEqual([]);
    expect(got.filter((t) => t.type === 'token').map((t) => [t.tx, t.logIndex, t.from, t.to, t.amount.toString()])).toEqual(
      fileRows.map((t) => [t.tx, t.logIndex, t.from, t.to, t.value]),
    );
    const out = await adapter.getTransfers({ chain: 'ethereum', addresses: [router], direction: 'out', assets: [] });
    expect(out.transfers).toEqual([]);
    const late = await adapter.getTransfers({ chain: 'ethereum', addresses: [router], direction: 'both', fromTime: fileRows[0]!.time + 1 });
    expect(late.transfers).toEqual([]);
    // Past maxPerAddress the address is named, and none of its movements come back.
    const sender = fileRows[0]!.from;
    const senderRows = transfers.filter((t) => t.from === sender || t.to === sender);
    expect(senderRows).toHaveLength(1);
    const cut = await adapter.getTransfers({ chain: 'ethereum', addresses: [router, sender], direction: 'both', maxPerAddress: 1, assets: [] });
    expect(cut).toEqual({ transfers: [], truncated: [] });
    const cutTokens = await adapter.getTransfers({
      chain: 'ethereum',
      addresses: [router, sender],
      direction: 'both',
      maxPerAddress: 1,
      assets: [{ chain: 'ethereum', kind: 'token', contract: fileRows[0]!.token, symbol: 'USDT', decimals: 6 }],
    });
    expect(cutTokens.truncated).toEqual([router]);
    // The sender's one movement is still there (it is complete); nothing else of the router's is.
    expect(cutTokens.transfers.map((t) => [t.tx, t.logIndex])).toEqual([[senderRows[0]!.tx, senderRows[0]!.logIndex]]);
  });

  it('traces a USDT payment from one of their addresses to the movements the file holds', async () => {
    const usdt = '0xdac17f958d2ee523a2206206994597c13d831ec7';
    const seed = transfers.find((t) => t.to === '0x74de5d4fcbf63e00296fd95d33236b9794016631' && t.token === usdt)!;
    const onward = transfers.filter((t) => t.from === seed.to && t.token === usdt);
    expect(onward).toHaveLength(1);
    const { report } = await trace({ seeds: [{ chain: 'ethereum', tx: seed.tx, logIndex: seed.logIndex }], adapters: [adapter], maxHops: 1 });
    expect(report.seeds.map((s) => [s.tx, s.amount])).toEqual([[seed.tx, seed.value]]);
    expect(report.endpoints.map((e) => [e.kind, e.address.toLowerCase(), e.amount, e.asset.symbol, e.asset.decimals, e.hops, e.txs])).toEqual([
      ['hop-limit', onward[0]!.to, onward[0]!.value, 'USDT', 6, 1, [onward[0]!.tx]],
    ]);
    expect(report.conservation[0]).toMatchObject({ seeded: seed.value, endpoints: seed.value, balanced: true });
  });

  it('gives every movement of all 298 transactions in one query: token transfers, successful value, nothing of a failed one', async () => {
    const key = (tx: string, from: string, to: string, asset: string, amount: string) => `${tx}|${from}>${to}:${asset}:${amount}`;
    const ok = new Set(transactions.filter((t) => t.status === '1').map((t) => t.hash));
    const expected = [
      ...transfers.filter((t) => ok.has(t.tx)).map((t) => key(t.tx, t.from, t.to, t.token, t.value)),
      ...transactions
        .filter((t) => t.status === '1' && t.value !== '0')
        .map((t) => key(t.hash, t.from, t.to === 'null' ? t.contract : t.to, 'native', t.value)),
    ].sort();
    expect(transactions.some((t) => t.status === '0')).toBe(true);
    const before = adapter.stats().queries;
    const got = await adapter.getTransactionMovements!(
      'ethereum',
      transactions.map((t) => t.hash),
    );
    expect(got.movements.map((m) => key(m.tx, m.from, m.to, m.type === 'token' ? m.asset.contract! : 'native', m.amount.toString())).sort()).toEqual(expected);
    // One query for the batch (no tokens table: symbols come from the stablecoin list, or "?" with a note).
    expect(adapter.stats().queries - before).toBe(1);
    expect(got.internalVisible).toBe(false);
    expect(got.notes.join(' ')).toMatch(/no traces table.*conversions are missing/);
    expect(got.notes.join(' ')).toMatch(/No logs table.*Deposit\/Withdrawal/);
    const unknown = `0x${'ab'.repeat(32)}`;
    await expect(adapter.getTransactionMovements!('ethereum', [transactions[0]!.hash, unknown])).rejects.toThrow(new RegExp(`not found.*${unknown}`));
    // Contracts: neither a contracts nor a traces table, so none is claimed, and a note says so.
    expect(await adapter.getContracts!('ethereum', [transactions[0]!.to])).toEqual(new Set());
    const after = await adapter.getTransactionMovements!('ethereum', [transactions[0]!.hash]);
    expect(after.notes.join(' ')).toMatch(/Neither a contracts nor a traces table.*no address was taken for one/);
  });

  it('reads ERC-20 values up to 2^256 - 1 from JSON exactly, and refuses a value column stored as a float', async () => {
    const max = (2n ** 256n - 1n).toString();
    const line = (value: string, log: number) =>
      `{"token_address": "0x1111111111111111111111111111111111111111", "from_address": "0x2222222222222222222222222222222222222222", "to_address": "0x3333333333333333333333333333333333333333", "value": ${value}, "transaction_hash": "0x${'ab'.repeat(32)}", "log_index": ${log}, "block_number": 5, "block_timestamp": 1700000000}`;
    writeFileSync(join(tmp, 'token_transfers.json'), `${line(max, 0)}\n${line('9007199254740993', 1)}\n`);
    const big = createWarehouseAdapter({ engine: createDuckDbWarehouse({ dir: tmp }), chain: 'ethereum' });
    try {
      const { transfers: got } = await big.getTransfers({ chain: 'ethereum', addresses: ['0x2222222222222222222222222222222222222222'], direction: 'out' });
      expect(got.map((t) => t.amount)).toEqual([2n ** 256n - 1n, 9007199254740993n]);
      // Native value needs transactions, which this folder does not have: a clear error naming the table.
      await expect(
        big.getTransfers({
          chain: 'ethereum',
          addresses: ['0x2222222222222222222222222222222222222222'],
          direction: 'out',
          assets: [{ chain: 'ethereum', kind: 'native', symbol: 'ETH', decimals: 18 }],
        }),
      ).rejects.toThrow(MissingTableError);
    } finally {
      await big.close();
    }

    const floats = join(tmp, 'floats');
    const engine = createDuckDbWarehouse({ tables: { token_transfers: join(floats, 'token_transfers.parquet') } });
    // Written by DuckDB itself with value as DOUBLE: what a careless export does.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`CREATE TABLE t AS SELECT '0x1111111111111111111111111111111111111111' AS token_address, '0x2222222222222222222222222222222222222222' AS from_address,
      '0x3333333333333333333333333333333333333333' AS to_address, CAST(7056176614974947328 AS DOUBLE) AS value, '0x${'cd'.repeat(32)}' AS transaction_hash,
      0 AS log_index, 5 AS block_number, 1700000000 AS block_timestamp`);
    (await import('node:fs')).mkdirSync(floats, { recursive: true });
    await c.run(`COPY t TO '${join(floats, 'token_transfers.parquet')}' (FORMAT PARQUET)`);
    c.closeSync();
    db.closeSync();
    const careless = createWarehouseAdapter({ engine, chain: 'ethereum' });
    await expect(careless.getTransfers({ chain: 'ethereum', addresses: ['0x2222222222222222222222222222222222222222'], direction: 'out' })).rejects.toThrow(
      TableShapeError,
    );
    await careless.close();
  });

  it('refuses rows that are not movements instead of guessing (a float value, a bad hash)', async () => {
    const dir = join(tmp, 'bad');
    (await import('node:fs')).mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'token_transfers.csv'),
      'token_address,from_address,to_address,value,transaction_hash,log_index,block_number,block_timestamp\n' +
        `0x1111111111111111111111111111111111111111,0x2222222222222222222222222222222222222222,0x3333333333333333333333333333333333333333,1.5e+20,0x${'ef'.repeat(32)},0,5,1700000000\n`,
    );
    const bad = createWarehouseAdapter({ engine: createDuckDbWarehouse({ dir }), chain: 'ethereum' });
    await expect(bad.getTransfers({ chain: 'ethereum', addresses: ['0x2222222222222222222222222222222222222222'], direction: 'out' })).rejects.toThrow(
      ResponseShapeError,
    );
    await bad.close();
  });
});
