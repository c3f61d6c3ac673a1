import { getChain } from '../core/chain.js';
import { normalizeAddress } from '../core/address.js';
import type { Category, Label } from '../core/schema.js';

export type { Label, Category };

export interface LabelStore {
  /** Adds labels; addresses must already be normalized (the importers do that). */
  add(...labels: Label[]): void;
  /** Every label of an address, in precedence order (higher confidence first, then load order). */
  getAll(chain: string, address: string): Label[];
  /** The label that decides: the first of getAll. */
  get(chain: string, address: string): Label | undefined;
  /** Labels of one category for the address, if any. */
  find(chain: string, address: string, category: Category): Label | undefined;
  readonly size: number;
  entries(): IterableIterator<Label>;
}

/** Label rows use 'evm' for an address that means the same entity on every EVM chain. */
export const ANY_EVM_CHAIN = 'evm';

function key(chain: string, address: string): string {
  return `${chain}|${address}`;
}

/** Normalizes a label's chain and address; throws InvalidAddressError / InvalidInputError when they are wrong. */
export function normalizeLabel(label: Label): Label {
  if (label.chain === ANY_EVM_CHAIN) return { ...label, address: normalizeAddress('ethereum', label.address) };
  const chain = getChain(label.chain).id;
  return { ...label, chain, address: normalizeAddress(chain, label.address) };
}

/** In-memory store with constant-time lookup by chain and address. */
export function createLabelStore(initial: Iterable<Label> = []): LabelStore {
  const byAddress = new Map<string, Label[]>();
  let size = 0;
  const store: LabelStore = {
    add(...labels) {
      for (const label of labels) {
        const k = key(label.chain, label.address);
        const list = byAddress.get(k);
        if (!list) byAddress.set(k, [label]);
        else {
          // Keep precedence order on insert so lookups stay O(1).
          let i = list.length;
          while (i > 0 && list[i - 1]!.confidence < label.confidence) i--;
          list.splice(i, 0, label);
        }
        size++;
      }
    },
    getAll(chain, address) {
      const exact = byAddress.get(key(chain, address)) ?? [];
      if (chain !== ANY_EVM_CHAIN && getChain(chain).family === 'evm') {
        const any = byAddress.get(key(ANY_EVM_CHAIN, address));
        if (any) return [...exact, ...any];
      }
      return exact;
    },
    get(chain, address) {
      return store.getAll(chain, address)[0];
    },
    find(chain, address, category) {
      return store.getAll(chain, address).find((l) => l.category === category);
    },
    get size() {
      return size;
    },
    *entries() {
      for (const list of byAddress.values()) yield* list;
    },
  };
  store.add(...initial);
  return store;
}
