import { basename } from 'node:path';
import { z } from 'zod';
import { InvalidAddressError, InvalidInputError } from '../../core/errors.js';
import { parseInput } from '../../core/parse.js';
import { normalizeLabelAddress } from '../store.js';
import { chainForCurrency } from '../currency.js';
import { ImportCollector, type LabelImport } from '../summary.js';
import { readText } from './csv.js';

/** Entity name of every OFAC list label. The sanctioning authority is not the owner's jurisdiction: those stay unknown. */
export const OFAC_ENTITY = 'OFAC SDN';

/**
 * Confidence of an OFAC list label: 1. The label claims only that the address is on the SDN list, which the list
 * itself proves (it does not claim who controls the address).
 */
export const OFAC_CONFIDENCE = 1;

const FILE_NAME = /^sanctioned_addresses_([A-Za-z0-9-]+)\.(txt|json)$/;

/** The asset of `sanctioned_addresses_<ASSET>.txt|json`, or undefined. */
export function ofacAssetOf(file: string): string | undefined {
  return FILE_NAME.exec(basename(file))?.[1]?.toUpperCase();
}

export interface OfacOptions {
  /** The list's asset when the file name does not say it (`sanctioned_addresses_<ASSET>.txt`). */
  asset?: string;
}

const JsonListSchema = z.array(z.string({ message: 'expected an address (text)' }).trim().min(1, 'empty address'));

/**
 * One OFAC SDN digital-currency address list (0xB10C/ofac-sanctioned-digital-currency-addresses layout): `.txt`
 * one address per line, or `.json` an array of addresses. Every address becomes category `sanctioned`, entity
 * "OFAC SDN", jurisdiction unknown, source "OFAC SDN list (<file>:<line>)". The chain comes from the asset
 * (see currency.ts: XBT bitcoin, ETH ethereum, TRX tron, ARB evm:42161, BSC evm:56, USDT/USDC by address form);
 * assets chaintrail has no chain for (ETC, BCH, LTC, ZEC, XMR, …) are skipped with the reason, row by row.
 */
export function parseOfacList(text: string, file = 'sanctioned_addresses.txt', options: OfacOptions = {}): LabelImport {
  const asset = (options.asset ?? ofacAssetOf(file))?.toUpperCase();
  if (!asset) {
    throw new InvalidInputError(`${file}: cannot tell the list's asset: name the file sanctioned_addresses_<ASSET>.txt|json or give the asset`, {
      details: { file },
    });
  }
  const entries = /\.json$/i.test(file) ? jsonEntries(text, file) : textEntries(text);
  const out = new ImportCollector(file);
  const name = basename(file);
  for (const { value, line } of entries) {
    out.row();
    const resolved = chainForCurrency(asset, value);
    if (!resolved.ok) {
      out.skip(line, resolved.code, resolved.reason);
      continue;
    }
    let address: string;
    try {
      address = normalizeLabelAddress(resolved.chain, value);
    } catch (error) {
      if (error instanceof InvalidAddressError) {
        out.skip(line, 'invalid-address', `${asset} list: ${error.shortMessage}`);
        continue;
      }
      throw error;
    }
    out.add(
      {
        chain: resolved.chain,
        address,
        entity: OFAC_ENTITY,
        category: 'sanctioned',
        jurisdictions: [],
        confidence: OFAC_CONFIDENCE,
        source: `OFAC SDN list (${name}:${line})`,
      },
      line,
    );
  }
  return out.result();
}

/** Reads an OFAC SDN list file as sanctioned-address labels, with what was skipped and why. */
export function readOfacList(file: string, options?: OfacOptions): LabelImport {
  return parseOfacList(readText(file), file, options);
}

function textEntries(text: string): { value: string; line: number }[] {
  const out: { value: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const value = raw.replace(/^\uFEFF/, '').trim();
    if (value && !value.startsWith('#')) out.push({ value, line: i + 1 });
  });
  return out;
}

function jsonEntries(text: string, file: string): { value: string; line: number }[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${file}: not valid JSON: ${(error as Error).message}`, { details: { file }, cause: error });
  }
  const list = parseInput(JsonListSchema, data, `${file}: expected a JSON array of addresses`, { details: { file } });
  // Line of each element: find its JSON string literal in order.
  const starts = lineStarts(text);
  let cursor = 0;
  return list.map((value) => {
    const at = text.indexOf(JSON.stringify(value), cursor);
    const pos = at >= 0 ? at : cursor;
    cursor = at >= 0 ? at + 1 : cursor;
    return { value, line: lineAt(starts, pos) };
  });
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line of a character offset (binary search over line starts). */
export function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export { lineStarts };
