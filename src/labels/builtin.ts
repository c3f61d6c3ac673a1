import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { InvalidInputError } from '../core/errors.js';
import type { Label } from '../core/schema.js';
import { decodeLabelPack, parseLabelPack, type LabelPackSource } from './pack/format.js';
import { createLabelStore, type LabelStore } from './store.js';

/** The pack's path inside the package (shipped in the npm package, rebuilt by `npm run labels:build`). */
export const LABEL_PACK_FILE = 'data/label-pack.json.gz';

/** The pack file, found from this module upwards (src/labels/ under tsx, dist/ in the installed package). */
export function labelPackPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, LABEL_PACK_FILE);
    if (existsSync(file)) return file;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new InvalidInputError(`built-in label pack ${LABEL_PACK_FILE} not found above ${fileURLToPath(import.meta.url)}; reinstall chaintrail`, {
        details: { file: LABEL_PACK_FILE },
      });
    }
    dir = parent;
  }
}

interface LoadedPack {
  labels: readonly Label[];
  sources: readonly LabelPackSource[];
}

let cached: LoadedPack | undefined;

/** Reads, decompresses and validates the pack once (on first use); every later call returns the same frozen labels. */
function loadPack(): LoadedPack {
  if (cached) return cached;
  const file = labelPackPath();
  let value: unknown;
  try {
    value = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8'));
  } catch (error) {
    throw new InvalidInputError(`built-in label pack ${file} cannot be read (${(error as Error).message}); rebuild it with npm run labels:build`, {
      details: { file },
      cause: error,
    });
  }
  const pack = parseLabelPack(value, file);
  cached = { labels: Object.freeze(decodeLabelPack(pack)), sources: Object.freeze(pack.sources.map((s) => Object.freeze({ ...s }))) };
  return cached;
}

/**
 * The labels shipped with chaintrail: the built-in label pack (data/label-pack.json.gz), compiled by
 * scripts/build-label-pack.ts from public datasets (GraphSense TagPacks with the ActorPack's jurisdictions, the OFAC
 * SDN digital-currency lists, the bridge registry, the DEX routers and settlement contracts the protocols publish,
 * and the project's curated list). Each label's `source` is its source's id and `licence` that source's licence
 * (see labelPackSources). Loaded and validated on first call, not on import; every call returns fresh copies.
 */
export function builtinLabels(): Label[] {
  return loadPack().labels.map((l) => ({ ...l, jurisdictions: [...l.jurisdictions] }));
}

/** A store holding the built-in labels (to pass as `trace({ labels })` or to add an investigator's own to). */
export function createBuiltinLabelStore(): LabelStore {
  // The pack's labels are frozen and never changed by a store, so they are shared rather than copied.
  return createLabelStore(loadPack().labels);
}

/** The sources of the built-in label pack: id, title, licence, date of the data, origin URL, label and address counts. */
export function labelPackSources(): LabelPackSource[] {
  return loadPack().sources.map((s) => ({ ...s }));
}
