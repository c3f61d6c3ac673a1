import { z } from 'zod';
import { formatUnits } from '../core/asset.js';
import { AssetRefSchema, type AssetRef } from '../core/schema.js';
import { escapeMarkdown, markdownCode, slug } from '../report/escape.js';
import { buildRequestPackets, RequestPacketSchema, type PacketFile, type RequestPacket } from '../report/packets.js';
import type { CaseStore } from './store.js';

const money = z.object({ asset: AssetRefSchema, amount: z.string(), amountDisplay: z.string() });

/**
 * One request per recipient (an exchange, or the issuer of a freezable stablecoin) covering every case whose latest
 * trace reached it: the per-case parts are the single-case request packets (src/report/packets.ts), and the
 * addresses are merged across cases so the recipient sees which deposit addresses several cases share.
 */
export const ConsolidatedPacketSchema = z.object({
  format: z.literal('chaintrail-consolidated-request'),
  version: z.literal(1),
  type: z.enum(['exchange', 'issuer']),
  request: z.string(),
  recipient: RequestPacketSchema.shape.recipient.pick({ entity: true, jurisdictions: true }),
  caseCount: z.number().int(),
  totals: z.array(money),
  addresses: z.array(
    z.object({
      chain: z.string(),
      address: z.string(),
      cases: z.array(z.string()),
      totals: z.array(money),
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
      totals: z.array(money),
      addresses: RequestPacketSchema.shape.addresses,
      victimPayments: RequestPacketSchema.shape.victimPayments,
      method: RequestPacketSchema.shape.method,
    }),
  ),
});
export type ConsolidatedPacket = z.infer<typeof ConsolidatedPacketSchema>;

type Money = z.infer<typeof money>;
const assetId = (a: AssetRef) => `${a.chain}:${a.kind}:${(a.contract ?? '').toLowerCase()}`;

function sumMoney(items: readonly Money[]): Money[] {
  const sums = new Map<string, { asset: AssetRef; amount: bigint }>();
  for (const m of items) {
    const k = assetId(m.asset);
    sums.set(k, { asset: sums.get(k)?.asset ?? m.asset, amount: (sums.get(k)?.amount ?? 0n) + BigInt(m.amount) });
  }
  return [...sums.keys()].sort().map((k) => {
    const s = sums.get(k)!;
    return { asset: s.asset, amount: s.amount.toString(), amountDisplay: formatUnits(s.amount, s.asset.decimals) };
  });
}

/** Groups single-case packets (each tagged with its case reference) into one packet per recipient. */
export function consolidatePackets(perCase: readonly { reference: string; packet: RequestPacket }[]): ConsolidatedPacket[] {
  const groups = new Map<string, { reference: string; packet: RequestPacket }[]>();
  for (const item of perCase) {
    const k = `${item.packet.type}\u0000${item.packet.recipient.entity}`;
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  const out: ConsolidatedPacket[] = [];
  for (const k of [...groups.keys()].sort()) {
    const items = [...groups.get(k)!].sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
    const first = items[0]!.packet;
    const byAddress = new Map<string, { chain: string; address: string; cases: Set<string>; amounts: Money[]; first: string; last: string }>();
    for (const { reference, packet } of items) {
      for (const a of packet.addresses) {
        const key = `${a.chain}|${a.address.toLowerCase()}`;
        const acc = byAddress.get(key) ?? { chain: a.chain, address: a.address, cases: new Set<string>(), amounts: [], first: a.firstSeen, last: a.lastSeen };
        acc.cases.add(reference);
        acc.amounts.push(a);
        if (a.firstSeen < acc.first) acc.first = a.firstSeen;
        if (a.lastSeen > acc.last) acc.last = a.lastSeen;
        byAddress.set(key, acc);
      }
    }
    const jurisdictions = [...new Set(items.flatMap((i) => i.packet.recipient.jurisdictions))].sort();
    out.push({
      format: 'chaintrail-consolidated-request',
      version: 1,
      type: first.type,
      request: first.request,
      recipient: { entity: first.recipient.entity, jurisdictions },
      caseCount: items.length,
      totals: sumMoney(items.flatMap((i) => i.packet.totals)),
      addresses: [...byAddress.values()]
        .sort((a, b) => b.cases.size - a.cases.size || (a.chain + a.address < b.chain + b.address ? -1 : 1))
        .map((a) => ({ chain: a.chain, address: a.address, cases: [...a.cases].sort(), totals: sumMoney(a.amounts), firstSeen: a.first, lastSeen: a.last })),
      cases: items.map(({ reference, packet }) => ({
        reference,
        ...(packet.case.jurisdiction ? { jurisdiction: packet.case.jurisdiction } : {}),
        crossBorder: packet.recipient.crossBorder,
        crossBorderReason: packet.recipient.crossBorderReason,
        totals: packet.totals,
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

/** The consolidated request as Markdown (every string from labels or reports escaped). */
export function consolidatedPacketToMarkdown(p: ConsolidatedPacket): string {
  const out: string[] = [];
  const who = escapeMarkdown(p.recipient.entity);
  out.push(`# ${p.type === 'exchange' ? 'Consolidated disclosure and freeze request' : 'Consolidated freeze request'}: ${who}`);
  out.push('');
  out.push(`- Recipient: ${who}${p.type === 'issuer' ? ' (token issuer)' : ''}`);
  out.push(`- Recipient jurisdiction: ${p.recipient.jurisdictions.length ? p.recipient.jurisdictions.map(escapeMarkdown).join(', ') : 'unknown'}`);
  out.push(`- Cases: ${p.caseCount} (${p.cases.map((c) => escapeMarkdown(c.reference)).join(', ')})`);
  out.push(`- Requested: ${escapeMarkdown(p.request)}`);
  out.push(`- Total over all cases: ${p.totals.map(amountOf).join(' + ')}`);
  out.push('');
  out.push('All times are UTC. Amounts are the tainted share under each case\'s taint model, not necessarily the whole transfer.');
  out.push('');
  out.push(`## ${p.type === 'exchange' ? 'Deposit addresses' : 'Addresses holding tainted funds'} (all cases)`);
  out.push('');
  out.push('| chain | address | cases | amount | first seen (UTC) | last seen (UTC) |');
  out.push('|---|---|---|---:|---|---|');
  for (const a of p.addresses) {
    out.push(
      `| ${escapeMarkdown(a.chain)} | ${markdownCode(a.address)} | ${a.cases.map(escapeMarkdown).join(', ')} | ${a.totals.map(amountOf).join(' + ')} | ${escapeMarkdown(a.firstSeen)} | ${escapeMarkdown(a.lastSeen)} |`,
    );
  }
  out.push('');
  out.push('## Per case');
  for (const c of p.cases) {
    out.push('');
    out.push(`### Case ${escapeMarkdown(c.reference)}`);
    out.push('');
    out.push(`- Requesting jurisdiction: ${c.jurisdiction ? escapeMarkdown(c.jurisdiction) : 'unknown'}`);
    out.push(`- Cross-border: ${c.crossBorder === true ? 'yes' : c.crossBorder === false ? 'no (domestic)' : 'unknown'} (${escapeMarkdown(c.crossBorderReason)})`);
    out.push(`- Total: ${c.totals.map(amountOf).join(' + ')}`);
    out.push(
      `- Method: taint model ${escapeMarkdown(c.method.taint)}, at most ${c.method.maxHops} hops; trace ${c.method.complete ? 'complete' : 'INCOMPLETE'}; conservation ${c.method.balanced ? 'balanced' : 'NOT balanced'}`,
    );
    for (const a of c.addresses) {
      out.push(`- ${escapeMarkdown(a.chain)} ${markdownCode(a.address)}: ${amountOf(a)}, ${escapeMarkdown(a.firstSeen)} to ${escapeMarkdown(a.lastSeen)}, ${a.hops} hop(s)${a.inferred ? ', deposit address inferred from a sweep' : ''}`);
      out.push(`  - transactions into it: ${a.txs.map(markdownCode).join(', ')}`);
      out.push(`  - path: ${a.path.map((s) => `${s.victimPayment ? 'victim payment' : `hop ${s.step}`} ${markdownCode(s.tx)}`).join(' → ')}`);
    }
    if (c.victimPayments.length) {
      out.push(`- Victim payments: ${c.victimPayments.map((v) => `${escapeMarkdown(v.time)} ${markdownCode(v.tx)} ${escapeMarkdown(v.amountDisplay)} ${escapeMarkdown(v.symbol)}`).join('; ')}`);
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
