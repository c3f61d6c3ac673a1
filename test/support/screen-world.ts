/**
 * Generated screening worlds for bulk lookup tests: labels on EVM, TRON and Bitcoin addresses, and a list of inputs
 * that mixes labeled, unlabeled, invalid, repeated and differently written addresses (EIP-55, upper case, TRON hex,
 * upper-case bech32), with and without a chain per row. `expectRows` computes what screening must answer from the
 * label rows alone (its own chain aliases, address forms and precedence rule; no code of src/labels).
 */
import { createHash } from 'node:crypto';
import { payments } from 'bitcoinjs-lib';
import { encodeBase58, getAddress } from 'ethers';
import type { Category, Label } from '../../src/core/schema.js';
import { mulberry32 } from './random.js';

export type Family = 'evm' | 'tron' | 'bitcoin';

/** One address of the world: its family, its canonical form and the ways a person may write it. */
export interface WorldAddress {
  family: Family;
  canonical: string;
  forms: string[];
  /** Texts that look like this address but are not valid (wrong length, bad checksum, bad character). */
  broken: string[];
}

/** One input as the world writes it, and what it is. */
export interface WorldInput {
  text: string;
  /** The chain written on the row (a chain column), as given (may be an alias or the wrong family). */
  chain?: string;
  /** The address it writes, or undefined for text that is no address of any chain. */
  address?: WorldAddress;
  /** True when the text is a broken form of `address`. */
  broken: boolean;
}

export interface ScreenWorld {
  labels: Label[];
  inputs: WorldInput[];
  /** Chain for every row without its own (`--chain`), as given. */
  optionChain?: string;
}

/** What screening must answer for one input. */
export interface ExpectedRow {
  index: number;
  status: 'labeled' | 'unlabeled' | 'invalid';
  chain?: string;
  chainFrom?: 'option' | 'input' | 'address';
  address?: string;
  duplicateOf?: number;
  labels: Label[];
}

const EVM_LABEL_CHAINS = ['ethereum', 'evm:56', 'evm:137', 'evm'];
const CATEGORIES: Category[] = ['exchange', 'instant-exchange', 'payment', 'gambling', 'custody', 'bridge', 'mixer', 'sanctioned', 'defi', 'other'];
const ENTITIES = ['Binance', 'OKX', 'eXch', 'FixedFloat', 'Stake', 'Bitrefill', 'Kraken, Inc.', 'Say "hi" Ltd', '=HYPERLINK("x")', '-minus', 'Ünïcode Börse'];
const JURISDICTIONS = [[], ['SC'], ['MT', 'GB'], ['US'], ['DE'], ['VG', 'AE', 'AT']];
const CONFIDENCES = [0.3, 0.5, 0.5, 0.6, 0.8, 1];
const LICENCES = [undefined, undefined, 'MIT', 'public domain (US government)'];
/** Chains as people write them, by family, with the canonical id each means. */
const CHAIN_WORDS: Record<Family, [string, string][]> = {
  evm: [
    ['ethereum', 'ethereum'],
    ['ETH', 'ethereum'],
    ['evm:1', 'ethereum'],
    ['bsc', 'evm:56'],
    ['evm:137', 'evm:137'],
    ['evm', 'evm'],
  ],
  tron: [
    ['tron', 'tron'],
    ['TRX', 'tron'],
  ],
  bitcoin: [
    ['bitcoin', 'bitcoin'],
    ['btc', 'bitcoin'],
  ],
};
const CANONICAL_CHAIN = new Map(Object.values(CHAIN_WORDS).flat());
const FAMILY_OF_CHAIN = (chain: string): Family => (chain === 'tron' ? 'tron' : chain === 'bitcoin' ? 'bitcoin' : 'evm');
const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const bytes = (rand: Rand, n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

function replaceAt(text: string, at: number, alphabet: string, rand: Rand): string {
  const others = alphabet.replace(text[at]!, '');
  return text.slice(0, at) + pick(rand, [...others]) + text.slice(at + 1);
}

function evmAddress(rand: Rand): WorldAddress {
  const canonical = `0x${bytes(rand, 20).toString('hex')}`;
  const checksummed = getAddress(canonical);
  const forms = [canonical, `0x${canonical.slice(2).toUpperCase()}`, checksummed, `  ${checksummed}\t`];
  const broken = [canonical.slice(0, 41), `${canonical.slice(0, 10)}g${canonical.slice(11)}`];
  // A checksum typo: one letter's case flipped, when the result is still mixed case (else it carries no checksum).
  const letters = [...checksummed].map((c, i) => (i > 1 && /[a-fA-F]/.test(c) ? i : -1)).filter((i) => i > 0);
  if (letters.length) {
    const at = pick(rand, letters);
    const c = checksummed[at]!;
    const typo = checksummed.slice(0, at) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + checksummed.slice(at + 1);
    const body = typo.slice(2);
    if (body !== body.toLowerCase() && body !== body.toUpperCase()) broken.push(typo);
  }
  return { family: 'evm', canonical, forms, broken };
}

function tronAddress(rand: Rand): WorldAddress {
  const payload = Buffer.concat([Buffer.from([0x41]), bytes(rand, 20)]);
  const full = Buffer.concat([payload, sha256(sha256(payload)).subarray(0, 4)]);
  const canonical = encodeBase58(full);
  const hex = payload.toString('hex');
  return {
    family: 'tron',
    canonical,
    forms: [canonical, hex, hex.toUpperCase(), `0x${hex}`],
    broken: [replaceAt(canonical, 1 + Math.floor(rand() * 33), BASE58, rand), canonical.slice(0, 33)],
  };
}

function bitcoinAddress(rand: Rand): WorldAddress {
  const hash = bytes(rand, 20);
  if (rand() < 0.5) {
    const canonical = payments.p2wpkh({ hash }).address!;
    return {
      family: 'bitcoin',
      canonical,
      forms: [canonical, canonical.toUpperCase()],
      broken: [replaceAt(canonical, 4 + Math.floor(rand() * 38), BECH32, rand)],
    };
  }
  const canonical = payments.p2pkh({ hash }).address!;
  return { family: 'bitcoin', canonical, forms: [canonical], broken: [replaceAt(canonical, 1 + Math.floor(rand() * (canonical.length - 1)), BASE58, rand)] };
}

const MAKERS: Record<Family, (rand: Rand) => WorldAddress> = { evm: evmAddress, tron: tronAddress, bitcoin: bitcoinAddress };

/** Labels of one address: 1 to 3, no two alike in chain, entity and category (an importer would merge those). */
function labelsOf(address: WorldAddress, rand: Rand, serial: () => number): Label[] {
  const out: Label[] = [];
  const count = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < count; i++) {
    const chain = address.family === 'evm' ? pick(rand, EVM_LABEL_CHAINS) : address.family;
    const entity = pick(rand, ENTITIES);
    const category = pick(rand, CATEGORIES);
    // An 'evm' label covers every EVM chain: an importer takes the same entity and category on one of them as a repeat.
    const overlaps = (other: string) => other === chain || other === 'evm' || chain === 'evm';
    if (out.some((l) => overlaps(l.chain) && l.entity === entity && l.category === category)) continue;
    const licence = pick(rand, LICENCES);
    out.push({
      chain,
      address: address.canonical,
      entity,
      category,
      jurisdictions: [...pick(rand, JURISDICTIONS)],
      confidence: pick(rand, CONFIDENCES),
      source: `world row ${serial()}`,
      ...(licence === undefined ? {} : { licence }),
    });
  }
  return out;
}

/** Parameters of a world, drawn by the test (fast-check) over realistic ranges. */
export interface WorldParams {
  seed: number;
  /** Addresses per family. */
  addresses: number;
  /** Share of the addresses that have labels (0..1). */
  labeledShare: number;
  inputs: number;
  /** Share of inputs that are broken or no address at all (0..1). */
  invalidShare: number;
  /** Share of inputs that carry their own chain (0..1). */
  rowChainShare: number;
  optionChain?: string;
  /** Labels without licences (for label files that have no licence column). */
  noLicence?: boolean;
}

/** A world: labels shuffled across families and chains, and inputs drawn from its addresses. */
export function screenWorld(params: WorldParams): ScreenWorld {
  const rand = mulberry32(params.seed);
  let n = 0;
  const serial = () => ++n;
  const pool = (['evm', 'tron', 'bitcoin'] as Family[]).flatMap((family) => Array.from({ length: params.addresses }, () => MAKERS[family](rand)));
  const labels = pool.filter(() => rand() < params.labeledShare).flatMap((a) => labelsOf(a, rand, serial));
  if (params.noLicence) for (const label of labels) delete label.licence;
  // Labels in an order unrelated to the addresses: precedence on equal confidence follows it.
  for (let i = labels.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [labels[i], labels[j]] = [labels[j]!, labels[i]!];
  }
  const inputs: WorldInput[] = [];
  for (let i = 0; i < params.inputs; i++) {
    const address = pick(rand, pool);
    const invalid = rand() < params.invalidShare;
    const junk = invalid && rand() < 0.25;
    const text = junk ? pick(rand, ['hello', 'ZZ12', 'x0abc', 'ltc1qnotsupported']) : pick(rand, invalid ? address.broken : address.forms);
    const withChain = rand() < params.rowChainShare;
    // A row's chain: one of its family (any alias), sometimes another family's (which makes the row invalid).
    const family = rand() < 0.85 ? address.family : pick(rand, ['evm', 'tron', 'bitcoin'] as Family[]);
    const chain = withChain ? pick(rand, CHAIN_WORDS[family])[0] : undefined;
    inputs.push({ text, ...(chain === undefined ? {} : { chain }), ...(junk ? {} : { address }), broken: invalid && !junk });
  }
  return { labels, inputs, ...(params.optionChain === undefined ? {} : { optionChain: params.optionChain }) };
}

/** Labels in precedence order for one chain: higher confidence first, then the order of the label rows. */
function ranked(labels: readonly Label[], chain: string, address: string): Label[] {
  return labels
    .filter((l) => l.chain === chain && l.address === address)
    .map((l, i) => ({ l, i }))
    .sort((a, b) => b.l.confidence - a.l.confidence || a.i - b.i)
    .map((x) => x.l);
}

/**
 * Labels screening must give for an address looked up on a chain: the chain's own then the every-EVM-chain ones for
 * an EVM chain; for `evm`, Ethereum's and every-EVM-chain ones, then each other EVM chain's (by chain id).
 */
export function expectedLabels(labels: readonly Label[], chain: string, address: string): Label[] {
  if (chain === 'tron' || chain === 'bitcoin') return ranked(labels, chain, address);
  const own = chain === 'evm' ? 'ethereum' : chain;
  const head = [...ranked(labels, own, address), ...ranked(labels, 'evm', address)];
  if (chain !== 'evm') return head;
  const others = [...new Set(labels.map((l) => l.chain).filter((c) => c.startsWith('evm:')))].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  return [...head, ...others.flatMap((c) => ranked(labels, c, address))];
}

/** What screening must answer for every input of the world, in order. */
export function expectRows(world: ScreenWorld): ExpectedRow[] {
  const first = new Map<string, number>();
  return world.inputs.map((input, i) => {
    const index = i + 1;
    const given = input.chain ?? world.optionChain;
    const chainFrom = input.chain !== undefined ? 'input' : world.optionChain !== undefined ? 'option' : 'address';
    const chain = given === undefined ? (input.address?.family ?? undefined) : CANONICAL_CHAIN.get(given);
    if (!input.address || input.broken || chain === undefined || FAMILY_OF_CHAIN(chain) !== input.address.family) {
      return { index, status: 'invalid', labels: [] };
    }
    const address = input.address.canonical;
    const labels = expectedLabels(world.labels, chain, address);
    const key = `${chain} ${address}`;
    const duplicateOf = first.get(key);
    if (duplicateOf === undefined) first.set(key, index);
    return {
      index,
      status: labels.length ? 'labeled' : 'unlabeled',
      chain,
      chainFrom,
      address,
      ...(duplicateOf === undefined ? {} : { duplicateOf }),
      labels,
    };
  });
}
