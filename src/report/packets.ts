import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describeZodIssues, InvalidInputError } from '../core/errors.js';
import { AssetRefSchema, TraceReportSchema, type Endpoint, type TraceReport } from '../core/schema.js';
import { escapeMarkdown, markdownCode, slug } from './escape.js';
import { freezeCandidates } from './freeze.js';

const money = z.object({ asset: AssetRefSchema, amount: z.string(), amountDisplay: z.string() });

/** One document per recipient of a disclosure/freeze request: an exchange, or the issuer of a freezable stablecoin. */
export const RequestPacketSchema = z.object({
  format: z.literal('chaintrail-request-packet'),
  version: z.literal(1),
  type: z.enum(['exchange', 'issuer']),
  request: z.string(),
  case: z.object({ reference: z.string().optional(), jurisdiction: z.string().optional() }),
  recipient: z.object({
    entity: z.string(),
    /** ISO 3166-1 alpha-2 codes; empty means unknown (never guessed). */
    jurisdictions: z.array(z.string()),
    crossBorder: z.boolean().nullable(),
    crossBorderReason: z.string(),
  }),
  totals: z.array(money),
  addresses: z.array(
    money.extend({
      chain: z.string(),
      address: z.string(),
      /** Exchange packets: true when the deposit address was inferred from a sweep into a labeled wallet. */
      inferred: z.boolean().optional(),
      sweptTo: z.array(z.string()).optional(),
      hops: z.number().int(),
      firstSeen: z.string(),
      lastSeen: z.string(),
      /** Tainted transactions into this address. */
      txs: z.array(z.string()),
      /** From the victim payment (step 0) to this address, one transaction per hop. */
      path: z.array(z.object({ step: z.number().int(), tx: z.string(), victimPayment: z.boolean() })),
    }),
  ),
  /** The victim payments at the start of the paths above. */
  victimPayments: z.array(z.object({ chain: z.string(), tx: z.string(), recipient: z.string(), amountDisplay: z.string(), symbol: z.string(), time: z.string() })),
  method: z.object({ taint: z.string(), maxHops: z.number(), complete: z.boolean(), balanced: z.boolean() }),
});
/** What to ask one exchange: its deposit addresses, amounts, times and transactions. */
export type RequestPacket = z.infer<typeof RequestPacketSchema>;

/** A request packet as a file to write: name and content. */
export interface PacketFile {
  /** File name only (no directory); derived from the entity with everything but [a-z0-9-] removed. */
  name: string;
  content: string;
}

const sameAsset = (a: Endpoint['asset'], b: Endpoint['asset']) => a.chain === b.chain && a.kind === b.kind && (a.contract ?? '') === (b.contract ?? '');

function pathOf(report: TraceReport, endpoint: Endpoint | undefined): RequestPacket['addresses'][number]['path'] {
  if (!endpoint) return [];
  const seedTxs = new Set(report.seeds.flatMap((s) => (s.tx ? [s.tx] : [])));
  return endpoint.path.map((tx, i) => ({ step: i, tx, victimPayment: i === 0 && seedTxs.has(tx) }));
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
    },
  };
}

function victimPayments(report: TraceReport, addresses: RequestPacket['addresses']): RequestPacket['victimPayments'] {
  const first = new Set(addresses.flatMap((a) => a.path.filter((p) => p.victimPayment).map((p) => p.tx)));
  return report.seeds
    .filter((s) => s.tx && first.has(s.tx))
    .map((s) => ({ chain: s.chain, tx: s.tx!, recipient: s.address, amountDisplay: s.amountDisplay, symbol: s.asset.symbol, time: s.time }));
}

/** Request packets for every exchange reached and every issuer of a freezable stablecoin still holding tainted funds. */
export function buildRequestPackets(report: TraceReport): RequestPacket[] {
  const packets: RequestPacket[] = [];
  for (const x of report.exchanges) {
    const addresses = x.depositAddresses.map((d) => {
      const endpoint = report.endpoints.find((e) => e.kind === 'exchange' && e.chain === d.chain && e.address === d.address && sameAsset(e.asset, d.asset));
      return {
        chain: d.chain,
        address: d.address,
        inferred: d.inferred,
        ...(endpoint?.sweptTo ? { sweptTo: endpoint.sweptTo } : {}),
        asset: d.asset,
        amount: d.amount,
        amountDisplay: d.amountDisplay,
        hops: endpoint?.hops ?? 0,
        firstSeen: d.firstSeen,
        lastSeen: d.lastSeen,
        txs: d.txs,
        path: pathOf(report, endpoint),
      };
    });
    packets.push({
      ...common(report),
      type: 'exchange',
      request: 'disclosure of the account holders behind these deposit addresses and a freeze of the tainted funds',
      recipient: { entity: x.entity, jurisdictions: x.jurisdictions, crossBorder: x.crossBorder, crossBorderReason: x.crossBorderReason },
      totals: x.totals,
      addresses,
      victimPayments: victimPayments(report, addresses),
    });
  }
  for (const group of freezeCandidates(report)) {
    const addresses = group.endpoints.map((e) => ({
      chain: e.chain,
      address: e.address,
      asset: e.asset,
      amount: e.amount,
      amountDisplay: e.amountDisplay,
      hops: e.hops,
      firstSeen: e.firstSeen,
      lastSeen: e.lastSeen,
      txs: e.txs,
      path: pathOf(report, e),
    }));
    packets.push({
      ...common(report),
      type: 'issuer',
      request: 'a freeze of the tainted token balances still held at these addresses',
      recipient: { entity: group.issuer, jurisdictions: [], crossBorder: null, crossBorderReason: 'token issuer: jurisdiction not part of the trace data' },
      totals: group.totals,
      addresses,
      victimPayments: victimPayments(report, addresses),
    });
  }
  return packets;
}

const amountOf = (m: { amountDisplay: string; asset: { symbol: string; chain: string } }) => `${escapeMarkdown(m.amountDisplay)} ${escapeMarkdown(m.asset.symbol)} (${escapeMarkdown(m.asset.chain)})`;

/** The packet as a Markdown letter annex; every string from labels or the report is escaped. */
export function packetToMarkdown(p: RequestPacket): string {
  const out: string[] = [];
  const who = escapeMarkdown(p.recipient.entity);
  out.push(`# ${p.type === 'exchange' ? 'Disclosure and freeze request' : 'Freeze request'}: ${who}`);
  out.push('');
  out.push(`- Case reference: ${p.case.reference ? escapeMarkdown(p.case.reference) : '(none given)'}`);
  out.push(`- Requesting jurisdiction: ${p.case.jurisdiction ? escapeMarkdown(p.case.jurisdiction) : 'unknown'}`);
  out.push(`- Recipient: ${who}${p.type === 'issuer' ? ' (token issuer)' : ''}`);
  out.push(`- Recipient jurisdiction: ${p.recipient.jurisdictions.length ? p.recipient.jurisdictions.map(escapeMarkdown).join(', ') : 'unknown'}`);
  out.push(`- Cross-border: ${p.recipient.crossBorder === true ? 'yes' : p.recipient.crossBorder === false ? 'no (domestic)' : 'unknown'} (${escapeMarkdown(p.recipient.crossBorderReason)})`);
  out.push(`- Requested: ${escapeMarkdown(p.request)}`);
  out.push(`- Total: ${p.totals.map(amountOf).join(' + ')}`);
  out.push('');
  out.push('All times are UTC. Amounts are the tainted share under the stated taint model, not necessarily the whole transfer.');
  out.push('');
  out.push(`## ${p.type === 'exchange' ? 'Deposit addresses' : 'Addresses holding tainted funds'}`);
  out.push('');
  out.push('| chain | address | amount | first seen (UTC) | last seen (UTC) | hops |' + (p.type === 'exchange' ? ' inferred |' : ''));
  out.push('|---|---|---:|---|---|---:|' + (p.type === 'exchange' ? '---|' : ''));
  for (const a of p.addresses) {
    out.push(
      `| ${escapeMarkdown(a.chain)} | ${markdownCode(a.address)} | ${amountOf(a)} | ${escapeMarkdown(a.firstSeen)} | ${escapeMarkdown(a.lastSeen)} | ${a.hops} |` +
        (p.type === 'exchange' ? ` ${a.inferred ? 'yes (swept to a labeled wallet)' : 'no (labeled)'} |` : ''),
    );
  }
  for (const a of p.addresses) {
    out.push('');
    out.push(`### ${escapeMarkdown(a.chain)} ${markdownCode(a.address)}`);
    out.push('');
    out.push(`- Amount: ${amountOf(a)}${a.asset.contract ? ` (token contract ${markdownCode(a.asset.contract)})` : ''}`);
    out.push(`- Received: ${escapeMarkdown(a.firstSeen)} to ${escapeMarkdown(a.lastSeen)} (UTC)`);
    if (a.sweptTo?.length) out.push(`- Swept to the labeled wallet(s): ${a.sweptTo.map(markdownCode).join(', ')}`);
    out.push(`- Transactions into this address: ${a.txs.map(markdownCode).join(', ')}`);
    out.push('- Path from the victim payment:');
    for (const step of a.path) out.push(`  ${step.step + 1}. ${step.victimPayment ? 'victim payment' : `hop ${step.step}`}: ${markdownCode(step.tx)}`);
  }
  if (p.victimPayments.length) {
    out.push('');
    out.push('## Victim payments at the start of these paths');
    out.push('');
    out.push('| time (UTC) | chain | tx | recipient | amount |');
    out.push('|---|---|---|---|---:|');
    for (const v of p.victimPayments) {
      out.push(`| ${escapeMarkdown(v.time)} | ${escapeMarkdown(v.chain)} | ${markdownCode(v.tx)} | ${markdownCode(v.recipient)} | ${`${escapeMarkdown(v.amountDisplay)} ${escapeMarkdown(v.symbol)}`} |`);
    }
  }
  out.push('');
  out.push(
    `Method: chaintrail, taint model ${escapeMarkdown(p.method.taint)}, at most ${p.method.maxHops} hops; trace ${p.method.complete ? 'complete' : 'INCOMPLETE'}; ` +
      `conservation ${p.method.balanced ? 'balanced (every tainted unit accounted for)' : 'NOT balanced (see the report)'}.`,
  );
  return `${out.join('\n')}\n`;
}

/** Two files (Markdown and JSON) per packet with collision-free, sanitized names: `exchange-<entity>.md`, `issuer-<issuer>.json`. */
export function packetFiles(report: TraceReport): PacketFile[] {
  const used = new Set<string>();
  const files: PacketFile[] = [];
  for (const p of buildRequestPackets(report)) {
    let base = `${p.type}-${slug(p.recipient.entity)}`;
    for (let n = 2; used.has(base); n++) base = `${p.type}-${slug(p.recipient.entity)}-${n}`;
    used.add(base);
    files.push({ name: `${base}.md`, content: packetToMarkdown(p) });
    files.push({ name: `${base}.json`, content: `${JSON.stringify(p, null, 2)}\n` });
  }
  return files;
}

/** Reads a JSON report written by `--format json` and validates it; anything else is an InvalidInputError naming the file. */
export function readReportFile(file: string): TraceReport {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`Cannot read report ${file}: ${(error as Error).message}`, { details: { file }, cause: error });
  }
  const parsed = TraceReportSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidInputError(`Invalid report ${file}: ${describeZodIssues(parsed.error.issues)}`, { details: { file, issues: parsed.error.issues } });
  }
  return parsed.data;
}
