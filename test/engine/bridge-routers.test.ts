import { encodeBase58, getAddress } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvmRpcAdapter, type EvmRpcAdapter } from '../../src/adapters/evm-rpc/adapter.js';
import { TraceReportSchema, type Endpoint, type TraceReport } from '../../src/core/schema.js';
import { trace } from '../../src/trace/trace.js';
import { reportToSummary } from '../../src/report/summary.js';
import { buildRouterWorld, CHAIN_B_ID, LIFI_SOLANA_ID, routerAmounts, type RouterWorld } from '../support/ganache-routers.js';
import { mulberry32 } from '../support/random.js';

/**
 * A trace through two cross-chain routers on real ganache chains (test/contracts/MiniRouters.sol emits LI.FI's and
 * cBridge's real events): each bridge endpoint names the destination chain and the recipient, a Solana destination
 * is written as Solana writes it, and the cBridge deposit continues on chain B at the Relay naming its transfer id,
 * not at the clean decoy of the same amount that came first. Amounts are drawn per run (seed printed on failure).
 */
const SEED = Number(process.env.ROUTER_SEED ?? Math.floor(Math.random() * 2 ** 31));
let w: RouterWorld;
let rpcA: EvmRpcAdapter;
let rpcB: EvmRpcAdapter;
let report: TraceReport;

beforeAll(async () => {
  const rand = mulberry32(SEED);
  w = await buildRouterWorld(routerAmounts((lo, hi) => lo + Math.floor(rand() * (hi - lo + 1))));
  rpcA = createEvmRpcAdapter({ url: w.a.url, chain: w.a.chain });
  rpcB = createEvmRpcAdapter({ url: w.b.url, chain: w.b.chain });
  ({ report } = await trace({ adapters: [rpcA, rpcB], seeds: [{ chain: w.a.chain, tx: w.tx.seed!.transactionHash }], bridges: w.bridges }));
}, 240_000);
afterAll(async () => {
  await w?.close();
});

const find = (kind: Endpoint['kind'], chain: string, address: string) =>
  report.endpoints.find((e) => e.kind === kind && e.chain === chain && e.address === getAddress(address));

describe(`a trace through LI.FI and cBridge on ganache (ROUTER_SEED=${SEED})`, { timeout: 240_000 }, () => {
  it('is a valid, complete report', () => {
    expect(() => TraceReportSchema.parse(report)).not.toThrow();
    expect(report.complete).toBe(true);
  });

  it('stops at the LI.FI Diamond with each transfer’s destination and receiver: chain B by amount and time, Solana in base58', () => {
    const A = w.a.chain;
    const B = w.b.chain;
    const { amounts } = w;
    const lifi = find('bridge', A, w.lifi.address)!;
    expect(lifi).toMatchObject({ amount: String(amounts.toLifiB + amounts.toSolana) });
    expect(lifi.bridge).toMatchObject({ protocol: 'lifi', name: 'Test LI.FI Diamond (A)' });
    // Two deposits to two destinations: the endpoint names neither as the one destination.
    expect(lifi.bridge!.destinationChain).toBeUndefined();
    const [toB, toSolana] = lifi.bridge!.deposits!;
    expect(toB).toMatchObject({
      tx: w.tx.lifiToB!.transactionHash,
      event: 'LiFiTransferStarted',
      depositId: w.lifiTransactionIds.toB,
      destinationChain: B,
      destinationChainId: String(CHAIN_B_ID),
      recipient: getAddress(w.who.lifiRecipient),
      amount: String(amounts.toLifiB),
      tainted: String(amounts.toLifiB),
      continuation: {
        chain: B,
        tx: w.tx.lifiDelivery!.transactionHash,
        recipient: getAddress(w.who.lifiRecipient),
        amount: String(amounts.toLifiB - amounts.lifiFee),
        tainted: String(amounts.toLifiB - amounts.lifiFee),
        match: 'amount-time',
      },
    });
    expect(toB!.continuation!.confidence).toBeLessThan(1);
    expect(toSolana).toMatchObject({
      tx: w.tx.lifiToSolana!.transactionHash,
      destinationNetwork: 'solana',
      destinationChainId: String(LIFI_SOLANA_ID),
      recipient: encodeBase58(w.solanaKey),
      amount: String(amounts.toSolana),
      tainted: String(amounts.toSolana),
      note: expect.stringMatching(/solana is a chain chaintrail cannot read/),
    });
    expect(toSolana!.continuation).toBeUndefined();
    expect(lifi.reason).toMatch(/LiFiTransferStarted sends it to solana via mayan, recipient [1-9A-HJ-NP-Za-km-z]{32,44}/);
    expect(lifi.reason).toMatch(/LiFiTransferStarted sends it to evm:1338 via stargateV2, recipient 0x[0-9a-f]{40}/);
    // The summary's crossings table names the network and the base58 recipient.
    const summary = reportToSummary(report);
    const crossings = summary.slice(summary.indexOf('Bridge crossings')).split('\n');
    const row = crossings.find((l) => l.includes(encodeBase58(w.solanaKey)));
    expect(row).toMatch(/^Test LI.FI Diamond \(A\)\s.*\ssolana\s.*no: the destination solana is a chain chaintrail cannot read/);
  });

  it('stops at cBridge with destination and recipient, and continues on chain B at the Relay naming the transfer id', () => {
    const A = w.a.chain;
    const B = w.b.chain;
    const { amounts } = w;
    const net = amounts.toCbridge - amounts.cbridgeFee;
    const cb = find('bridge', A, w.cbridgeA.address)!;
    expect(cb).toMatchObject({ amount: String(amounts.toCbridge) });
    expect(cb.bridge).toMatchObject({
      protocol: 'cbridge',
      destinationChain: B,
      recipient: getAddress(w.who.cbRecipient),
      deposits: [
        {
          tx: w.tx.cbridgeSend!.transactionHash,
          event: 'Send',
          depositId: w.transferId,
          destinationChain: B,
          recipient: getAddress(w.who.cbRecipient),
          amount: String(amounts.toCbridge),
          continuation: {
            chain: B,
            tx: w.tx.cbridgeRelay!.transactionHash,
            recipient: getAddress(w.who.cbRecipient),
            amount: String(net),
            tainted: String(net),
            match: 'protocol-id',
            confidence: 1,
            reason: expect.stringMatching(/^Relay on evm:1338 \(tx 0x[0-9a-f]{64}\) fills cbridge deposit id 0x[0-9a-f]{64} from chain id 1337/),
          },
        },
      ],
    });
    // On chain B the taint sits with the two recipients; the decoy's clean coins add nothing.
    expect(find('unspent', B, w.who.cbRecipient)?.amount).toBe(String(net));
    expect(find('unspent', B, w.who.lifiRecipient)?.amount).toBe(String(amounts.toLifiB - amounts.lifiFee));
    expect(find('unspent', A, w.who.scammer)?.amount).toBe(String(amounts.stolen - amounts.toLifiB - amounts.toSolana - amounts.toCbridge - amounts.toOrbiter));
  });

  it('stops at the Orbiter maker: the amount’s last four digits name Base, the sender is the recipient', () => {
    const A = w.a.chain;
    const maker = find('bridge', A, w.who.orbiterMaker)!;
    expect(maker).toMatchObject({ amount: String(w.amounts.toOrbiter) });
    expect(maker.bridge).toEqual({
      protocol: 'orbiter',
      name: 'Test Orbiter maker (A)',
      destinationChain: 'evm:8453',
      recipient: getAddress(w.who.scammer),
      deposits: [
        {
          tx: w.tx.orbiterDeposit!.transactionHash,
          event: 'transfer',
          destinationChain: 'evm:8453',
          destinationChainId: '9021',
          recipient: getAddress(w.who.scammer),
          amount: String(w.amounts.toOrbiter),
          tainted: String(w.amounts.toOrbiter),
          note: 'evm:8453 is not traced (no source configured for it)',
        },
      ],
    });
    expect(maker.reason).toMatch(/by a plain transfer whose amount ends in 9021: sends it to evm:8453, recipient the sender 0x[0-9a-f]{40}/);
  });
});
