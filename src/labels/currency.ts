import { isValidAddress } from '../core/address.js';

/**
 * Currency / asset codes of label datasets (GraphSense `currency`, the OFAC list file suffix) to chaintrail chains.
 *
 * | code | chain |
 * |---|---|
 * | BTC, XBT | bitcoin |
 * | ETH | ethereum |
 * | TRX | tron |
 * | BSC, BEP20, BNB (0x… addresses) | evm:56 |
 * | MATIC, POL | evm:137 |
 * | ARB | evm:42161 |
 * | AVAX (0x… C-Chain addresses) | evm:43114 |
 * | USDT, USDC | by the address: 0x… ethereum, T… tron, a Bitcoin address (Omni layer) bitcoin |
 *
 * Known assets without a chain in chaintrail (BCH, LTC, ZEC, DASH, XMR, ETC, …) are `unsupported-currency`;
 * anything else is `unknown-currency`. Both are reported, never dropped silently.
 */
export type CurrencyResolution = { ok: true; chain: string } | { ok: false; code: 'unsupported-currency' | 'unknown-currency'; reason: string };

const FIXED: Record<string, string> = {
  BTC: 'bitcoin',
  XBT: 'bitcoin',
  ETH: 'ethereum',
  TRX: 'tron',
  BSC: 'evm:56',
  BEP20: 'evm:56',
  MATIC: 'evm:137',
  POL: 'evm:137',
  ARB: 'evm:42161',
};

/** Only their EVM-style addresses are on a chain chaintrail covers. */
const EVM_ONLY: Record<string, string> = { BNB: 'evm:56', AVAX: 'evm:43114' };

/** Tokens issued on several chains: the address form says which. */
const MULTI_CHAIN_TOKENS = new Set(['USDT', 'USDC']);

/** Assets people will meet in label datasets that chaintrail has no chain for (yet). */
export const UNSUPPORTED_CURRENCIES = new Set(
  (
    'BCH LTC ZEC DASH XMR DOGE ETC BSV BTG XRP XVG ADA SOL EOS DOT ATOM XLM ALGO FIL KCS RBTC OMNI L-BTC XTZ ZIL NEO ' +
    'VET KSM NEAR FTM BEP2 XEC DGB DCR WAVES APT LUNA MIOTA'
  ).split(' '),
);

const EVM_HEX = /^0x[0-9a-fA-F]{40}$/;
const TRON_B58 = /^T[1-9A-HJ-NP-Za-km-z]{33}$/;

/** The chain id for a currency code of a label dataset (ETH, TRX, BTC, …), if known. */
export function chainForCurrency(currency: string, address: string): CurrencyResolution {
  const code = currency.trim().toUpperCase();
  const fixed = FIXED[code];
  if (fixed) return { ok: true, chain: fixed };
  const evmOnly = EVM_ONLY[code];
  if (evmOnly) {
    if (EVM_HEX.test(address.trim())) return { ok: true, chain: evmOnly };
    return { ok: false, code: 'unsupported-currency', reason: `${code} address "${address}" is not on an EVM chain; chaintrail has no chain for it yet` };
  }
  if (MULTI_CHAIN_TOKENS.has(code)) {
    const a = address.trim();
    if (EVM_HEX.test(a)) return { ok: true, chain: 'ethereum' };
    if (TRON_B58.test(a)) return { ok: true, chain: 'tron' };
    if (isValidAddress('bitcoin', a)) return { ok: true, chain: 'bitcoin' };
    return { ok: false, code: 'unsupported-currency', reason: `${code} address "${address}" is on a chain chaintrail has no chain for yet` };
  }
  if (UNSUPPORTED_CURRENCIES.has(code)) return { ok: false, code: 'unsupported-currency', reason: `currency ${code} has no chain in chaintrail yet` };
  return { ok: false, code: 'unknown-currency', reason: `unknown currency "${currency}"` };
}
