import { normalizeAddress } from '../../core/address.js';
import { nativeAsset } from '../../core/asset.js';
import { ResponseShapeError } from '../../core/errors.js';
import { fnv1a } from '../../core/fnv1a.js';
import type { AccountTransfer } from '../../core/movement.js';
import type { InternalTx, NormalTx, TokenTx } from './schema.js';

/**
 * Etherscan/Blockscout rows -> AccountTransfer. Every row maps to exactly one movement, except failed ones
 * (isError=1: the chain reverted the value) and genesis allocations (no transaction): those are not movements.
 */

/**
 * A stable position for movements the source gives no log index for (internal calls; token rows of older
 * answers). It is derived from the movement's content plus its occurrence number among identical ones in the
 * same transaction, so the same movement gets the same id whichever address's list it was fetched through.
 * Offset past any real log index so the two never collide.
 */
export const SYNTHETIC_INDEX_BASE = 1_000_000;

export function stableIndex(parts: string[], occurrence: number): number {
  return SYNTHETIC_INDEX_BASE + (fnv1a(`${parts.join('|')}|${occurrence}`) % 1_000_000_000);
}

/** Checksum validation hashes every address; lists repeat a handful of them thousands of times. */
const normalized = new Map<string, string>();

function addr(chain: string, value: string, field: string, tx: string): string {
  const key = `${chain}|${value}`;
  const hit = normalized.get(key);
  if (hit !== undefined) return hit;
  try {
    const out = normalizeAddress(chain, value);
    if (normalized.size > 100_000) normalized.clear();
    normalized.set(key, out);
    return out;
  } catch (error) {
    throw new ResponseShapeError(`Source returned an invalid ${field} address "${value}" in ${tx}`, { details: { chain, tx, field, value }, cause: error });
  }
}

const num = (s: string | undefined): number | undefined => (s === undefined || s === '' ? undefined : Number(s));

export function mapNormalTx(chain: string, row: NormalTx): AccountTransfer | null {
  if (row.isError === '1' || row.from.toUpperCase() === 'GENESIS') return null;
  const tx = row.hash.toLowerCase();
  const to = row.to || row.contractAddress || '';
  const txIndex = num(row.transactionIndex);
  const fee = row.gasUsed && row.gasPrice ? BigInt(row.gasUsed) * BigInt(row.gasPrice) : undefined;
  return {
    chain,
    type: 'native',
    from: addr(chain, row.from, 'from', tx),
    to: addr(chain, to, 'to', tx),
    asset: nativeAsset(chain),
    amount: BigInt(row.value),
    tx,
    logIndex: -1,
    block: Number(row.blockNumber),
    ...(txIndex !== undefined ? { txIndex } : {}),
    time: Number(row.timeStamp),
    ...(fee !== undefined ? { fee } : {}),
  };
}

/** Counts identical movements inside one transaction so each gets its own synthetic index. */
function occurrences() {
  const seen = new Map<string, number>();
  return (key: string) => {
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return n;
  };
}

export function mapInternalTxs(chain: string, rows: InternalTx[], txHash?: string): AccountTransfer[] {
  const next = occurrences();
  const out: AccountTransfer[] = [];
  for (const row of rows) {
    if (row.isError === '1') continue;
    const tx = (row.hash ?? txHash ?? '').toLowerCase();
    if (!tx) throw new ResponseShapeError('Source returned an internal transaction without a hash', { details: { chain, row } });
    const from = addr(chain, row.from, 'from', tx);
    const to = addr(chain, row.to || row.contractAddress || '', 'to', tx);
    const parts = [tx, row.type ?? 'call', from, to, row.value];
    out.push({
      chain,
      type: 'internal',
      from,
      to,
      asset: nativeAsset(chain),
      amount: BigInt(row.value),
      tx,
      logIndex: stableIndex(parts, next(parts.join('|'))),
      block: Number(row.blockNumber),
      time: Number(row.timeStamp),
    });
  }
  return out;
}

export function mapTokenTxs(chain: string, rows: TokenTx[]): { transfers: AccountTransfer[]; synthesized: boolean } {
  const next = occurrences();
  let synthesized = false;
  const transfers = rows.map((row): AccountTransfer => {
    const tx = row.hash.toLowerCase();
    const contract = addr(chain, row.contractAddress, 'token contract', tx);
    const from = addr(chain, row.from, 'from', tx);
    const to = addr(chain, row.to, 'to', tx);
    let logIndex = num(row.logIndex);
    if (logIndex === undefined) {
      synthesized = true;
      const parts = [tx, contract, from, to, row.value];
      logIndex = stableIndex(parts, next(parts.join('|')));
    }
    const txIndex = num(row.transactionIndex);
    return {
      chain,
      type: 'token',
      from,
      to,
      asset: { chain, kind: 'token', contract, symbol: row.tokenSymbol || 'UNKNOWN', decimals: Math.min(77, Number(row.tokenDecimal || '0')) },
      amount: BigInt(row.value),
      tx,
      logIndex,
      block: Number(row.blockNumber),
      ...(txIndex !== undefined ? { txIndex } : {}),
      time: Number(row.timeStamp),
    };
  });
  return { transfers, synthesized };
}
