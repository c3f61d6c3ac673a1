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

  it('takes every GraphSense entry from the tag it cites: the address is on that line of that pack', () => {
    const fromPacks = labels.filter((l) => l.source.startsWith('GraphSense'));
    expect(fromPacks.length).toBeGreaterThan(50);
    for (const l of fromPacks) {
      const m = /packs\/([\w.-]+\.yaml):(\d+)/.exec(l.source);
      expect(m, l.source).not.toBeNull();
      const line = readFileSync(join(PACKS, 'packs', m![1]!), 'utf8').split('\n')[Number(m![2]) - 1]!;
      expect(line.toLowerCase(), l.source).toContain(l.address.toLowerCase());
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
    expect(classifyByLabel(store, 'ethereum', '0x722122df12d4e14e13ac3b6895a86e84145b6967')?.kind).toBe('mixer');
  });
});
