import { z } from 'zod';
import { InvalidInputError } from '../core/errors.js';
import { parseInput } from '../core/parse.js';
import { AssetRefSchema, SeedSchema, TimeInputSchema, type AssetRef, type SeedInput, type TraceReport } from '../core/schema.js';
import { formatUnits } from '../core/asset.js';
import { getChain } from '../core/chain.js';
import { resolveSeed } from '../engine/seeds.js';
import type { TraceGraph } from '../engine/graph.js';
import { reportAssets } from '../report/assets.js';
import { trace, type TraceOptions } from './trace.js';

/** A victim: an id (a case or complaint number) and their payments; a bare seed is a victim of its own. */
export const VictimInputSchema = z.union([SeedSchema, z.object({ id: z.string().min(1).max(200), seeds: z.array(SeedSchema).min(1) }).strict()]);
/** A victim: an id with their payment seeds, or a single seed. */
export type VictimInput = { id: string; seeds: SeedInput[] } | SeedInput;

const total = z.object({ asset: AssetRefSchema, amount: z.string(), amountDisplay: z.string() });

/** Schema of a convergence report. */
export const ConvergenceReportSchema = z.object({
  format: z.literal('chaintrail-convergence'),
  version: z.literal(1),
  minVictims: z.number().int(),
  victims: z.array(z.object({ id: z.string(), seeds: z.number().int(), tainted: z.array(total), endpoints: z.number().int(), complete: z.boolean() })),
  /** Addresses that received tainted funds from at least `minVictims` victims, most victims first. */
  addresses: z.array(
    z.object({
      chain: z.string(),
      address: z.string(),
      entity: z.string().optional(),
      category: z.string().optional(),
      /** Endpoint kinds this address had in any victim's trace (empty: funds passed through). */
      endpoint: z.array(z.string()),
      victims: z.number().int(),
      victimIds: z.array(z.string()),
      /** Tainted amounts received, summed over the victims (each victim's taint traced on its own). */
      totals: z.array(total),
      perVictim: z.array(total.extend({ victim: z.string(), hops: z.number().int().nullable() })),
    }),
  ),
});
/** Addresses that received funds from several victims, with the amounts per victim. */
export type ConvergenceReport = z.infer<typeof ConvergenceReportSchema>;

/** Options of `convergence()`: those of `trace()` without seeds, plus the minimum number of victims. */
export interface VictimConvergenceOptions extends Omit<TraceOptions, 'seeds' | 'onProgress'> {
  /** Smallest number of victims an address must have received from (default 2). */
  minVictims?: number;
  /** Called after each victim's trace. */
  onVictim?: (event: { index: number; of: number; id: string; report: TraceReport }) => void;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const parsedTime = (t: unknown) => TimeInputSchema.parse(t);

/**
 * Convergence across victims: which addresses received funds from two or more victims (a scam's collector and
 * layering wallets)? Attribution needs taint per victim, so each victim's payments are traced **separately** with the
 * same adapters, labels and settings, over one common window (from the earliest payment of any victim, unless
 * `from` is given, so each trace sees the other victims' money in a shared wallet as clean funds). An address counts
 * for a victim when that victim's trace moved tainted funds into it; the amount is the taint it received there.
 *
 * Amounts: under `haircut` (proportional, hence linear) the per-victim amounts add up to what one combined trace of
 * all seeds reports, up to base-unit rounding: use it when the split between victims matters. Under `fifo`/`poison`
 * the order of the other victims' (untainted, in this trace) funds changes what each victim's taint reaches, so the
 * per-victim figures are "what this victim's money alone would reach" and need not add up. Cost: one seed lookup per
 * payment plus N traces for N victims (a caching adapter makes the repeated reads cheap).
 */
export async function convergence(options: VictimConvergenceOptions, victims: VictimInput[]): Promise<ConvergenceReport> {
  const parsedVictims = parseInput(z.array(VictimInputSchema).min(1, 'at least one victim is needed'), victims, 'Invalid victims');
  const { minVictims = 2, onVictim, ...traceOptions } = options;
  if (!Number.isInteger(minVictims) || minVictims < 1)
    throw new InvalidInputError('minVictims must be a whole number of at least 1', { details: { minVictims } });
  const list = victimList(victims, parsedVictims);
  const from = traceOptions.from ?? (await earliestPayment(parsedVictims, traceOptions));

  const reached = new Map<string, Reached>();
  const victimRows: ConvergenceReport['victims'] = [];
  for (const [index, victim] of list.entries()) {
    const { report, graph } = await trace({ ...traceOptions, ...(from !== undefined ? { from } : {}), seeds: victim.seeds });
    onVictim?.({ index, of: list.length, id: victim.id, report });
    victimRows.push({
      id: victim.id,
      seeds: report.seeds.length,
      tainted: report.conservation.map((c) => ({ asset: c.asset, amount: c.seeded, amountDisplay: formatUnits(BigInt(c.seeded), c.asset.decimals) })),
      endpoints: report.endpoints.length,
      complete: report.complete,
    });
    tally(reached, victim.id, report, graph);
  }
  return { format: 'chaintrail-convergence', version: 1, minVictims, victims: victimRows, addresses: addressRows(reached, minVictims) };
}

/** Each victim with an id (a bare seed's id is its tx, or chain:address) and the seeds as given; ids are unique. */
function victimList(victims: VictimInput[], parsedVictims: z.infer<typeof VictimInputSchema>[]): { id: string; seeds: SeedInput[] }[] {
  const list = victims.map((v, i) => {
    const p = parsedVictims[i]!;
    if ('seeds' in p) return { id: p.id, seeds: (v as { seeds: SeedInput[] }).seeds };
    return { id: 'tx' in p ? p.tx : `${p.chain}:${p.address}`, seeds: [v as SeedInput] };
  });
  const ids = new Set<string>();
  for (const v of list) {
    if (ids.has(v.id)) throw new InvalidInputError(`Victim id "${v.id}" appears twice`, { details: { id: v.id } });
    ids.add(v.id);
  }
  return list;
}

/**
 * One common window for every victim: a victim's trace must see the other victims' earlier deposits into a shared
 * wallet (as clean money), or it would attribute those outflows to this victim alone. The earliest account-chain
 * payment of any victim; undefined when there is none.
 */
async function earliestPayment(
  parsedVictims: z.infer<typeof VictimInputSchema>[],
  traceOptions: Omit<TraceOptions, 'seeds' | 'onProgress'>,
): Promise<number | undefined> {
  const window = traceOptions.to !== undefined ? { to: parsedTime(traceOptions.to) } : {};
  let earliest = Number.POSITIVE_INFINITY;
  for (const v of parsedVictims) {
    for (const seed of 'seeds' in v ? v.seeds : [v]) {
      if (getChain(seed.chain).family === 'utxo') continue;
      const resolved = await resolveSeed(seed, traceOptions.adapters, window, traceOptions.signal);
      for (const t of resolved.transfers) if (t.time < earliest) earliest = t.time;
    }
  }
  return earliest !== Number.POSITIVE_INFINITY ? earliest : undefined;
}

interface Hit {
  victim: string;
  asset: AssetRef;
  amount: bigint;
  hops: number | null;
}
/** An address some victim's taint reached: its label, endpoint kinds and every victim's amounts. */
interface Reached {
  chain: string;
  address: string;
  entity?: string;
  category?: string;
  endpoint: Set<string>;
  hits: Hit[];
}

/** Adds one victim's trace: the taint each address received, per asset, from the trace's graph. */
function tally(reached: Map<string, Reached>, victim: string, report: TraceReport, graph: TraceGraph): void {
  const assets = reportAssets(report);
  const received = new Map<string, Map<string, bigint>>();
  graph.forEachEdge((_k, a, _source, target) => {
    const taint = BigInt(String(a.taint));
    if (taint === 0n) return;
    const m = received.get(target) ?? received.set(target, new Map()).get(target)!;
    m.set(String(a.asset), (m.get(String(a.asset)) ?? 0n) + taint);
  });
  for (const [node, byAsset] of received) {
    const attrs = graph.getNodeAttributes(node);
    let entry = reached.get(node);
    if (!entry) {
      entry = {
        chain: String(attrs.chain),
        address: String(attrs.address),
        ...(attrs.entity ? { entity: String(attrs.entity) } : {}),
        ...(attrs.category ? { category: String(attrs.category) } : {}),
        endpoint: new Set(),
        hits: [],
      };
      reached.set(node, entry);
    }
    for (const kind of String(attrs.endpoint ?? '')
      .split(',')
      .filter(Boolean))
      entry.endpoint.add(kind);
    for (const [key, amount] of byAsset) {
      const asset = assets.get(key);
      if (!asset) continue;
      entry.hits.push({ victim, asset, amount, hops: attrs.hops === null || attrs.hops === undefined ? null : Number(attrs.hops) });
    }
  }
}

const assetId = (a: AssetRef) => `${a.chain}:${a.kind}:${a.contract ?? ''}`;

/** Addresses reached by at least minVictims victims, most victims first, with totals and per-victim amounts. */
function addressRows(reached: Map<string, Reached>, minVictims: number): ConvergenceReport['addresses'] {
  return [...reached.values()]
    .map((e) => {
      const victimIds = [...new Set(e.hits.map((h) => h.victim))].sort(cmp);
      const sums = new Map<string, { asset: AssetRef; amount: bigint }>();
      for (const h of e.hits) sums.set(assetId(h.asset), { asset: h.asset, amount: (sums.get(assetId(h.asset))?.amount ?? 0n) + h.amount });
      return {
        chain: e.chain,
        address: e.address,
        ...(e.entity ? { entity: e.entity } : {}),
        ...(e.category ? { category: e.category } : {}),
        endpoint: [...e.endpoint].sort(cmp),
        victims: victimIds.length,
        victimIds,
        totals: [...sums.keys()].sort(cmp).map((k) => {
          const s = sums.get(k)!;
          return { asset: s.asset, amount: s.amount.toString(), amountDisplay: formatUnits(s.amount, s.asset.decimals) };
        }),
        perVictim: [...e.hits]
          .sort((a, b) => cmp(a.victim, b.victim) || cmp(assetId(a.asset), assetId(b.asset)))
          .map((h) => ({
            victim: h.victim,
            asset: h.asset,
            amount: h.amount.toString(),
            amountDisplay: formatUnits(h.amount, h.asset.decimals),
            hops: h.hops,
          })),
      };
    })
    .filter((a) => a.victims >= minVictims)
    .sort((a, b) => b.victims - a.victims || cmp(a.chain, b.chain) || cmp(a.address, b.address));
}

/** A short table for people: address, entity, victims and amounts. */
export function victimConvergenceToSummary(report: ConvergenceReport): string {
  const lines = [`Convergence: ${report.addresses.length} address(es) received funds from at least ${report.minVictims} of ${report.victims.length} victims`];
  for (const a of report.addresses) {
    const amounts = a.totals.map((t) => `${t.amountDisplay} ${t.asset.symbol}`).join(' + ');
    lines.push(
      `${String(a.victims).padStart(3)} victims  ${a.chain}  ${a.address}  ${a.entity ?? '(unlabeled)'}  ${amounts}${a.endpoint.length ? `  [${a.endpoint.join(',')}]` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
