import { formatAddress } from '../core/address.js';
import { assetKey, formatUnits } from '../core/asset.js';
import { sortChronologically } from '../core/movement.js';
import type { ConversionReport } from '../core/schema.js';
import type { BoxData, ConversionData } from '../engine/conversions.js';
import type { TraceOutcome } from '../engine/run.js';
import { isoTime } from './assets.js';
import { cmp, reportAsset } from './figures.js';

/**
 * The report's `conversions` section: one row per conversion the engine found inside a transaction (a swap, a wrap,
 * an unwrap), in time order. Undefined when there is none, so reports of worlds without contracts keep their bytes.
 */
export function conversionSection(outcome: Pick<TraceOutcome, 'boxes' | 'labels'>): ConversionReport[] | undefined {
  const rows = [...(outcome.boxes ?? [])]
    .sort((a, b) => a.time - b.time || cmp(a.chain, b.chain) || cmp(a.tx, b.tx))
    .flatMap((box) =>
      [...box.conversions]
        .sort((a, b) => cmp(assetKey(a.assetIn), assetKey(b.assetIn)) || cmp(assetKey(a.assetOut), assetKey(b.assetOut)))
        .map((c) => conversionRow(box, c, outcome)),
    );
  return rows.length > 0 ? rows : undefined;
}

/** taintedIn / totalIn as a percentage rounded down to two decimals: it never shows more taint than there was. */
export function sharePercent(tainted: bigint, total: bigint): number {
  return total > 0n ? Number((tainted * 10_000n) / total) / 100 : 0;
}

function conversionRow(box: BoxData, c: ConversionData, outcome: Pick<TraceOutcome, 'labels'>): ConversionReport {
  const units = (n: bigint, decimals: number) => formatUnits(n, decimals);
  const out = assetKey(c.assetOut);
  const recipients = sortChronologically(
    box.outputs.filter((o) => assetKey(o.transfer.t.asset) === out && o.taint > 0n),
    (o) => o.transfer.t,
  );
  return {
    chain: box.chain,
    tx: box.tx,
    block: box.block,
    time: isoTime(box.time),
    contracts: box.contracts.map((address) => {
      const label = outcome.labels?.get(box.chain, address);
      return { address: formatAddress(box.chain, address), ...(label ? { entity: label.entity, category: label.category } : {}) };
    }),
    assetIn: reportAsset(c.assetIn),
    taintedIn: c.taintedIn.toString(),
    taintedInDisplay: units(c.taintedIn, c.assetIn.decimals),
    totalIn: c.totalIn.toString(),
    totalInDisplay: units(c.totalIn, c.assetIn.decimals),
    share: { tainted: c.taintedIn.toString(), total: c.totalIn.toString(), percent: sharePercent(c.taintedIn, c.totalIn) },
    assetOut: reportAsset(c.assetOut),
    amountOut: c.amountOut.toString(),
    amountOutDisplay: units(c.amountOut, c.assetOut.decimals),
    taintedOut: c.taintedOut.toString(),
    taintedOutDisplay: units(c.taintedOut, c.assetOut.decimals),
    recipients: recipients.map(({ transfer: { t }, taint }) => ({
      tx: t.tx,
      logIndex: t.logIndex,
      time: isoTime(t.time),
      from: formatAddress(t.chain, t.from),
      to: formatAddress(t.chain, t.to),
      amount: t.amount.toString(),
      amountDisplay: units(t.amount, c.assetOut.decimals),
      taint: taint.toString(),
      taintDisplay: units(taint, c.assetOut.decimals),
    })),
    ...(box.notes.length > 0 ? { notes: [...box.notes] } : {}),
  };
}
