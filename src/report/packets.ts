import { readJsonFile } from '../core/json-file.js';
import { z } from 'zod';
import { InvalidInputError, ReportTooLargeError, withinStringLimit } from '../core/errors.js';
import { parseInput } from '../core/parse.js';
import { AssetRefSchema, EndpointSchema, TraceReportSchema, type Endpoint, type TraceReport } from '../core/schema.js';
import { isService } from '../core/service.js';
import { escapeMarkdown, markdownCode, slug } from './escape.js';
import { freezeCandidates } from './freeze.js';
import { formatUnits } from '../core/asset.js';
import { MadeList } from './made-list.js';

/** An amount of an asset, in base units and for display. */
export const MoneySchema = z.object({ asset: AssetRefSchema, amount: z.string(), amountDisplay: z.string() });
/** A movement with what it moved and the tainted part of it (base units and display units of the address's asset). */
export const PacketMovementSchema = z.object({
  tx: z.string(),
  logIndex: z.number().int(),
  time: z.string(),
  amount: z.string(),
  amountDisplay: z.string(),
  taint: z.string(),
  taintDisplay: z.string(),
});
/** A victim payment's part of an amount (base units of the address's asset). */
export const ContributionSchema = z.object({ chain: z.string(), tx: z.string(), logIndex: z.number().int(), amount: z.string(), amountDisplay: z.string() });

/** How a packet's amounts are made: stated in every packet. */
export const CLAIM_RULE =
  'each address is requested for the tainted amount the trace placed there under the taint model (an inferred deposit address: what it swept into the exchange; otherwise what it received, or for a token freeze what it still holds): never more than the tainted part of the transfers into it listed as incoming';
export const ATTRIBUTION_RULES: Record<string, string> = {
  fifo: 'victim payments: each amount is split by the payment its taint came from, oldest tainted funds spent first at every address (fifo), in whole base units that add up exactly',
  haircut:
    'victim payments: each amount is split by the payment its taint came from, in proportion to what every address held of each payment when it paid out (haircut), in whole base units that add up exactly (largest remainder)',
  poison:
    'victim payments: each amount is split by the payment its taint came from, in proportion to what every address held of each payment when it paid out, in whole base units that add up exactly (largest remainder)',
  tiho: 'victim payments: each amount is split by the payment its taint came from, in proportion to what every address held of each payment when it paid out, in whole base units that add up exactly (largest remainder)',
};

/** The label that attributed a packet address: entity, the label's source id and its data's licence. */
export const AttributionSchema = z.object({ entity: z.string(), source: z.string(), licence: z.string() });

/** Who a packet goes to: a service (its category: exchange, instant-exchange, payment, gambling, custody) or a token issuer. */
export const PacketTypeSchema = z.enum(['exchange', 'instant-exchange', 'payment', 'gambling', 'custody', 'issuer']);

/** One document per recipient of a disclosure/freeze request: a service (exchange, …), or the issuer of a freezable stablecoin. */
export const RequestPacketSchema = z.object({
  format: z.literal('chaintrail-request-packet'),
  version: z.literal(1),
  type: PacketTypeSchema,
  request: z.string(),
  case: z.object({ reference: z.string().optional(), jurisdiction: z.string().optional() }),
  recipient: z.object({
    entity: z.string(),
    /** ISO 3166-1 alpha-2 codes; empty means unknown (never guessed). */
    jurisdictions: z.array(z.string()),
    crossBorder: z.boolean().nullable(),
    crossBorderReason: z.string(),
  }),
  totals: z.array(MoneySchema),
  addresses: z.array(
    MoneySchema.extend({
      chain: z.string(),
      address: z.string(),
      /** Service packets: true when the deposit address was inferred from a sweep into a labeled wallet. */
      inferred: z.boolean().optional(),
      sweptTo: z.array(z.string()).optional(),
      /**
       * An inferred deposit address whose confidence the report states (every service but an exchange whose deposit
       * address rests on sweeps alone): the report's depositEvidence for this asset, with that confidence.
       */
      depositEvidence: EndpointSchema.shape.depositEvidence,
      /**
       * Service packets: the label that attributed the address, when that label states its source's licence (the
       * built-in pack's do): its entity, source id and licence. An inferred deposit address: the label of the wallet it
       * swept to (`sweptTo`), which decided it.
       */
      label: AttributionSchema.optional(),
      hops: z.number().int(),
      firstSeen: z.string(),
      lastSeen: z.string(),
      /** Tainted transactions into this address (the hashes of `incoming`). */
      txs: z.array(z.string()),
      /** The tainted transfers into this address; `amount` never exceeds the sum of their tainted parts. */
      incoming: z.array(PacketMovementSchema.extend({ from: z.string() })),
      /** Transfers out of this address the amount relies on: an inferred deposit address's sweeps into the exchange. */
      outgoing: z.array(PacketMovementSchema.extend({ to: z.string() })),
      /** `amount` split by the victim payment it came from (with `unattributed`, they add up to `amount`). */
      victims: z.array(ContributionSchema),
      /** Part of `amount` not attributed to one payment (base units): a UTXO trace, or a report without attribution. */
      unattributed: z.string().optional(),
      /** From the victim payment (step 0) to this address, one transaction per hop. */
      /** A step that was a swap, wrap or unwrap names its conversions (symbols in and out, share of the input tainted). */
      path: z.array(
        z.object({
          step: z.number().int(),
          tx: z.string(),
          victimPayment: z.boolean(),
          conversions: z.array(z.object({ assetIn: z.string(), assetOut: z.string(), sharePercent: z.number() })).optional(),
        }),
      ),
    }),
  ),
  /** Every victim payment whose money reaches these addresses, with what it contributed to them (per asset; empty for a payment listed only because a path starts at it). */
  victimPayments: z.array(
    z.object({
      chain: z.string(),
      tx: z.string(),
      recipient: z.string(),
      amountDisplay: z.string(),
      symbol: z.string(),
      time: z.string(),
      contributed: z.array(MoneySchema),
    }),
  ),
  method: z.object({ taint: z.string(), maxHops: z.number(), complete: z.boolean(), balanced: z.boolean(), claim: z.string(), attribution: z.string() }),
});
/** What to ask one exchange: its deposit addresses, amounts, times and transactions. */
export type RequestPacket = z.infer<typeof RequestPacketSchema>;
type PacketAddress = RequestPacket['addresses'][number];
/**
 * A request packet whose addresses are made as they are read (MadeList) and not kept: what `eachRequestPacket` yields.
 * Its JSON (jsonChunks, or JSON.stringify through the list's toJSON) and Markdown are a RequestPacket's.
 */
export type StreamedPacket = Omit<RequestPacket, 'addresses'> & { addresses: MadeList<PacketAddress> };

/** A request packet as a file to write: name and content. */
export interface PacketFile {
  /** File name only (no directory); derived from the entity with everything but [a-z0-9-] removed. */
  name: string;
  content: string;
}

export const assetId = (a: Endpoint['asset']) => `${a.chain}:${a.kind}:${(a.contract ?? '').toLowerCase()}`;

/**
 * What building a report's packets looks up, indexed once: a report of hundreds of thousands of endpoints has as many
 * packet addresses, and a scan of the report per address (its endpoint, its seeds) took minutes.
 */
interface PacketIndex {
  /** Transactions of the seed payments. */
  seedTxs: ReadonlySet<string>;
  /** The seed row of a victim payment (`seedRow`), looked up instead of scanned: a trace may have thousands of seeds. */
  seedOf: (v: VictimPaymentRef) => TraceReport['seeds'][number] | undefined;
  /** The report's conversions by `chain|tx`, in report order. */
  conversions: ReadonlyMap<string, NonNullable<TraceReport['conversions']>>;
  /** The first endpoint of each kind, chain, address and asset (what a deposit address of the `exchanges` section names). */
  endpoints: ReadonlyMap<string, Endpoint>;
}

const endpointKey = (kind: string, chain: string, address: string, a: Endpoint['asset']) =>
  `${kind}|${chain}|${address}|${a.chain}|${a.kind}|${a.contract ?? ''}`;

function packetIndex(report: TraceReport): PacketIndex {
  const conversions = new Map<string, NonNullable<TraceReport['conversions']>>();
  for (const c of report.conversions ?? []) {
    const k = `${c.chain}|${c.tx}`;
    conversions.set(k, [...(conversions.get(k) ?? []), c]);
  }
  const endpoints = new Map<string, Endpoint>();
  for (const e of report.endpoints) {
    const k = endpointKey(e.kind, e.chain, e.address, e.asset);
    if (!endpoints.has(k)) endpoints.set(k, e);
  }
  return { seedTxs: new Set(report.seeds.flatMap((s) => (s.tx ? [s.tx] : []))), seedOf: seedRows(report), conversions, endpoints };
}

/** The path's steps; a step's conversions when the report has some in its transaction (most reports have none). */
function pathOf(index: PacketIndex, endpoint: Endpoint): PacketAddress['path'] {
  const { path, chain } = endpoint;
  const out: PacketAddress['path'] = new Array(path.length);
  for (let i = 0; i < path.length; i++) {
    const tx = path[i]!;
    const step: PacketAddress['path'][number] = { step: i, tx, victimPayment: i === 0 && index.seedTxs.has(tx) };
    const swaps = index.conversions.size > 0 ? index.conversions.get(`${chain}|${tx}`) : undefined;
    if (swaps?.length) step.conversions = swaps.map((c) => ({ assetIn: c.assetIn.symbol, assetOut: c.assetOut.symbol, sharePercent: c.share.percent }));
    out[i] = step;
  }
  return out;
}

function common(report: TraceReport) {
  return {
    format: 'chaintrail-request-packet' as const,
    version: 1 as const,
    case: { ...report.case },
    method: {
      taint: report.settings.taint,
      maxHops: report.settings.maxHops,
      complete: report.complete,
      balanced: report.conservation.every((c) => c.balanced),
      claim: CLAIM_RULE,
      attribution: ATTRIBUTION_RULES[report.settings.taint] ?? ATTRIBUTION_RULES.haircut!,
    },
  };
}

type Moved = { tx: string; logIndex: number; time: string; amount: string; taint: string };
const display = (baseUnits: string, decimals: number) => formatUnits(BigInt(baseUnits), decimals);

/**
 * A movement as a packet lists it, its counterparty (`from` of an inflow, `to` of a sweep) last: one literal, then one
 * field (no spread: a packet lists a million of them).
 */
function movedRow(m: Moved, d: number, side: 'from' | 'to', counterparty: string): Record<string, unknown> {
  const amountDisplay = display(m.amount, d);
  const taintDisplay = m.taint === m.amount ? amountDisplay : display(m.taint, d);
  const row: Record<string, unknown> = { tx: m.tx, logIndex: m.logIndex, time: m.time, amount: m.amount, amountDisplay, taint: m.taint, taintDisplay };
  row[side] = counterparty;
  return row;
}

/**
 * A report endpoint as a packet address: the amount, the movements it relies on, and its split by victim payment.
 * Fields added in the schema's order, optional ones only when present (no spread per field).
 */
function packetAddress(index: PacketIndex, e: Endpoint, extra: { inferred?: boolean; service?: boolean } = {}): PacketAddress {
  const d = e.asset.decimals;
  const victims = (e.victims ?? []).map((v) => ({ chain: v.chain, tx: v.tx, logIndex: v.logIndex, amount: v.amount, amountDisplay: display(v.amount, d) }));
  let attributed = 0n;
  for (const v of victims) attributed += BigInt(v.amount);
  const unattributed = BigInt(e.amount) - attributed;
  const out: Record<string, unknown> = { chain: e.chain, address: e.address };
  if (extra.inferred !== undefined) out.inferred = extra.inferred;
  if (e.sweptTo) out.sweptTo = e.sweptTo;
  if (e.depositEvidence?.confidence !== undefined) out.depositEvidence = e.depositEvidence;
  if (extra.service) {
    const label = attributionOf(e);
    if (label) out.label = label;
  }
  out.asset = e.asset;
  out.amount = e.amount;
  out.amountDisplay = e.amountDisplay;
  out.hops = e.hops;
  out.firstSeen = e.firstSeen;
  out.lastSeen = e.lastSeen;
  out.txs = e.txs;
  out.incoming = (e.inflows ?? []).map((m) => movedRow(m, d, 'from', m.from));
  out.outgoing = (e.outflows ?? []).map((m) => movedRow(m, d, 'to', m.to));
  out.victims = victims;
  if (unattributed !== 0n) out.unattributed = unattributed.toString();
  out.path = pathOf(index, e);
  return out as PacketAddress;
}

/** The label, with its source and licence, when the endpoint's label states them (old reports keep their bytes). */
function attributionOf(e: Endpoint): z.infer<typeof AttributionSchema> | undefined {
  return e.entity !== undefined && e.labelSource !== undefined && e.labelLicence !== undefined
    ? { entity: e.entity, source: e.labelSource, licence: e.labelLicence }
    : undefined;
}

type VictimPaymentRef = { chain: string; tx: string; recipient?: string; time?: string; paid?: string };

/**
 * The seed row of a victim payment: the first of the report's seeds with its hash, or an address seed with its
 * recipient, time and amount, whichever comes first in the report.
 */
function seedRows(report: TraceReport): (v: VictimPaymentRef) => TraceReport['seeds'][number] | undefined {
  const byTx = new Map<string, number>();
  const byAddress = new Map<string, number>();
  report.seeds.forEach((s, i) => {
    const key = s.tx ? JSON.stringify([s.chain, s.tx]) : JSON.stringify([s.chain, s.address, s.time, s.amount]);
    const at = s.tx ? byTx : byAddress;
    if (!at.has(key)) at.set(key, i);
  });
  return (v) => {
    const a = byTx.get(JSON.stringify([v.chain, v.tx])) ?? Number.POSITIVE_INFINITY;
    const b = byAddress.get(JSON.stringify([v.chain, v.recipient, v.time, v.paid])) ?? Number.POSITIVE_INFINITY;
    return report.seeds[Math.min(a, b)];
  };
}

/** Every victim payment contributing to the addresses, with its contribution per asset, and the payments the paths start at. */
function victimPayments(report: TraceReport, index: PacketIndex, endpoints: readonly Endpoint[]): RequestPacket['victimPayments'] {
  const byPayment = new Map<string, { row: RequestPacket['victimPayments'][number]; sums: Money[] }>();
  for (const e of endpoints) {
    for (const v of e.victims ?? []) {
      const k = `${v.chain}|${v.tx}|${v.logIndex}`;
      let entry = byPayment.get(k);
      if (!entry) {
        const seed = index.seedOf(v);
        const row = {
          chain: v.chain,
          tx: v.tx,
          recipient: v.recipient,
          amountDisplay: seed ? seed.amountDisplay : `${v.paid} base units`,
          symbol: seed?.asset.symbol ?? '',
          time: v.time,
          contributed: [],
        };
        byPayment.set(k, (entry = { row, sums: [] }));
      }
      entry.sums.push({ asset: e.asset, amount: v.amount, amountDisplay: '' });
    }
  }
  // A path starts at the earliest payment into its first address, which the taint model may not have carried this far.
  const first = new Set(endpoints.flatMap((e) => e.path.slice(0, 1)));
  const listed = new Set([...byPayment.values()].map((p) => p.row.tx));
  for (const s of report.seeds) {
    if (!s.tx || !first.has(s.tx) || listed.has(s.tx)) continue;
    listed.add(s.tx);
    byPayment.set(`${s.chain}|${s.tx}|path`, {
      row: { chain: s.chain, tx: s.tx, recipient: s.address, amountDisplay: s.amountDisplay, symbol: s.asset.symbol, time: s.time, contributed: [] },
      sums: [],
    });
  }
  return [...byPayment.values()]
    .map(({ row, sums }) => ({ ...row, contributed: sumMoney(sums) }))
    .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.tx < b.tx ? -1 : a.tx > b.tx ? 1 : 0));
}

export type Money = z.infer<typeof MoneySchema>;

/** Exact per-asset sums (bigint), sorted by asset. */
export function sumMoney(items: readonly Money[]): Money[] {
  const sums = new Map<string, { asset: Money['asset']; amount: bigint }>();
  for (const m of items) {
    const k = assetId(m.asset);
    sums.set(k, { asset: sums.get(k)?.asset ?? m.asset, amount: (sums.get(k)?.amount ?? 0n) + BigInt(m.amount) });
  }
  return [...sums.keys()].sort().map((k) => {
    const s = sums.get(k)!;
    return { asset: s.asset, amount: s.amount.toString(), amountDisplay: formatUnits(s.amount, s.asset.decimals) };
  });
}

/** Request packets for every service entity reached and every issuer of a freezable stablecoin still holding tainted funds. */
export function buildRequestPackets(report: TraceReport): RequestPacket[] {
  return [...eachRequestPacket(report)].map((p) => ({ ...p, addresses: p.addresses.all() }));
}

/**
 * The packets of `buildRequestPackets`, in its order, each made when the one before was taken, its addresses made as
 * they are read: a writer holds one address at a time, not a packet (an issuer's freeze request at 1 M transfers
 * lists 164 k addresses, 350 MB as objects). The totals and victim payments are summed from the report's records.
 */
export function* eachRequestPacket(report: TraceReport): Generator<StreamedPacket, void, undefined> {
  const index = packetIndex(report);
  for (const x of report.exchanges) {
    const type = serviceType(x.category);
    const cited = x.depositAddresses.flatMap((d) => {
      const endpoint = index.endpoints.get(endpointKey(type, d.chain, d.address, d.asset));
      return endpoint ? [{ d, endpoint }] : [];
    });
    const endpoints = cited.map((c) => c.endpoint);
    yield {
      ...common(report),
      type,
      request: 'disclosure of the account holders behind these deposit addresses and a freeze of the tainted funds',
      recipient: { entity: x.entity, jurisdictions: x.jurisdictions, crossBorder: x.crossBorder, crossBorderReason: x.crossBorderReason },
      totals: sumMoney(endpoints),
      addresses: new MadeList(cited.length, (i) => packetAddress(index, cited[i]!.endpoint, { inferred: cited[i]!.d.inferred, service: true })),
      victimPayments: victimPayments(report, index, endpoints),
    };
  }
  for (const group of freezeCandidates(report)) {
    const { endpoints } = group;
    yield {
      ...common(report),
      type: 'issuer',
      request: 'a freeze of the tainted token balances still held at these addresses',
      recipient: { entity: group.issuer, jurisdictions: [], crossBorder: null, crossBorderReason: 'token issuer: jurisdiction not part of the trace data' },
      totals: sumMoney(endpoints),
      addresses: new MadeList(endpoints.length, (i) => packetAddress(index, endpoints[i]!)),
      victimPayments: victimPayments(report, index, endpoints),
    };
  }
}

/** The packet type of a service entry of the report (`category` absent: an exchange). */
function serviceType(category: TraceReport['exchanges'][number]['category']): Exclude<RequestPacket['type'], 'issuer'> {
  const type = category ?? 'exchange';
  if (isService(type)) return type;
  throw new InvalidInputError(`Invalid report: service entry of category "${type}" (expected a service category)`, { details: { category: type } });
}

/** How a packet names its recipient's side: "the exchange" (as before) or "the service". */
export const serviceWord = (type: string) => (type === 'exchange' ? 'exchange' : 'service');

const amountOf = (m: { amountDisplay: string; asset: { symbol: string; chain: string } }) =>
  `${escapeMarkdown(m.amountDisplay)} ${escapeMarkdown(m.asset.symbol)} (${escapeMarkdown(m.asset.chain)})`;

/** The packet as a Markdown letter annex; every string from labels or the report is escaped. */
export function packetToMarkdown(p: RequestPacket | StreamedPacket): string {
  return `${[...packetMarkdownLines(p)].join('\n')}\n`;
}

/** The lines of packetToMarkdown, made as they are read (a freeze request may list hundreds of thousands of addresses). */
export function* packetMarkdownLines(p: RequestPacket | StreamedPacket): Generator<string, void, undefined> {
  const who = escapeMarkdown(p.recipient.entity);
  const service = p.type !== 'issuer';
  yield `# ${service ? 'Disclosure and freeze request' : 'Freeze request'}: ${who}`;
  yield '';
  yield `- Case reference: ${p.case.reference ? escapeMarkdown(p.case.reference) : '(none given)'}`;
  yield `- Requesting jurisdiction: ${p.case.jurisdiction ? escapeMarkdown(p.case.jurisdiction) : 'unknown'}`;
  yield `- Recipient: ${who}${p.type === 'issuer' ? ' (token issuer)' : p.type !== 'exchange' ? ` (${p.type} service)` : ''}`;
  yield `- Recipient jurisdiction: ${p.recipient.jurisdictions.length ? p.recipient.jurisdictions.map(escapeMarkdown).join(', ') : 'unknown'}`;
  yield `- Cross-border: ${p.recipient.crossBorder === true ? 'yes' : p.recipient.crossBorder === false ? 'no (domestic)' : 'unknown'} (${escapeMarkdown(p.recipient.crossBorderReason)})`;
  yield `- Requested: ${escapeMarkdown(p.request)}`;
  yield `- Total: ${p.totals.map(amountOf).join(' + ')}`;
  yield '';
  yield 'All times are UTC. Amounts are the tainted share under the stated taint model, not necessarily the whole transfer.';
  yield '';
  yield `## ${service ? 'Deposit addresses' : 'Addresses holding tainted funds'}`;
  yield '';
  yield `| chain | address | amount | first seen (UTC) | last seen (UTC) | hops |${service ? ' inferred |' : ''}`;
  yield `|---|---|---:|---|---|---:|${service ? '---|' : ''}`;
  // An array or a list made as read: both are read by at() (a made list makes each address again on each pass).
  const { addresses } = p;
  for (let i = 0; i < addresses.length; i++) {
    const a = addresses.at(i)!;
    yield `| ${escapeMarkdown(a.chain)} | ${markdownCode(a.address)} | ${amountOf(a)} | ${escapeMarkdown(a.firstSeen)} | ${escapeMarkdown(a.lastSeen)} | ${a.hops} |` +
      (service ? ` ${a.inferred ? 'yes (swept to a labeled wallet)' : 'no (labeled)'} |` : '');
  }
  for (let i = 0; i < addresses.length; i++) {
    const a = addresses.at(i)!;
    yield '';
    yield `### ${escapeMarkdown(a.chain)} ${markdownCode(a.address)}`;
    yield '';
    yield* addressDetail(a, serviceWord(p.type));
  }
  if (p.victimPayments.length) {
    yield '';
    yield '## Victim payments whose money reaches these addresses';
    yield '';
    yield '| time (UTC) | chain | tx | recipient | paid | contributed here |';
    yield '|---|---|---|---|---:|---:|';
    for (const v of p.victimPayments) {
      yield `| ${escapeMarkdown(v.time)} | ${escapeMarkdown(v.chain)} | ${markdownCode(v.tx)} | ${markdownCode(v.recipient)} | ${escapeMarkdown(v.amountDisplay)} ${escapeMarkdown(v.symbol)} | ${v.contributed.length ? v.contributed.map(amountOf).join(' + ') : 'none under the taint model (a path above starts here)'} |`;
    }
  }
  yield '';
  yield `Method: chaintrail, taint model ${escapeMarkdown(p.method.taint)}, at most ${p.method.maxHops} hops; trace ${p.method.complete ? 'complete' : 'INCOMPLETE'}; ` +
    `conservation ${p.method.balanced ? 'balanced (every tainted unit accounted for)' : 'NOT balanced (see the report)'}.`;
  yield '';
  yield `Amounts: ${escapeMarkdown(p.method.claim)}. Attribution to ${escapeMarkdown(p.method.attribution)}.`;
}

const moveLine = (m: Omit<RequestPacket['addresses'][number]['incoming'][number], 'from'>, who: string) =>
  `  - ${escapeMarkdown(m.time)} ${markdownCode(m.tx)} (log ${m.logIndex}) ${who}: ${escapeMarkdown(m.amountDisplay)} moved, ${escapeMarkdown(m.taintDisplay)} of it tainted`;

/** An address's amount, the transfers in and out it relies on (separate lists), its split by victim payment and its path. */
export function addressDetail(a: RequestPacket['addresses'][number], side = 'exchange'): string[] {
  const out: string[] = [];
  const symbol = escapeMarkdown(a.asset.symbol);
  out.push(`- Amount: ${amountOf(a)}${a.asset.contract ? ` (token contract ${markdownCode(a.asset.contract)})` : ''}`);
  out.push(`- Received: ${escapeMarkdown(a.firstSeen)} to ${escapeMarkdown(a.lastSeen)} (UTC)`);
  if (a.sweptTo?.length) out.push(`- Swept to the labeled wallet(s): ${a.sweptTo.map(markdownCode).join(', ')}`);
  if (a.label) out.push(labelLine(a.label, a.inferred === true));
  if (a.depositEvidence) out.push(...evidenceLines(a.depositEvidence));
  if (a.incoming.length) {
    out.push(`- Incoming tainted transfers (into this address, ${symbol}):`);
    for (const m of a.incoming) out.push(moveLine(m, `from ${markdownCode(m.from)}`));
  } else out.push(`- Transactions into this address: ${a.txs.map(markdownCode).join(', ')}`);
  if (a.outgoing.length) {
    out.push(`- Outgoing (swept out of this address into the ${side}, ${symbol}):`);
    for (const m of a.outgoing) out.push(moveLine(m, `to ${markdownCode(m.to)}`));
  }
  out.push('- Victim payments in this amount:');
  for (const v of a.victims) out.push(`  - ${escapeMarkdown(v.chain)} ${markdownCode(v.tx)}: ${escapeMarkdown(v.amountDisplay)} ${symbol}`);
  if (a.unattributed) out.push(`  - not attributed to one payment: ${escapeMarkdown(formatUnits(BigInt(a.unattributed), a.asset.decimals))} ${symbol}`);
  out.push('- Path from the victim payment:');
  for (const step of a.path) {
    const swapped = (step.conversions ?? []).map(
      (c) => `${escapeMarkdown(c.assetIn)} → ${escapeMarkdown(c.assetOut)}, ${c.sharePercent.toFixed(2)} % of the input tainted`,
    );
    const note = swapped.length > 0 ? ` (conversion: ${swapped.join('; ')})` : '';
    out.push(`  ${step.step + 1}. ${step.victimPayment ? 'victim payment' : `hop ${step.step}`}: ${markdownCode(step.tx)}${note}`);
  }
  return out;
}

/** The label that attributed an address (an inferred deposit address: its wallet's label), with source and licence. */
export function labelLine(l: z.infer<typeof AttributionSchema>, inferred: boolean): string {
  return `- ${inferred ? 'Attributed by the label of the wallet(s) it swept to' : 'Attributed by the label'}: ${escapeMarkdown(l.entity)} (source ${markdownCode(l.source)}, licence ${escapeMarkdown(l.licence)})`;
}

/** An inferred deposit address's evidence and confidence, one line each (stated where the report states a confidence). */
function evidenceLines(ev: NonNullable<PacketAddress['depositEvidence']>): string[] {
  const out = [
    `- Deposit address confidence: ${ev.confidence} (${ev.sweeps} sweep(s) in ${ev.sweepTxs.length} transaction(s)${ev.forwarder ? ', flushed by the contract itself: a deposit forwarder' : ''})`,
  ];
  if (ev.gasTopUps) out.push(`- Gas top-ups from the service's wallets before its token sweeps: ${ev.gasTopUps.txs.map(markdownCode).join(', ')}`);
  if (ev.activation)
    out.push(`- Activated (its account created) by the service's wallet ${markdownCode(ev.activation.from)} in ${markdownCode(ev.activation.tx)}`);
  return out;
}

/** Two files (Markdown and JSON) per packet with collision-free, sanitized names: `exchange-<entity>.md`, `issuer-<issuer>.json`. */
export function packetFiles(report: TraceReport): PacketFile[] {
  const nameOf = packetFileNamer();
  return buildRequestPackets(report).flatMap((p) => {
    const name = nameOf(p);
    return [
      { name: `${name}.md`, content: packetToMarkdown(p) },
      { name: `${name}.json`, content: `${JSON.stringify(p, null, 2)}\n` },
    ];
  });
}

/**
 * Names packets' files (without extension) one packet at a time: `<type>-<entity slug>`, numbered from -2 where it
 * would collide with a name given before.
 */
export function packetFileNamer(): (packet: Pick<RequestPacket, 'type' | 'recipient'>) => string {
  const used = new Set<string>();
  return (p) => {
    let base = `${p.type}-${slug(p.recipient.entity)}`;
    for (let n = 2; used.has(base); n++) base = `${p.type}-${slug(p.recipient.entity)}-${n}`;
    used.add(base);
    return base;
  };
}

/**
 * Reads a JSON report written by `--format json` and validates it; anything else is an InvalidInputError naming the
 * file. The file is read in pieces (readJsonFile): a report of any size, past what one string holds, is read.
 */
export function readReportFile(file: string): TraceReport {
  return parseInput(TraceReportSchema, readReportJson(file), `Invalid report ${file}`, { details: { file } });
}

const EvidenceSchema = TraceReportSchema.pick({ format: true, version: true, evidence: true });

/**
 * What `verify` checks of a report file: its format, version and evidence, validated; the rest (a big trace's
 * endpoint records are gigabytes) is stepped over unread.
 */
export function readReportEvidence(file: string): z.infer<typeof EvidenceSchema> {
  return parseInput(EvidenceSchema, readReportJson(file, ['format', 'version', 'evidence']), `Invalid report ${file}`, { details: { file } });
}

function readReportJson(file: string, members?: readonly string[]): unknown {
  try {
    return withinStringLimit(
      () => readJsonFile(file, members ? { members } : {}),
      (cause) =>
        new ReportTooLargeError(
          `Cannot read report ${file}: one value in it (an endpoint record with millions of movements, say) is larger than one JavaScript string can be (about 512 MB), and each is read whole; write the outputs you need from the trace itself (--format summary, json or csv; --packets DIR), or narrow the trace`,
          { details: { file }, cause },
        ),
    );
  } catch (error) {
    if (error instanceof ReportTooLargeError) throw error;
    throw new InvalidInputError(`Cannot read report ${file}: ${(error as Error).message}`, { details: { file }, cause: error });
  }
}
