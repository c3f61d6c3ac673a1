import { assetKey, nativeAsset } from '../core/asset.js';
import { ChaintrailError, TraceAbortedError } from '../core/errors.js';
import { compareTransfers, transferId, type AccountTransfer } from '../core/movement.js';
import type { Allocation } from './allocate.js';
import { fetchFrontier } from './fetch.js';
import { guard, type RunState } from './run-state.js';
import { splitNodeKey } from './state.js';

/**
 * The reads the deposit rule needs after the rounds (engine/deposits.ts decides): deposit forwarder contracts' own
 * movements, and the native value sent to inferred deposit addresses when the trace does not follow native value.
 *
 * Deposit forwarders: exchanges give customers contract deposit addresses that take tokens in and later, in a flush
 * transaction of their own, pass them to the exchange's hot wallet. The engine never expands a contract as an account
 * (what a contract keeps is a `contract` endpoint), so the flush is never read by the rounds. Here every unlabeled
 * contract that kept tainted value at the end has its own movements in the window read, like an expanded address's:
 * once per contract, in one batched round per chain. The deposit rule (engine/deposits.ts) then decides.
 *
 * A contract whose list the source cut (`maxDegree`: a pool, a busy router) is not decided, and the note says how many.
 * A source failure here leaves the contracts as `contract` endpoints with a note; an interruption ends the trace.
 */
export async function readForwarders(state: RunState, allocation: Allocation): Promise<Map<string, AccountTransfer[]>> {
  const out = new Map<string, AccountTransfer[]>();
  const labels = state.labels;
  if (!labels || state.failure) return out;
  const candidates: string[] = [];
  for (const [node, held] of allocation.held) {
    if (state.stops.get(node)?.kind !== 'contract' || state.expanded.has(node)) continue;
    const { chain, address } = splitNodeKey(node);
    if (labels.get(chain, address) || ![...held.values()].some((v) => v > 0n)) continue;
    candidates.push(node);
  }
  if (candidates.length === 0) return out;
  candidates.sort();
  let answers: Awaited<ReturnType<typeof fetchFrontier>>;
  try {
    answers = await guard(state, () =>
      fetchFrontier({
        nodes: candidates,
        adapters: state.adapters,
        assetsByChain: state.assetsByChain,
        window: state.fetchWindow,
        maxDegree: state.settings.maxDegree,
        concurrency: state.run.concurrency,
        ...(state.run.signal ? { signal: state.run.signal } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ChaintrailError)) throw error;
    if (error instanceof TraceAbortedError) state.failure = error;
    else state.boxNotes.add(`contracts that kept taint were not read as possible deposit forwarders: ${error.shortMessage}`);
    return out;
  }
  let cut = 0;
  const seen = new Set<string>();
  for (const answer of answers) {
    const truncated = new Set(answer.truncated);
    for (const address of answer.addresses) {
      if (truncated.has(address)) {
        cut++;
        continue;
      }
      out.set(`${answer.chain}|${address}`, []);
    }
    for (const t of answer.transfers) {
      // (A movement between two candidates comes in both their answers: once each.)
      const id = transferId(t);
      if (seen.has(id)) continue;
      seen.add(id);
      out.get(`${t.chain}|${t.from}`)?.push(t);
      if (t.to !== t.from) out.get(`${t.chain}|${t.to}`)?.push(t);
    }
  }
  for (const list of out.values()) list.sort(compareTransfers);
  if (cut > 0)
    state.boxNotes.add(`${cut} contract(s) that kept taint had more than ${state.settings.maxDegree} movements in the window: not read as deposit forwarders`);
  return out;
}

/**
 * Gas top-ups and TRON activations are native value sent to a deposit address by the service; a trace of a token
 * does not read native value (sources fetch it only when traced). For the inferred deposit addresses on chains whose
 * native asset is not traced, their native inflows are read here: one batched round per chain, over the whole history
 * up to the window's end (a service tops up or activates an address before the deposits). A list the source cut
 * (`maxDegree`) is not used (the first transfer would not be known); a failure leaves the evidence as it was, noted.
 */
export async function readNativeInflows(state: RunState, deposits: Iterable<string>): Promise<Map<string, AccountTransfer[]>> {
  const out = new Map<string, AccountTransfer[]>();
  const nodes = [...deposits].filter((node) => !state.assets.has(assetKey(nativeAsset(splitNodeKey(node).chain)))).sort();
  if (nodes.length === 0 || state.failure) return out;
  const assetsByChain = new Map([...new Set(nodes.map((n) => splitNodeKey(n).chain))].map((chain) => [chain, [nativeAsset(chain)]]));
  let answers: Awaited<ReturnType<typeof fetchFrontier>>;
  try {
    answers = await guard(state, () =>
      fetchFrontier({
        nodes,
        adapters: state.adapters,
        assetsByChain,
        window: state.fetchWindow.to !== undefined ? { to: state.fetchWindow.to } : {},
        maxDegree: state.settings.maxDegree,
        concurrency: state.run.concurrency,
        ...(state.run.signal ? { signal: state.run.signal } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ChaintrailError)) throw error;
    if (error instanceof TraceAbortedError) state.failure = error;
    else state.boxNotes.add(`native value sent to inferred deposit addresses (gas top-ups, activations) was not read: ${error.shortMessage}`);
    return out;
  }
  for (const answer of answers) {
    const truncated = new Set(answer.truncated);
    for (const address of answer.addresses) if (!truncated.has(address)) out.set(`${answer.chain}|${address}`, []);
    for (const t of answer.transfers) if (t.asset.kind === 'native' && t.from !== t.to) out.get(`${t.chain}|${t.to}`)?.push(t);
    if (truncated.size > 0)
      state.boxNotes.add(
        `${truncated.size} inferred deposit address(es) had more than ${state.settings.maxDegree} native movements: gas top-ups and activation not read`,
      );
  }
  for (const list of out.values()) list.sort(compareTransfers);
  return out;
}
