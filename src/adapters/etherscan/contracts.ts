import { normalizeAddress } from '../../core/address.js';
import { getChain } from '../../core/chain.js';
import { InvalidInputError } from '../../core/errors.js';
import { parseAnswer } from '../validate.js';
import { linkedAll } from '../per-address.js';
import { unwrapList } from './envelope.js';
import type { EtherscanSource } from './options.js';
import type { Call } from './requests.js';
import { ContractCreationListSchema, EnvelopeSchema } from './schema.js';

/** Etherscan documents up to 5 addresses per getcontractcreation call (Blockscout takes 10; 5 serves both). */
export const CREATION_BATCH = 5;

/**
 * Which addresses are contracts, by `module=contract&action=getcontractcreation&contractaddresses=a,b,c`: the
 * explorer answers a creator and creation transaction for each contract, nothing for an account ("No data found"
 * when none is one). Chosen over proxy eth_getCode, which takes one call per address and has no Blockscout
 * equivalent in this API. Ceil(n / 5) calls for n unknown addresses; each answer remembered for the adapter's life.
 */
export function createContractReader(s: EtherscanSource, call: Call) {
  const chain = s.chain.id;
  const known = new Map<string, boolean>();

  async function getContracts(chainInput: string, addresses: string[], opts?: { signal?: AbortSignal | undefined }): Promise<Set<string>> {
    const signal = opts?.signal;
    signal?.throwIfAborted();
    if (getChain(chainInput).id !== chain)
      throw new InvalidInputError(`This ${s.source} adapter serves ${chain}, not ${chainInput}`, { details: { chain: chainInput } });
    const wanted = [...new Set(addresses.map((a) => normalizeAddress(chain, a)))];
    const missing = wanted.filter((a) => !known.has(a));
    const batches: string[][] = [];
    for (let i = 0; i < missing.length; i += CREATION_BATCH) batches.push(missing.slice(i, i + CREATION_BATCH));
    await linkedAll(
      batches.map((batch) => async (sig: AbortSignal) => {
        const created = await creations(batch, sig);
        for (const a of batch) known.set(a, created.has(a));
      }),
      signal,
    );
    return new Set(wanted.filter((a) => known.get(a)));
  }

  /** The addresses of one batch that have a creation record. */
  async function creations(batch: string[], signal: AbortSignal): Promise<Set<string>> {
    const query = { module: 'contract', action: 'getcontractcreation', contractaddresses: batch.join(',') };
    const { json, where } = await call(query, `contract creation of ${batch.join(', ')}`, signal);
    const envelope = parseAnswer(EnvelopeSchema, json, where);
    const text = typeof envelope.result === 'string' ? envelope.result : envelope.message;
    if (envelope.status !== '1' && /no data found|no contract/i.test(`${envelope.message} ${text}`)) return new Set();
    const rows = unwrapList(json, ContractCreationListSchema, where);
    return new Set(rows.map((r) => normalizeAddress(chain, r.contractAddress)));
  }

  return { getContracts };
}
