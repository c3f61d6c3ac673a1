import type { AssetRef } from '../core/schema.js';
import type { TaintedEdge } from './allocate.js';

/**
 * What the engine made of one transaction that tainted value entered through contracts (issue #20): the box rule of
 * src/taint/transaction.ts applied to every value movement of the transaction. Reports read it; the engine fills it.
 */
export interface BoxData {
  chain: string;
  tx: string;
  block: number;
  /** Unix seconds. */
  time: number;
  /** Every contract the transaction touched (the box), sorted. Labeled services that stop a branch are not in it. */
  contracts: string[];
  /** Tainted movements from non-contracts into the box (their taint as the sender's ledger gave it). */
  inputs: TaintedEdge[];
  /** Movements the box paid to non-contracts with a taint above zero (their taint as the rule gave it). */
  outputs: TaintedEdge[];
  /** One per output asset other than the tainted input asset: a swap, a wrap or an unwrap. */
  conversions: ConversionData[];
  /** Per asset key: tainted input the contracts keep (endpoints of kind 'contract'; never followed). */
  kept: Map<string, bigint>;
  /** Per asset key: tainted output beyond the tainted input of that asset (what conversions produced). */
  produced: Map<string, bigint>;
  /** What the rule could not say simply (several tainted assets, clean inputs in other assets, taint kept). */
  notes: string[];
}

/** A tainted asset that went into the box and another that came out, with the share of the input that was tainted. */
export interface ConversionData {
  assetIn: AssetRef;
  /** Tainted part and total of the input asset's movements into the box (share = taintedIn / totalIn). */
  taintedIn: bigint;
  totalIn: bigint;
  assetOut: AssetRef;
  /** What the box paid out in assetOut to non-contracts, and the tainted part of it. */
  amountOut: bigint;
  taintedOut: bigint;
}
