import { formatUnits } from '../core/asset.js';
import type { BridgeExit, BridgeFill } from './bridges.js';

/**
 * Which movement on the destination chain delivered what entered a bridge on the source chain. Pure: the engine
 * gathers the candidates (token transfers into the recipient after the deposit, with the bridge's fill events of
 * their transactions) and this picks one, saying how sure it is and why.
 */

/** A candidate delivery on the destination chain: a transfer into the recipient, with the fill events of its tx. */
export interface BridgeArrival {
  chain: string;
  tx: string;
  logIndex: number;
  time: number;
  from: string;
  /** Lower-case hex. */
  to: string;
  /** Delivered token (lower-case hex); absent = the chain's native asset. */
  token?: string;
  symbol?: string;
  decimals: number;
  amount: bigint;
  /** Fill events of registered bridges in the same transaction (Across FilledRelay), decoded. */
  fills: readonly BridgeFill[];
}

/** A deposit into a bridge, as the source chain's event says, with what the matcher needs besides. */
export interface BridgeDeparture {
  exit: BridgeExit;
  /** Unix seconds of the deposit transaction. */
  time: number;
  /** EIP-155 id of the source chain (fills name it as their origin). */
  sourceChainId?: number;
  /** Decimals of the source token: amounts are compared in display units when the two chains' tokens differ. */
  sourceDecimals: number;
}

/** Bounds of a match by amount: time window and relative tolerance. */
export interface BridgeMatchRule {
  /** An arrival matched by amount must come at most this long after the deposit. */
  windowSeconds: number;
  /** Relative amount tolerance for a match by amount (0.05 = 5 %): bridges take fees. */
  tolerance: number;
  /** Clock difference allowed between the two chains (an arrival this much before the deposit still counts). */
  skewSeconds?: number;
}

/** How a bridge arrival was matched: by deposit id or by amount within a time window. */
export type BridgeMatchMethod = 'protocol-id' | 'amount-time';

/** A bridge departure matched to its arrival on the other chain, and how (deposit id or amount and time). */
export interface BridgeMatch {
  arrival: BridgeArrival;
  /** The fill event that names the deposit (protocol-id matches). */
  fill?: BridgeFill;
  method: BridgeMatchMethod;
  /** 1 for a protocol-id match; below 1 for amount-and-time, lower still when several arrivals fit. */
  confidence: number;
  reason: string;
}

/** Key of an arrival, to keep one arrival from answering two deposits. */
export const arrivalKey = (a: Pick<BridgeArrival, 'chain' | 'tx' | 'logIndex'>) => `${a.chain}|${a.tx}|${a.logIndex}`;

/**
 * Chooses the arrival of `departure` among `arrivals`: the one whose transaction carries the protocol's fill for
 * the same deposit id and origin chain (confidence 1); else, when the deposit names a recipient, a transfer of the
 * expected token into it within the window and tolerance of the expected amount (the output amount after fees
 * when the event says it), closest amount first, then earliest. Arrivals in `taken` are not considered, nor ones
 * whose fill answers another deposit. Undefined when nothing fits.
 */
export function matchBridgeArrival(
  departure: BridgeDeparture,
  arrivals: readonly BridgeArrival[],
  rule: BridgeMatchRule,
  taken: ReadonlySet<string> = new Set(),
): BridgeMatch | undefined {
  const { exit } = departure;
  const open = arrivals.filter((a) => !taken.has(arrivalKey(a)) && (exit.destinationChain === undefined || a.chain === exit.destinationChain));

  if (exit.protocolId !== undefined) {
    for (const arrival of sortArrivals(open)) {
      const fill = arrival.fills.find(
        (f) => answers(f, departure) && f.recipient === arrival.to && f.amount === arrival.amount && (f.token ?? undefined) === arrival.token,
      );
      if (!fill) continue;
      const changed = exit.recipient !== undefined && fill.recipient !== exit.recipient;
      return {
        arrival,
        fill,
        method: 'protocol-id',
        confidence: 1,
        reason:
          `${fill.event} on ${arrival.chain} (tx ${arrival.tx}) fills ${exit.protocol} deposit id ${exit.protocolId}` +
          `${departure.sourceChainId !== undefined ? ` from chain id ${departure.sourceChainId}` : ''}: ` +
          `${show(arrival.amount, arrival)} paid to ${arrival.to}` +
          (changed ? ` (the deposit named ${exit.recipient}; the depositor changed the recipient)` : ''),
      };
    }
  }

  if (exit.recipient === undefined) return undefined;
  const expectedSource = exit.outputAmount ?? exit.amount;
  const skew = rule.skewSeconds ?? 300;
  const scored: { arrival: BridgeArrival; deviation: number; delay: number }[] = [];
  for (const arrival of open) {
    if (arrival.to !== exit.recipient) continue;
    // The named destination token; else a token for a token deposit, the native asset for a native one.
    const tokenFits =
      exit.destinationToken !== undefined ? arrival.token === exit.destinationToken : (exit.token !== undefined) === (arrival.token !== undefined);
    if (!tokenFits) continue;
    // A transfer whose own fill answers another deposit of this protocol is that deposit's arrival.
    if (arrival.fills.some((f) => f.protocol === exit.protocol && f.protocolId !== undefined && !answers(f, departure))) continue;
    const delay = arrival.time - departure.time;
    if (delay < -skew || delay > rule.windowSeconds) continue;
    const expected = rescale(expectedSource, departure.sourceDecimals, arrival.decimals);
    if (expected <= 0n) continue;
    const deviation = Math.abs(Number(arrival.amount - expected)) / Number(expected);
    if (deviation > rule.tolerance) continue;
    scored.push({ arrival, deviation, delay: Math.max(0, delay) });
  }
  if (scored.length === 0) return undefined;
  scored.sort((a, b) => a.deviation - b.deviation || a.delay - b.delay || compareArrivals(a.arrival, b.arrival));
  const best = scored[0]!;
  // 0.8 at most without the protocol's own id; less the further the amount and the later the arrival; shared among
  // the arrivals that fit as well.
  const closeness = rule.tolerance > 0 ? 1 - best.deviation / rule.tolerance : 1;
  const promptness = 1 - Math.min(1, best.delay / rule.windowSeconds);
  const confidence = round2((0.6 + 0.15 * closeness + 0.05 * promptness) / scored.length);
  const expected = rescale(expectedSource, departure.sourceDecimals, best.arrival.decimals);
  return {
    arrival: best.arrival,
    method: 'amount-time',
    confidence,
    reason:
      `no fill naming deposit ${exit.protocolId ?? '(no id)'} found; matched by amount and time: ${show(best.arrival.amount, best.arrival)} ` +
      `reached the recipient ${exit.recipient} on ${best.arrival.chain} ${formatDelay(best.arrival.time - departure.time)} ` +
      `(expected ${show(expected, best.arrival)}, ${(best.deviation * 100).toFixed(2)} % off, tolerance ${(rule.tolerance * 100).toFixed(2)} %)` +
      (scored.length > 1 ? `; ${scored.length} arrivals fit, the closest was chosen` : ''),
  };
}

function answers(fill: BridgeFill, departure: BridgeDeparture): boolean {
  const { exit } = departure;
  if (fill.protocol !== exit.protocol || fill.protocolId === undefined || fill.protocolId !== exit.protocolId) return false;
  return fill.originChainId === undefined || departure.sourceChainId === undefined || fill.originChainId === String(departure.sourceChainId);
}

/** An amount in `from` decimals expressed in `to` decimals (rounded down). */
export function rescale(amount: bigint, from: number, to: number): bigint {
  if (from === to) return amount;
  return from < to ? amount * 10n ** BigInt(to - from) : amount / 10n ** BigInt(from - to);
}

function compareArrivals(a: BridgeArrival, b: BridgeArrival): number {
  return a.time - b.time || (a.tx < b.tx ? -1 : a.tx > b.tx ? 1 : 0) || a.logIndex - b.logIndex;
}

function sortArrivals(list: readonly BridgeArrival[]): BridgeArrival[] {
  return [...list].sort(compareArrivals);
}

function show(amount: bigint, a: Pick<BridgeArrival, 'decimals' | 'symbol'>): string {
  return `${formatUnits(amount, a.decimals)}${a.symbol ? ` ${a.symbol}` : ''}`;
}

function formatDelay(seconds: number): string {
  if (seconds < 0) return `${-seconds} s before the deposit (clock skew between the chains)`;
  if (seconds < 120) return `${seconds} s after the deposit`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min after the deposit`;
  return `${(seconds / 3600).toFixed(1)} h after the deposit`;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
