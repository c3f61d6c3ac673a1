import type { EndpointKind, Label } from '../core/schema.js';
import { TraceAbortedError, type ChaintrailError } from '../core/errors.js';
import type { Terminal } from '../heuristics/classify.js';

/**
 * The one stop policy: for a reached address (account chains) or output (UTXO), whether its branch stops and why.
 * Both engines describe what they know of it (`Reached`) and ask `stopFor`; they never decide a stop themselves.
 * (Model: graphology's `bfs`, where a callback decides where to stop and the traversal never knows why.)
 *
 * Precedence, first that applies:
 *  1. mix: an expanded output was spent into a CoinJoin (`mixer`) or a service's batch payout (`high-degree`);
 *  2. labels: what `classifyByLabel` made of the address (sanctioned, mixer, bridge, then the services: exchange,
 *     instant-exchange, payment, gambling, custody), so a labeled exchange at the hop limit is an exchange;
 *  3. peeled: a payment peeled off a peel chain whose change is followed (UTXO, follow-change);
 *  4. high-degree: paid more different addresses in the window than `maxDegree` (a service paying its customers), or more
 *     movements than are read (`maxMovements`: the list was cut before it showed as many payees; a source may stop
 *     reading once it does, and the address is a hub by what it paid);
 *  5. hop-limit: `maxHops` transfers after the seed;
 *  6. incomplete: the trace ended early (a source failed or it was interrupted) before it was expanded;
 *  7. contract: the source says the address holds code (account chains): its taint is followed through each
 *     transaction it entered by (the box rule, src/taint/transaction.ts), never through the contract as an account;
 *     what it keeps (a pool's reserves, a fee, a wrapper's backing) ends there, whatever its value;
 *  8. below-min-value: received less than `minValue` in every traced asset;
 *  9. budget: the node budget `maxNodes` was used up before it.
 * An expanded address or output was followed: only 1 and 2 can still stop it (the others are about whether to
 * follow); with no stop, its funds are `unspent` where they rest.
 */

/** Why a branch stops: every endpoint kind except 'unspent' (where an expanded branch's funds rest). */
export interface StopReason {
  kind: Exclude<EndpointKind, 'unspent'>;
  reason: string;
  label?: Label;
}

/** A UTXO transaction the heuristics say not to apportion taint through, and why (heuristics/utxo). */
export interface UtxoMix {
  kind: 'coinjoin' | 'batch-payout';
  reason: string;
}

/** What an engine knows of a reached address or output when it asks whether its branch stops. */
export interface Reached {
  /** Smallest hop count (seed recipients 0). */
  hop: number;
  /** Its branch was already followed (the address expanded, the output's spend fetched). */
  expanded?: boolean;
  /** What its labels make it, when they stop a trace (heuristics/classify.ts). */
  terminal?: Terminal | undefined;
  /** Taint it received so far, per asset key (compared with the policy's minimum values). */
  received: Iterable<readonly [string, bigint]>;
  /** Paid more different addresses in the window than the degree limit. */
  highDegree?: boolean;
  /** More movements in the window than are read: the source cut its list. */
  listCut?: boolean;
  /** Left over when the node budget was shared out. */
  budgetCut?: boolean;
  /** UTXO follow-change: why the output is a payment peeled off a peel chain. */
  peeled?: string | undefined;
  /** UTXO: the transaction its output was spent into. */
  mix?: UtxoMix | undefined;
  /** The trace ended early before this address was expanded. */
  failure?: ChaintrailError | undefined;
  /** The source says the address holds code (account chains). */
  contract?: boolean;
}

/**
 * How many movements of an address are read: `maxMovements`, and never fewer than `maxDegree` (the addresses an address
 * paid are counted in what was read).
 */
export const movementsRead = (settings: { maxDegree: number; maxMovements: number }): number => Math.max(settings.maxMovements, settings.maxDegree);

/** The limits a stop is decided against, with the stop objects shared by every address they apply to. */
export interface StopPolicy {
  readonly maxHops: number;
  /** The minimum value per asset key, in base units (a live map: a bridge continuation adds assets). */
  readonly minValue: ReadonlyMap<string, bigint>;
  readonly budget: StopReason;
  readonly highDegree: StopReason;
  readonly listCut: StopReason;
  readonly belowMinValue: StopReason;
  readonly contract: StopReason;
  readonly hopLimit: Map<number, StopReason>;
  readonly terminals: Map<Terminal, StopReason>;
}

/** The policy of one trace: `unit` names what the budget counts (account addresses or UTXO outputs). */
export function stopPolicy(
  settings: { maxHops: number; maxNodes: number; maxDegree: number; maxMovements: number; minValue: string },
  minValue: ReadonlyMap<string, bigint>,
  unit: 'addresses' | 'outputs',
): StopPolicy {
  return {
    maxHops: settings.maxHops,
    minValue,
    budget: { kind: 'budget', reason: `node budget of ${settings.maxNodes} ${unit} used up` },
    highDegree: {
      kind: 'high-degree',
      reason: `paid more than ${settings.maxDegree} different addresses in the window: a service-like hub, not expanded (maxDegree, --max-degree)`,
    },
    listCut: {
      kind: 'high-degree',
      reason: `more than ${movementsRead(settings)} movements in the window: not read whole, not expanded (maxMovements, --max-movements)`,
    },
    belowMinValue: { kind: 'below-min-value', reason: `received less than the minimum value ${settings.minValue}` },
    contract: {
      kind: 'contract',
      reason:
        "a contract: taint is followed through each transaction it entered by (what the contracts paid out), not through the contract as an account; what it kept (a pool's reserves, a fee, a wrapper's backing) ends here",
    },
    hopLimit: new Map(),
    terminals: new Map(),
  };
}

/** Whether and why the branch at `reached` stops under `policy` (undefined: follow it, or, expanded, it is unspent). */
export function stopFor(reached: Reached, policy: StopPolicy): StopReason | undefined {
  if (reached.mix) return mixStop(reached.mix);
  if (reached.terminal) return terminalStop(reached.terminal, policy);
  if (reached.expanded) return undefined;
  if (reached.peeled !== undefined) return { kind: 'peeled', reason: reached.peeled };
  if (reached.listCut) return policy.listCut;
  if (reached.highDegree) return policy.highDegree;
  if (reached.hop >= policy.maxHops) return hopLimitStop(reached.hop, policy);
  if (reached.failure) return incompleteStop(reached.failure);
  if (reached.contract) return policy.contract;
  if (belowMinValue(reached.received, policy.minValue)) return policy.belowMinValue;
  if (reached.budgetCut) return policy.budget;
  return undefined;
}

/** Whether a stop hands the branch over to a bridge (the engine may continue it on the destination chain). */
export const isBridgeStop = (stop: StopReason | undefined): boolean => stop?.kind === 'bridge';

function mixStop(mix: UtxoMix): StopReason {
  return mix.kind === 'coinjoin'
    ? { kind: 'mixer', reason: `coinjoin: ${mix.reason}` }
    : { kind: 'high-degree', reason: `batch payout by a service-like wallet: ${mix.reason}` };
}

function terminalStop(terminal: Terminal, policy: StopPolicy): StopReason {
  let stop = policy.terminals.get(terminal);
  if (!stop) policy.terminals.set(terminal, (stop = { kind: terminal.kind, reason: terminal.reason, label: terminal.label }));
  return stop;
}

/** A branch stopped by the hop limit at `hop`: the reason names the `--hops` (maxHops) that would follow it further. */
function hopLimitStop(hop: number, policy: StopPolicy): StopReason {
  let stop = policy.hopLimit.get(hop);
  if (!stop) {
    const next = hop + 1;
    policy.hopLimit.set(
      hop,
      (stop = { kind: 'hop-limit', reason: `hop limit ${policy.maxHops} reached: re-run with --hops ${next} (maxHops: ${next}) to follow it further` }),
    );
  }
  return stop;
}

/** Below the minimum value unless some traced asset's received taint reaches that asset's minimum. */
function belowMinValue(received: Iterable<readonly [string, bigint]>, minValue: ReadonlyMap<string, bigint>): boolean {
  for (const [asset, v] of received) if (v >= minValue.get(asset)!) return false;
  return true;
}

function incompleteStop(error: ChaintrailError): StopReason {
  const why = error instanceof TraceAbortedError ? 'the trace was interrupted' : `the source failed (${error.shortMessage})`;
  return { kind: 'incomplete', reason: `not expanded: ${why}` };
}
