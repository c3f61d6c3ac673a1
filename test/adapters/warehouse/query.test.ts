import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bigQueryDialect } from '../../../src/adapters/warehouse/bigquery.js';
import { duckDbDialect } from '../../../src/adapters/warehouse/duckdb.js';
import { buildTransactionQuery, buildTransfersQuery } from '../../../src/adapters/warehouse/query.js';
import { createAdapterFromSource } from '../../../src/cli/sources.js';
import { cli } from '../../support/cli.js';
import { referencePath } from '../../support/reference.js';

const A = '0x74de5d4fcbf63e00296fd95d33236b9794016631';
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
const spec = {
  addresses: [A],
  direction: 'both' as const,
  fromTime: 1_683_029_000,
  toTime: 1_683_031_000,
  contracts: [USDT],
  native: true,
  internal: true,
  tokenTxIndex: false,
  maxPerAddress: 1000,
};
const tmp = mkdtempSync(join(tmpdir(), 'chaintrail-wh-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('one query builder, two dialects', () => {
  it('returns only the columns some branch fills, as text rows', () => {
    const selected = (q: { sql: string }) =>
      /SELECT ((?:m\.\w+, )*m\.\w+) FROM moves AS m/
        .exec(q.sql)![1]!
        .split(', ')
        .map((c) => c.slice(2));
    const tokensOnly = buildTransfersQuery(duckDbDialect, { ...spec, native: false, internal: false });
    expect(selected(tokensOnly)).toEqual([
      'kind',
      'contract',
      'from_address',
      'to_address',
      'value',
      'transaction_hash',
      'log_index',
      'block_number',
      'block_time',
    ]);
    expect(tokensOnly.sql).toMatch(
      /SELECT 'cut' AS kind, CAST\(NULL AS VARCHAR\) AS contract, c\.address AS from_address, (CAST\(NULL AS VARCHAR\) AS \w+, ){5}CAST\(NULL AS VARCHAR\) AS block_time FROM cut/,
    );
    expect(selected(buildTransfersQuery(duckDbDialect, { ...spec, native: false, internal: false, tokenTxIndex: true }))).toContain('transaction_index');
    const nativeOnly = buildTransfersQuery(duckDbDialect, { ...spec, contracts: [], internal: false });
    expect(selected(nativeOnly)).toEqual([
      'kind',
      'from_address',
      'to_address',
      'value',
      'transaction_hash',
      'log_index',
      'block_number',
      'block_time',
      'transaction_index',
      'gas_used',
      'gas_price',
    ]);
    expect(selected(buildTransfersQuery(duckDbDialect, spec))).toHaveLength(13);
    expect([tokensOnly, nativeOnly].every((q) => q.textRows)).toBe(true);
    expect(buildTransactionQuery(duckDbDialect, { hash: `0x${'ab'.repeat(32)}`, native: true, internal: true, tokens: true }).textRows).toBeUndefined();
  });

  it('renders the same query for DuckDB and BigQuery, differing only in the dialect’s pieces, with values as parameters', () => {
    const duck = buildTransfersQuery(duckDbDialect, spec);
    const bq = buildTransfersQuery(bigQueryDialect('bigquery-public-data.crypto_ethereum'), spec);
    expect(duck.params).toEqual(bq.params);
    expect(duck.params.map((p) => p.name).sort()).toEqual(['addresses', 'contracts', 'from_time', 'max_per_address', 'to_time']);
    expect(duck.tables).toEqual(['token_transfers', 'transactions', 'traces']);
    for (const q of [duck, bq]) {
      expect(q.sql).not.toContain(A.slice(2));
      expect(q.sql).not.toContain(USDT.slice(2));
      expect(q.sql).not.toContain('1683029000');
      // Top-level value comes from transactions only; traces contribute nested frames that really moved value.
      expect(q.sql).toContain("r.trace_address IS NOT NULL AND r.trace_address <> ''");
      expect(q.sql).toContain("(r.trace_type IN ('create', 'suicide') OR (r.trace_type = 'call' AND COALESCE(r.call_type, 'call') = 'call'))");
      expect(q.sql).toContain('r.status = 1');
      expect(q.sql).toContain('(n.receipt_status = 1 OR n.receipt_status IS NULL)');
    }
    expect(bq.sql).toContain('n.block_timestamp >= TIMESTAMP_SECONDS(@from_time)');
    // BigQuery bills the columns a query reads: one pass, no second read of the matched rows.
    expect(bq.sql).not.toContain('_hits');
    // The window compares the timestamp column itself with a constant in both dialects (BigQuery partition pruning,
    // DuckDB Parquet row-group pruning).
    expect(duck.sql).toContain('n.block_timestamp >= to_timestamp($from_time)');
    // Strip the dialect's renderings: what is left is the same text.
    const skeleton = (sql: string) =>
      sql
        .replace(/`bigquery-public-data\.crypto_ethereum\.(\w+)`/g, '"ct_$1"')
        .replace(/ IN UNNEST\(@(\w+)\)/g, ' IN (SELECT UNNEST($$$1))')
        .replace(/TIMESTAMP_SECONDS\(@(\w+)\)/g, 'to_timestamp($$$1)')
        .replace(/CAST\(UNIX_SECONDS\(([\w.]+)\) AS STRING\)/g, 'CAST((epoch_ms($1) // 1000) AS VARCHAR)')
        .replace(/CAST\(NULL AS STRING\)/g, 'CAST(NULL AS VARCHAR)')
        .replace(/CAST\(([\w.]+|COALESCE\([\w., ]+\)) AS STRING\)/g, (_m, inner: string) =>
          /value|gas_price/.test(inner) ? `trim(${inner})` : `CAST(${inner} AS VARCHAR)`,
        )
        .replace(/([\w.]+) > 0/g, "ltrim(trim($1), '0') <> ''")
        .replace(/@(\w+)/g, '$$$1');
    expect(skeleton(bq.sql)).toBe(duck.sql);
  });

  it('asks for nothing it does not need: no traces without internal, no tokens without contracts', () => {
    const q = buildTransfersQuery(duckDbDialect, { ...spec, internal: false, contracts: [] });
    expect(q.tables).toEqual(['transactions']);
    expect(q.sql).not.toContain('token_transfers');
    expect(q.params.map((p) => p.name)).not.toContain('contracts');
    const tx = buildTransactionQuery(bigQueryDialect('p.d'), { hash: `0x${'ab'.repeat(32)}`, native: true, internal: false, tokens: true });
    expect(tx.tables).toEqual(['token_transfers', 'transactions']);
    expect(tx.sql).not.toContain('ab'.repeat(32));
  });
});

describe('CLI --source duckdb:DIR and bigquery:', () => {
  it('traces the ethereum-etl samples from a folder of table-named files', async () => {
    const samples = referencePath('ethereum/ethereum-etl-samples/test_stream/blocks_17173049_17173050');
    symlinkSync(join(samples, 'expected_token_transfers.json'), join(tmp, 'token_transfers.json'));
    symlinkSync(join(samples, 'expected_transactions.json'), join(tmp, 'transactions.json'));
    const seed = '0xd5b8345af711792434af6d2506ada1d1ef6ed5dc21e97cafe0bda21ef8e3b7d7';
    const { code, stdout } = await cli([
      'trace',
      '--chain',
      'ethereum',
      '--source',
      `duckdb:${tmp}`,
      '--seed',
      seed,
      '--hops',
      '1',
      '--format',
      'json',
      '--quiet',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { sources: unknown[]; endpoints: { kind: string; amount: string; asset: { symbol: string } }[] };
    expect(report.sources).toEqual([{ chain: 'ethereum', kind: 'duckdb', endpoint: `duckdb:${tmp}` }]);
    expect(report.endpoints.filter((e) => e.asset.symbol === 'USDT').map((e) => [e.kind, e.amount])).toEqual([['hop-limit', '200000000']]);
  });

  it('says what a source spec lacks, as invalid input', async () => {
    expect((await cli(['trace', '--chain', 'ethereum', '--source', 'duckdb:', '--seed', `0x${'11'.repeat(32)}`])).code).toBe(2);
    expect((await cli(['trace', '--chain', 'ethereum', '--source', `duckdb:${join(tmp, 'missing')}`, '--seed', `0x${'11'.repeat(32)}`])).code).toBe(2);
    await expect(createAdapterFromSource('bigquery:', 'ethereum', {})).rejects.toThrow(/needs the project/);
    await expect(createAdapterFromSource('bigquery:my-project', 'evm:137', {})).rejects.toThrow(/no public blockchain-etl dataset/);
    await expect(createAdapterFromSource('bigquery:my-project', 'ethereum', { CHAINTRAIL_BIGQUERY_MAX_BYTES: '10GB' })).rejects.toThrow(
      /CHAINTRAIL_BIGQUERY_MAX_BYTES/,
    );
    const bq = await createAdapterFromSource('bigquery:my-project', 'ethereum', { CHAINTRAIL_BIGQUERY_MAX_BYTES: '1000' });
    expect([bq.kind, bq.endpoint]).toEqual(['bigquery', 'bigquery:bigquery-public-data.crypto_ethereum']);
    const own = await createAdapterFromSource('bigquery:my-project.etl_copy', 'ethereum', {});
    expect(own.endpoint).toBe('bigquery:my-project.etl_copy');
  });
});
