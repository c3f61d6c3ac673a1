import { zeroPadValue } from 'ethers';
import { actor, startLocalChain, type Deployed, type LocalChain, type Receipt } from './ganache.js';

/**
 * Two real chains on 127.0.0.1 joined by a minimal Across-style bridge (test/contracts/MiniSpokePool.sol emits the
 * real V3FundsDeposited / FilledRelay events), every expected endpoint known by construction (USDT-like, 6 decimals
 * on both chains):
 *
 *   chain A (evm:1337)                                   chain B (evm:1338, clocks one hour ahead)
 *   victim -10,000-> scammer (seed)
 *   bystander deposits 2,000 -> bystander (deposit id 0)  relayer fills id 0: 1,995 -> bystander
 *   scammer deposits 8,000 -> recipient (deposit id 1)    relayer fills id 1: 7,990 -> recipient (10 USDT fee)
 *   scammer keeps 2,000 (unspent)                          recipient -5,000-> exchange hot wallet (labeled)
 *                                                          recipient keeps 2,990 (unspent)
 *                                                          later, otc -7,990-> recipient (clean, same amount: a decoy
 *                                                          that only the deposit id tells apart)
 */
export const BRIDGE_ACTORS = ['deployer', 'victim', 'scammer', 'bystander', 'relayer', 'recipient', 'exHot', 'otc'] as const;
export type BridgeActor = (typeof BRIDGE_ACTORS)[number];

export const CHAIN_A_ID = 1337;
export const CHAIN_B_ID = 1338;
export const U = 10n ** 6n;
export const FEE = 10n * U;

export interface BridgeWorld {
  a: LocalChain;
  b: LocalChain;
  usdtA: Deployed;
  usdtB: Deployed;
  poolA: Deployed;
  poolB: Deployed;
  who: Record<BridgeActor, string>;
  tx: Record<string, Receipt>;
  /** Bridge definitions for the two test deployments, as `trace({ bridges })` and `--bridges FILE` take them. */
  bridges: { chain: string; address: string; protocol: 'across'; name: string }[];
  close(): Promise<void>;
}

const bytes32 = (address: string) => zeroPadValue(address, 32);
const ZERO = '0x0000000000000000000000000000000000000000';

export async function buildBridgeWorld(): Promise<BridgeWorld> {
  const start = new Date('2026-03-01T00:00:00Z');
  const [a, b] = await Promise.all([
    startLocalChain({ actors: [...BRIDGE_ACTORS], balanceEth: 10n, chainId: CHAIN_A_ID, start }),
    startLocalChain({ actors: [...BRIDGE_ACTORS], balanceEth: 10n, chainId: CHAIN_B_ID, start: new Date(start.getTime() + 3_600_000) }),
  ]);
  const who = Object.fromEntries(BRIDGE_ACTORS.map((n) => [n, actor(n)])) as Record<BridgeActor, string>;
  const tx: Record<string, Receipt> = {};

  // Chain A: token, then pool. Chain B: pool, then token (so the two chains' addresses differ).
  const usdtA = await a.deploy('deployer', 'TestToken', ['Tether USD', 'USDT', 6, 10_000_000n * U]);
  const poolA = await a.deploy('deployer', 'MiniSpokePool');
  const poolB = await b.deploy('deployer', 'MiniSpokePool');
  const usdtB = await b.deploy('deployer', 'TestToken', ['Tether USD', 'USDT', 6, 10_000_000n * U]);

  const payA = async (name: string, from: BridgeActor, to: BridgeActor, amount: bigint) => {
    tx[name] = await a.invoke(from, usdtA, 'transfer', [who[to], amount]);
  };
  const payB = async (name: string, from: BridgeActor, to: BridgeActor, amount: bigint) => {
    tx[name] = await b.invoke(from, usdtB, 'transfer', [who[to], amount]);
  };
  const deposit = async (name: string, from: BridgeActor, to: BridgeActor, input: bigint, output: bigint) => {
    const now = Math.floor(start.getTime() / 1000);
    tx[name] = await a.invoke(from, poolA, 'depositV3', [
      who[from],
      who[to],
      usdtA.address,
      usdtB.address,
      input,
      output,
      BigInt(CHAIN_B_ID),
      ZERO,
      now,
      now + 86_400,
      0,
      '0x',
    ]);
  };
  const fill = async (name: string, depositor: BridgeActor, to: BridgeActor, input: bigint, output: bigint, depositId: bigint) => {
    const now = Math.floor(start.getTime() / 1000);
    const relayData = [
      bytes32(who[depositor]),
      bytes32(who[to]),
      bytes32(ZERO),
      bytes32(usdtA.address),
      bytes32(usdtB.address),
      input,
      output,
      BigInt(CHAIN_A_ID),
      depositId,
      now + 86_400,
      0,
      '0x',
    ];
    tx[name] = await b.invoke('relayer', poolB, 'fillRelay', [relayData, BigInt(CHAIN_A_ID), bytes32(who.relayer)]);
  };

  // Before the crime.
  await payA('fundVictim', 'deployer', 'victim', 20_000n * U);
  await payA('fundBystander', 'deployer', 'bystander', 5_000n * U);
  await payB('fundRelayer', 'deployer', 'relayer', 100_000n * U);
  await payB('fundExHot', 'deployer', 'exHot', 500_000n * U);
  await payB('fundOtc', 'deployer', 'otc', 50_000n * U);
  tx.approveBystander = await a.invoke('bystander', usdtA, 'approve', [poolA.address, 2n ** 256n - 1n]);
  tx.approveScammer = await a.invoke('scammer', usdtA, 'approve', [poolA.address, 2n ** 256n - 1n]);
  tx.approveRelayer = await b.invoke('relayer', usdtB, 'approve', [poolB.address, 2n ** 256n - 1n]);
  await deposit('bystanderDeposit', 'bystander', 'bystander', 2_000n * U, 1_995n * U);

  // The crime and the escape across the bridge.
  await payA('seed', 'victim', 'scammer', 10_000n * U);
  await deposit('scamDeposit', 'scammer', 'recipient', 8_000n * U, 8_000n * U - FEE);
  await fill('bystanderFill', 'bystander', 'bystander', 2_000n * U, 1_995n * U, 0n);
  await fill('scamFill', 'scammer', 'recipient', 8_000n * U, 8_000n * U - FEE, 1n);
  await payB('toExchange', 'recipient', 'exHot', 5_000n * U);
  await payB('decoy', 'otc', 'recipient', 8_000n * U - FEE);

  return {
    a,
    b,
    usdtA,
    usdtB,
    poolA,
    poolB,
    who,
    tx,
    bridges: [
      { chain: a.chain, address: poolA.address, protocol: 'across', name: 'Test SpokePool (A)' },
      { chain: b.chain, address: poolB.address, protocol: 'across', name: 'Test SpokePool (B)' },
    ],
    close: async () => {
      await Promise.all([a.close(), b.close()]);
    },
  };
}
