import { lazyPackage } from '../../core/lazy.js';
import type { AssetRef } from '../../core/schema.js';
import { RpcError } from './errors.js';
import { HexDataSchema } from './schema.js';

// ethers' ABI decoder and UTF-8 helper, loaded with the first token whose symbol or decimals are read.
const ethersAbi = lazyPackage<typeof import('ethers/abi')>('ethers/abi');
const ethersUtils = lazyPackage<typeof import('ethers/utils')>('ethers/utils');
import type { Transport } from './transport.js';

const SYMBOL = '0x95d89b41'; // symbol()
const DECIMALS = '0x313ce567'; // decimals()
const MAX_DECIMALS = 77;

/**
 * Token metadata read once per contract with eth_call and cached. Scam and legacy tokens answer in odd ways
 * (bytes32 symbols, reverts, absurd decimals): those never fail a trace, they get symbol '?' and a note.
 */
export function createTokenRegistry(transport: Transport, chain: string) {
  const known = new Map<string, AssetRef>();
  const notes = new Set<string>();

  function prime(assets: readonly AssetRef[] | undefined): void {
    for (const a of assets ?? []) if (a.kind === 'token' && a.contract && !known.has(a.contract)) known.set(a.contract, { ...a, chain });
  }

  async function get(contracts: Iterable<string>, signal?: AbortSignal): Promise<Map<string, AssetRef>> {
    const wanted = [...new Set(contracts)];
    const missing = wanted.filter((c) => !known.has(c)).sort();
    if (missing.length > 0) {
      const answers = await transport.batch(
        missing.flatMap((to) => [
          { method: 'eth_call', params: [{ to, data: SYMBOL }, 'latest'] },
          { method: 'eth_call', params: [{ to, data: DECIMALS }, 'latest'] },
        ]),
        HexDataSchema,
        signal,
      );
      missing.forEach((contract, i) => {
        const symbol = decodeSymbol(answers[2 * i]!);
        const decimals = decodeDecimals(answers[2 * i + 1]!);
        if (symbol === undefined || decimals === undefined) {
          notes.add(`Token contract ${contract} did not answer symbol()/decimals() like an ERC-20; its amounts are shown in base units with symbol "?".`);
        }
        known.set(contract, { chain, kind: 'token', contract, symbol: symbol ?? '?', decimals: decimals ?? 0 });
      });
    }
    return new Map(wanted.map((c) => [c, known.get(c)!]));
  }

  return { prime, get, notes: () => [...notes].sort() };
}

export type TokenRegistry = ReturnType<typeof createTokenRegistry>;

function decodeSymbol(answer: string | RpcError): string | undefined {
  if (answer instanceof RpcError || answer.length < 66) return undefined;
  let text: string | undefined;
  try {
    text = ethersAbi().AbiCoder.defaultAbiCoder().decode(['string'], answer)[0] as string;
  } catch {
    // bytes32 symbol (MKR, SAI and other early tokens): zero-padded UTF-8.
    if (answer.length === 66) {
      try {
        text = ethersUtils().toUtf8String(answer.replace(/(00)+$/, ''));
      } catch {
        return undefined;
      }
    }
  }
  // Symbols are chosen by whoever deployed the contract: keep them printable and short.
  const clean = text
    ?.replace(/[\p{Cc}\p{Cf}]/gu, '')
    .trim()
    .slice(0, 32);
  return clean ? clean : undefined;
}

function decodeDecimals(answer: string | RpcError): number | undefined {
  if (answer instanceof RpcError || answer.length !== 66) return undefined;
  const value = BigInt(answer);
  return value <= BigInt(MAX_DECIMALS) ? Number(value) : undefined;
}
