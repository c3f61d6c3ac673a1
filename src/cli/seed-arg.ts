import { addressChainsOf, normalizeAddress } from '../core/address.js';
import { getChain, type ChainInfo } from '../core/chain.js';
import { InvalidInputError } from '../core/errors.js';
import type { SeedInput } from '../core/schema.js';

/** How a transaction hash and an address look on each family, for messages. */
const FORMS: Record<ChainInfo['family'], { tx: string; address: string }> = {
  evm: { tx: '0x + 64 hex digits', address: '0x + 40 hex digits' },
  tron: { tx: '64 hex digits', address: 'base58 T… of 34 characters, or 41 + 40 hex digits' },
  utxo: { tx: '64 hex digits', address: 'base58 1…/3… or bech32 bc1…' },
};

const isTxHash = (family: ChainInfo['family'], value: string) => (family === 'evm' ? /^0x[0-9a-fA-F]{64}$/ : /^(0x)?[0-9a-fA-F]{64}$/).test(value);

/**
 * `--seed [CHAIN=]VALUE[:N]`: a transaction hash, optionally naming one of its movements (`TX:N`: the output index
 * on Bitcoin, the log index of a token transfer on EVM and TRON; `TX:native` the transaction's own value), or an
 * address. Anything else is refused with a one-line message that says what the value is not, and which chain it fits.
 */
export function parseSeedArg(arg: string, defaultChain: string | undefined): SeedInput {
  const eq = arg.indexOf('=');
  const chainName = eq > 0 ? arg.slice(0, eq) : defaultChain;
  const rest = (eq > 0 ? arg.slice(eq + 1) : arg).trim();
  if (!chainName) throw new InvalidInputError(`--seed ${arg}: say which chain (--chain or CHAIN=VALUE)`, { details: { seed: arg } });
  const chain = getChain(chainName);
  const colon = rest.lastIndexOf(':');
  const value = colon >= 0 ? rest.slice(0, colon) : rest;
  const fail = (why: string, details: Record<string, unknown> = {}) =>
    new InvalidInputError(`--seed ${arg}: ${why}`, { details: { seed: arg, chain: chain.id, ...details } });
  if (colon >= 0) {
    if (!isTxHash(chain.family, value))
      throw fail(`only a transaction hash takes :N, and "${value}" is not a ${chain.id} transaction hash (${FORMS[chain.family].tx})`);
    return { chain: chainName, tx: value, index: parseIndex(rest.slice(colon + 1), chain, fail) };
  }
  if (isTxHash(chain.family, value)) return { chain: chainName, tx: value };
  checkAddress(value, chain, fail);
  return { chain: chainName, address: value };
}

function parseIndex(text: string, chain: ChainInfo, fail: (why: string) => InvalidInputError): number {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  if (text.toLowerCase() === 'native' && chain.family !== 'utxo') return -1;
  const what = chain.family === 'utxo' ? 'the output index (vout, from 0)' : 'the log index of a token transfer, or "native" for the transaction\'s own value';
  throw fail(`"${text}" after the colon is not ${what}`);
}

/** An address seed is checked here, where the message can say what the value looks like instead. */
function checkAddress(value: string, chain: ChainInfo, fail: (why: string, details?: Record<string, unknown>) => InvalidInputError): void {
  const hex = /^(0x)?([0-9a-fA-F]+)$/.exec(value);
  const others = addressChainsOf(value, chain.id);
  const fits = others.length ? `; it is a valid ${others.join(' and ')} address: use --chain ${others[0]} or --seed ${others[0]}=…` : '';
  // An address-shaped value that does not parse (a bad EIP-55 checksum) gets the address's own message.
  const addressShaped = chain.family === 'evm' ? /^0x[0-9a-fA-F]{40}$/.test(value) : chain.family === 'tron' && /^(0x)?41[0-9a-fA-F]{40}$/.test(value);
  if (hex && others.length === 0 && !addressShaped) {
    const digits = hex[2]!.length;
    const txElsewhere =
      digits === 64 && chain.family === 'evm' ? '; a 64-digit hash without 0x is a TRON or Bitcoin transaction id: use --seed tron=… or bitcoin=…' : '';
    const evmElsewhere = digits === 40 && chain.family !== 'evm' ? '; 40 hex digits are an EVM address: use --chain ethereum (or evm:<chainId>)' : '';
    try {
      normalizeAddress(chain.id, value);
      return;
    } catch {
      const forms = `neither a transaction hash (${FORMS[chain.family].tx}) nor an address (${FORMS[chain.family].address}) on ${chain.id}`;
      throw fail(`"${value}" has ${digits} hex digits: ${forms}${txElsewhere}${evmElsewhere}`, { digits });
    }
  }
  try {
    normalizeAddress(chain.id, value);
  } catch (error) {
    const why = error instanceof InvalidInputError ? error.shortMessage.replace(/; it is a valid .*$/, '') : 'not an address';
    throw fail(`${why}${fits}`, { ...(others.length ? { fitsChains: others } : {}) });
  }
}
