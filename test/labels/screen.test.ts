import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as chaintrail from '../../src/index.js';
import { isChaintrailError } from '../../src/core/errors.js';
import type { Label } from '../../src/core/schema.js';
import { createBuiltinLabelStore } from '../../src/labels/builtin.js';
import { chainOfAddressForm, labelsOnChain, screenAddresses, screenCounts, type ScreenRow } from '../../src/labels/screen.js';
import { createLabelStore, layerLabelStores, type LabelStore } from '../../src/labels/store.js';
import { expectRows, screenWorld, type ExpectedRow, type ScreenWorld } from '../support/screen-world.js';

const OPTION_CHAINS = [undefined, undefined, undefined, 'evm', 'ethereum', 'bsc', 'tron', 'bitcoin'];

/** The parts of a row the expectation states (the error text is checked to be there, not word for word). */
function comparable(row: ScreenRow): ExpectedRow {
  if (row.status === 'invalid') {
    expect(row.error.length).toBeGreaterThan(0);
    expect(row.labels).toEqual([]);
    return { index: row.index, status: row.status, labels: [] };
  }
  const { index, status, chain, chainFrom, address, duplicateOf, labels } = row;
  return { index, status, chain, chainFrom, address, ...(duplicateOf === undefined ? {} : { duplicateOf }), labels };
}

function inputsOf(world: ScreenWorld) {
  return world.inputs.map((input) => (input.chain === undefined ? input.text : { address: input.text, chain: input.chain }));
}

// Shares as whole percentages: fast-check's doubles crowd at 0 and 1, which would leave most worlds unlabeled.
const share = (min: number, max: number) => fc.integer({ min, max }).map((p) => p / 100);
const worldParams = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  addresses: fc.integer({ min: 1, max: 12 }),
  labeledShare: share(0, 100),
  inputs: fc.integer({ min: 0, max: 60 }),
  invalidShare: share(0, 40),
  rowChainShare: share(0, 100),
  optionChain: fc.constantFrom(...OPTION_CHAINS),
});

/** What the generated worlds exercised, so a test can show it met every case it claims to check. */
function tally(counts: Record<string, number>, rows: readonly ExpectedRow[]): void {
  const add = (key: string, yes: boolean) => {
    if (yes) counts[key] = (counts[key] ?? 0) + 1;
  };
  for (const row of rows) {
    add(row.status, true);
    add('repeat', row.duplicateOf !== undefined);
    add('several labels', row.labels.length > 1);
    add('evm across chains', row.chain === 'evm' && new Set(row.labels.map((l) => l.chain)).size > 2);
    add(
      'equal confidence',
      row.labels.some((l, i) => i > 0 && l.confidence === row.labels[i - 1]!.confidence),
    );
    for (const from of ['option', 'input', 'address']) add(`chain from ${from}`, row.chainFrom === from);
  }
}

describe('screenAddresses', () => {
  it('answers every input of generated worlds as computed from the label rows: labels in precedence, unlabeled, invalid, repeats', () => {
    const counts: Record<string, number> = {};
    fc.assert(
      fc.property(worldParams, ({ optionChain, ...params }) => {
        const world = screenWorld({ ...params, ...(optionChain === undefined ? {} : { optionChain }) });
        const rows = screenAddresses(inputsOf(world), {
          store: createLabelStore(world.labels),
          ...(world.optionChain === undefined ? {} : { chain: world.optionChain }),
        });
        const expected = expectRows(world);
        expect(rows.map(comparable)).toEqual(expected);
        expect(rows.map((r) => r.input)).toEqual(world.inputs.map((i) => i.text));
        tally(counts, expected);
      }),
      { numRuns: 150, seed: 21 },
    );
    for (const key of ['labeled', 'unlabeled', 'invalid', 'repeat', 'several labels', 'evm across chains', 'equal confidence']) {
      expect(counts[key] ?? 0, key).toBeGreaterThan(20);
    }
    for (const from of ['option', 'input', 'address']) expect(counts[`chain from ${from}`] ?? 0).toBeGreaterThan(20);
  });

  it('gives each label the cross-border verdict against the case jurisdiction', () => {
    fc.assert(
      fc.property(worldParams, fc.constantFrom('DE', 'SC', 'US', 'MT'), ({ optionChain: _, ...params }, cc) => {
        const world = screenWorld({ ...params, invalidShare: 0 });
        const rows = screenAddresses(inputsOf(world), { store: createLabelStore(world.labels), caseJurisdiction: cc.toLowerCase() });
        for (const label of rows.flatMap((r) => r.labels)) {
          const expected = label.jurisdictions.length === 0 ? null : !label.jurisdictions.includes(cc);
          expect(label.crossBorder).toBe(expected);
          expect(label.reason).toMatch(expected === null ? /unknown/ : new RegExp(cc));
        }
      }),
      { numRuns: 40, seed: 5 },
    );
  });

  it('says where each chain came from, keeps the licence, and counts the rows', () => {
    const labels: Label[] = [
      {
        chain: 'evm:56',
        address: `0x${'ab'.repeat(20)}`,
        entity: 'eXch',
        category: 'instant-exchange',
        jurisdictions: [],
        confidence: 0.7,
        source: 's1',
        licence: 'MIT',
      },
      { chain: 'evm', address: `0x${'ab'.repeat(20)}`, entity: 'Any', category: 'exchange', jurisdictions: ['SC'], confidence: 0.2, source: 's2' },
    ];
    const store = createLabelStore(labels);
    const upper = `0x${'AB'.repeat(20)}`;
    const rows = screenAddresses([upper, { address: upper, chain: 'bsc' }, { address: upper, chain: 'ethereum' }, { address: upper, chain: 'tron' }, upper], {
      store,
    });
    expect(rows.map((r) => [r.status, r.chain, r.chainFrom])).toEqual([
      ['labeled', 'evm', 'address'],
      ['labeled', 'evm:56', 'input'],
      ['labeled', 'ethereum', 'input'],
      ['invalid', 'tron', 'input'],
      ['labeled', 'evm', 'address'],
    ]);
    // 0x… without a chain: Ethereum's and every-EVM-chain labels first (the store's order there), then other chains'.
    expect(rows[0]!.labels.map((l) => l.entity)).toEqual(['Any', 'eXch']);
    expect(rows[1]!.labels.map((l) => [l.entity, l.licence])).toEqual([
      ['eXch', 'MIT'],
      ['Any', undefined],
    ]);
    expect(rows[2]!.labels.map((l) => l.entity)).toEqual(['Any']);
    expect(rows[4]).toMatchObject({ duplicateOf: 1 });
    // Keys in the order the JSON output lists them, with and without a file and a repeat; invalid rows with and
    // without the chain they were checked against.
    const fromFile = screenAddresses(
      [
        { address: upper, file: 'list.txt', line: 3 },
        { address: upper, file: 'list.txt', line: 4 },
        { address: '0x12', file: 'list.txt', line: 5 },
        { address: 'not-an-address', file: 'list.txt', line: 6 },
      ],
      { store },
    );
    expect([...rows.slice(0, 1), rows[4]!, ...fromFile].map((r) => Object.keys(r).join(' '))).toEqual([
      'index line input status chain chainFrom address labels',
      'index line input status chain chainFrom address duplicateOf labels',
      'index line file input status chain chainFrom address labels',
      'index line file input status chain chainFrom address duplicateOf labels',
      'index line file input status chain chainFrom error labels',
      'index line file input status error labels',
    ]);
    expect(screenCounts(rows)).toEqual({ inputs: 5, labeled: 4, unlabeled: 0, invalid: 1, duplicates: 1 });
    // Rows hold copies: changing one does not change the store.
    rows[0]!.labels[0]!.entity = 'changed';
    expect(store.getAll('ethereum', `0x${'ab'.repeat(20)}`)[0]!.entity).toBe('Any');
  });

  it('screens against the built-in labels by default and through layered stores (the trace’s precedence)', () => {
    const builtin = createBuiltinLabelStore();
    const [some] = [...builtin.entries()].filter((l) => l.chain === 'tron');
    expect(some).toBeDefined();
    const [row] = screenAddresses([some!.address]);
    expect(row).toMatchObject({ status: 'labeled', chain: 'tron', chainFrom: 'address', address: some!.address });
    expect(row!.labels[0]).toMatchObject({ entity: some!.entity, category: some!.category, source: some!.source });
    const mine: Label = { ...some!, entity: 'My own', category: 'scam', confidence: 0.1, source: 'case file' };
    const [layered] = screenAddresses([some!.address], { store: layerLabelStores(createLabelStore([mine]), builtin) });
    expect(layered!.labels.map((l) => l.entity)).toEqual(['My own', ...builtin.getAll('tron', some!.address).map((l) => l.entity)]);
  });

  it('finds labels on every EVM chain of stores that list their chains and of stores that cannot (read once)', () => {
    const address = `0x${'cd'.repeat(20)}`;
    const labels: Label[] = ['evm:250', 'evm:56', 'ethereum'].map((chain, i) => ({
      chain,
      address,
      entity: `E${i}`,
      category: 'exchange',
      jurisdictions: [],
      confidence: 0.5,
      source: chain,
    }));
    const store = createLabelStore(labels);
    expect(store.chains?.().sort()).toEqual(['ethereum', 'evm:250', 'evm:56']);
    // A store of another making: only the LabelStore methods every store has.
    const { chains: _, ...plain } = store;
    let reads = 0;
    const other: LabelStore = {
      ...plain,
      size: store.size,
      *entries() {
        reads++;
        yield* store.entries();
      },
    };
    for (const s of [store, other, layerLabelStores(createLabelStore(), other)]) {
      expect(labelsOnChain(s, 'evm', address).map((l) => l.chain)).toEqual(['ethereum', 'evm:56', 'evm:250']);
      expect(screenAddresses([address, address.toUpperCase().replace('0X', '0x')], { store: s })[1]).toMatchObject({ duplicateOf: 1, status: 'labeled' });
    }
    expect(reads).toBe(1);
  });

  it('names what is wrong with each invalid input, and fails only on bad options', () => {
    const rows = screenAddresses(['hello', '', { address: '0x12', line: 7, file: 'list.txt' }, 42 as never, { address: 'T1', chain: 'dogecoin' }], {
      store: createLabelStore(),
    });
    expect(rows.map((r) => r.status)).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'invalid']);
    const errors = rows.map((r) => (r.status === 'invalid' ? r.error : ''));
    expect(errors[0]).toMatch(/cannot tell the chain of "hello" from its form.*give its chain/);
    expect(errors[1]).toMatch(/empty/);
    expect(rows[2]).toMatchObject({ line: 7, file: 'list.txt', chain: 'evm' });
    expect(errors[2]).toMatch(/Invalid ethereum address "0x12": expected 0x followed by 40 hex digits/);
    expect(rows[3]).toMatchObject({ index: 4, input: '42' });
    expect(errors[3]).toMatch(/^input 4: /);
    expect(errors[4]).toMatch(/Unknown chain "dogecoin"/);
    const thrown = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error;
      }
      throw new Error('expected an error');
    };
    const badChain = thrown(() => screenAddresses(['0x0'], { chain: 'etherium' }));
    expect(isChaintrailError(badChain, 'INVALID_INPUT') && badChain.shortMessage).toMatch(/Unknown chain "etherium": did you mean ethereum/);
    const badCc = thrown(() => screenAddresses([], { caseJurisdiction: 'XX' }));
    expect(isChaintrailError(badCc, 'INVALID_INPUT') && badCc.shortMessage).toMatch(/^screenAddresses options: caseJurisdiction: /);
  });

  it('tells chains from address forms', () => {
    expect(chainOfAddressForm('0xBE0EB53F46CD790CD13851D5EFF43D12404D33E8')).toBe('evm');
    expect(chainOfAddressForm('0x41a614f803b6fd780986a42c78ec9c7f77e6ded13c')).toBe('tron');
    expect(chainOfAddressForm('41a614f803b6fd780986a42c78ec9c7f77e6ded13c')).toBe('tron');
    expect(chainOfAddressForm('TRYL7PKCG4b4xRCM554Q5J6o8f1UjUmfnY')).toBe('tron');
    expect(chainOfAddressForm('BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ')).toBe('bitcoin');
    expect(chainOfAddressForm('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa')).toBe('bitcoin');
    expect(chainOfAddressForm('3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy')).toBe('bitcoin');
    expect(chainOfAddressForm('tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx')).toBe('bitcoin-testnet');
    expect(chainOfAddressForm('bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080')).toBe('bitcoin-regtest');
    expect(chainOfAddressForm('LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb')).toBeUndefined();
  });

  it('is part of the public API', () => {
    expect(chaintrail.screenAddresses).toBe(screenAddresses);
    expect(typeof chaintrail.parseAddressList).toBe('function');
  });
});
