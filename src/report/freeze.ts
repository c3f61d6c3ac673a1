import type { AssetRef, Endpoint, TraceReport } from '../core/schema.js';
import { formatUnits } from '../core/asset.js';
import { groupBy } from '../core/group.js';

/** Freezable stablecoin balances still sitting in traced addresses, grouped by the issuer who can freeze them. */
export interface FreezeCandidateGroup {
  /** Who can freeze the token (e.g. Tether Operations Limited, Circle Internet Financial). */
  issuer: string;
  totals: { asset: AssetRef; amount: string; amountDisplay: string }[];
  /** The unspent endpoints: tainted funds still sitting at an address, in a token this issuer can freeze. */
  endpoints: Endpoint[];
}

const assetId = (a: AssetRef) => `${a.chain}:${a.kind}:${a.contract ?? ''}`;

/**
 * Freeze candidates: tainted balances still unspent at the end of the trace and held in an issuer-freezable
 * stablecoin (canonical USDT/USDC contracts), grouped by the issuer who can freeze them. Amounts are exact (bigint sums).
 */
export function freezeCandidates(report: TraceReport): FreezeCandidateGroup[] {
  const byIssuer = groupBy(
    report.endpoints.filter((e) => e.kind === 'unspent' && e.freezable),
    (e) => e.freezable!.issuer,
  );
  return [...byIssuer.keys()].sort().map((issuer) => {
    const endpoints = byIssuer.get(issuer)!;
    const sums = new Map<string, { asset: AssetRef; amount: bigint }>();
    for (const e of endpoints) {
      const prev = sums.get(assetId(e.asset));
      sums.set(assetId(e.asset), { asset: e.asset, amount: (prev?.amount ?? 0n) + BigInt(e.amount) });
    }
    const totals = [...sums.keys()].sort().map((k) => {
      const s = sums.get(k)!;
      return { asset: s.asset, amount: s.amount.toString(), amountDisplay: formatUnits(s.amount, s.asset.decimals) };
    });
    return { issuer, totals, endpoints };
  });
}
