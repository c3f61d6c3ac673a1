import { actor, startLocalChain, type Deployed, type LocalChain, type Receipt } from './ganache.js';

/**
 * A small, fully known world for adapter tests: a USDT-like token, a look-alike that spoofs Transfer events,
 * tokens with odd metadata, native payments, an internal transfer through a forwarder and a reverted payment.
 */
export interface SmallWorld {
  chain: LocalChain;
  usdt: Deployed;
  fake: Deployed;
  b32: Deployed;
  nometa: Deployed;
  forwarder: Deployed;
  tx: Record<string, Receipt>;
  a: Record<'deployer' | 'alice' | 'bob' | 'carol' | 'dave' | 'attacker' | 'lookalike', string>;
}

export const USDT = 10n ** 6n;
export const ETH = 10n ** 18n;

export async function buildSmallWorld(): Promise<SmallWorld> {
  const names = ['deployer', 'alice', 'bob', 'carol', 'dave', 'attacker', 'lookalike'] as const;
  const chain = await startLocalChain({ actors: [...names] });
  const a = Object.fromEntries(names.map((n) => [n, actor(n)])) as SmallWorld['a'];
  const usdt = await chain.deploy('deployer', 'TestToken', ['Tether USD', 'USDT', 6, 1_000_000n * USDT]);
  const fake = await chain.deploy('attacker', 'FakeToken', ['Tether USD', 'USDT', 6]);
  const b32 = await chain.deploy('deployer', 'Bytes32Token');
  const nometa = await chain.deploy('deployer', 'NoMetadataToken');
  const forwarder = await chain.deploy('deployer', 'Forwarder');
  const tx: Record<string, Receipt> = {};
  tx.fund = await chain.invoke('deployer', usdt, 'transfer', [a.alice, 1_000n * USDT]);
  tx.aliceBob = await chain.invoke('alice', usdt, 'transfer', [a.bob, 300n * USDT]);
  tx.aliceCarol = await chain.invoke('alice', usdt, 'transfer', [a.carol, 200n * USDT]);
  tx.bobCarol = await chain.invoke('bob', usdt, 'transfer', [a.carol, 50n * USDT]);
  // Address poisoning: a zero-value transferFrom needs no allowance.
  tx.poison = await chain.invoke('attacker', usdt, 'transferFrom', [a.alice, a.lookalike, 0n]);
  tx.spoof = await chain.invoke('attacker', fake, 'spoof', [a.alice, a.lookalike, 1_000n * USDT]);
  tx.b32 = await chain.invoke('deployer', b32, 'emitTransfer', [a.alice, a.bob, 5n]);
  tx.nometa = await chain.invoke('deployer', nometa, 'emitTransfer', [a.bob, a.alice, 7n]);
  tx.ethAliceBob = await chain.send('alice', { to: a.bob, value: 1n * ETH });
  tx.forward = await chain.invoke('dave', forwarder, 'forward', [a.carol], { value: 2n * ETH });
  // Forwarding to a contract without a receive function fails: the value never moved.
  tx.reverted = await chain.invoke('dave', forwarder, 'forward', [usdt.address], { value: 3n * ETH, gasLimit: 100_000n });
  tx.ethBobCarol = await chain.send('bob', { to: a.carol, value: ETH / 2n });
  return { chain, usdt, fake, b32, nometa, forwarder, tx, a };
}
