/** SQL of cross-case convergence: the addresses two or more cases' latest traces reached, and the victims leading there. */
import type { SharedReach, SharedVictim } from '../ranking.js';
import type { SqlExecutor, SqlValue } from '../sql.js';

/** Which shared addresses: reached by at least `minCases` cases, on `chain` when given. */
export interface SharedFilter {
  chain?: string;
  minCases: number;
}

/**
 * Addresses reached by >= minCases cases in their latest traces (params: [chain?], minCases). A contract that kept taint
 * in a swap (role `contract`: a DEX pool, a wrapper) is shared by unrelated traders, so it links no cases.
 */
const sharedCte = (chain: boolean) =>
  'WITH latest AS (SELECT MAX(id) AS id FROM traces GROUP BY case_id), ' +
  'shared AS (SELECT ta.chain, ta.address FROM trace_addresses ta JOIN traces t ON t.id = ta.trace_id ' +
  `WHERE ta.trace_id IN (SELECT id FROM latest)${chain ? ' AND ta.chain = ?' : ''} ` +
  "AND ta.role <> 'contract' GROUP BY ta.chain, ta.address HAVING COUNT(DISTINCT t.case_id) >= ?) ";

const paramsOf = (filter: SharedFilter): SqlValue[] => [...(filter.chain ? [filter.chain] : []), filter.minCases];

interface ReachRow {
  chain: string;
  address: string;
  reference: string;
  asset: string;
  token_address: string | null;
  symbol: string;
  decimals: number;
  amount: string;
  first_seen: number;
  last_seen: number;
  hops: number | null;
  role: string;
  entity: string | null;
  category: string | null;
}

const reachOf = (r: ReachRow): SharedReach => ({
  chain: r.chain,
  address: r.address,
  reference: r.reference,
  assetKey: r.asset,
  asset: {
    chain: r.chain,
    kind: r.token_address ? 'token' : 'native',
    ...(r.token_address ? { contract: r.token_address } : {}),
    symbol: r.symbol,
    decimals: Number(r.decimals),
  },
  amount: BigInt(r.amount),
  firstSeen: Number(r.first_seen),
  lastSeen: Number(r.last_seen),
  hops: r.hops === null ? null : Number(r.hops),
  role: r.role,
  ...(r.entity ? { entity: r.entity } : {}),
  ...(r.category ? { category: r.category } : {}),
});

/** Each case's rows (per asset) at every shared address, ordered by chain, address, case reference and asset. */
export async function sharedReach(db: SqlExecutor, filter: SharedFilter): Promise<SharedReach[]> {
  const rows = await db.all<ReachRow>(
    `${sharedCte(Boolean(filter.chain))}SELECT ta.chain, ta.address, c.reference, ta.asset, ta.token_address, ta.symbol, ta.decimals, ta.amount, ` +
      'ta.first_seen, ta.last_seen, ta.hops, ta.role, ta.entity, ta.category FROM shared s ' +
      'JOIN trace_addresses ta ON ta.chain = s.chain AND ta.address = s.address JOIN traces t ON t.id = ta.trace_id JOIN cases c ON c.id = t.case_id ' +
      'WHERE ta.trace_id IN (SELECT id FROM latest) ORDER BY ta.chain, ta.address, c.reference, ta.asset',
    paramsOf(filter),
  );
  return rows.map(reachOf);
}

/** The victims (pseudonyms) whose payments lead to each shared address, per case, each once, in order. */
export async function sharedVictims(db: SqlExecutor, filter: SharedFilter): Promise<SharedVictim[]> {
  const rows = await db.all<{ chain: string; address: string; reference: string; pseudonym: string }>(
    `${sharedCte(Boolean(filter.chain))}SELECT DISTINCT tap.chain, tap.address, c.reference, v.pseudonym FROM shared s ` +
      'JOIN trace_address_payments tap ON tap.chain = s.chain AND tap.address = s.address JOIN payments p ON p.id = tap.payment_id ' +
      'JOIN victims v ON v.id = p.victim_id JOIN cases c ON c.id = p.case_id WHERE tap.trace_id IN (SELECT id FROM latest) ' +
      'ORDER BY tap.chain, tap.address, c.reference, v.pseudonym',
    paramsOf(filter),
  );
  return rows.map((r) => ({ chain: r.chain, address: r.address, reference: r.reference, victim: r.pseudonym }));
}
