import { InvalidInputError } from '../../core/errors.js';
import type { BlockClock } from './blocks.js';
import { hexToNumber } from './blocks.js';
import { isUnsupported, RpcError } from './errors.js';
import { QuantitySchema, TracesSchema } from './schema.js';
import type { Transport } from './transport.js';

const ZERO = '0x0000000000000000000000000000000000000000';

/**
 * Questions asked of the node once and remembered (asked again after a network failure): does it serve the
 * chain we were asked about, and does it offer trace_filter.
 */
export function createNodeProbes(o: {
  transport: Transport;
  clock: BlockClock;
  chain: string;
  evmChainId: number;
  endpoint: string;
  /** Forced by the traceFilter option; undefined = probe. */
  traceFilter: boolean | undefined;
  notes: Set<string>;
}) {
  let chainChecked: Promise<void> | undefined;
  let traces: Promise<boolean> | undefined = o.traceFilter === undefined ? undefined : Promise.resolve(o.traceFilter);
  let tracesKnown: boolean | undefined = o.traceFilter;

  /** The node must serve the chain we were asked about: a wrong endpoint would trace another chain's history. */
  function checkChain(signal?: AbortSignal): Promise<void> {
    chainChecked ??= (async () => {
      const answer = hexToNumber(await o.transport.call({ method: 'eth_chainId', params: [] }, QuantitySchema, signal));
      if (answer !== o.evmChainId) {
        throw new InvalidInputError(`The node at ${o.endpoint} says chainId ${answer} but chain ${o.chain} (chainId ${o.evmChainId}) was asked`, {
          details: { endpoint: o.endpoint, nodeChainId: answer, chain: o.chain, expectedChainId: o.evmChainId },
        });
      }
    })().catch((error: unknown) => {
      chainChecked = undefined; // a network failure may pass; ask again next time
      throw error;
    });
    return chainChecked;
  }

  /** Probed once: a tiny trace_filter either answers or says the method is not there. */
  function traceSupport(signal?: AbortSignal): Promise<boolean> {
    traces ??= (async () => {
      const head = await o.clock.head(signal);
      try {
        await o.transport.call(
          { method: 'trace_filter', params: [{ fromBlock: `0x${head.toString(16)}`, toBlock: `0x${head.toString(16)}`, toAddress: [ZERO] }] },
          TracesSchema,
          signal,
        );
        tracesKnown = true;
      } catch (error) {
        if (!(error instanceof RpcError)) throw error;
        // Any JSON-RPC refusal means the fallback, not a failed trace; an unexpected one is worth a note.
        if (!isUnsupported(error)) o.notes.add(`trace_filter was refused by the node (${error.rpcMessage}); native value was read without it.`);
        tracesKnown = false;
      }
      return tracesKnown;
    })().catch((error: unknown) => {
      traces = undefined;
      throw error;
    });
    return traces;
  }

  /** Known once probed (or forced by the option); false until then. */
  return { checkChain, traceSupport, hasTraces: () => tracesKnown === true };
}

export type NodeProbes = ReturnType<typeof createNodeProbes>;
