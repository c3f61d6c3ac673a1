import { createHash } from 'node:crypto';
import { ECPairFactory, type ECPairInterface } from 'ecpair';
import * as ecc from '@bitcoinerlab/secp256k1';
import type { Network, Transaction } from 'bitcoinjs-lib';
import { bitcoinLib, bitcoinNetwork } from '../../../src/core/bitcoin-network.js';
import { decodeTransactionHex, type DecodedTransaction } from '../../../src/adapters/bitcoin/decode.js';
import { assembleUtxoTransaction } from '../../../src/adapters/bitcoin/assemble.js';
import type { SourcedUtxoTransaction } from '../../../src/adapters/bitcoin/utxo-adapter.js';
import type { ServedBlock } from '../../support/esplora-server.js';

const bitcoin = bitcoinLib();

const ECPair = ECPairFactory(ecc);

export type KeyType = 'p2wpkh' | 'p2pkh' | 'p2sh-p2wpkh' | 'p2tr';

/** A spendable output the test wallet holds the key for. */
export interface Coin {
  txid: string;
  vout: number;
  value: bigint;
  address: string;
  /** Key name, or null when paid to a foreign address. */
  owner: string | null;
}

export interface Pay {
  /** A key name (its address of `type`) or a literal address. */
  to: string;
  value: bigint;
  type?: KeyType;
}

/**
 * A tiny signing chain for constructed scenarios: deterministic keys by name, coinbase mints, transactions
 * really signed with bitcoinjs-lib Psbt + ecpair + @bitcoinerlab/secp256k1, and blocks to serve.
 */
export class TestChain {
  readonly network: Network;
  readonly blocks: ServedBlock[] = [];
  private pending: DecodedTransaction[] = [];
  private readonly raw = new Map<string, Transaction>();
  private readonly decoded = new Map<string, DecodedTransaction>();
  private readonly owners = new Map<string, { name: string; type: KeyType }>();
  private readonly spenders = new Map<string, { txid: string; vin: number }>();
  private mints = 0;

  constructor(
    readonly chain = 'bitcoin',
    private height = 800_000,
    private time = 1_700_000_000,
  ) {
    this.network = bitcoinNetwork(chain);
  }

  key(name: string): ECPairInterface {
    return ECPair.fromPrivateKey(createHash('sha256').update(`chaintrail test key ${name}`).digest(), { network: this.network });
  }

  address(name: string, type: KeyType = 'p2wpkh'): string {
    const pubkey = this.key(name).publicKey;
    const network = this.network;
    const payment =
      type === 'p2pkh'
        ? bitcoin.payments.p2pkh({ pubkey, network })
        : type === 'p2sh-p2wpkh'
          ? bitcoin.payments.p2sh({ redeem: bitcoin.payments.p2wpkh({ pubkey, network }), network })
          : type === 'p2tr'
            ? bitcoin.payments.p2tr({ internalPubkey: pubkey.slice(1, 33), network })
            : bitcoin.payments.p2wpkh({ pubkey, network });
    this.owners.set(payment.address!, { name, type });
    return payment.address!;
  }

  private resolve(to: string, type: KeyType = 'p2wpkh'): string {
    try {
      bitcoin.address.toOutputScript(to, this.network);
      return to;
    } catch {
      return this.address(to, type);
    }
  }

  private add(tx: Transaction): DecodedTransaction {
    const decoded = decodeTransactionHex(tx.toHex(), this.chain);
    this.raw.set(decoded.txid, tx);
    this.decoded.set(decoded.txid, decoded);
    decoded.inputs.forEach((input, vin) => this.spenders.set(`${input.prevTx}:${input.vout}`, { txid: decoded.txid, vin }));
    this.pending.push(decoded);
    return decoded;
  }

  private coins(decoded: DecodedTransaction): Coin[] {
    return decoded.outputs.map((o) => ({ txid: decoded.txid, vout: o.n, value: o.value, address: o.address, owner: this.owners.get(o.address)?.name ?? null }));
  }

  /** New coins out of nothing: a coinbase transaction paying `outputs`. */
  mint(outputs: Pay[]): Coin[] {
    const tx = new bitcoin.Transaction();
    tx.addInput(new Uint8Array(32), 0xffffffff, 0xffffffff, Uint8Array.from([0x03, ...Buffer.from(`mint${this.mints++}`)]));
    for (const o of outputs) tx.addOutput(bitcoin.address.toOutputScript(this.resolve(o.to, o.type), this.network), o.value);
    return this.coins(this.add(tx));
  }

  /**
   * A signed transaction spending `inputs` (keys held by this wallet) to `outputs`; the rest is the fee. `memo`
   * adds a zero-value OP_RETURN output carrying its bytes, after the others (as THORChain's vaults write `OUT:<hash>`).
   */
  spend(inputs: Coin[], outputs: Pay[], memo?: string): Coin[] {
    const psbt = new bitcoin.Psbt({ network: this.network });
    for (const coin of inputs) {
      const owner = this.owners.get(coin.address);
      if (!owner) throw new Error(`no key for ${coin.address}`);
      const prev = this.raw.get(coin.txid)!;
      if (owner.type === 'p2pkh') psbt.addInput({ hash: coin.txid, index: coin.vout, nonWitnessUtxo: prev.toBuffer() });
      else if (owner.type === 'p2wpkh')
        psbt.addInput({ hash: coin.txid, index: coin.vout, witnessUtxo: { script: prev.outs[coin.vout]!.script, value: coin.value } });
      else throw new Error(`spending ${owner.type} is not supported by the test wallet`);
    }
    for (const o of outputs) psbt.addOutput({ address: this.resolve(o.to, o.type), value: o.value });
    if (memo !== undefined) psbt.addOutput({ script: bitcoin.payments.embed({ data: [Buffer.from(memo, 'utf8')] }).output!, value: 0n });
    inputs.forEach((coin, i) => psbt.signInput(i, this.key(this.owners.get(coin.address)!.name)));
    psbt.finalizeAllInputs();
    return this.coins(this.add(psbt.extractTransaction()));
  }

  /** Every transaction's serialization (txid -> hex), as a node's getrawtransaction returns it. */
  rawHex(): Map<string, string> {
    return new Map([...this.raw].map(([txid, tx]) => [txid, tx.toHex()]));
  }

  /** Puts the pending transactions into a block. */
  mine(): ServedBlock {
    const block: ServedBlock = {
      height: this.height++,
      hash: createHash('sha256').update(`block ${this.height}`).digest('hex'),
      time: (this.time += 600),
      transactions: this.pending,
    };
    this.pending = [];
    this.blocks.push(block);
    return block;
  }

  /** The transaction with prevouts and spenders resolved, as a complete source would return it. */
  utxo(txid: string): SourcedUtxoTransaction {
    const decoded = this.decoded.get(txid)!;
    const block = this.blocks.find((b) => b.transactions.includes(decoded));
    return assembleUtxoTransaction({
      chain: this.chain,
      txid,
      coinbase: decoded.coinbase,
      inputs: decoded.inputs.map((i) => {
        const prev = this.decoded.get(i.prevTx)?.outputs[i.vout];
        return { prevTx: i.prevTx, vout: i.vout, prevout: prev ? { script: prev.script, value: prev.value } : null };
      }),
      outputs: decoded.outputs.map((o) => ({ script: o.script, value: o.value })),
      block: block?.height ?? null,
      time: block?.time ?? null,
      spentBy: decoded.outputs.map((o) => this.spenders.get(`${txid}:${o.n}`) ?? null),
      source: 'test chain',
    });
  }
}
