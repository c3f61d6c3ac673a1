import { getChain } from '../core/chain.js';
import { normalizeAddress } from '../core/address.js';
import type { Category, Label } from '../core/schema.js';

export type { Label, Category };

/** Labels by chain and address, with precedence between sources; lookups in constant time. */
export interface LabelStore {
  /** Adds labels; addresses must already be normalized (the importers do that). */
  add(...labels: Label[]): void;
  /** Adds any number of labels (no argument-count limit, unlike spreading a million labels into add). */
  addAll(labels: Iterable<Label>): void;
  /** Every label of an address, in precedence order (higher confidence first, then load order). */
  getAll(chain: string, address: string): Label[];
  /** The label that decides: the first of getAll. */
  get(chain: string, address: string): Label | undefined;
  /** Labels of one category for the address, if any. */
  find(chain: string, address: string, category: Category): Label | undefined;
  /** True when the address has a label on that chain (or, for an EVM chain, an 'evm' label). */
  has(chain: string, address: string): boolean;
  readonly size: number;
  entries(): IterableIterator<Label>;
  /**
   * The chains the store holds labels on, `evm` included, without reading the labels (optional: a store without it
   * is read once through entries(), see chainsOfStore).
   */
  chains?(): string[];
}

/** Label rows use 'evm' for an address that means the same entity on every EVM chain. */
export const ANY_EVM_CHAIN = 'evm';

const EVM_SINGLE_CASE = /^0x(?:[0-9a-f]{40}|[0-9A-F]{40})$/;

/**
 * normalizeAddress for label datasets, with one shortcut: an EVM address written in a single case carries no
 * EIP-55 checksum to verify, so it is lower-cased without hashing (the same result as normalizeAddress, which
 * otherwise spends most of a million-row import computing keccak checksums). Mixed case is still verified.
 */
export function normalizeLabelAddress(chain: string, address: string): string {
  const raw = address.trim();
  if (EVM_SINGLE_CASE.test(raw) && (chain === ANY_EVM_CHAIN || getChain(chain).family === 'evm')) return raw.toLowerCase();
  return normalizeAddress(chain === ANY_EVM_CHAIN ? 'ethereum' : chain, raw);
}

/** Normalizes a label's chain and address; throws InvalidAddressError / InvalidInputError when they are wrong. */
export function normalizeLabel(label: Label): Label {
  if (label.chain === ANY_EVM_CHAIN) return { ...label, address: normalizeLabelAddress(ANY_EVM_CHAIN, label.address) };
  const chain = getChain(label.chain).id;
  return { ...label, chain, address: normalizeLabelAddress(chain, label.address) };
}

/**
 * Shares the strings and jurisdiction arrays that repeat across labels (entity, category, source, chain: a dataset
 * has few distinct values and millions of rows), so a million labels parsed from a file do not hold a million
 * copies of "Binance". Returns a new label; use one interner per load.
 */
export function createLabelInterner(): (label: Label) => Label {
  const strings = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const str = (v: string) => {
    const hit = strings.get(v);
    if (hit !== undefined) return hit;
    strings.set(v, v);
    return v;
  };
  return (label) => {
    const key = label.jurisdictions.join(';');
    let jurisdictions = lists.get(key);
    if (!jurisdictions) lists.set(key, (jurisdictions = Object.freeze([...label.jurisdictions]) as string[]));
    return {
      chain: str(label.chain),
      address: label.address,
      entity: str(label.entity),
      category: str(label.category) as Category,
      jurisdictions,
      confidence: label.confidence,
      source: str(label.source),
      ...(label.licence === undefined ? {} : { licence: str(label.licence) }),
    };
  };
}

/**
 * How a report cites a label after its entity: ` (<source>)`, with `; licence <licence>` when the source states one
 * (the built-in pack's labels do), or '' for a label without a source.
 */
export function labelCitation(label: Pick<Label, 'source' | 'licence'>): string {
  if (!label.source) return label.licence === undefined ? '' : ` (licence ${label.licence})`;
  return ` (${label.source}${label.licence === undefined ? '' : `; licence ${label.licence}`})`;
}

/** One address holds one label (the common case, no array) or several in precedence order. */
type Slot = Label | Label[];

const NONE: readonly Label[] = Object.freeze([]);

/**
 * In-memory store with constant-time lookup by chain and address: one Map per chain keyed by the label's own
 * address string (no composite key strings), a single label stored as itself and only an address with several
 * labels holding an array. About 190 bytes per label including the label object (1 M labels: see
 * test/bench/labels.ts).
 */
export function createLabelStore(initial: Iterable<Label> = []): LabelStore {
  const byChain = new Map<string, Map<string, Slot>>();
  let size = 0;
  const addOne = (label: Label) => {
    let chain = byChain.get(label.chain);
    if (!chain) byChain.set(label.chain, (chain = new Map()));
    const slot = chain.get(label.address);
    if (slot === undefined) chain.set(label.address, label);
    else if (!Array.isArray(slot)) chain.set(label.address, slot.confidence < label.confidence ? [label, slot] : [slot, label]);
    else {
      // Keep precedence order on insert so lookups stay O(1): higher confidence first, then insertion order.
      let i = slot.length;
      while (i > 0 && slot[i - 1]!.confidence < label.confidence) i--;
      slot.splice(i, 0, label);
    }
    size++;
  };
  const exact = (chain: string, address: string): readonly Label[] => {
    const slot = byChain.get(chain)?.get(address);
    return slot === undefined ? NONE : Array.isArray(slot) ? slot : [slot];
  };
  const store: LabelStore = {
    add(...labels) {
      for (const label of labels) addOne(label);
    },
    addAll(labels) {
      for (const label of labels) addOne(label);
    },
    getAll(chain, address) {
      const own = exact(chain, address);
      if (chain !== ANY_EVM_CHAIN && byChain.has(ANY_EVM_CHAIN) && getChain(chain).family === 'evm') {
        const any = exact(ANY_EVM_CHAIN, address);
        if (any.length) return [...own, ...any];
      }
      return own === NONE ? [] : [...own];
    },
    get(chain, address) {
      const slot = byChain.get(chain)?.get(address);
      if (slot !== undefined) return Array.isArray(slot) ? slot[0] : slot;
      return store.getAll(chain, address)[0];
    },
    find(chain, address, category) {
      return store.getAll(chain, address).find((l) => l.category === category);
    },
    has(chain, address) {
      return store.get(chain, address) !== undefined;
    },
    get size() {
      return size;
    },
    *entries() {
      for (const chain of byChain.values()) {
        for (const slot of chain.values()) {
          if (Array.isArray(slot)) yield* slot;
          else yield slot;
        }
      }
    },
    chains: () => [...byChain.keys()],
  };
  store.addAll(initial);
  return store;
}

/**
 * One store seen through another: the investigator's labels first, then the fallback's (e.g. the built-in set).
 * Nothing is copied, so layering a million-label store costs nothing; writes go to the first store.
 */
export function layerLabelStores(first: LabelStore, fallback: LabelStore): LabelStore {
  return {
    add: (...labels) => first.add(...labels),
    addAll: (labels) => first.addAll(labels),
    getAll: (chain, address) => [...first.getAll(chain, address), ...fallback.getAll(chain, address)],
    get: (chain, address) => first.get(chain, address) ?? fallback.get(chain, address),
    find: (chain, address, category) => first.find(chain, address, category) ?? fallback.find(chain, address, category),
    has: (chain, address) => first.has(chain, address) || fallback.has(chain, address),
    get size() {
      return first.size + fallback.size;
    },
    *entries() {
      yield* first.entries();
      yield* fallback.entries();
    },
    chains: () => [...new Set([...chainsOfStore(first), ...chainsOfStore(fallback)])],
  };
}

// Chains of stores that cannot say them: read once, again only when the store grew.
const scannedChains = new WeakMap<LabelStore, { size: number; chains: string[] }>();

/** The chains a store holds labels on: its own answer, else one pass over its labels (remembered per store and size). */
export function chainsOfStore(store: LabelStore): string[] {
  if (store.chains) return store.chains();
  const seen = scannedChains.get(store);
  if (seen && seen.size === store.size) return seen.chains;
  const chains = new Set<string>();
  for (const label of store.entries()) chains.add(label.chain);
  scannedChains.set(store, { size: store.size, chains: [...chains] });
  return [...chains];
}
