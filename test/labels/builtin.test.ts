import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinLabels, createBuiltinLabelStore } from '../../src/labels/builtin.js';
import { BRIDGE_REGISTRY } from '../../src/heuristics/bridges.js';
import { classifyByLabel } from '../../src/heuristics/classify.js';
import { referencePath } from '../support/reference.js';

const PACKS = referencePath('labels/graphsense-tagpacks');

describe('built-in labels', () => {
  const labels = builtinLabels();

  it('covers exchanges, mixers and bridges on Ethereum, TRON and Bitcoin', () => {
    const has = (chain: string, category: string) => labels.some((l) => l.chain === chain && l.category === category);
    for (const chain of ['ethereum', 'tron', 'bitcoin']) expect(has(chain, 'exchange'), chain).toBe(true);
    expect(has('ethereum', 'mixer')).toBe(true);
    expect(has('bitcoin', 'mixer')).toBe(true);
    expect(has('ethereum', 'bridge')).toBe(true);
    for (const entity of ['Binance', 'OKX', 'Huobi', 'Tornado Cash'])
      expect(
        labels.some((l) => l.entity === entity),
        entity,
      ).toBe(true);
  });

  it('takes every GraphSense label from the pack its source names: the address is in that pack file', () => {
    const fromPacks = labels.filter((l) => l.source.startsWith('graphsense:'));
    expect(fromPacks.length).toBeGreaterThan(2000);
    const texts = new Map<string, string>();
    for (const l of fromPacks) {
      const file = `${l.source.slice('graphsense:'.length)}.yaml`;
      if (!texts.has(file)) texts.set(file, readFileSync(join(PACKS, 'packs', file), 'utf8').toLowerCase());
      expect(texts.get(file), l.source).toContain(l.address.toLowerCase());
      expect(l.licence).toBe('MIT');
    }
  });

  it('lists every registered bridge contract as a bridge', () => {
    for (const b of BRIDGE_REGISTRY) {
      expect(labels.find((l) => l.chain === b.chain && l.address === b.address)?.category, b.name).toBe('bridge');
    }
  });

  it('stops a trace at a built-in exchange with its jurisdictions', () => {
    const store = createBuiltinLabelStore();
    const t = classifyByLabel(store, 'tron', 'TRYL7PKCG4b4xRCM554Q5J6o8f1UjUmfnY');
    expect(t).toMatchObject({ kind: 'exchange', label: { entity: 'KuCoin & KuCoin Futures', jurisdictions: ['SC'] } });
    // A Tornado Cash pool: a mixer in GraphSense's pack, and on the OFAC SDN list, which outranks it.
    const pool = '0x722122df12d4e14e13ac3b6895a86e84145b6967';
    expect(store.find('ethereum', pool, 'mixer')).toMatchObject({ entity: 'Tornado Cash', source: 'graphsense:tornado_cash' });
    expect(classifyByLabel(store, 'ethereum', pool)).toMatchObject({
      kind: 'sanctioned',
      label: { source: 'ofac-sdn', licence: 'US government (public domain)' },
    });
  });
});
