import { InvalidInputError } from './errors.js';
import { getChain } from './chain.js';
import type { AssetRef } from './schema.js';

export type { AssetRef };

/** The key that separates taint streams: one per chain and token contract (a look-alike contract is another asset). */
export function assetKey(asset: Pick<AssetRef, 'chain' | 'kind' | 'contract'>): string {
  return asset.kind === 'native' ? `${asset.chain}:native` : `${asset.chain}:${asset.contract}`;
}

/** The native asset of a chain (ETH, TRX, BTC, …) as an AssetRef. */
export function nativeAsset(chain: string): AssetRef {
  const info = getChain(chain);
  return { chain: info.id, kind: 'native', symbol: info.native.symbol, decimals: info.native.decimals };
}

/** Base units to a decimal string for display: 1234500n with 6 decimals is "1.2345". */
export function formatUnits(amount: bigint, decimals: number): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = decimals > 0 ? digits.slice(digits.length - decimals).replace(/0+$/, '') : '';
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** A decimal string in display units to base units; more fractional digits than the asset has is an error, not a rounding. */
export function parseUnits(value: string, decimals: number, what = 'amount'): bigint {
  const match = /^(\d+)(?:\.(\d*))?$/.exec(value.trim());
  if (!match) throw new InvalidInputError(`Invalid ${what} "${value}": expected a non-negative decimal number`, { details: { value } });
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > decimals) {
    throw new InvalidInputError(`Invalid ${what} "${value}": more than ${decimals} decimal places`, { details: { value, decimals } });
  }
  return BigInt(match[1]!) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
}
