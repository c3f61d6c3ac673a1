import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAddress, keccak256, toUtf8Bytes } from 'ethers';
import { createEvmRpcAdapter } from '../../src/adapters/evm-rpc/adapter.js';
import { createEsploraAdapter } from '../../src/adapters/esplora/adapter.js';
import { createLabelStore } from '../../src/labels/store.js';
import { trace } from '../../src/trace/trace.js';
import { TraceReportSchema, type Endpoint, type TraceReport } from '../../src/core/schema.js';
import type { TraceGraph } from '../../src/engine/graph.js';
import { actor, startLocalChain, type Deployed, type LocalChain, type Receipt } from '../support/ganache.js';
import { EsploraIndex, startEsploraServer, type EsploraServer } from '../support/esplora-server.js';
import { TestChain, type Coin } from '../adapters/bitcoin/wallet.js';
import { startCoreServer } from '../adapters/bitcoin-core/core-server.js';
import type { TestServer } from '../support/http-test-server.js';
import { createBitcoinCoreAdapter } from '../../src/adapters/bitcoin-core/adapter.js';

/**
 * THORChain to Bitcoin across a real ganache chain (a router that emits Deposit exactly as THORChain_Router V4 and
 * forwards ETH to the vault) and a local Esplora serving Bitcoin transactions really signed with bitcoinjs-lib:
 *
 *   ganache:  victim -P-> scammer -F-> launderer -D-> router (memo =:BTC.BTC:<recipient>) -> vault
 *   bitcoin:  vault -V-> recipient (OP_RETURN OUT:<deposit hash>)  recipient -> exchange (labeled)
 *   decoys in the window: vault -V-> recipient without a memo, and with OUT:<another hash>.
 *   and a token swap: victim -USDT-> launderer -approve, depositWithExpiry(USDT, =:b:<recipient2>)-> router;
 *   vault -> recipient2 with OUT:<token deposit hash> (lower-case: THORChain's ids compare without case).
 * Amounts are drawn (fast-check, fixed seed) over realistic ranges; the expectations are computed from them.
 * The first world's Bitcoin side is mainnet (bc1 addresses), the second's regtest (bcrt1): the memo's address decides.
 */
const ETH = 10n ** 18n;
const ACTORS = ['deployer', 'victim', 'scammer', 'launderer', 'launderer2', 'vault'];

interface Params {
  paid: bigint;
  forwarded: bigint;
  deposited: bigint;
  outbound: bigint;
  fee: bigint;
}

const params: Params[] = fc.sample(
  fc
    .record({
      paid: fc.bigInt({ min: ETH / 2n, max: 40n * ETH }),
      share: fc.integer({ min: 30, max: 100 }),
      extra: fc.integer({ min: 0, max: 60 }),
      outbound: fc.bigInt({ min: 50_000n, max: 500_000_000n }),
      fee: fc.bigInt({ min: 500n, max: 20_000n }),
    })
    .map(({ paid, share, extra, outbound, fee }) => {
      const forwarded = (paid * BigInt(share)) / 100n;
      // A launderer who adds clean funds of his own (extra %) makes the deposit partly tainted.
      return { paid, forwarded, deposited: forwarded + (forwarded * BigInt(extra)) / 100n, outbound, fee };
    }),
  { seed: 2021, numRuns: 2 },
);

interface World {
  chain: LocalChain;
  chainId: string;
  /** The Bitcoin network of this world: 'bitcoin', or 'bitcoin-regtest' (a test setup's vaults and recipients). */
  btc: string;
  router: Deployed;
  esplora: EsploraServer;
  core: TestServer;
  seed: Receipt;
  deposit: Receipt;
  recipient: string;
  exchange: string;
  elsewhere: string;
  outbound: string;
  decoys: string[];
  cashOut: string;
  token: { seed: Receipt; deposit: Receipt; amount: bigint; recipient: string; outbound: string };
  bsc: { seed: Receipt; deposit: Receipt };
  p: Params;
}

async function blockTime(chain: LocalChain, receipt: Receipt): Promise<number> {
  const block = (await chain.request('eth_getBlockByNumber', [receipt.blockNumber, false])) as { timestamp: string };
  return Number(BigInt(block.timestamp));
}

async function buildWorld(p: Params, chainId: number, btcChain: string): Promise<World> {
  const chain = await startLocalChain({ actors: ACTORS, balanceEth: 100n, chainId, start: new Date('2026-05-01T00:00:00Z') });
  const router = await chain.deploy('deployer', 'MiniThorRouter');
  const seed = await chain.send('victim', { to: actor('scammer'), value: p.paid });
  await chain.send('scammer', { to: actor('launderer'), value: p.forwarded });
  const btc = new TestChain(btcChain, 900_000, 0);
  const recipient = btc.address('recipient');
  const memo = `=:BTC.BTC:${recipient}:0/1/0:t:15`;
  const deposit = await chain.invoke(
    'launderer',
    router,
    'depositWithExpiry',
    [actor('vault'), '0x0000000000000000000000000000000000000000', p.deposited, memo, 4_000_000_000n],
    {
      value: p.deposited,
    },
  );
  // A token swap too: USDT (6 decimals) paid to the launderer, approved to the router and deposited whole.
  const usdt = await chain.deploy('deployer', 'TestToken', ['Tether USD', 'USDT', 6, 10n ** 15n]);
  const tokens = p.paid / 10n ** 12n;
  await chain.invoke('deployer', usdt, 'transfer', [actor('victim'), tokens]);
  const tokenSeed = await chain.invoke('victim', usdt, 'transfer', [actor('launderer'), tokens]);
  await chain.invoke('launderer', usdt, 'approve', [router.address, tokens]);
  const recipient2 = btc.address('recipient2');
  const tokenDeposit = await chain.invoke('launderer', router, 'depositWithExpiry', [
    actor('vault'),
    usdt.address,
    tokens,
    `=:b:${recipient2}`,
    4_000_000_000n,
  ]);
  // And a swap to BNB on BSC through `deposit` (no expiry), by another launderer.
  const bscSeed = await chain.send('victim', { to: actor('launderer2'), value: p.forwarded });
  const bscDeposit = await chain.invoke(
    'launderer2',
    router,
    'deposit',
    [actor('vault'), '0x0000000000000000000000000000000000000000', p.forwarded / 2n, `=:s:${actor('victim')}`],
    {
      value: p.forwarded / 2n,
    },
  );
  // Bitcoin: the vault's coins before the deposits, its outbounds in the window after them.
  const time = await blockTime(chain, tokenDeposit);
  const clock = new TestChain(btcChain, 900_000, time - 1_200);
  for (const name of ['recipient', 'exchange', 'elsewhere', 'vault']) clock.address(name);
  const coins = clock.mint([1, 2, 3, 4].map(() => ({ to: 'vault', value: p.outbound * 3n })));
  clock.mine();
  const pay = (coin: Coin, memoText?: string) =>
    clock.spend(
      [coin],
      [
        { to: 'recipient', value: p.outbound },
        { to: 'vault', value: coin.value - p.outbound - p.fee },
      ],
      memoText,
    );
  const other = keccak256(toUtf8Bytes('another inbound')).slice(2).toUpperCase();
  const noMemo = pay(coins[0]!);
  const otherOut = pay(coins[1]!, `OUT:${other}`);
  const real = pay(coins[2]!, `OUT:${deposit.transactionHash.slice(2).toUpperCase()}`);
  const tokenOut = clock.spend(
    [coins[3]!],
    [
      { to: 'recipient2', value: p.outbound + 1n },
      { to: 'vault', value: coins[3]!.value - p.outbound - 1n - p.fee },
    ],
    `OUT:${tokenDeposit.transactionHash.slice(2)}`,
  );
  clock.mine();
  const cashOut = clock.spend([real[0]!], [{ to: 'exchange', value: p.outbound - p.fee }]);
  clock.spend([noMemo[0]!, otherOut[0]!], [{ to: 'elsewhere', value: 2n * p.outbound - p.fee }]);
  clock.mine();
  const index = new EsploraIndex(btcChain, clock.blocks);
  const esplora = await startEsploraServer(index);
  const core = await startCoreServer(index, clock.rawHex(), { user: 'u', password: 'p' });
  return {
    chain,
    chainId: `evm:${chainId}`,
    btc: btcChain,
    router,
    esplora,
    core,
    seed,
    deposit,
    recipient,
    exchange: clock.address('exchange'),
    elsewhere: clock.address('elsewhere'),
    outbound: real[0]!.txid,
    decoys: [noMemo[0]!.txid, otherOut[0]!.txid],
    cashOut: cashOut[0]!.txid,
    bsc: { seed: bscSeed, deposit: bscDeposit },
    token: { seed: tokenSeed, deposit: tokenDeposit, amount: tokens, recipient: recipient2, outbound: tokenOut[0]!.txid },
    p,
  };
}

let lastGraph: TraceGraph | undefined;
async function run(w: World, bitcoin: 'esplora' | 'bitcoin-core' | 'none', seed = w.seed): Promise<TraceReport> {
  const { chainId } = w;
  const adapters = [
    createEvmRpcAdapter({ url: w.chain.url, chain: chainId }),
    ...(bitcoin === 'esplora' ? [createEsploraAdapter({ url: w.esplora.url, chain: w.btc })] : []),
    ...(bitcoin === 'bitcoin-core' ? [createBitcoinCoreAdapter({ url: w.core.url, user: 'u', password: 'p', env: {} })] : []),
    // A source for BSC (never asked: THORChain's EVM outbounds are not looked for).
    createEvmRpcAdapter({ url: 'http://127.0.0.1:9', chain: 'evm:56' }),
  ];
  const labels = createLabelStore([
    { chain: w.btc, address: w.exchange, entity: 'Example Exchange', category: 'exchange', jurisdictions: ['SC'], confidence: 1, source: 'test' },
  ]);
  const result = await trace({
    adapters,
    labels,
    builtinLabels: false,
    seeds: [{ chain: chainId, tx: seed.transactionHash }],
    bridges: [{ chain: chainId, address: w.router.address, protocol: 'thorchain' }],
    maxHops: 8,
  });
  lastGraph = result.graph;
  return TraceReportSchema.parse(result.report);
}

const worlds: World[] = [];
beforeAll(async () => {
  for (const [i, p] of params.entries()) worlds.push(await buildWorld(p, 4100 + i, i === 0 ? 'bitcoin' : 'bitcoin-regtest'));
}, 240_000);
afterAll(async () => {
  for (const w of worlds) await Promise.all([w.chain.close(), w.esplora.close(), w.core.close()]);
});

const routerEndpoint = (report: TraceReport, w: World): Endpoint =>
  report.endpoints.find((e) => e.kind === 'bridge' && e.address.toLowerCase() === w.router.address)!;

describe('THORChain -> Bitcoin continuation (ganache + Esplora)', { timeout: 240_000 }, () => {
  it('continues at the output the outbound with OUT:<deposit hash> paid the recipient, with the tainted share in exact satoshis', async () => {
    for (const w of worlds) {
      const report = await run(w, 'esplora');
      const bridge = routerEndpoint(report, w);
      expect(bridge.bridge).toMatchObject({ protocol: 'thorchain', destinationChain: w.btc, recipient: w.recipient });
      const [d, ...more] = bridge.bridge!.deposits!;
      expect(more).toEqual([]);
      expect(d).toMatchObject({
        tx: w.deposit.transactionHash,
        event: 'Deposit',
        depositId: w.deposit.transactionHash.slice(2).toUpperCase(),
        memo: `=:BTC.BTC:${w.recipient}:0/1/0:t:15`,
        destinationAsset: 'BTC.BTC',
        amount: w.p.deposited.toString(),
      });
      // The tainted share of the deposit, applied to the output, rounded down.
      const tainted = BigInt(d!.tainted);
      expect(tainted).toBeGreaterThan(0n);
      expect(tainted).toBeLessThanOrEqual(w.p.forwarded);
      // The drawn worlds add clean funds: a partly tainted deposit, so the share is not the whole output.
      expect(tainted).toBeLessThan(w.p.deposited);
      const expected = (w.p.outbound * tainted) / w.p.deposited;
      expect(d!.continuation).toMatchObject({
        chain: w.btc,
        tx: w.outbound,
        recipient: w.recipient,
        amount: w.p.outbound.toString(),
        tainted: expected.toString(),
        match: 'protocol-id',
        confidence: 1,
      });
      expect(d!.continuation!.reason).toMatch(
        /carries OUT:[0-9A-F]{64} in its OP_RETURN output and pays \d+ sat to (bc1|bcrt1)\w+ \(output 0\); 2 other payment\(s\) to the recipient in the window carry no OUT memo for this deposit/,
      );
      // Onward on Bitcoin to the labeled exchange; the decoys' outputs are never reached.
      const exchange = report.endpoints.find((e) => e.chain === w.btc && e.address === w.exchange)!;
      expect(exchange).toMatchObject({ kind: 'exchange', entity: 'Example Exchange' });
      expect(exchange.path).toEqual([w.seed.transactionHash, expect.any(String), w.deposit.transactionHash, w.outbound, w.cashOut]);
      expect(report.endpoints.some((e) => e.address === w.elsewhere || w.decoys.some((t) => e.txs.includes(t)))).toBe(false);
      const btc = report.conservation.find((c) => c.asset.chain === w.btc)!;
      expect(btc).toMatchObject({ bridgedIn: expected.toString(), balanced: true, difference: '0' });
      expect(BigInt(btc.endpoints) + BigInt(btc.fees)).toBe(expected);
      expect(BigInt(exchange.amount)).toBeLessThanOrEqual(expected);
      expect(BigInt(exchange.amount)).toBeGreaterThanOrEqual(expected - w.p.fee);
      const eth = report.conservation.find((c) => c.asset.chain !== w.btc)!;
      expect(eth.explanation).toMatch(new RegExp(`continued on ${w.btc}`));
      // The trace graph joins the chains: router -> the vault that paid on Bitcoin -> recipient.
      const g = lastGraph!;
      const hop = g.filterEdges((_e, a) => a.type === 'bridge').map((e) => [g.source(e), g.target(e), g.getEdgeAttribute(e, 'delivery')]);
      expect(hop).toEqual([[`${w.chainId}|${w.router.address}`, expect.stringMatching(new RegExp(`^${w.btc}\\|`)), w.outbound]]);
      expect(g.hasEdge(hop[0]![1], `${w.btc}|${w.recipient}`)).toBe(true);
    }
  });

  it('without a Bitcoin source names destination and recipient and says bitcoin was not traced', async () => {
    const w = worlds[0]!;
    const report = await run(w, 'none');
    const bridge = routerEndpoint(report, w);
    expect(bridge.bridge).toMatchObject({ protocol: 'thorchain', destinationChain: 'bitcoin', recipient: w.recipient });
    expect(bridge.bridge!.deposits![0]!.note).toBe('bitcoin is not traced (no source configured for it)');
    expect(bridge.reason).toMatch(/its memo swaps to BTC\.BTC on BTC \(Bitcoin\), recipient bc1/);
    expect(report.endpoints.some((e) => e.chain === 'bitcoin')).toBe(false);
  });

  it('with a Bitcoin source that keeps no address index (Bitcoin Core) says the outbound was not looked for, and completes', async () => {
    const w = worlds[0]!;
    const report = await run(w, 'bitcoin-core');
    const d = routerEndpoint(report, w).bridge!.deposits![0]!;
    expect(d.continuation).toBeUndefined();
    expect(d.note).toMatch(
      /^the bitcoin-core source cannot list bc1\w+'s transactions \(.*keeps no address index.*\), so THORChain's outbound was not looked for$/,
    );
    expect(report.notes.some((n) => n.startsWith('INCOMPLETE'))).toBe(false);
  });

  it('continues an ERC-20 deposit (approve + depositWithExpiry, Deposit naming the token) on Bitcoin: a fully tainted deposit hands over the whole output', async () => {
    for (const w of worlds) {
      const report = await run(w, 'esplora', w.token.seed);
      const bridge = routerEndpoint(report, w);
      expect(bridge).toMatchObject({ asset: { symbol: 'USDT', decimals: 6 }, amount: w.token.amount.toString() });
      const [d] = bridge.bridge!.deposits!;
      expect(d).toMatchObject({
        tx: w.token.deposit.transactionHash,
        memo: `=:b:${w.token.recipient}`,
        destinationAsset: 'BTC.BTC',
        tainted: w.token.amount.toString(),
      });
      expect(d!.continuation).toMatchObject({
        tx: w.token.outbound,
        recipient: w.token.recipient,
        amount: (w.p.outbound + 1n).toString(),
        tainted: (w.p.outbound + 1n).toString(),
      });
      // The ETH swap's outbound and the decoys belong to other deposits: none of them is reached from this seed.
      expect(report.endpoints.filter((e) => e.chain === w.btc).map((e) => [e.address, e.kind, e.amount])).toEqual([
        [w.token.recipient, 'unspent', (w.p.outbound + 1n).toString()],
      ]);
    }
  });

  it('names a swap to another EVM chain (deposit without expiry) and never links an arrival there by amount across assets', async () => {
    const w = worlds[0]!;
    const report = await run(w, 'esplora', w.bsc.seed);
    const bridge = routerEndpoint(report, w);
    expect(bridge.bridge).toMatchObject({ protocol: 'thorchain', destinationChain: 'evm:56', recipient: getAddress(actor('victim')) });
    const [d] = bridge.bridge!.deposits!;
    expect(d).toMatchObject({ tx: w.bsc.deposit.transactionHash, destinationAsset: 'BSC.BNB', amount: (w.p.forwarded / 2n).toString() });
    expect(d!.continuation).toBeUndefined();
    expect(d!.note).toBe("THORChain's outbound on evm:56 is not looked for (only its Bitcoin outbound is followed, by OUT:<hash>)");
    expect(report.notes.some((n) => n.startsWith('INCOMPLETE'))).toBe(false);
  });
});
