import { parseInput } from '../core/parse.js';
import { LabelSchema, type Label } from '../core/schema.js';
import { BUILTIN_LABELS } from './builtin/data.js';
import { createLabelStore, normalizeLabel, type LabelStore } from './store.js';

let cached: readonly Label[] | undefined;

/**
 * The curated labels shipped with chaintrail (src/labels/builtin/data.ts): major exchange reserve/hot wallets
 * (Binance, OKX, KuCoin, Huobi, Bitfinex, Bybit on Ethereum, TRON and Bitcoin), Tornado Cash and Bitcoin mixers,
 * the Ronin bridge exploiter and the contracts of the registered bridges. Each label's `source` names the public
 * dataset entry it comes from. Validated and normalized once; every call returns fresh copies.
 */
export function builtinLabels(): Label[] {
  if (!cached) {
    cached = BUILTIN_LABELS.map((entry, i) => {
      const label = parseInput(LabelSchema, { ...entry, jurisdictions: [...entry.jurisdictions] }, `built-in label ${i} (${entry.address})`, {
        details: { index: i },
      });
      return Object.freeze(normalizeLabel(label));
    });
  }
  return cached.map((l) => ({ ...l, jurisdictions: [...l.jurisdictions] }));
}

/** A store holding the built-in labels (to pass as `trace({ labels })` or to add an investigator's own to). */
export function createBuiltinLabelStore(): LabelStore {
  return createLabelStore(builtinLabels());
}
