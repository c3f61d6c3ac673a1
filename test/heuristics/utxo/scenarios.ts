import { TestChain, type Coin } from '../../adapters/bitcoin/wallet.js';

export const BTC = 100_000_000n;
export const FEE = 2_000n;

/** Every participant key gets one minted coin of `value`. */
export function fund(chain: TestChain, names: string[], value: bigint): Coin[] {
  return chain.mint(names.map((to) => ({ to, value })));
}

/**
 * A victim pays the thief 5 BTC; the thief peels 0.3, 0.5 and 0.25 BTC off in three 1-in/2-out links, each time
 * keeping the rest at a fresh address, then sends everything left to a labeled exchange's deposit address.
 */
export function peelChainScenario() {
  const chain = new TestChain();
  const [victimCoin] = fund(chain, ['victim'], 6n * BTC);
  chain.mine();
  const [stolen] = chain.spend(
    [victimCoin!],
    [
      { to: 'thief-0', value: 5n * BTC },
      { to: 'victim', value: BTC - FEE },
    ],
  );
  chain.mine();
  const peels = [30_000_000n, 50_000_000n, 25_000_000n];
  const links: string[] = [];
  let current = stolen!;
  peels.forEach((amount, i) => {
    const [paid, change] = chain.spend(
      [current],
      [
        { to: `payee-${i}`, value: amount, type: 'p2pkh' },
        { to: `thief-${i + 1}`, value: current.value - amount - FEE },
      ],
    );
    links.push(paid!.txid);
    current = change!;
    chain.mine();
  });
  const exchange = chain.address('exchange-hot', 'p2sh-p2wpkh');
  const [deposit] = chain.spend([current], [{ to: exchange, value: current.value - FEE }]);
  chain.mine();
  return { chain, seedTx: stolen!.txid, stolen: stolen!, links, depositTx: deposit!.txid, exchange, peels };
}

/** Five participants each put in 0.01 BTC plus their share of the fee and get exactly 0.01 BTC back. */
export function whirlpoolScenario() {
  const chain = new TestChain();
  const names = ['w0', 'w1', 'w2', 'w3', 'w4'];
  const coins = fund(chain, names, 1_000_500n);
  chain.mine();
  const [out] = chain.spend(
    coins,
    names.map((n) => ({ to: `${n}-mixed`, value: 1_000_000n })),
  );
  chain.mine();
  return { chain, txid: out!.txid };
}

/** One input of an exchange hot wallet paying 15 customers; the change goes back to the hot wallet. */
export function batchPayoutScenario() {
  const chain = new TestChain();
  const [hot] = fund(chain, ['exchange-hot'], 10n * BTC);
  chain.mine();
  const payouts = Array.from({ length: 15 }, (_, i) => ({ to: `customer-${i}`, value: BigInt(1_000_000 + i * 12_345) }));
  const total = payouts.reduce((s, p) => s + p.value, 0n);
  const [first] = chain.spend([hot!], [...payouts, { to: 'exchange-hot', value: hot!.value - total - FEE }]);
  chain.mine();
  return { chain, txid: first!.txid };
}
