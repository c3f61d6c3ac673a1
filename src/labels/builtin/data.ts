/**
 * Built-in labels: a small curated set shipped with chaintrail. Every entry comes from a public dataset and names it
 * in `source`:
 * - exchange reserve / hot wallets, mixers and the Ronin bridge exploiter: GraphSense public TagPacks
 *   (github.com/graphsense/graphsense-tagpacks @29ff93c8), `packs/<file>:<line>` of the tag; entity name and
 *   jurisdictions from the actor in `actors/graphsense.actorpack.yaml` (the actor id is given per entity below);
 *   confidence is the pack's GraphSense level (service_data 0.5, authority_data 0.6);
 * - bridge contracts: the protocols' published deployment lists (the same addresses as the bridge registry,
 *   src/heuristics/bridges.ts), confidence 1.
 * Generated from the packs with chaintrail's own GraphSense importer, then trimmed to a few addresses per entity
 * and chain. Do not add an address without its public source.
 */
import type { Category } from '../../core/schema.js';

export interface BuiltinEntry {
  chain: string;
  address: string;
  entity: string;
  category: Category;
  jurisdictions: readonly string[];
  confidence: number;
  source: string;
}

/** Jurisdictions of each entity as its GraphSense actor gives them (actor id in the comment). */
const J: Record<string, readonly string[]> = {
  'Binance': ['MT','CA','US','FR','LT','PL','AE','BH','CY','AU','NZ','IT','KY','ES','KZ','ZA'], // actor binance
  'OKX': ['SC','BS'], // actor okex
  'KuCoin & KuCoin Futures': ['SC'], // actor kucoin
  'Huobi': ['SC'], // actor huobi
  'Bitfinex': ['VG'], // actor bitfinex
  'Bybit': ['VG','AE','AT'], // actor bybit
};

const e = (chain: string, address: string, entity: string, category: Category, confidence: number, source: string): BuiltinEntry => ({
  chain,
  address,
  entity,
  category,
  jurisdictions: J[entity] ?? [],
  confidence,
  source,
});

const OP = 'https://docs.optimism.io/chain/addresses (L1StandardBridgeProxy)';
const BASE = 'https://docs.base.org/base-contracts#ethereum-mainnet (L1StandardBridge)';
const ARB = 'https://docs.arbitrum.io/build-decentralized-apps/reference/contract-addresses (L1 ERC20 Gateway)';
const POLYGON = 'https://static.polygon.technology/network/mainnet/v1/index.json (ERC20PredicateProxy)';
const ACROSS = 'https://docs.across.to/reference/contract-addresses (SpokePool)';

export const BUILTIN_LABELS: readonly BuiltinEntry[] = [
  // GraphSense TagPacks
  e('bitcoin', '34xp4vRoCGJym3xR7yCVPFHoCNxv4Twseo', "Binance", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-binance.yaml:10 tag \"binance reserve wallets BTC\" https://www.binance.com/en/blog/community/our-commitment-to-transparency-2895840147147652626"),
  e('bitcoin', '3LYJfcfHPXYJreMsASk2jkn69LWEYKzexb', "Binance", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-binance.yaml:13 tag \"binance reserve wallets BTC\" https://www.binance.com/en/blog/community/our-commitment-to-transparency-2895840147147652626"),
  e('ethereum', '0xbe0eb53f46cd790cd13851d5eff43d12404d33e8', "Binance", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-binance.yaml:22 tag \"binance reserve wallets ETH\" https://www.binance.com/en/blog/community/our-commitment-to-transparency-2895840147147652626"),
  e('ethereum', '0xf977814e90da44bfa03b6295a0616a897441acec', "Binance", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-binance.yaml:25 tag \"binance reserve wallets ETH\" https://www.binance.com/en/blog/community/our-commitment-to-transparency-2895840147147652626"),
  e('ethereum', '0x5a52e96bacdabb82fd05763e25335261b270efcb', "Binance", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-binance.yaml:28 tag \"binance reserve wallets ETH\" https://www.binance.com/en/blog/community/our-commitment-to-transparency-2895840147147652626"),
  e('ethereum', '0x28c6c06298d514db089934071355e5743bf21d60', "Binance", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-binance.yaml:31 tag \"binance reserve wallets ETH\" https://www.binance.com/en/blog/community/our-commitment-to-transparency-2895840147147652626"),
  e('tron', 'TV6MuMXfmLbBqPZvBHdwFsDnQeVfnmiuSi', "Binance", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-binance.yaml:61 tag \"binance reserve wallets USDC\" https://www.binance.com/en/blog/community/our-commitment-to-transparency-2895840147147652626"),
  e('tron', 'TMuA6YqfCeX8EhbfYEg5y7S4DqzSJireY9', "Binance", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-binance.yaml:91 tag \"binance reserve wallets USDT\" https://www.binance.com/en/blog/community/our-commitment-to-transparency-2895840147147652626"),
  e('tron', 'TWd4WrZ9wn84f5x1hZhL4DHvk738ns5jwb', "Binance", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-binance.yaml:94 tag \"binance reserve wallets USDT\" https://www.binance.com/en/blog/community/our-commitment-to-transparency-2895840147147652626"),
  e('tron', 'TJDENsfBJs4RFETt1X1W8wMDc8M5XnJhCe', "Binance", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-binance.yaml:100 tag \"binance reserve wallets USDT\" https://www.binance.com/en/blog/community/our-commitment-to-transparency-2895840147147652626"),
  e('bitcoin', '16rF2zwSJ9goQ9fZfYoti5LsUqqegb5RnA', "OKX", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-okx.yaml:11 https://twitter.com/okx/status/1590812545346330624"),
  e('bitcoin', '1AumBaQDRaCC3cKKQVRHeyvoSPWNdDzsKP', "OKX", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-okx.yaml:13 https://twitter.com/okx/status/1590812545346330624"),
  e('ethereum', '0x5041ed759dd4afc3a72b8192c143f72f4724081a', "OKX", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-okx.yaml:57 tag \"okx ERC20 reserves\" https://twitter.com/okx/status/1590812545346330624"),
  e('ethereum', '0xcba38020cd7b6f51df6afaf507685add148f6ab6', "OKX", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-okx.yaml:60 tag \"okx ERC20 reserves\" https://twitter.com/okx/status/1590812545346330624"),
  e('ethereum', '0x461249076b88189f8ac9418de28b365859e46bfd', "OKX", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-okx.yaml:63 tag \"okx ERC20 reserves\" https://twitter.com/okx/status/1590812545346330624"),
  e('ethereum', '0xc5451b523d5fffe1351337a221688a62806ad91a', "OKX", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-okx.yaml:66 tag \"okx ERC20 reserves\" https://twitter.com/okx/status/1590812545346330624"),
  e('bitcoin', 'bc1qgrxsrmrhsapvh9addyx6sh8j4rw0sn9xtur9uq', "KuCoin & KuCoin Futures", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-kucoin.yaml:11 https://www.kucoin.com/blog/transparency-and-trust-a-detailed-list-of-kucoin-s-wallets"),
  e('bitcoin', '38fJPq4dYGPoJizEUGCL9yWkqg73cJmC2n', "KuCoin & KuCoin Futures", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-kucoin.yaml:13 https://www.kucoin.com/blog/transparency-and-trust-a-detailed-list-of-kucoin-s-wallets"),
  e('tron', 'TRYL7PKCG4b4xRCM554Q5J6o8f1UjUmfnY', "KuCoin & KuCoin Futures", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-kucoin.yaml:19 https://www.kucoin.com/blog/transparency-and-trust-a-detailed-list-of-kucoin-s-wallets"),
  e('ethereum', '0xd6216fc19db775df9774a6e33526131da7d19a2c', "KuCoin & KuCoin Futures", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-kucoin.yaml:23 https://www.kucoin.com/blog/transparency-and-trust-a-detailed-list-of-kucoin-s-wallets"),
  e('ethereum', '0xcad621da75a66c7a8f4ff86d30a2bf981bfc8fdd', "KuCoin & KuCoin Futures", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-kucoin.yaml:25 https://www.kucoin.com/blog/transparency-and-trust-a-detailed-list-of-kucoin-s-wallets"),
  e('ethereum', '0xd89350284c7732163765b23338f2ff27449e0bf5', "KuCoin & KuCoin Futures", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-kucoin.yaml:27 https://www.kucoin.com/blog/transparency-and-trust-a-detailed-list-of-kucoin-s-wallets"),
  e('ethereum', '0xb8e6d31e7b212b2b7250ee9c26c56cebbfbe6b23', "KuCoin & KuCoin Futures", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-kucoin.yaml:29 https://www.kucoin.com/blog/transparency-and-trust-a-detailed-list-of-kucoin-s-wallets"),
  e('tron', 'TQeNNo5zVarhdKm5EiJSekfNXg6H1tRN4n', "KuCoin & KuCoin Futures", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-kucoin.yaml:42 tag \"kucoin USDT reserves\" https://www.kucoin.com/blog/transparency-and-trust-a-detailed-list-of-kucoin-s-wallets"),
  e('tron', 'TUpHuDkiCCmwaTZBHZvQdwWzGNm5t8J2b9', "KuCoin & KuCoin Futures", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-kucoin.yaml:45 tag \"kucoin USDT reserves\" https://www.kucoin.com/blog/transparency-and-trust-a-detailed-list-of-kucoin-s-wallets"),
  e('ethereum', '0xa929022c9107643515f5c777ce9a910f0d1e490c', "Huobi", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-huobi.yaml:22 tag \"huobi reserve wallets BETH\" https://www.huobi.com/support/en-us/detail/24922606430831"),
  e('bitcoin', '143gLvWYUojXaWZRrxquRKpVNTkhmr415B', "Huobi", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-huobi.yaml:25 tag \"huobi reserve wallets BTC\" https://www.huobi.com/support/en-us/detail/24922606430831"),
  e('bitcoin', '12qTdZHx6f77aQ74CPCZGSY47VaRwYjVD8', "Huobi", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-huobi.yaml:28 tag \"huobi reserve wallets BTC\" https://www.huobi.com/support/en-us/detail/24922606430831"),
  e('ethereum', '0x18709e89bd403f470088abdacebe86cc60dda12e', "Huobi", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-huobi.yaml:61 tag \"huobi reserve wallets ETH\" https://www.huobi.com/support/en-us/detail/24922606430831"),
  e('ethereum', '0xcac725bef4f114f728cbcfd744a731c2a463c3fc', "Huobi", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-huobi.yaml:64 tag \"huobi reserve wallets ETH\" https://www.huobi.com/support/en-us/detail/24922606430831"),
  e('ethereum', '0x0511509a39377f1c6c78db4330fbfcc16d8a602f', "Huobi", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-huobi.yaml:79 tag \"huobi reserve wallets HT\" https://www.huobi.com/support/en-us/detail/24922606430831"),
  e('tron', 'TYh6mgoMNZTCsgpYHBz7gttEfrQmDMABub', "Huobi", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-huobi.yaml:109 tag \"huobi reserve wallets TRX\" https://www.huobi.com/support/en-us/detail/24922606430831"),
  e('tron', 'TKgD8Qnx9Zw3DNvG6o83PkufnMbtEXis4T', "Huobi", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-huobi.yaml:112 tag \"huobi reserve wallets TRX\" https://www.huobi.com/support/en-us/detail/24922606430831"),
  e('tron', 'TCQQjfccKdMi4CnPAzmZW5TALH4HbwceVb', "Huobi", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-huobi.yaml:115 tag \"huobi reserve wallets TRX\" https://www.huobi.com/support/en-us/detail/24922606430831"),
  e('tron', 'TNaRAoLUyYEV2uF7GUrzSjRQTU8v5ZJ5VR', "Huobi", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-huobi.yaml:118 tag \"huobi reserve wallets TRX\" https://www.huobi.com/support/en-us/detail/24922606430831"),
  e('bitcoin', '1Kr6QSydW9bFQG1mXiPNNu6WpJGmUa9i1g', "Bitfinex", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-bitfinexcom.yaml:10 tag \"bitfinex BTC hot wallet\" https://github.com/bitfinexcom/pub/blob/main/wallets.txt"),
  e('bitcoin', '3JZq4atUahhuA9rLhXLMhhTo133J9rF97j', "Bitfinex", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-bitfinexcom.yaml:13 tag \"bitfinex BTC cold wallet\" https://github.com/bitfinexcom/pub/blob/main/wallets.txt"),
  e('ethereum', '0x77134cbc06cb00b66f4c7e623d5fdbf6777635ec', "Bitfinex", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-bitfinexcom.yaml:19 tag \"bitfinex ETH/ERC20 hot wallet\" https://github.com/bitfinexcom/pub/blob/main/wallets.txt"),
  e('ethereum', '0x742d35cc6634c0532925a3b844bc454e4438f44e', "Bitfinex", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-bitfinexcom.yaml:22 tag \"bitfinex ETH/ERC20 cold wallet\" https://github.com/bitfinexcom/pub/blob/main/wallets.txt"),
  e('tron', 'TXFBqBbqJommqZf7BV8NNYzePh97UmJodJ', "Bitfinex", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-bitfinexcom.yaml:262 tag \"bitfinex Tron TRX/TRC10/TRC20 hot wallet\" https://github.com/bitfinexcom/pub/blob/main/wallets.txt"),
  e('tron', 'TMhJviFWiaxvqKLdng9dmsi1H5H5yTGEeu', "Bitfinex", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-bitfinexcom.yaml:265 tag \"bitfinex Tron TRX/TRC10/TRC20 cold wallet\" https://github.com/bitfinexcom/pub/blob/main/wallets.txt"),
  e('bitcoin', 'bc1q2qqqt87kh33s0er58akh7v9cwjgd83z5smh9rp', "Bybit", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-bybit.yaml:11 https://blog.bybit.com/en-US/post/statement-from-ben-on-bybit-s-wallets-bltfb7a70c50462875b/"),
  e('bitcoin', 'bc1q9w4g79ndel72lygvwtqzem67z6uqv4yncvqjz3yn8my9swnwflxsutg4cx', "Bybit", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-bybit.yaml:13 https://blog.bybit.com/en-US/post/statement-from-ben-on-bybit-s-wallets-bltfb7a70c50462875b/"),
  e('ethereum', '0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf4', "Bybit", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-bybit.yaml:20 https://blog.bybit.com/en-US/post/statement-from-ben-on-bybit-s-wallets-bltfb7a70c50462875b/"),
  e('ethereum', '0xa7a93fd0a276fc1c0197a5b5623ed117786eed06', "Bybit", 'exchange', 0.5, "GraphSense tagpacks@29ff93c8 packs/exchange-wallets-bybit.yaml:22 https://blog.bybit.com/en-US/post/statement-from-ben-on-bybit-s-wallets-bltfb7a70c50462875b/"),
  e('ethereum', '0x8589427373d6d84e98730d7795d8f6f8731fda16', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:13 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x722122df12d4e14e13ac3b6895a86e84145b6967', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:14 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xdd4c48c0b24039969fc16d1cdf626eab821d3384', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:15 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xd90e2f925da726b50c4ed8d0fb90ad053324f31b', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:16 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xd96f2b1c14db8458374d9aca76e26c3d18364307', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:17 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x4736dcf1b7a3d580672cce6e7c65cd5cc9cfba9d', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:18 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xd4b88df4d29f5cedd6857912842cff3b20c8cfa3', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:19 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x910cbd523d972eb0a6f4cae4618ad62622b39dbf', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:20 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xa160cdab225685da1d56aa342ad8841c3b53f291', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:21 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xfd8610d20aa15b7b2e3be39b396a1bc3516c7144', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:22 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xf60dd140cff0706bae9cd734ac3ae76ad9ebc32a', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:23 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x22aaa7720ddd5388a3c0a3333430953c68f1849b', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:24 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xba214c1c1928a32bffe790263e38b4af9bfcd659', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:25 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xb1c8094b234dce6e03f10a5b673c1d8c69739a00', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:26 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x527653ea119f3e6a1f5bd18fbf4714081d7b31ce', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:27 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x58e8dcc13be9780fc42e8723d8ead4cf46943df2', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:28 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xd691f27f38b395864ea86cfc7253969b409c362d', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:29 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xaeaac358560e11f52454d997aaff2c5731b6f8a6', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:30 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x1356c899d8c9467c7f71c195612f8a395abf2f0a', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:31 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xa60c772958a3ed56c1f15dd055ba37ac8e523a0d', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:32 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x169ad27a470d064dede56a2d3ff727986b15d52b', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:33 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x0836222f2b2b24a3f36f98668ed8f0b38d1a872f', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:34 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xf67721a2d8f736e75a49fdd7fad2e31d8676542a', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:35 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x9ad122c22b14202b4490edaf288fdb3c7cb3ff5e', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:36 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x905b63fff465b9ffbf41dea908ceb12478ec7601', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:37 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x07687e702b410fa43f4cb4af7fa097918ffd2730', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:38 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x94a1b5cdb22c43faab4abeb5c74999895464ddaf', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:39 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xb541fc07bc7619fd4062a54d96268525cbc6ffef', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:40 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x12d66f87a04a9e220743712ce6d9bb1b5616b8fc', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:41 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x47ce0c6ed5b0ce3d3a51fdb1c52dc66a7c3c2936', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:42 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x23773e65ed146a459791799d01336db287f25334', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:43 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xd21be7248e0197ee08e0c20d4a96debdac3d20af', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:44 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x610b717796ad172b316836ac95a2ffad065ceab4', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:45 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x178169b423a011fff22b9e3f3abea13414ddd0f1', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:46 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xbb93e510bbcd0b7beb5a853875f9ec60275cf498', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:47 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x2717c5e28cf931547b621a5dddb772ab6a35b701', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:48 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0x03893a7c7463ae47d46bc7f091665f1893656003', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:49 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('ethereum', '0xca0840578f57fe71599d29375e16783424023357', "Tornado Cash", 'mixer', 0.6, "GraphSense tagpacks@29ff93c8 packs/tornado_cash.yaml:50 https://home.treasury.gov/policy-issues/financial-sanctions/recent-actions/20220808"),
  e('bitcoin', '3Hd4H9djrv9vyQ9S2T86oVK42Fv3NUs4cM', "BitcoinFog", 'mixer', 0.5, "GraphSense tagpacks@29ff93c8 packs/walletexplorer.yaml:783 tag \"BitcoinFog\" https://www.walletexplorer.com/address/3Hd4H9djrv9vyQ9S2T86oVK42Fv3NUs4cM"),
  e('bitcoin', '189sx3cvfJjJ13qKcEu1BZpV23Nz3pe5Gh', "HelixMixer", 'mixer', 0.5, "GraphSense tagpacks@29ff93c8 packs/walletexplorer.yaml:803 tag \"HelixMixer\" https://www.walletexplorer.com/address/189sx3cvfJjJ13qKcEu1BZpV23Nz3pe5Gh"),
  e('bitcoin', '1FCGY1Y8gGGLGJQt25EV4NZwCp1o9471tm', "HelixMixer", 'mixer', 0.5, "GraphSense tagpacks@29ff93c8 packs/walletexplorer.yaml:808 tag \"HelixMixer\" https://www.walletexplorer.com/address/1FCGY1Y8gGGLGJQt25EV4NZwCp1o9471tm"),
  e('bitcoin', '1S6e3RF6FeDTgsBQqT1khyhhxjvccbqQ6', "HelixMixer", 'mixer', 0.5, "GraphSense tagpacks@29ff93c8 packs/walletexplorer.yaml:813 tag \"HelixMixer\" https://www.walletexplorer.com/address/1S6e3RF6FeDTgsBQqT1khyhhxjvccbqQ6"),
  e('bitcoin', '1Ep7uERoQ9jkR2QU2kCoFJ7dYFvvjUemHX', "HelixMixer", 'mixer', 0.5, "GraphSense tagpacks@29ff93c8 packs/walletexplorer.yaml:818 tag \"HelixMixer\" https://www.walletexplorer.com/address/1Ep7uERoQ9jkR2QU2kCoFJ7dYFvvjUemHX"),
  e('bitcoin', '1MLKhJrnMEZWzoLS8PtnxmfD7zmYuHhQPp', "HelixMixer", 'mixer', 0.5, "GraphSense tagpacks@29ff93c8 packs/walletexplorer.yaml:823 tag \"HelixMixer\" https://www.walletexplorer.com/address/1MLKhJrnMEZWzoLS8PtnxmfD7zmYuHhQPp"),
  e('bitcoin', '1Dk5PVnBpyaERQQfigoC9TRkCRZ7Cv2Sg3', "HelixMixer", 'mixer', 0.5, "GraphSense tagpacks@29ff93c8 packs/walletexplorer.yaml:828 tag \"HelixMixer\" https://www.walletexplorer.com/address/1Dk5PVnBpyaERQQfigoC9TRkCRZ7Cv2Sg3"),
  e('bitcoin', '17urmZ3HfdfivHFS1oLBT9aXbE85wMUGcY', "HelixMixer", 'mixer', 0.5, "GraphSense tagpacks@29ff93c8 packs/walletexplorer.yaml:833 tag \"HelixMixer\" https://www.walletexplorer.com/address/17urmZ3HfdfivHFS1oLBT9aXbE85wMUGcY"),
  e('ethereum', '0x098b716b8aaf21512996dc57eb0615e2383e2f96', "Ronin bridge exploiter", 'scam', 0.5, "GraphSense tagpacks@29ff93c8 packs/ronin_bridge.yaml:11 tag \"Ronin bridge exploiter\" https://roninblockchain.substack.com/p/community-alert-ronin-validators"),
  e('ethereum', '0x29fc9b71492ec63696cf9cd56e9832a42b0dced0', "Ronin bridge exploiter", 'scam', 0.5, "GraphSense tagpacks@29ff93c8 packs/ronin_bridge.yaml:14 tag \"Ronin bridge exploiter 4\" https://roninblockchain.substack.com/p/community-alert-ronin-validators"),
  e('ethereum', '0x7e3167771bf23ac10930803589d1424903b36584', "Ronin bridge exploiter", 'scam', 0.5, "GraphSense tagpacks@29ff93c8 packs/ronin_bridge.yaml:16 tag \"Ronin bridge exploiter 5\" https://roninblockchain.substack.com/p/community-alert-ronin-validators"),
  e('ethereum', '0x4fe666ecc5263f5dbb34adb8bc1c8cbb9bbcd1cc', "Ronin bridge exploiter", 'scam', 0.5, "GraphSense tagpacks@29ff93c8 packs/ronin_bridge.yaml:18 tag \"Ronin bridge exploiter 6\" https://roninblockchain.substack.com/p/community-alert-ronin-validators"),
  e('ethereum', '0x5b5082214d62585d686850ab8d9e3f6b6a5c58ff', "Ronin bridge exploiter", 'scam', 0.5, "GraphSense tagpacks@29ff93c8 packs/ronin_bridge.yaml:20 tag \"Ronin bridge exploiter 7\" https://roninblockchain.substack.com/p/community-alert-ronin-validators"),
  e('ethereum', '0xbc25d57412a04956cdd95af07825c5c1f34d29eb', "Ronin bridge exploiter", 'scam', 0.5, "GraphSense tagpacks@29ff93c8 packs/ronin_bridge.yaml:22 tag \"Ronin bridge exploiter 8\" https://roninblockchain.substack.com/p/community-alert-ronin-validators"),
  // Bridge contracts (see src/heuristics/bridges.ts)
  e('ethereum', '0x99c9fc46f92e8a1c0dec1b1747d010903e884be1', 'OP Mainnet bridge', 'bridge', 1, OP),
  e('ethereum', '0x3154cf16ccdb4c6d922629664174b904d80f2c35', 'Base bridge', 'bridge', 1, BASE),
  e('ethereum', '0xa3a7b6f88361f48403514059f1f16c8e78d60eec', 'Arbitrum One bridge', 'bridge', 1, ARB),
  e('ethereum', '0x40ec5b33f54e0e8a33a975908c5ba1c14e5bbbdf', 'Polygon PoS bridge', 'bridge', 1, POLYGON),
  e('ethereum', '0x5c7bcd6e7de5423a257d81b442095a1a6ced35c5', 'Across', 'bridge', 1, ACROSS),
  e('evm:42161', '0xe35e9842fceaca96570b734083f4a58e8f7c5f2a', 'Across', 'bridge', 1, ACROSS),
  e('evm:10', '0x6f26bf09b1c792e3228e5467807a900a503c0281', 'Across', 'bridge', 1, ACROSS),
  e('evm:137', '0x9295ee1d8c5b022be115a2ad3c30c72e34e7f096', 'Across', 'bridge', 1, ACROSS),
  e('evm:8453', '0x09aea4b2242abc8bb4bb78d537a67a245a7bec64', 'Across', 'bridge', 1, ACROSS),
];
