import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAddress } from '../../src/core/address.js';
import type { AssetRef } from '../../src/core/schema.js';
import { rankConvergence, type SharedReach, type SharedVictim } from '../../src/cases/ranking.js';

// The convergence ranking is pure: these worlds are the rows the case database would read (one per address, case
// and asset of the cases' latest traces), generated over realistic ranges, without a database.

const ASSETS: readonly AssetRef[] = [
  { chain: 'ethereum', kind: 'native', symbol: 'ETH', decimals: 18 },
  { chain: 'ethereum', kind: 'token', contract: '0xdac17f958d2ee523a2206206994597c13d831ec7', symbol: 'USDT', decimals: 6 },
  { chain: 'ethereum', kind: 'token', contract: '0x2260fac5e5542a773aa44fbc8dfb10f1c7c2c599', symbol: 'WBTC', decimals: 8 },
];
const keyOf = (a: AssetRef) => `${a.chain}:${a.kind === 'native' ? 'native' : a.contract}`;
const ROLES = ['seed', 'intermediate', 'exchange', 'unspent', 'swept', 'hop-limit'];
const T0 = 1_600_000_000;

interface World {
  reached: SharedReach[];
  victims: SharedVictim[];
}

/** 1-12 addresses, each reached by 1-8 of 20 cases in 1-3 assets, amounts up to 10^30 base units, times over 3 years. */
const worldArb: fc.Arbitrary<World> = fc
  .uniqueArray(
    fc.record({
      address: fc.integer({ min: 1, max: 2 ** 40 }).map((n) => `0x${n.toString(16).padStart(40, '0')}`),
      cases: fc.uniqueArray(
        fc.record({
          reference: fc.integer({ min: 1, max: 20 }).map((n) => `C-${String(n).padStart(2, '0')}`),
          parts: fc.uniqueArray(
            fc.record({
              asset: fc.constantFrom(...ASSETS),
              amount: fc.bigInt({ min: 1n, max: 10n ** 30n }),
              first: fc.integer({ min: 0, max: 94_000_000 }),
              span: fc.integer({ min: 0, max: 86_400 * 30 }),
              hops: fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }),
              role: fc.constantFrom(...ROLES),
              entity: fc.option(fc.constantFrom('Binance', 'Kraken', 'OKX'), { nil: undefined }),
            }),
            { minLength: 1, maxLength: 3, selector: (p) => keyOf(p.asset) },
          ),
          victims: fc.uniqueArray(
            fc.integer({ min: 1, max: 50 }).map((n) => `V${n}`),
            { maxLength: 5 },
          ),
        }),
        { minLength: 1, maxLength: 8, selector: (c) => c.reference },
      ),
    }),
    { minLength: 1, maxLength: 12, selector: (a) => a.address },
  )
  .map((addresses) => {
    const reached: SharedReach[] = [];
    const victims: SharedVictim[] = [];
    // In the order the query returns them: chain, address, case reference, asset key.
    for (const a of [...addresses].sort((x, y) => (x.address < y.address ? -1 : 1))) {
      for (const c of [...a.cases].sort((x, y) => (x.reference < y.reference ? -1 : 1))) {
        for (const p of [...c.parts].sort((x, y) => (keyOf(x.asset) < keyOf(y.asset) ? -1 : 1))) {
          reached.push({
            chain: 'ethereum',
            address: a.address,
            reference: c.reference,
            assetKey: keyOf(p.asset),
            asset: p.asset,
            amount: p.amount,
            firstSeen: T0 + p.first,
            lastSeen: T0 + p.first + p.span,
            hops: p.hops,
            role: p.role,
            ...(p.entity ? { entity: p.entity, category: 'exchange' } : {}),
          });
        }
        for (const v of [...c.victims].sort()) victims.push({ chain: 'ethereum', address: a.address, reference: c.reference, victim: v });
      }
    }
    return { reached, victims };
  });

const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');
/** The ranking weight recomputed from an entry's totals: display units summed exactly (scaled to 77 decimals). */
const weightOf = (totals: { asset: AssetRef; amount: string }[]) => totals.reduce((s, t) => s + BigInt(t.amount) * 10n ** BigInt(77 - t.asset.decimals), 0n);

describe('convergence ranking', () => {
  it('lists every address once with its cases, victims, exact per-asset sums, first/last times and fewest hops', () => {
    fc.assert(
      fc.property(worldArb, ({ reached, victims }) => {
        const ranked = rankConvergence(reached, victims);
        const addresses = new Set(reached.map((r) => r.address));
        expect(ranked.map((e) => e.address.toLowerCase()).sort()).toEqual([...addresses].sort());
        for (const e of ranked) {
          expect(e.address).toBe(formatAddress('ethereum', e.address.toLowerCase()));
          const rows = reached.filter((r) => r.address === e.address.toLowerCase());
          const refs = [...new Set(rows.map((r) => r.reference))].sort();
          expect(e.cases.map((c) => c.reference)).toEqual(refs);
          expect(e.caseCount).toBe(refs.length);
          expect(e.victimCount).toBe(victims.filter((v) => v.address === e.address.toLowerCase()).length);
          expect(e.roles).toEqual([...new Set(rows.map((r) => r.role))].sort());
          expect(e.entity).toBe(rows.find((r) => r.entity)?.entity);
          for (const t of e.totals) {
            expect(BigInt(t.amount)).toBe(rows.filter((r) => r.assetKey === keyOf(t.asset)).reduce((s, r) => s + r.amount, 0n));
          }
          expect(e.totals.map((t) => keyOf(t.asset))).toEqual([...new Set(rows.map((r) => r.assetKey))].sort());
          expect(e.firstSeen).toBe(iso(Math.min(...rows.map((r) => r.firstSeen))));
          expect(e.lastSeen).toBe(iso(Math.max(...rows.map((r) => r.lastSeen))));
          for (const c of e.cases) {
            const own = rows.filter((r) => r.reference === c.reference);
            expect(c.amounts.map((m) => [keyOf(m.asset), BigInt(m.amount)])).toEqual(own.map((r) => [r.assetKey, r.amount]));
            const hops = own.flatMap((r) => (r.hops === null ? [] : [r.hops]));
            expect(c.hops).toBe(hops.length ? Math.min(...hops) : null);
            expect(c.victims).toEqual(victims.filter((v) => v.address === e.address.toLowerCase() && v.reference === c.reference).map((v) => v.victim));
            expect(c.firstSeen <= c.lastSeen && c.firstSeen >= e.firstSeen && c.lastSeen <= e.lastSeen).toBe(true);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('ranks by victims, then cases, then amount in display units across assets, then address; ranks run 1..n', () => {
    fc.assert(
      fc.property(worldArb, ({ reached, victims }) => {
        const ranked = rankConvergence(reached, victims);
        expect(ranked.map((e) => e.rank)).toEqual(ranked.map((_, i) => i + 1));
        for (let i = 1; i < ranked.length; i++) {
          const [a, b] = [ranked[i - 1]!, ranked[i]!];
          const key = (e: typeof a) => [e.victimCount, e.caseCount, weightOf(e.totals)] as const;
          const [ka, kb] = [key(a), key(b)];
          const order = ka[0] !== kb[0] ? ka[0] > kb[0] : ka[1] !== kb[1] ? ka[1] > kb[1] : ka[2] !== kb[2] ? ka[2] > kb[2] : a.address < b.address;
          expect(order).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('gives the same ranking whatever order the victims arrive in, and an empty one for no shared address', () => {
    fc.assert(
      fc.property(worldArb, fc.integer(), ({ reached, victims }, seed) => {
        const shuffled = [...victims].sort((a, b) => ((a.victim.length * 31 + seed) % 7) - ((b.victim.length * 31 + seed) % 7));
        const sortVictims = (entries: ReturnType<typeof rankConvergence>) =>
          entries.map((e) => ({ ...e, cases: e.cases.map((c) => ({ ...c, victims: [...c.victims].sort() })) }));
        expect(sortVictims(rankConvergence(reached, shuffled))).toEqual(sortVictims(rankConvergence(reached, victims)));
      }),
      { numRuns: 50 },
    );
    expect(rankConvergence([], [])).toEqual([]);
  });
});
