import { actor, startLocalChain, type Deployed, type LocalChain, type Receipt } from './ganache.js';

/**
 * A scam case laid out with real signed transactions on ganache, with every expected endpoint known by
 * construction (USDT, 6 decimals):
 *
 *   victim1 -10,000-> collectorA (seed)          victim2 -5,000-> collectorB (seed)
 *   collectorA -6,000-> layer1 -> layer2 -> layer3 -> layer4 -> layer5   (longer than maxHops 4)
 *   collectorA -1,000-> bridge, -1,500-> mixer, -0.5-> dust, keeps 1,499.5 (unspent, freezable)
 *   collectorB -3,000-> deposit1 (unlabeled) -3,000-> exA hot wallet (a sweep: inferred deposit address)
 *   collectorB -2,000-> exB deposit (labeled)
 *   spam: attacker transferFrom(collectorA, lookalike, 0); fake "USDT" spoofs collectorA -> lookalike 10,000
 *   clean traffic: clean1 -> exA hot wallet 20,000, exA hot wallet -> clean2 15,000 (before and after the seeds)
 */
export const SCAM_ACTORS = [
  'deployer',
  'victim1',
  'victim2',
  'collectorA',
  'collectorB',
  'layer1',
  'layer2',
  'layer3',
  'layer4',
  'layer5',
  'bridge',
  'mixer',
  'dust',
  'deposit1',
  'exAHot',
  'exBDeposit',
  'attacker',
  'lookalike',
  'clean1',
  'clean2',
] as const;
export type ScamActor = (typeof SCAM_ACTORS)[number];

export interface ScamCase {
  chain: LocalChain;
  usdt: Deployed;
  fake: Deployed;
  a: Record<ScamActor, string>;
  tx: Record<string, Receipt>;
}

const U = 10n ** 6n;

export async function buildScamCase(): Promise<ScamCase> {
  const chain = await startLocalChain({ actors: [...SCAM_ACTORS], balanceEth: 10n });
  const a = Object.fromEntries(SCAM_ACTORS.map((n) => [n, actor(n)])) as Record<ScamActor, string>;
  const usdt = await chain.deploy('deployer', 'TestToken', ['Tether USD', 'USDT', 6, 10_000_000n * U]);
  const fake = await chain.deploy('attacker', 'FakeToken', ['Tether USD', 'USDT', 6]);
  const tx: Record<string, Receipt> = {};
  const pay = async (name: string, from: ScamActor, to: ScamActor, amount: bigint) => {
    tx[name] = await chain.invoke(from, usdt, 'transfer', [a[to], amount]);
  };
  // Before the crime: victims and clean users get their money; the exchange already has traffic.
  await pay('fundVictim1', 'deployer', 'victim1', 20_000n * U);
  await pay('fundVictim2', 'deployer', 'victim2', 8_000n * U);
  await pay('fundClean1', 'deployer', 'clean1', 100_000n * U);
  await pay('fundExA', 'deployer', 'exAHot', 500_000n * U);
  await pay('cleanIn0', 'clean1', 'exAHot', 30_000n * U);
  // The crime.
  await pay('seed1', 'victim1', 'collectorA', 10_000n * U);
  await pay('seed2', 'victim2', 'collectorB', 5_000n * U);
  tx.poison = await chain.invoke('attacker', usdt, 'transferFrom', [a.collectorA, a.lookalike, 0n]);
  tx.spoof = await chain.invoke('attacker', fake, 'spoof', [a.collectorA, a.lookalike, 10_000n * U]);
  await pay('aToLayer1', 'collectorA', 'layer1', 6_000n * U);
  await pay('aToBridge', 'collectorA', 'bridge', 1_000n * U);
  await pay('aToMixer', 'collectorA', 'mixer', 1_500n * U);
  await pay('aToDust', 'collectorA', 'dust', U / 2n);
  await pay('bToDeposit1', 'collectorB', 'deposit1', 3_000n * U);
  await pay('cleanIn', 'clean1', 'exAHot', 20_000n * U);
  await pay('deposit1Sweep', 'deposit1', 'exAHot', 3_000n * U);
  await pay('bToExB', 'collectorB', 'exBDeposit', 2_000n * U);
  await pay('l1l2', 'layer1', 'layer2', 6_000n * U);
  await pay('l2l3', 'layer2', 'layer3', 6_000n * U);
  await pay('cleanOut', 'exAHot', 'clean2', 15_000n * U);
  await pay('l3l4', 'layer3', 'layer4', 6_000n * U);
  await pay('l4l5', 'layer4', 'layer5', 6_000n * U);
  return { chain, usdt, fake, a, tx };
}
