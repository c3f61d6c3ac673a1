import { id } from 'ethers';
import { networks, payments } from 'bitcoinjs-lib';
import type { FixtureDatasetInput } from '../../src/adapters/fixture/schema.js';
import { mulberry32 } from './random.js';

const btcAddr = (name: string) => payments.p2wpkh({ hash: Buffer.from(id(`golden-btc:${name}`).slice(2, 42), 'hex'), network: networks.bitcoin }).address!;
const btcTxid = (n: number) => id(`golden-btctx:${n}`).slice(2);

/** A small UTXO world drawn from a seeded PRNG: payments split, merge, peel and pay a labeled exchange. */
export function utxoWorld(seed: number): { dataset: FixtureDatasetInput; seedTx: string; exchange: string } {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const txs: NonNullable<FixtureDatasetInput['utxoTransactions']> = [];
  const unspent: { tx: string; vout: number; owner: string; sats: number }[] = [];
  const T = 1_760_000_000;
  let n = 0;
  const add = (inputs: typeof unspent, outs: [string, number][]) => {
    const txid = btcTxid(++n);
    txs.push({
      chain: 'bitcoin',
      txid,
      block: 800_000 + n,
      time: T + n * 600,
      inputs: inputs.map((i) => ({ prevTx: i.tx, vout: i.vout, address: btcAddr(i.owner), value: String(i.sats) })),
      outputs: outs.map(([owner, sats], v) => ({ n: v, address: btcAddr(owner), value: String(sats) })),
    });
    outs.forEach(([owner, sats], v) => unspent.push({ tx: txid, vout: v, owner, sats }));
    return txid;
  };
  add(
    [{ tx: btcTxid(0), vout: 0, owner: 'genesis', sats: 900_000_000 }],
    [
      ['victim', 500_000_000],
      ['clean', 399_990_000],
    ],
  );
  const seedTx = add(
    [unspent.shift()!],
    [
      ['scam', 200_000_000 + int(0, 1e6)],
      ['victim', 200_000_000],
    ],
  );
  unspent.shift();
  for (let i = 0; i < 40 && unspent.length > 0; i++) {
    const take = unspent.splice(int(0, unspent.length - 1), Math.min(unspent.length, int(1, 3)));
    const total = take.reduce((s, u) => s + u.sats, 0);
    const fee = int(200, 3_000);
    const ways = int(1, 3);
    const outs: [string, number][] = [];
    let left = total - fee;
    for (let w = 0; w < ways; w++) {
      const sats = w === ways - 1 ? left : Math.floor(left * (0.2 + random() * 0.6));
      left -= sats;
      const to = random() < 0.12 ? 'exchange-hot' : `w${int(0, 25)}`;
      outs.push([to, sats]);
    }
    if (outs.every(([, s]) => s > 546)) add(take, outs);
    else unspent.push(...take);
  }
  return { dataset: { format: 'chaintrail-fixture', version: 1, utxoTransactions: txs }, seedTx, exchange: btcAddr('exchange-hot') };
}
