import { z } from 'zod';
import { formatUnits } from '../core/asset.js';
import { groupBy } from '../core/group.js';
import { escapeMarkdown, markdownCode, slug } from '../report/escape.js';
import {
  addressDetail,
  AttributionSchema,
  labelLine,
  assetId,
  buildRequestPackets,
  ContributionSchema,
  MoneySchema,
  PacketMovementSchema,
  PacketTypeSchema,
  RequestPacketSchema,
  serviceWord,
  sumMoney,
  type Money,
  type PacketFile,
  type RequestPacket,
} from '../report/packets.js';
import { splitProRata } from '../engine/attribution.js';
import type { CaseStore } from './store.js';

const part = z.object({ amount: z.string(), amountDisplay: z.string() });
const movement = PacketMovementSchema.extend({
  /** Tainted part over all cases: the cases' tainted parts added up, never more than the transfer moved. */
  taint: z.string(),
  /** The cases whose traces found this transfer tainted. */
  cases: z.array(z.string()),
});

/** How a shared address's amount is split between cases and victim payments: stated in every consolidated packet. */
export const SHARE_RULE =
  "per address and asset, the amount requested is the sum of the cases' own traced amounts, capped at the tainted value the address received (each incoming transfer counted once however many cases traced it, its tainted part never more than it moved); an inferred deposit address is the exchange's customer account, so what it swept out and what it still holds are both in that request; when the cap applies, the cases share it pro rata to their traced amounts; a case's share is split among its victim payments pro rata to their parts of its traced amount; whole base units, remainders to the largest fractions (ties: earlier case reference, earlier payment)";

/**
 * One request per recipient (a service entity: an exchange, instant exchange, payment, gambling or custody service;
 * or the issuer of a freezable stablecoin) covering every case whose latest
 * trace reached it. Each address is requested once, for no more than the tainted value it received: cases tracing
 * the same transfers are not added up beyond them (SHARE_RULE); the per-case parts are the single-case request
 * packets (src/report/packets.ts) as each case's trace saw them.
 */
export const ConsolidatedPacketSchema = z.object({
  format: z.literal('chaintrail-consolidated-request'),
  version: z.literal(1),
  type: PacketTypeSchema,
  request: z.string(),
  recipient: RequestPacketSchema.shape.recipient.pick({ entity: true, jurisdictions: true }),
  caseCount: z.number().int(),
  /** Sum of the addresses' requested amounts, per asset. */
  totals: z.array(MoneySchema),
  rule: z.string(),
  addresses: z.array(
    MoneySchema.extend({
      chain: z.string(),
      address: z.string(),
      cases: z.array(z.string()),
      /** The labels that attributed the address in the cases' packets (each once; see RequestPacket `label`), when any states its licence. */
      labels: z.array(AttributionSchema).optional(),
      /** The tainted value the address received (the incoming transfers below, each once); null when a case's trace lacks them. */
      received: part.nullable(),
      /** An inferred deposit address: the tainted value it swept out to the exchange (the outgoing transfers below, each once). */
      swept: part.optional(),
      /** The cases' own traced amounts added up: more than `amount` when their traces overlap. */
      tracedByCases: part,
      incoming: z.array(movement.extend({ from: z.string() })),
      outgoing: z.array(movement.extend({ to: z.string() })),
      /** Each case's part of `amount` and, within it, each victim payment's; both add up to `amount` exactly. */
      shares: z.array(
        part.extend({
          reference: z.string(),
          traced: part,
          victims: z.array(ContributionSchema),
          unattributed: z.string().optional(),
        }),
      ),
      /** Cases whose stored trace lists no transfers into the address (older traces): re-trace them to combine exactly. */
      casesWithoutTransfers: z.array(z.string()).optional(),
      firstSeen: z.string(),
      lastSeen: z.string(),
    }),
  ),
  cases: z.array(
    z.object({
      reference: z.string(),
      jurisdiction: z.string().optional(),
      crossBorder: z.boolean().nullable(),
      crossBorderReason: z.string(),
      /** What this packet requests for the case (its shares), per asset. */
      totals: z.array(MoneySchema),
      /** The case's own traced amounts, per asset (before combining with other cases). */
      traced: z.array(MoneySchema),
      addresses: RequestPacketSchema.shape.addresses,
      victimPayments: RequestPacketSchema.shape.victimPayments,
      method: RequestPacketSchema.shape.method,
    }),
  ),
});
/** One consolidated request to one recipient covering every case that reached it (see ConsolidatedPacketSchema). */
export type ConsolidatedPacket = z.infer<typeof ConsolidatedPacketSchema>;
type ConsolidatedAddress = ConsolidatedPacket['addresses'][number];
type PacketAddress = RequestPacket['addresses'][number];

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const display = (amount: bigint, decimals: number) => ({ amount: amount.toString(), amountDisplay: formatUnits(amount, decimals) });
const min = (...xs: bigint[]) => xs.reduce((m, x) => (x < m ? x : m));

/** Transfers listed by several cases, once each: the tainted parts added up and capped at what the transfer moved. */
function distinct<M extends PacketAddress['incoming'][number] | PacketAddress['outgoing'][number]>(
  lists: readonly { reference: string; moves: readonly M[] }[],
  decimals: number,
): { moves: (M & { cases: string[] })[]; total: bigint } {
  const byKey = new Map<string, { m: M; taint: bigint; cases: string[] }>();
  for (const { reference, moves } of lists) {
    for (const m of moves) {
      const k = `${m.tx}|${m.logIndex}`;
      const prev = byKey.get(k);
      if (prev) {
        prev.taint += BigInt(m.taint);
        prev.cases.push(reference);
      } else byKey.set(k, { m, taint: BigInt(m.taint), cases: [reference] });
    }
  }
  let total = 0n;
  const moves = [...byKey.values()]
    .sort((a, b) => cmp(a.m.time, b.m.time) || cmp(a.m.tx, b.m.tx) || a.m.logIndex - b.m.logIndex)
    .map(({ m, taint, cases }) => {
      const capped = min(taint, BigInt(m.amount));
      total += capped;
      return { ...m, taint: capped.toString(), taintDisplay: formatUnits(capped, decimals), cases: [...new Set(cases)].sort() };
    });
  return { moves, total };
}

/** The distinct labels (with source and licence) the cases' packets cite for one address; `{}` when none does. */
function labelsOf(items: readonly { a: PacketAddress }[]): { labels?: NonNullable<ConsolidatedAddress['labels']> } {
  const byKey = new Map(items.flatMap(({ a }) => (a.label ? [[JSON.stringify(a.label), a.label] as const] : [])));
  return byKey.size > 0 ? { labels: [...byKey.keys()].sort().map((k) => byKey.get(k)!) } : {};
}

/** One shared address (one asset): what is requested, from which transfers, and each case's and payment's share. */
function combineAddress(items: readonly { reference: string; a: PacketAddress }[]): ConsolidatedAddress {
  const first = items[0]!.a;
  const d = first.asset.decimals;
  const traced = items.reduce((s, i) => s + BigInt(i.a.amount), 0n);
  const lacking = items.filter((i) => i.a.incoming.length === 0).map((i) => i.reference);
  const incoming = distinct(
    items.map((i) => ({ reference: i.reference, moves: i.a.incoming })),
    d,
  );
  const outgoing = distinct(
    items.map((i) => ({ reference: i.reference, moves: i.a.outgoing })),
    d,
  );
  const swept = items.some((i) => i.a.outgoing.length > 0) ? outgoing.total : undefined;
  // Without the transfers of every case, the most that is known to have arrived is the largest single case's figure.
  const cap = lacking.length > 0 ? items.reduce((m, i) => (BigInt(i.a.amount) > m ? BigInt(i.a.amount) : m), 0n) : incoming.total;
  const amount = min(traced, cap);
  const shares = splitProRata(
    items.map((i) => [i, BigInt(i.a.amount)] as const),
    amount,
  );
  const shareOf = new Map(shares);
  let firstSeen = first.firstSeen;
  let lastSeen = first.lastSeen;
  for (const { a } of items) {
    if (a.firstSeen < firstSeen) firstSeen = a.firstSeen;
    if (a.lastSeen > lastSeen) lastSeen = a.lastSeen;
  }
  return {
    chain: first.chain,
    address: first.address,
    asset: first.asset,
    ...display(amount, d),
    cases: [...new Set(items.map((i) => i.reference))].sort(),
    ...labelsOf(items),
    received: lacking.length > 0 ? null : display(incoming.total, d),
    ...(swept !== undefined ? { swept: display(swept, d) } : {}),
    tracedByCases: display(traced, d),
    incoming: incoming.moves,
    outgoing: outgoing.moves,
    shares: items.map((item) => {
      const share = shareOf.get(item) ?? 0n;
      // The case's payments share its part as they share its traced amount (the unattributed rest likewise).
      const weights: (readonly [PacketAddress['victims'][number] | undefined, bigint])[] = item.a.victims.map((v) => [v, BigInt(v.amount)] as const);
      if (item.a.unattributed) weights.push([undefined, BigInt(item.a.unattributed)]);
      // By payment, looked up: a case may have thousands of payments into one address.
      const split = new Map(splitProRata(weights, share));
      const rest = split.get(undefined);
      return {
        reference: item.reference,
        ...display(share, d),
        traced: display(BigInt(item.a.amount), d),
        // Every payment of the case stays listed, even one whose part rounds to nothing.
        victims: item.a.victims.map((v) => ({ chain: v.chain, tx: v.tx, logIndex: v.logIndex, ...display(split.get(v) ?? 0n, d) })),
        ...(rest ? { unattributed: rest.toString() } : {}),
      };
    }),
    ...(lacking.length > 0 ? { casesWithoutTransfers: lacking } : {}),
    firstSeen,
    lastSeen,
  };
}

/** Groups single-case packets (each tagged with its case reference) into one packet per recipient. */
export function consolidatePackets(perCase: readonly { reference: string; packet: RequestPacket }[]): ConsolidatedPacket[] {
  const groups = groupBy(perCase, (item) => `${item.packet.type}\u0000${item.packet.recipient.entity}`);
  const out: ConsolidatedPacket[] = [];
  for (const k of [...groups.keys()].sort()) {
    const items = [...groups.get(k)!].sort((a, b) => cmp(a.reference, b.reference));
    const first = items[0]!.packet;
    const byAddress = groupBy(
      items.flatMap(({ reference, packet }) => packet.addresses.map((a) => ({ reference, a }))),
      ({ a }) => `${a.chain}|${a.address.toLowerCase()}|${assetId(a.asset)}`,
    );
    const addresses = [...byAddress.values()]
      .map(combineAddress)
      .sort((a, b) => b.cases.length - a.cases.length || cmp(a.chain + a.address, b.chain + b.address) || cmp(assetId(a.asset), assetId(b.asset)));
    // Each case's shares, gathered in one pass over the addresses (a pass per case is quadratic in the cases).
    const sharesOf = new Map<string, Money[]>();
    for (const a of addresses) {
      for (const s of a.shares) {
        let list = sharesOf.get(s.reference);
        if (!list) sharesOf.set(s.reference, (list = []));
        list.push({ asset: a.asset, amount: s.amount, amountDisplay: s.amountDisplay });
      }
    }
    const shareMoney = (reference: string) => sumMoney(sharesOf.get(reference) ?? []);
    const jurisdictions = [...new Set(items.flatMap((i) => i.packet.recipient.jurisdictions))].sort();
    out.push({
      format: 'chaintrail-consolidated-request',
      version: 1,
      type: first.type,
      request: first.request,
      recipient: { entity: first.recipient.entity, jurisdictions },
      caseCount: items.length,
      totals: sumMoney(addresses),
      rule: SHARE_RULE,
      addresses,
      cases: items.map(({ reference, packet }) => ({
        reference,
        ...(packet.case.jurisdiction ? { jurisdiction: packet.case.jurisdiction } : {}),
        crossBorder: packet.recipient.crossBorder,
        crossBorderReason: packet.recipient.crossBorderReason,
        totals: shareMoney(reference),
        traced: packet.totals,
        addresses: packet.addresses,
        victimPayments: packet.victimPayments,
        method: packet.method,
      })),
    });
  }
  return out;
}

/** Consolidated packets from the latest trace of every case in the store. */
export async function casePackets(store: CaseStore, options: { signal?: AbortSignal; entity?: string } = {}): Promise<ConsolidatedPacket[]> {
  const traces = await store.latestTraces(options.signal ? { signal: options.signal } : {});
  const perCase = traces.flatMap((t) => buildRequestPackets(t.report).map((packet) => ({ reference: t.caseReference, packet })));
  const all = consolidatePackets(perCase);
  return options.entity ? all.filter((p) => p.recipient.entity.toLowerCase() === options.entity!.toLowerCase()) : all;
}

const amountOf = (m: Money) => `${escapeMarkdown(m.amountDisplay)} ${escapeMarkdown(m.asset.symbol)} (${escapeMarkdown(m.asset.chain)})`;

const part$ = (p: { amountDisplay: string }, symbol: string) => `${escapeMarkdown(p.amountDisplay)} ${symbol}`;

/** The consolidated request as Markdown (every string from labels or reports escaped). */
export function consolidatedPacketToMarkdown(p: ConsolidatedPacket): string {
  const out: string[] = [];
  const who = escapeMarkdown(p.recipient.entity);
  const service = p.type !== 'issuer';
  const side = serviceWord(p.type);
  out.push(`# ${service ? 'Consolidated disclosure and freeze request' : 'Consolidated freeze request'}: ${who}`);
  out.push('');
  out.push(`- Recipient: ${who}${p.type === 'issuer' ? ' (token issuer)' : p.type !== 'exchange' ? ` (${p.type} service)` : ''}`);
  out.push(`- Recipient jurisdiction: ${p.recipient.jurisdictions.length ? p.recipient.jurisdictions.map(escapeMarkdown).join(', ') : 'unknown'}`);
  out.push(`- Cases: ${p.caseCount} (${p.cases.map((c) => escapeMarkdown(c.reference)).join(', ')})`);
  out.push(`- Requested: ${escapeMarkdown(p.request)}`);
  out.push(`- Total requested: ${p.totals.map(amountOf).join(' + ')}`);
  out.push('');
  out.push("All times are UTC. Amounts are the tainted share under each case's taint model, not necessarily the whole transfer.");
  out.push(`How shared addresses are counted: ${escapeMarkdown(p.rule)}.`);
  out.push('');
  out.push(`## ${service ? 'Deposit addresses' : 'Addresses holding tainted funds'} (all cases)`);
  out.push('');
  out.push('| chain | address | cases | requested | tainted value received | first seen (UTC) | last seen (UTC) |');
  out.push('|---|---|---|---:|---:|---|---|');
  for (const a of p.addresses) {
    const symbol = escapeMarkdown(a.asset.symbol);
    out.push(
      `| ${escapeMarkdown(a.chain)} | ${markdownCode(a.address)} | ${a.cases.map(escapeMarkdown).join(', ')} | ${amountOf(a)} | ${a.received ? part$(a.received, symbol) : 'not listed by every case'} | ${escapeMarkdown(a.firstSeen)} | ${escapeMarkdown(a.lastSeen)} |`,
    );
  }
  for (const a of p.addresses) {
    const symbol = escapeMarkdown(a.asset.symbol);
    out.push('');
    out.push(`### ${escapeMarkdown(a.chain)} ${markdownCode(a.address)} (${symbol})`);
    out.push('');
    out.push(`- Requested: ${amountOf(a)}`);
    for (const l of a.labels ?? []) out.push(labelLine(l, a.swept !== undefined));
    out.push(
      `- Tainted value received (incoming transfers below, each counted once): ${a.received ? part$(a.received, symbol) : `unknown: the stored traces of ${a.casesWithoutTransfers!.map(escapeMarkdown).join(', ')} list no transfers (re-trace them); the largest single case's amount is requested`}`,
    );
    if (a.swept) out.push(`- Swept out to the ${side} (outgoing transfers below, each counted once): ${part$(a.swept, symbol)}`);
    out.push(
      `- The cases' own traced amounts added up: ${part$(a.tracedByCases, symbol)}${a.tracedByCases.amount !== a.amount ? ' (their traces overlap: the shares below are scaled pro rata)' : ''}`,
    );
    if (a.incoming.length) {
      out.push('- Incoming tainted transfers (into this address):');
      for (const m of a.incoming)
        out.push(
          `  - ${escapeMarkdown(m.time)} ${markdownCode(m.tx)} (log ${m.logIndex}) from ${markdownCode(m.from)}: ${part$(m, symbol)} moved, ${escapeMarkdown(m.taintDisplay)} tainted (cases ${m.cases.map(escapeMarkdown).join(', ')})`,
        );
    }
    if (a.outgoing.length) {
      out.push(`- Outgoing (swept out of this address into the ${side}):`);
      for (const m of a.outgoing)
        out.push(
          `  - ${escapeMarkdown(m.time)} ${markdownCode(m.tx)} (log ${m.logIndex}) to ${markdownCode(m.to)}: ${part$(m, symbol)} moved, ${escapeMarkdown(m.taintDisplay)} tainted (cases ${m.cases.map(escapeMarkdown).join(', ')})`,
        );
    }
    out.push('- Shares by case and victim payment:');
    for (const s of a.shares) {
      out.push(`  - case ${escapeMarkdown(s.reference)}: ${part$(s, symbol)} (its own trace: ${part$(s.traced, symbol)})`);
      for (const v of s.victims) out.push(`    - victim payment ${escapeMarkdown(v.chain)} ${markdownCode(v.tx)}: ${part$(v, symbol)}`);
      if (s.unattributed) out.push(`    - not attributed to one payment: ${escapeMarkdown(formatUnits(BigInt(s.unattributed), a.asset.decimals))} ${symbol}`);
    }
  }
  out.push('');
  out.push('## Per case, as its own trace saw it (before combining: the amounts requested are above)');
  for (const c of p.cases) {
    out.push('');
    out.push(`### Case ${escapeMarkdown(c.reference)}`);
    out.push('');
    out.push(`- Requesting jurisdiction: ${c.jurisdiction ? escapeMarkdown(c.jurisdiction) : 'unknown'}`);
    out.push(
      `- Cross-border: ${c.crossBorder === true ? 'yes' : c.crossBorder === false ? 'no (domestic)' : 'unknown'} (${escapeMarkdown(c.crossBorderReason)})`,
    );
    out.push(`- Requested for this case: ${c.totals.map(amountOf).join(' + ')} (its own trace: ${c.traced.map(amountOf).join(' + ')})`);
    out.push(
      `- Method: taint model ${escapeMarkdown(c.method.taint)}, at most ${c.method.maxHops} hops; trace ${c.method.complete ? 'complete' : 'INCOMPLETE'}; conservation ${c.method.balanced ? 'balanced' : 'NOT balanced'}; attribution to ${escapeMarkdown(c.method.attribution)}`,
    );
    for (const a of c.addresses) {
      out.push(`- ${escapeMarkdown(a.chain)} ${markdownCode(a.address)}${a.inferred ? ' (deposit address inferred from a sweep)' : ''}, ${a.hops} hop(s):`);
      out.push(...addressDetail(a, side).map((l) => `  ${l}`));
    }
    if (c.victimPayments.length) {
      out.push(
        `- Victim payments: ${c.victimPayments.map((v) => `${escapeMarkdown(v.time)} ${markdownCode(v.tx)} ${escapeMarkdown(v.amountDisplay)} ${escapeMarkdown(v.symbol)}`).join('; ')}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/** Markdown and JSON per recipient: `exchange-<entity>.md`, `issuer-<issuer>.json`, … (sanitized, collision-free). */
export function consolidatedPacketFiles(packets: readonly ConsolidatedPacket[]): PacketFile[] {
  const used = new Set<string>();
  const files: PacketFile[] = [];
  for (const p of packets) {
    let base = `${p.type}-${slug(p.recipient.entity)}`;
    for (let n = 2; used.has(base); n++) base = `${p.type}-${slug(p.recipient.entity)}-${n}`;
    used.add(base);
    files.push({ name: `${base}.md`, content: consolidatedPacketToMarkdown(p) });
    files.push({ name: `${base}.json`, content: `${JSON.stringify(p, null, 2)}\n` });
  }
  return files;
}
