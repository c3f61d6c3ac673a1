import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAddress, keccak256, toUtf8Bytes } from 'ethers';
import { createEvmRpcAdapter } from '../../src/adapters/evm-rpc/adapter.js';
import { createEsploraAdapter } from '../../src/adapters/esplora/adapter.js';
import { createLabelStore } from '../../src/labels/store.js';
import { trace } from '../../src/trace/trace.js';
import { TraceReportSchema, type Endpoint, type TraceReport } from '../../src/core/schema.js';
import { actor, startLocalChain, type Deployed, type LocalChain, type Receipt } from '../support/ganache.js';
import { EsploraIndex, startEsploraServer, type EsploraServer } from '../support/esplora-server.js';
import { TestChain } from '../adapters/bitcoin/wallet.js';

/**
 * THORChain from Bitcoin to Ethereum, across a local Esplora (transactions signed with bitcoinjs-lib) and a real
 * ganache chain (chain id 1) whose router emits TransferOut exactly as THORChain_Router V4:
 *
 *   bitcoin:  victim -P-> launderer -(+ clean coin of his own)-> vault (OP_RETURN =:ETH.ETH:<recipient>) + change
 *   ganache:  vault -transferOut(OUT:<inbound txid>)-> router -> recipient -> exchange (labeled)
 *   decoys in the window: a TransferOut to the recipient with another OUT id, and a plain payment of the same amount.
 * Amounts are drawn (fast-check, fixed seed) over realistic ranges; the expectations are computed from them.
 */
const ETH = 10n ** 18n;
const ZERO = '0x0000000000000000000000000000000000000000';

interface Params {
  paid: bigint;
  clean: bigint;
  toVault: bigint;
  outbound: bigint;
  fee: bigint;
}

const params: Params[] = fc.sample(
  fc
    .record({
      paid: fc.bigInt({ min: 1_000_000n, max: 2_000_000_000n }),
      clean: fc.bigInt({ min: 100_000n, max: 1_000_000_000n }),
      share: fc.integer({ min: 40, max: 95 }),
      outbound: fc.bigInt({ min: ETH / 100n, max: 30n * ETH }),
      fee: fc.bigInt({ min: 300n, max: 5_000n }),
    })
    .map(({ paid, clean, share, outbound, fee }) => ({ paid, clean, toVault: clean + (paid * BigInt(share)) / 100n, outbound, fee })),
  { seed: 2104, numRuns: 2 },
);

interface World {
  btc: TestChain;
  esplora: EsploraServer;
  chain: LocalChain;
  router: Deployed;
  seed: string;
  inbound: string;
  vault: string;
  recipient: string;
  exchange: string;
  real: Receipt;
  decoys: Receipt[];
  token: { inbound: string; vault: string; recipient: string; contract: string; amount: bigint; out: Receipt };
  p: Params;
}

async function buildWorld(p: Params, i: number): Promise<World> {
  const names = ['deployer', 'vault', 'exchange', 'other'];
  const recipientName = `recipient-${i}`;
  const recipient = getAddress(actor(recipientName));
  const btc = new TestChain('bitcoin', 860_000, 1_790_000_000 + i * 86_400);
  const [coin, own] = btc.mint([
    { to: 'victim', value: p.paid * 2n },
    { to: 'launderer', value: p.clean },
  ]);
  btc.mine();
  const [toLaunderer] = btc.spend(
    [coin!],
    [
      { to: 'launderer', value: p.paid },
      { to: 'victim', value: p.paid - p.fee },
    ],
  );
  btc.mine();
  // The launderer adds a coin of his own, spent first: under FIFO the vault payment is tainted by what exceeds it.
  const memo = `=:ETH.ETH:${recipient}`;
  const inbound = btc.spend(
    [own!, toLaunderer!],
    [
      { to: 'vault', value: p.toVault },
      { to: 'launderer', value: p.paid + p.clean - p.toVault - p.fee },
    ],
    memo,
  );
  const block = btc.mine();
  // The change goes on to a second vault with a swap to an ERC-20 (USDT with its contract, as THORChain writes it).
  const chain = await startLocalChain({ actors: names, balanceEth: 200n, chainId: 1, start: new Date((block.time + 1_200) * 1000) });
  const router = await chain.deploy('deployer', 'MiniThorRouter');
  const usdt = await chain.deploy('deployer', 'TestToken', ['Tether USD', 'USDT', 6, 10n ** 15n]);
  const recipient2 = getAddress(actor(`recipient2-${i}`));
  const change = inbound[1]!;
  const inbound2 = btc.spend(
    [change],
    [
      { to: 'vault2', value: change.value / 2n },
      { to: 'launderer', value: change.value - change.value / 2n - p.fee },
    ],
    `=:ETH.USDT-${usdt.address.toUpperCase()}:${recipient2}`,
  );
  btc.mine();
  const esplora = await startEsploraServer(new EsploraIndex('bitcoin', btc.blocks));
  // The vault's USDT comes from an earlier deposit (the router credits the vault's allowance).
  const tokens = p.outbound / 10n ** 12n + 1n;
  await chain.invoke('deployer', usdt, 'approve', [router.address, tokens]);
  await chain.invoke('deployer', router, 'deposit', [actor('vault'), usdt.address, tokens, '=:BTC.BTC:bc1qexample']);
  const tokenOut = await chain.invoke('vault', router, 'transferOut', [recipient2, usdt.address, tokens, `OUT:${inbound2[0]!.txid.toUpperCase()}`]);
  const other = keccak256(toUtf8Bytes(`another inbound ${i}`))
    .slice(2)
    .toUpperCase();
  const decoyOut = await chain.invoke('vault', router, 'transferOut', [recipient, ZERO, p.outbound, `OUT:${other}`], { value: p.outbound });
  const decoyPlain = await chain.send('vault', { to: recipient.toLowerCase(), value: p.outbound });
  const real = await chain.invoke('vault', router, 'transferOut', [recipient, ZERO, p.outbound, `OUT:${inbound[0]!.txid.toUpperCase()}`], {
    value: p.outbound,
  });
  // The recipient cashes everything out to the exchange, less what a plain payment may cost at the fee cap (20 gwei).
  const gas = 21_000n * 20n * 10n ** 9n;
  await chain.send(recipientName, { to: actor('exchange'), value: 3n * p.outbound - gas });
  return {
    btc,
    esplora,
    chain,
    router,
    seed: toLaunderer!.txid,
    inbound: inbound[0]!.txid,
    vault: btc.address('vault'),
    recipient: recipient.toLowerCase(),
    exchange: actor('exchange'),
    real,
    decoys: [decoyOut, decoyPlain],
    token: {
      inbound: inbound2[0]!.txid,
      vault: btc.address('vault2'),
      recipient: recipient2.toLowerCase(),
      contract: usdt.address,
      amount: tokens,
      out: tokenOut,
    },
    p,
  };
}

async function run(w: World, withEvm: boolean): Promise<TraceReport> {
  const labels = createLabelStore([
    { chain: 'ethereum', address: w.exchange, entity: 'Example Exchange', category: 'exchange', jurisdictions: ['SC'], confidence: 1, source: 'test' },
  ]);
  const result = await trace({
    adapters: [
      createEsploraAdapter({ url: w.esplora.url, chain: 'bitcoin' }),
      ...(withEvm ? [createEvmRpcAdapter({ url: w.chain.url, chain: 'ethereum' })] : []),
    ],
    labels,
    builtinLabels: false,
    seeds: [{ chain: 'bitcoin', tx: w.seed, index: 0 }],
    bridges: [{ chain: 'ethereum', address: w.router.address, protocol: 'thorchain' }],
    maxHops: 8,
  });
  return TraceReportSchema.parse(result.report);
}

const worlds: World[] = [];
beforeAll(async () => {
  for (const [i, p] of params.entries()) worlds.push(await buildWorld(p, i));
}, 300_000);
afterAll(async () => {
  for (const w of worlds) await Promise.all([w.chain.close(), w.esplora.close()]);
});

const vaultEndpoint = (report: TraceReport, w: World): Endpoint => report.endpoints.find((e) => e.chain === 'bitcoin' && e.address === w.vault)!;

describe('THORChain Bitcoin -> Ethereum continuation (Esplora + ganache)', { timeout: 300_000 }, () => {
  it('continues at the TransferOut with OUT:<inbound txid>, with the tainted share in exact wei, onward to the exchange', async () => {
    for (const w of worlds) {
      const report = await run(w, true);
      const vault = vaultEndpoint(report, w);
      expect(vault).toMatchObject({ kind: 'bridge', entity: 'THORChain' });
      const [d, ...more] = vault.bridge!.deposits!;
      expect(more).toEqual([]);
      expect(d).toMatchObject({ tx: w.inbound, destinationChain: 'ethereum', destinationAsset: 'ETH.ETH', amount: w.p.toVault.toString() });
      expect(d!.note).toBeUndefined();
      // Partly tainted: the launderer's own coin went in too.
      const tainted = BigInt(d!.tainted);
      expect(tainted).toBe(w.p.toVault - w.p.clean);
      const expected = (w.p.outbound * tainted) / w.p.toVault;
      expect(d!.continuation).toMatchObject({
        chain: 'ethereum',
        tx: w.real.transactionHash,
        recipient: getAddress(w.recipient),
        amount: w.p.outbound.toString(),
        tainted: expected.toString(),
        match: 'protocol-id',
        confidence: 1,
      });
      expect(d!.continuation!.reason).toMatch(
        new RegExp(
          `TransferOut from vault ${actor('vault')} with memo OUT:${w.inbound.toUpperCase()}, paying ${w.p.outbound} ETH base units .*; 2 other transfer\\(s\\) to the recipient in the window carry no TransferOut for this inbound`,
        ),
      );
      expect(vault.reason).toMatch(new RegExp(`continued on ethereum at ${w.recipient}`));
      // Onward on Ethereum to the labeled exchange, the Bitcoin path first.
      // The recipient paid everything on to the labeled exchange wallet: it is that exchange's deposit address (inferred),
      // holding exactly the taint handed over; the Bitcoin path comes first.
      const atRecipient = report.endpoints.filter((e) => e.chain === 'ethereum' && e.address.toLowerCase() !== w.token.recipient);
      expect(atRecipient.map((e) => [e.address.toLowerCase(), e.kind, e.amount])).toEqual([[w.recipient, 'exchange', expected.toString()]]);
      expect(atRecipient[0]!.reason).toMatch(/paid all of its outflows to Example Exchange's labeled wallet: inferred deposit address/);
      expect(atRecipient[0]!.path).toEqual([w.seed, w.inbound, w.real.transactionHash]);
      // Never more on Ethereum than was handed over: the decoys' value is not taint.
      const onEth = atRecipient.reduce((s, e) => s + BigInt(e.amount), 0n);
      expect(onEth).toBeLessThanOrEqual(expected);
      expect(report.endpoints.some((e) => w.decoys.some((r) => e.txs.includes(r.transactionHash)))).toBe(false);
      expect(report.notes.some((n) => n.startsWith('INCOMPLETE'))).toBe(false);
    }
  });

  it('continues a swap to an ERC-20 (=:ETH.USDT-0X…) at the router’s token TransferOut, in the token’s base units', async () => {
    for (const w of worlds) {
      const report = await run(w, true);
      const vault = report.endpoints.find((e) => e.chain === 'bitcoin' && e.address === w.token.vault)!;
      const [d] = vault.bridge!.deposits!;
      expect(d).toMatchObject({ tx: w.token.inbound, destinationChain: 'ethereum' });
      expect(d!.destinationAsset).toBe(`ETH.USDT-${w.token.contract.toUpperCase()}`);
      const tainted = BigInt(d!.tainted);
      const paid = BigInt(d!.amount!);
      expect(tainted).toBeGreaterThan(0n);
      expect(tainted).toBeLessThanOrEqual(paid);
      const expected = (w.token.amount * tainted) / paid;
      expect(d!.continuation).toMatchObject({ tx: w.token.out.transactionHash, amount: w.token.amount.toString(), tainted: expected.toString() });
      expect(d!.continuation!.asset).toMatchObject({ kind: 'token', symbol: 'USDT', decimals: 6 });
      const held = report.endpoints.find((e) => e.chain === 'ethereum' && e.address.toLowerCase() === w.token.recipient)!;
      expect(held).toMatchObject({ kind: 'unspent', amount: expected.toString() });
      expect(held.path).toEqual([w.seed, w.inbound, w.token.inbound, w.token.out.transactionHash]);
    }
  });

  it('without an EVM source names destination and recipient and says ethereum was not traced', async () => {
    const w = worlds[0]!;
    const report = await run(w, false);
    const vault = vaultEndpoint(report, w);
    expect(vault.bridge).toMatchObject({ protocol: 'thorchain', destinationChain: 'ethereum', recipient: getAddress(w.recipient) });
    const d = vault.bridge!.deposits![0]!;
    expect(d.continuation).toBeUndefined();
    expect(d.note).toBe(`ethereum is not traced (no source configured for it): THORChain's outbound to ${w.recipient} was not looked for`);
    expect(report.endpoints.some((e) => e.chain === 'ethereum')).toBe(false);
  });
});
