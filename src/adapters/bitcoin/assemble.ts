import { getChain } from '../../core/chain.js';
import { ResponseShapeError } from '../../core/errors.js';
import { hexToBytes, nullData, scriptAddress } from './script.js';
import type { SourcedUtxoTransaction } from './utxo-adapter.js';

/** What every Bitcoin source can tell about one transaction, before addresses are rendered. */
export interface RawUtxoFacts {
  chain: string;
  txid: string;
  coinbase: boolean;
  /** Non-coinbase inputs in vin order; `prevout` null when the source could not resolve it. */
  inputs: { prevTx: string; vout: number; prevout: { script: string; value: bigint } | null }[];
  outputs: { script: string; value: bigint }[];
  block: number | null;
  time: number | null;
  spentBy?: ({ txid: string; vin: number } | null)[];
  /** Where the facts came from, for error details. */
  source: string;
}

/**
 * Source facts -> UtxoTransaction. Addresses come from the scripts (the same rendering for every source), the fee
 * is inputs minus outputs, and a transaction whose resolved outputs exceed its inputs is refused as a bad answer.
 */
export function assembleUtxoTransaction(facts: RawUtxoFacts): SourcedUtxoTransaction {
  const chain = getChain(facts.chain).id;
  const unresolved: number[] = [];
  const inputs = facts.coinbase
    ? []
    : facts.inputs.map((input, vin) => {
        if (!input.prevout) {
          unresolved.push(vin);
          return { prevTx: input.prevTx, vout: input.vout, address: null, value: 0n };
        }
        return { prevTx: input.prevTx, vout: input.vout, address: scriptAddress(hexToBytes(input.prevout.script), chain).address, value: input.prevout.value };
      });
  const outputs = facts.outputs.map((output, n) => {
    const spender = facts.spentBy?.[n];
    const script = hexToBytes(output.script);
    const data = nullData(script);
    return {
      n,
      address: scriptAddress(script, chain).address,
      value: output.value,
      ...(spender ? { spentBy: { txid: spender.txid, vin: spender.vin } } : {}),
      ...(data ? { data } : {}),
    };
  });
  const inSum = inputs.reduce((sum, input) => sum + input.value, 0n);
  const outSum = outputs.reduce((sum, output) => sum + output.value, 0n);
  let fee = 0n;
  if (!facts.coinbase && unresolved.length === 0) {
    if (outSum > inSum) {
      throw new ResponseShapeError(`${facts.source}: transaction ${facts.txid} pays out more (${outSum}) than its inputs hold (${inSum})`, {
        details: { source: facts.source, txid: facts.txid, inputs: inSum.toString(), outputs: outSum.toString() },
      });
    }
    fee = inSum - outSum;
  }
  return {
    chain,
    txid: facts.txid,
    inputs,
    outputs,
    fee,
    block: facts.block,
    time: facts.time,
    ...(facts.coinbase ? { coinbase: true } : {}),
    ...(unresolved.length ? { unresolvedInputs: unresolved } : {}),
  };
}
