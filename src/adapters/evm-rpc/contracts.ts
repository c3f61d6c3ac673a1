import { z } from 'zod';
import { normalizeAddress } from '../../core/address.js';
import { checkAborted } from './abort.js';
import { RpcError } from './errors.js';
import type { NodeProbes } from './probes.js';
import type { Transport } from './transport.js';

const CodeSchema = z.string().regex(/^0x(?:[0-9a-fA-F]{2})*$/, 'expected 0x hex bytes');

/**
 * Which addresses hold code, by eth_getCode at the latest block, batched; each answer goes through the answer
 * cache like every other call, and is remembered for the adapter's life (code, once there, stays until a
 * self-destruct, which leaves the address a contract for the trace's purposes).
 */
export function createContractReader(s: { transport: Transport; probes: NodeProbes; chainOf: (chain: string) => string }) {
  const known = new Map<string, boolean>();

  async function getContracts(chainInput: string, addresses: string[], opts?: { signal?: AbortSignal | undefined }): Promise<Set<string>> {
    const signal = opts?.signal;
    checkAborted(signal);
    const chain = s.chainOf(chainInput);
    const wanted = [...new Set(addresses.map((a) => normalizeAddress(chain, a)))];
    const missing = wanted.filter((a) => !known.has(a));
    if (missing.length > 0) {
      await s.probes.checkChain(signal);
      const answers = await s.transport.batch(
        missing.map((a) => ({ method: 'eth_getCode', params: [a, 'latest'] })),
        CodeSchema,
        signal,
      );
      answers.forEach((code, i) => {
        if (code instanceof RpcError) throw code;
        known.set(missing[i]!, code !== '0x');
      });
    }
    return new Set(wanted.filter((a) => known.get(a)));
  }

  return { getContracts };
}
