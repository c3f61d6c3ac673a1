/**
 * The Etherscan and Blockscout sources' getTransfers see wrapping: a generated wrapping world on ganache indexed into
 * the local explorer API (transactions, receipts' logs, token transfers as tokentx rows), whose logs module answers
 * getLogs as documented (address, topic0 and topic1 with topic0_1_opr=and, at most 1,000 logs an answer). The
 * holders' Deposit/Withdrawal come from one getLogs request per holder and side; a holder with thousands of them is
 * read whole across answers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEtherscanAdapter } from '../../../src/adapters/etherscan/adapter.js';
import { evmAddress, evmHash, indexChain, normalRow, timeOf, tokenRow } from '../../support/etherscan-data.js';
import { startEtherscanServer, type EtherscanData } from '../../support/etherscan-server.js';
import { CHAIN, CHAIN_ID } from '../../support/ganache.js';
import { createVirtualClock } from '../../support/virtual-clock.js';
import { buildWrapWorld, checkWrapTransfers, type WrapWorld } from '../../support/wrap-world.js';

const KEY = 'SENTINEL-ETHERSCAN-WRAP-KEY-5e1a';
const TRANSFER = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const DEPOSIT = '0xe1fffcc4923d04b559f4d29a8bfc6cda04eb5b0d3c460751c2402c5c5cc9109c';
const topicOf = (address: string) => `0x${address.slice(2).padStart(64, '0')}`;

/** What an explorer indexes of the world: its transactions with their logs, and every ERC-20 Transfer as a tokentx row. */
async function explorerData(w: WrapWorld): Promise<EtherscanData> {
  const hashes = w.world.txs.filter((t) => t.role !== 'setup').map((t) => t.hash.toLowerCase());
  const tokens = (['USDT', 'WETH'] as const).map((name) => ({
    address: w.world.tokens[name].address.toLowerCase(),
    symbol: name,
    decimals: name === 'USDT' ? 6 : 18,
  }));
  const data = await indexChain(w.world.chain.request, hashes, { internal: new Map(), tokens, contracts: [...w.world.contracts] });
  for (const tx of data.txlist!) {
    for (const log of data.logs![tx.hash!.toLowerCase()] ?? []) {
      if (log.topics[0]?.toLowerCase() !== TRANSFER || log.topics.length !== 3) continue;
      const token = tokens.find((t) => t.address === log.address.toLowerCase())!;
      const [from, to] = [log.topics[1]!, log.topics[2]!].map((t) => `0x${t.slice(-40)}`.toLowerCase());
      const extra = { hash: tx.hash!, timeStamp: tx.timeStamp!, transactionIndex: tx.transactionIndex!, logIndex: String(log.logIndex) };
      data.tokentx!.push(
        tokenRow(0, Number(tx.blockNumber), from!, to!, String(BigInt(log.data)), {
          ...extra,
          contractAddress: token.address,
          tokenSymbol: token.symbol,
          tokenDecimal: String(token.decimals),
        }),
      );
    }
  }
  return data;
}

const [seed] = fc.sample(fc.integer({ min: 1, max: 2 ** 31 - 1 }), 1);

describe('explorer getTransfers and wrapping', () => {
  it(`wrapping world ${seed}: the holders' wraps and unwraps from the logs module, as getTransactionMovements gives them`, async () => {
    const w = await buildWrapWorld(seed!);
    try {
      const data = await explorerData(w);
      for (const flavor of ['etherscan', 'blockscout'] as const) {
        const server = await startEtherscanServer({ flavor, apiKey: KEY, chainIds: [CHAIN_ID], data });
        try {
          const options = {
            chain: CHAIN,
            baseUrl: server.apiUrl,
            wrappedNative: [w.weth],
            rateLimit: false as const,
            ...(flavor === 'etherscan' ? { apiKey: KEY } : {}),
          };
          await checkWrapTransfers(createEtherscanAdapter(options), w);
          // A fresh adapter (nothing cached): one getLogs per holder and side, each with the documented filters.
          const logRequests = () => server.requests.filter((r) => r.query.get('module') === 'logs');
          const before = logRequests().length;
          await createEtherscanAdapter(options).getTransfers({ chain: CHAIN, addresses: w.holders, direction: 'both', assets: [w.asset] });
          const sent = logRequests().slice(before);
          expect(sent.length).toBe(2 * w.holders.length);
          for (const r of sent) {
            expect(r.query.get('address')?.toLowerCase()).toBe(w.weth);
            expect(r.query.get('topic0_1_opr')).toBe('and');
            expect(w.holders.map(topicOf)).toContain(r.query.get('topic1'));
          }
          // Asked for ETH alone, no wrapper logs are read.
          const none = logRequests().length;
          await createEtherscanAdapter(options).getTransfers({
            chain: CHAIN,
            addresses: w.holders,
            direction: 'both',
            assets: [{ chain: CHAIN, kind: 'native', symbol: 'ETH', decimals: 18 }],
          });
          expect(logRequests().length).toBe(none);
        } finally {
          await server.close();
        }
      }
    } finally {
      await w.world.chain.close();
    }
  }, 240_000);

  it.each(['etherscan', 'blockscout'] as const)(
    '%s: a holder with thousands of deposits is read whole, 1,000 logs an answer',
    async (flavor) => {
      // Drawn: how many deposits (over 1,000 answers' worth), how many share a block, their amounts.
      const [count, perBlock] = fc.sample(fc.tuple(fc.integer({ min: 2_001, max: 3_500 }), fc.integer({ min: 1, max: 7 })), 1)[0]!;
      const holder = evmAddress(0xabc);
      const weth = evmAddress(0x7e7);
      const data: EtherscanData = { txlist: [], tokentx: [], logs: {} };
      data.tokentx!.push(tokenRow(0xfeed, 1, evmAddress(1), evmAddress(2), '1', { contractAddress: weth, tokenSymbol: 'WETH', tokenDecimal: '18' }));
      let total = 0n;
      for (let i = 0; i < count; i++) {
        const block = 10 + Math.floor(i / perBlock);
        const amount = BigInt(1 + ((i * 7_919) % 100_000)) * 10n ** 12n;
        total += amount;
        data.txlist!.push(normalRow(i + 1, block, holder, weth, String(amount), { transactionIndex: String(i % perBlock) }));
        data.logs![evmHash(i + 1)] = [{ address: weth, topics: [DEPOSIT, topicOf(holder)], data: `0x${amount.toString(16).padStart(64, '0')}`, logIndex: 0 }];
      }
      const server = await startEtherscanServer({ flavor, apiKey: KEY, data });
      try {
        const adapter = createEtherscanAdapter({
          chain: 'ethereum',
          baseUrl: server.apiUrl,
          wrappedNative: [weth],
          rateLimit: false,
          ...(flavor === 'etherscan' ? { apiKey: KEY } : {}),
        });
        const asset = { chain: 'ethereum', kind: 'token' as const, contract: weth, symbol: 'WETH', decimals: 18 };
        const got = await adapter.getTransfers({ chain: 'ethereum', addresses: [holder], direction: 'in', assets: [asset] });
        const wraps = got.transfers.filter((t) => t.from === weth);
        expect(wraps.length).toBe(count);
        expect(new Set(wraps.map((t) => t.tx)).size).toBe(count);
        expect(wraps.reduce((s, t) => s + t.amount, 0n)).toBe(total);
        expect(wraps.every((t) => t.time === timeOf(t.block) && t.logIndex === 0)).toBe(true);
        expect(got.truncated).toEqual([]);
        const logs = server.requests.filter((r) => r.query.get('module') === 'logs').length;
        expect(logs).toBeGreaterThanOrEqual(Math.ceil(count / 1_000));
        expect(logs).toBeLessThanOrEqual(Math.ceil(count / (1_000 - perBlock)) + 1);
        // The per-second limit answered to every third logs request: waited out, the same movements.
        const limited = await startEtherscanServer({ flavor, apiKey: KEY, data, rateLimited: (n, req) => req.query.get('module') === 'logs' && n % 3 === 0 });
        try {
          const clock = createVirtualClock();
          const again = createEtherscanAdapter({
            chain: 'ethereum',
            baseUrl: limited.apiUrl,
            wrappedNative: [weth],
            rateLimit: false,
            clock,
            random: () => 0.5,
            ...(flavor === 'etherscan' ? { apiKey: KEY } : {}),
          });
          expect((await again.getTransfers({ chain: 'ethereum', addresses: [holder], direction: 'in', assets: [asset] })).transfers).toEqual(got.transfers);
          const refused = limited.requests.filter((r, i) => r.query.get('module') === 'logs' && (i + 1) % 3 === 0).length;
          expect(refused).toBeGreaterThan(0);
          expect(again.stats()).toMatchObject({ rateLimited: refused });
        } finally {
          await limited.close();
        }
        // A limit below what the holder has: the holder is named as cut.
        const cut = await adapter.getTransfers({ chain: 'ethereum', addresses: [holder], direction: 'in', assets: [asset], maxPerAddress: 1_500 });
        expect(cut.truncated).toEqual([holder]);
      } finally {
        await server.close();
      }
    },
    120_000,
  );
});
