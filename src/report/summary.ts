import type { TraceReport } from '../core/schema.js';
import { largest } from '../core/lists.js';

type Cell = string;

function table(headers: Cell[], rows: Cell[][], rightAligned: number[] = []): string {
  const widths = headers.map((h, i) =>
    largest(
      rows.map((r) => (r[i] ?? '').length),
      h.length,
    ),
  );
  const fmt = (cells: Cell[]) =>
    cells
      .map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

const cb = (v: boolean | null | undefined) => (v === true ? 'yes' : v === false ? 'no (domestic)' : 'unknown');
const short = (a: string) => (a.length > 20 ? `${a.slice(0, 10)}…${a.slice(-8)}` : a);
const amount = (t: { amountDisplay: string; asset: { symbol: string; chain: string } }) => `${t.amountDisplay} ${t.asset.symbol} (${t.asset.chain})`;

/** A human-readable summary: per exchange, per jurisdiction, every endpoint, cuts and the conservation line. */
export function reportToSummary(report: TraceReport): string {
  const out = [
    ...heading(report),
    ...exchangeLines(report),
    ...endpointLines(report),
    ...conversionLines(report),
    ...crossingLines(report),
    ...balanceLines(report),
  ];
  return `${out.join('\n')}\n`;
}

/** The case, the settings, the seeds. */
function heading(report: TraceReport): string[] {
  const c = report.case;
  return [
    `chaintrail trace${c.reference ? ` — case ${c.reference}` : ''}${c.jurisdiction ? ` (jurisdiction ${c.jurisdiction})` : ''}`,
    `taint model ${report.settings.taint}, max hops ${report.settings.maxHops}, min value ${report.settings.minValue}; ` +
      `${report.seeds.length} seed payment(s), ${report.stats.addressesExpanded} addresses expanded, ${report.stats.transfersSeen} transfers read`,
    '',
    'Seeds',
    table(
      ['time (UTC)', 'chain', 'recipient', 'amount', 'tx'],
      report.seeds.map((s) => [s.time, s.chain, short(s.address), amount(s), short(s.tx ?? '(address seed)')]),
      [3],
    ),
  ];
}

/** Per exchange (deposit addresses) and per jurisdiction. */
function exchangeLines(report: TraceReport): string[] {
  const out: string[] = [];
  out.push('');
  out.push('Exchanges');
  if (report.exchanges.length === 0) out.push('(none reached)');
  else
    out.push(
      table(
        ['entity', 'jurisdiction', 'cross-border', 'deposit address', 'inferred', 'amount', 'first seen', 'last seen'],
        report.exchanges.flatMap((x) =>
          x.depositAddresses.map((d) => [
            x.category ? `${x.entity} (${x.category})` : x.entity,
            x.jurisdictions.join(';') || 'unknown',
            cb(x.crossBorder),
            d.address,
            d.inferred ? 'yes' : 'no',
            amount(d),
            d.firstSeen,
            d.lastSeen,
          ]),
        ),
        [5],
      ),
    );
  out.push('');
  out.push('By jurisdiction');
  if (report.jurisdictions.length === 0) out.push('(none)');
  else
    out.push(
      table(
        ['jurisdiction', 'cross-border', 'entities', 'total'],
        report.jurisdictions.map((j) => [j.jurisdiction, cb(j.crossBorder), j.entities.join(', '), j.totals.map(amount).join(' + ')]),
      ),
    );
  return out;
}

/** Every endpoint, then the freeze candidates among them. */
function endpointLines(report: TraceReport): string[] {
  const out: string[] = [];
  out.push('');
  out.push('Endpoints');
  out.push(
    table(
      ['kind', 'chain', 'address', 'entity', 'amount', 'hops', 'reason'],
      report.endpoints.map((e) => [e.kind + (e.freezable ? ' (freezable)' : ''), e.chain, e.address, e.entity ?? '', amount(e), String(e.hops), e.reason]),
      [4, 5],
    ),
  );
  const freeze = report.endpoints.filter((e) => e.freezable);
  if (freeze.length) {
    out.push('');
    out.push('Freeze candidates (unspent, issuer-freezable stablecoins)');
    out.push(
      table(
        ['issuer', 'chain', 'address', 'amount'],
        freeze.map((e) => [e.freezable!.issuer, e.chain, e.address, amount(e)]),
        [3],
      ),
    );
  }
  return out;
}

/** Conversions inside transactions (swaps, wraps, unwraps), one row each (nothing when there are none). */
function conversionLines(report: TraceReport): string[] {
  if (!report.conversions?.length) return [];
  const contracts = (c: NonNullable<TraceReport['conversions']>[number]) =>
    c.contracts.map((k) => (k.entity ? `${k.entity} (${short(k.address)})` : short(k.address))).join(', ');
  return [
    '',
    'Conversions (swaps, wraps, unwraps inside a transaction)',
    table(
      ['time (UTC)', 'chain', 'tx', 'contracts', 'tainted in', 'share tainted', 'out', 'tainted out', 'recipients'],
      report.conversions.map((c) => [
        c.time,
        c.chain,
        short(c.tx),
        contracts(c),
        `${c.taintedInDisplay} ${c.assetIn.symbol} of ${c.totalInDisplay}`,
        `${c.share.percent.toFixed(2)}% (${c.share.tainted}/${c.share.total})`,
        `${c.amountOutDisplay} ${c.assetOut.symbol}`,
        `${c.taintedOutDisplay} ${c.assetOut.symbol}`,
        c.recipients.map((r) => `${short(r.to)} ${r.taintDisplay}`).join(', '),
      ]),
      [4, 6, 7],
    ),
    ...[...new Set(report.conversions.flatMap((c) => (c.notes ?? []).map((n) => `  ${short(c.tx)}: ${n}`)))],
  ];
}

/** Deposits into bridges and whether each was continued on the destination chain (nothing when there are none). */
function crossingLines(report: TraceReport): string[] {
  const crossings = report.endpoints.flatMap((e) => (e.bridge?.deposits ?? []).map((d) => ({ e, d })));
  if (!crossings.length) return [];
  return [
    '',
    'Bridge crossings',
    table(
      ['bridge', 'deposit tx', 'deposit id', 'to chain', 'recipient', 'continued'],
      crossings.map(({ e, d }) => [
        e.bridge!.name,
        short(d.tx),
        d.depositId ?? '',
        d.destinationChain ?? d.destinationNetwork ?? d.destinationChainId ?? '',
        d.recipient ?? '',
        d.continuation
          ? `${d.continuation.taintedDisplay} ${d.continuation.asset.symbol} in ${short(d.continuation.tx)} (${d.continuation.match === 'protocol-id' ? 'deposit id' : `amount+time, ${d.continuation.confidence}`})`
          : `no: ${d.note ?? 'not traced'}`,
      ]),
    ),
  ];
}

/** Where the trace stopped, conservation, what was ignored, notes and the incomplete warning. */
function balanceLines(report: TraceReport): string[] {
  const out: string[] = [];
  out.push('');
  out.push('Where the trace stopped');
  out.push(
    table(
      ['reason', 'endpoints', 'amount'],
      report.stops.map((s) => [s.kind, String(s.count), s.totals.map(amount).join(' + ')]),
      [1],
    ),
  );
  out.push('');
  out.push('Conservation');
  for (const line of report.conservation) out.push(`${line.balanced ? 'ok ' : 'GAP'} ${line.asset.symbol} (${line.asset.chain}): ${line.explanation}`);
  const ig = report.ignored;
  if (ig.zeroValue || ig.lookalikeToken || ig.untracedAsset) {
    out.push('');
    out.push(
      `Ignored: ${ig.zeroValue} zero-value transfer(s), ${ig.lookalikeToken} look-alike token transfer(s), ${ig.untracedAsset} transfer(s) of other assets`,
    );
  }
  for (const note of report.notes) out.push(`Note: ${note}`);
  if (!report.complete) out.push('WARNING: this trace is incomplete.');
  return out;
}
