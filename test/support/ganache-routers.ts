import { hexlify, randomBytes, zeroPadValue } from 'ethers';
import { actor, startLocalChain, type Deployed, type LocalChain, type Receipt } from './ganache.js';

/**
 * Two real chains on 127.0.0.1, two cross-chain routers deployed from test/contracts/MiniRouters.sol, which emit
 * the real LI.FI LiFiTransferStarted / BridgeToNonEVMChain and cBridge Send / Relay events, and an Orbiter maker. USDT-like token, 6
 * decimals on both chains; amounts drawn per world (`seed`) over realistic ranges, every endpoint known by
 * construction:
 *
 *   chain A (evm:1337)                                        chain B (evm:1338, clock one hour ahead)
 *   victim -stolen-> scammer (seed)
 *   scammer -toLifiB-> LI.FI Diamond: to lifiRecipient on B   a relayer pays lifiRecipient toLifiB minus a fee (no id
 *                                                             links it: only amount and time do)
 *   scammer -toSolana-> LI.FI Diamond: to a Solana key         (no chain chaintrail can read)
 *   scammer -toCbridge-> cBridge: to cbRecipient on B          otc pays cbRecipient the same net amount first (clean
 *                                                             decoy); then cBridge B relays it (Relay names the Send's
 *                                                             transfer id)
 *   scammer -toOrbiter-> an Orbiter maker (an EOA, no event)   (Base is not traced: the endpoint names Base and the
 *     the amount ends in 9021, Orbiter's code for Base        sender as the recipient there)
 *   scammer keeps the rest (unspent)
 */
export const ROUTER_ACTORS = ['deployer', 'victim', 'scammer', 'relayer', 'lifiRecipient', 'cbRecipient', 'otc', 'orbiterMaker'] as const;
export type RouterActor = (typeof ROUTER_ACTORS)[number];

export const CHAIN_A_ID = 1337;
export const CHAIN_B_ID = 1338;
export const U = 10n ** 6n;
export const LIFI_SOLANA_ID = 1151111081099710n;
const LIFI_NON_EVM = '0x11f111f111f111F111f111f111F111f111f111F1';

export interface RouterAmounts {
  stolen: bigint;
  toLifiB: bigint;
  toSolana: bigint;
  toCbridge: bigint;
  /** Whole USDT plus 0.009021: the last four digits code Orbiter's destination, Base. */
  toOrbiter: bigint;
  /** Fee the LI.FI route's relayer keeps (within the 5 % tolerance), and cBridge's fee. */
  lifiFee: bigint;
  cbridgeFee: bigint;
}

export interface RouterWorld {
  a: LocalChain;
  b: LocalChain;
  usdtA: Deployed;
  usdtB: Deployed;
  lifi: Deployed;
  cbridgeA: Deployed;
  cbridgeB: Deployed;
  who: Record<RouterActor, string>;
  amounts: RouterAmounts;
  /** The Solana key the second LI.FI transfer names (32 bytes, 0x hex). */
  solanaKey: string;
  /** The cBridge transfer id of the scammer's Send. */
  transferId: string;
  lifiTransactionIds: { toB: string; toSolana: string };
  tx: Record<string, Receipt>;
  bridges: { chain: string; address: string; protocol: string; name: string }[];
  close(): Promise<void>;
}

/** Amounts for a world: `pick(lo, hi)` draws whole USDT in [lo, hi] (a seeded generator keeps worlds reproducible). */
export function routerAmounts(pick: (lo: number, hi: number) => number): RouterAmounts {
  const toLifiB = BigInt(pick(500, 40_000)) * U;
  const toSolana = BigInt(pick(100, 20_000)) * U;
  const toCbridge = BigInt(pick(500, 40_000)) * U;
  const toOrbiter = BigInt(pick(10, 5_000)) * U + 9_021n;
  const kept = BigInt(pick(1, 5_000)) * U;
  return {
    stolen: toLifiB + toSolana + toCbridge + toOrbiter + kept,
    toLifiB,
    toSolana,
    toCbridge,
    toOrbiter,
    lifiFee: (toLifiB * BigInt(pick(1, 40))) / 1000n,
    cbridgeFee: BigInt(pick(1, 50)) * U,
  };
}

export async function buildRouterWorld(amounts: RouterAmounts): Promise<RouterWorld> {
  const start = new Date('2026-04-01T00:00:00Z');
  const [a, b] = await Promise.all([
    startLocalChain({ actors: [...ROUTER_ACTORS], balanceEth: 10n, chainId: CHAIN_A_ID, start }),
    startLocalChain({ actors: [...ROUTER_ACTORS], balanceEth: 10n, chainId: CHAIN_B_ID, start: new Date(start.getTime() + 3_600_000) }),
  ]);
  const who = Object.fromEntries(ROUTER_ACTORS.map((n) => [n, actor(n)])) as Record<RouterActor, string>;
  const tx: Record<string, Receipt> = {};
  const ok = (name: string, r: Receipt) => {
    if (r.status !== '0x1') throw new Error(`${name} failed`);
    tx[name] = r;
    return r;
  };

  const usdtA = await a.deploy('deployer', 'TestToken', ['Tether USD', 'USDT', 6, 100_000_000n * U]);
  const lifi = await a.deploy('deployer', 'MiniLiFiDiamond');
  const cbridgeA = await a.deploy('deployer', 'MiniCBridge');
  const cbridgeB = await b.deploy('deployer', 'MiniCBridge');
  const usdtB = await b.deploy('deployer', 'TestToken', ['Tether USD', 'USDT', 6, 100_000_000n * U]);

  const payA = async (name: string, from: RouterActor, to: string, amount: bigint) => ok(name, await a.invoke(from, usdtA, 'transfer', [to, amount]));
  const payB = async (name: string, from: RouterActor, to: string, amount: bigint) => ok(name, await b.invoke(from, usdtB, 'transfer', [to, amount]));

  await payA('fundVictim', 'deployer', who.victim, amounts.stolen + 1_000n * U);
  await payB('fundPool', 'deployer', cbridgeB.address, 10_000_000n * U);
  await payB('fundRelayer', 'deployer', who.relayer, 10_000_000n * U);
  await payB('fundOtc', 'deployer', who.otc, 10_000_000n * U);
  ok('approveLifi', await a.invoke('scammer', usdtA, 'approve', [lifi.address, 2n ** 256n - 1n]));
  ok('approveCbridge', await a.invoke('scammer', usdtA, 'approve', [cbridgeA.address, 2n ** 256n - 1n]));

  // The crime, and the escape through the two routers.
  await payA('seed', 'victim', who.scammer, amounts.stolen);
  const toB = hexlify(randomBytes(32));
  const toSolanaId = hexlify(randomBytes(32));
  const bridgeData = (id: string, via: string, receiver: string, amount: bigint, chainId: bigint) => [
    id,
    via,
    'chaintrail-test',
    '0x0000000000000000000000000000000000000000',
    usdtA.address,
    receiver,
    amount,
    chainId,
    false,
    false,
  ];
  ok('lifiToB', await a.invoke('scammer', lifi, 'startBridgeTokens', [bridgeData(toB, 'stargateV2', who.lifiRecipient, amounts.toLifiB, BigInt(CHAIN_B_ID))]));
  const solanaKey = hexlify(randomBytes(32));
  ok(
    'lifiToSolana',
    await a.invoke('scammer', lifi, 'startBridgeTokensToNonEVM', [bridgeData(toSolanaId, 'mayan', LIFI_NON_EVM, amounts.toSolana, LIFI_SOLANA_ID), solanaKey]),
  );
  const send = ok(
    'cbridgeSend',
    await a.invoke('scammer', cbridgeA, 'send', [who.cbRecipient, usdtA.address, amounts.toCbridge, BigInt(CHAIN_B_ID), 1n, 3000]),
  );
  const sendLog = (send.logs as unknown as { address: string; topics: string[]; data: string }[]).find((l) => l.address.toLowerCase() === cbridgeA.address)!;
  const transferId = cbridgeA.iface.parseLog(sendLog)!.args.getValue('transferId') as string;

  await payA('orbiterDeposit', 'scammer', who.orbiterMaker, amounts.toOrbiter);

  // Chain B: the LI.FI route's delivery (a plain transfer), the decoy, then cBridge's relay.
  const cbNet = amounts.toCbridge - amounts.cbridgeFee;
  await payB('lifiDelivery', 'relayer', who.lifiRecipient, amounts.toLifiB - amounts.lifiFee);
  await payB('decoy', 'otc', who.cbRecipient, cbNet);
  ok('cbridgeRelay', await b.invoke('relayer', cbridgeB, 'relay', [who.scammer, who.cbRecipient, usdtB.address, cbNet, BigInt(CHAIN_A_ID), transferId]));

  return {
    a,
    b,
    usdtA,
    usdtB,
    lifi,
    cbridgeA,
    cbridgeB,
    who,
    amounts,
    solanaKey: zeroPadValue(solanaKey, 32),
    transferId,
    lifiTransactionIds: { toB, toSolana: toSolanaId },
    tx,
    bridges: [
      { chain: a.chain, address: lifi.address, protocol: 'lifi', name: 'Test LI.FI Diamond (A)' },
      { chain: a.chain, address: cbridgeA.address, protocol: 'cbridge', name: 'Test cBridge (A)' },
      { chain: b.chain, address: cbridgeB.address, protocol: 'cbridge', name: 'Test cBridge (B)' },
      { chain: a.chain, address: who.orbiterMaker, protocol: 'orbiter', name: 'Test Orbiter maker (A)' },
    ],
    close: async () => {
      await Promise.all([a.close(), b.close()]);
    },
  };
}
