import fc from 'fast-check';
import { encodeBase58, getAddress, hexlify, Interface, solidityPacked, toUtf8Bytes, zeroPadValue, type EventFragment } from 'ethers';
import { describe, expect, it } from 'vitest';
import { getChain } from '../../src/core/chain.js';
import { base58, destinationOf, orbiterDestination, recipientOn } from '../../src/heuristics/bridge-chains.js';
import {
  BRIDGE_REGISTRY,
  bridgeEntry,
  decodeBridgeExits,
  decodeBridgeFills,
  decodeTransferDeposit,
  decodeWormholeTransfer,
  findBridge,
  resolveBridgeDefinitions,
  type EvmLog,
} from '../../src/heuristics/bridges.js';
import { LIFI_NON_EVM_EVENT, LIFI_NON_EVM_RECEIVER } from '../../src/heuristics/bridge-protocols.js';

/**
 * Every protocol's deposit (and fill) event, encoded with ethers from the event signature the protocol's contracts
 * declare (the ABI strings are written out here again, from the protocols' sources, not taken from src/), with
 * values drawn over realistic ranges; the Wormhole payload laid out byte by byte as BridgeStructs.sol documents it.
 */

const TX = `0x${'cd'.repeat(32)}`;
const ZERO = '0x0000000000000000000000000000000000000000';
const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';

function encode(address: string, abi: string, values: unknown[], logIndex = 0): EvmLog {
  const i = new Interface([abi]);
  const { topics, data } = i.encodeEventLog(i.fragments[0] as EventFragment, values);
  return { address, topics, data, logIndex, transactionHash: TX };
}

const reg = (protocol: string, chain = 'ethereum') => {
  const b = BRIDGE_REGISTRY.find((x) => x.protocol === protocol && x.chain === chain && (x.events.length > 0 || x.transferDeposit));
  if (!b) throw new Error(`no ${protocol} on ${chain}`);
  return b;
};

const address = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((b) => hexlify(b).toLowerCase())
  .filter((a) => !/^0x0{40}$/.test(a));
const bytes32 = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((b) => hexlify(b).toLowerCase())
  .filter((a) => !/^0x0{24}/.test(a));
const amount = fc.bigInt({ min: 1n, max: 10n ** 30n });
const EVM_IDS = [1, 10, 56, 137, 8453, 42161, 43114];

describe('the bridge registry', () => {
  it('holds the protocols of issue #21, each address checksummed, on a chain chaintrail knows, with a public reference', () => {
    const protocols = new Set(BRIDGE_REGISTRY.map((b) => b.protocol));
    for (const p of [
      'across',
      'optimism',
      'base',
      'arbitrum',
      'polygon-pos',
      'lifi',
      'cbridge',
      'stargate',
      'hop',
      'synapse',
      'symbiosis',
      'debridge',
      'wormhole',
      'zksync',
      'orbiter',
      'avalanche-bridge',
    ])
      expect(protocols.has(p), p).toBe(true);
    const keys = new Set<string>();
    for (const b of BRIDGE_REGISTRY) {
      expect(getAddress(b.address).toLowerCase()).toBe(b.address);
      expect(getChain(b.chain)).toMatchObject({ id: b.chain, family: 'evm' });
      expect(b.reference).toMatch(/https:\/\//);
      expect(b.events.length > 0 || (b.fills?.length ?? 0) > 0 || b.transferDeposit !== undefined, b.name).toBe(true);
      const key = `${b.chain}|${b.address}`;
      expect(keys.has(key), key).toBe(false);
      keys.add(key);
    }
  });

  it('passes every entry through the validator of trace definitions: every ABI parses as an event and every field is in it', () => {
    for (const b of BRIDGE_REGISTRY.filter((x) => !x.transferDeposit)) {
      const [resolved] = resolveBridgeDefinitions([
        {
          chain: b.chain,
          address: b.address,
          protocol: b.protocol,
          name: b.name,
          events: b.events,
          ...(b.fills ? { fills: b.fills } : {}),
          reference: b.reference,
        },
      ]);
      expect(resolved!.events).toHaveLength(b.events.length);
      for (const e of [...b.events, ...(b.fills ?? [])]) expect(new Interface([e.abi]).fragments[0]!.type).toBe('event');
      for (const e of b.events) if (e.destinationChain) expect(getChain(e.destinationChain).id).toBe(e.destinationChain);
    }
  });

  it('gives templates for the new protocols, and refuses a Wormhole payload event without its emitter', () => {
    for (const protocol of ['lifi', 'cbridge', 'stargate', 'hop', 'synapse', 'symbiosis', 'debridge', 'zksync']) {
      const [d] = resolveBridgeDefinitions([{ chain: 'evm:1337', address: '0x00000000000000000000000000000000000000aa', protocol }]);
      expect(d!.events.length, protocol).toBeGreaterThan(0);
    }
    const [orbiter, avalanche] = resolveBridgeDefinitions([
      { chain: 'evm:1337', address: '0x00000000000000000000000000000000000000ab', protocol: 'orbiter' },
      { chain: 'evm:1337', address: '0x00000000000000000000000000000000000000ac', protocol: 'avalanche-bridge', destinationChain: 'evm:1338' },
    ]);
    expect(orbiter).toMatchObject({ events: [], transferDeposit: { amountCode: 'orbiter' } });
    expect(decodeTransferDeposit(orbiter!, { from: `0x${'0e'.repeat(20)}`, amount: 12_9007n })).toMatchObject({
      destinationChain: 'evm:10',
      recipient: `0x${'0e'.repeat(20)}`,
    });
    expect(decodeTransferDeposit(avalanche!, { from: `0x${'0e'.repeat(20)}`, amount: 5n })).toMatchObject({ destinationChain: 'evm:1338' });
    const [cb] = resolveBridgeDefinitions([{ chain: 'evm:1337', address: '0x00000000000000000000000000000000000000aa', protocol: 'cbridge' }]);
    expect(cb!.fills?.[0]?.abi).toMatch(/^event Relay\(/);
    const wormhole = reg('wormhole');
    expect(() =>
      resolveBridgeDefinitions([
        {
          chain: 'evm:1337',
          address: '0x00000000000000000000000000000000000000aa',
          protocol: 'wormhole',
          events: [{ ...wormhole.events[0]!, emitter: undefined }],
        },
      ]),
    ).toThrow(/needs `emitter`/);
  });
});

describe('LI.FI LiFiTransferStarted', () => {
  const lifi = reg('lifi');
  const ABI =
    'event LiFiTransferStarted((bytes32 transactionId, string bridge, string integrator, address referrer, address sendingAssetId, address receiver, uint256 minAmount, uint256 destinationChainId, bool hasSourceSwaps, bool hasDestinationCall) bridgeData)';
  const data = (id: string, bridge: string, token: string, receiver: string, amt: bigint, chainId: bigint) => [
    [id, bridge, 'jumper.exchange', ZERO, token, receiver, amt, chainId, false, false],
  ];

  it('names the destination chain, the receiver, the token (zero = native), the transaction id and the bridge used', () => {
    fc.assert(
      fc.property(
        bytes32,
        address,
        address,
        amount,
        fc.constantFrom(...EVM_IDS),
        fc.boolean(),
        fc.constantFrom('across', 'stargateV2', 'hop'),
        (id, token, receiver, amt, chainId, native, via) => {
          const l = encode(lifi.address, ABI, data(id, via, native ? ZERO : token, receiver, amt, BigInt(chainId)));
          const [exit, ...rest] = decodeBridgeExits(lifi, [l]);
          expect(rest).toEqual([]);
          expect(exit).toMatchObject({
            protocol: 'lifi',
            event: 'LiFiTransferStarted',
            destinationChain: getChain(`evm:${chainId}`).id,
            destinationChainId: String(chainId),
            recipient: receiver,
            amount: amt,
            protocolId: id,
          });
          expect(exit!.token).toBe(native ? undefined : token);
          expect(exit!.reason).toContain(`via ${via}`);
          // The token filter keeps a movement's own asset only.
          expect(decodeBridgeExits(lifi, [l], { token: native ? null : token })).toHaveLength(1);
          expect(decodeBridgeExits(lifi, [l], { token: native ? USDC : null })).toHaveLength(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads the real receiver of a non-EVM destination from BridgeToNonEVMChain: Solana in base58, Bitcoin as its address', () => {
    fc.assert(
      fc.property(bytes32, bytes32, amount, (id, solanaKey, amt) => {
        const started = encode(lifi.address, ABI, data(id, 'mayan', ZERO, LIFI_NON_EVM_RECEIVER, amt, 1151111081099710n), 1);
        const companion = encode(lifi.address, LIFI_NON_EVM_EVENT, [id, 1151111081099710n, solanaKey], 0);
        const [exit] = decodeBridgeExits(lifi, [companion, started]);
        expect(exit).toMatchObject({ destinationNetwork: 'solana', recipient: encodeBase58(solanaKey), destinationChainId: '1151111081099710' });
        expect(exit!.destinationChain).toBeUndefined();
      }),
      { numRuns: 25 },
    );
    const btc = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
    const started = encode(lifi.address, ABI, data(`0x${'11'.repeat(32)}`, 'thorswap', ZERO, LIFI_NON_EVM_RECEIVER, 10n ** 18n, 20000000000001n), 1);
    const companion = encode(lifi.address, LIFI_NON_EVM_EVENT, [`0x${'11'.repeat(32)}`, 20000000000001n, toUtf8Bytes(btc)], 0);
    expect(decodeBridgeExits(lifi, [companion, started])[0]).toMatchObject({ destinationChain: 'bitcoin', recipient: btc });
    // Another transfer's companion does not lend its receiver.
    const other = encode(lifi.address, LIFI_NON_EVM_EVENT, [`0x${'22'.repeat(32)}`, 20000000000001n, toUtf8Bytes(btc)], 0);
    expect(decodeBridgeExits(lifi, [other, started])[0]!.recipient).not.toBe(btc);
  });
});

describe('cBridge Send and Relay', () => {
  const cb = reg('cbridge');
  const SEND =
    'event Send(bytes32 transferId, address sender, address receiver, address token, uint256 amount, uint64 dstChainId, uint64 nonce, uint32 maxSlippage)';
  const RELAY = 'event Relay(bytes32 transferId, address sender, address receiver, address token, uint256 amount, uint64 srcChainId, bytes32 srcTransferId)';
  it('decodes the deposit and the fill that names its transfer id', () => {
    fc.assert(
      fc.property(
        bytes32,
        address,
        address,
        address,
        fc.bigInt({ min: 1n, max: 2n ** 96n }),
        fc.constantFrom(...EVM_IDS.slice(1)),
        (id, sender, receiver, token, amt, dst) => {
          const [exit] = decodeBridgeExits(cb, [encode(cb.address, SEND, [id, sender, receiver, token, amt, dst, 7, 3000])]);
          expect(exit).toMatchObject({ destinationChain: getChain(`evm:${dst}`).id, recipient: receiver, token, amount: amt, protocolId: id, event: 'Send' });
          const arb = BRIDGE_REGISTRY.find((b) => b.protocol === 'cbridge' && b.chain === 'evm:42161')!;
          const [fill] = decodeBridgeFills(arb, [encode(arb.address, RELAY, [`0x${'99'.repeat(32)}`, sender, receiver, token, amt - 1n, 1, id])]);
          expect(fill).toMatchObject({
            protocol: 'cbridge',
            chain: 'evm:42161',
            protocolId: id,
            originChainId: '1',
            recipient: receiver,
            token,
            amount: amt - 1n,
          });
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('Stargate', () => {
  it('v1 Pool Swap: the LayerZero v1 chain id names the destination; the pool fixes the token; no recipient', () => {
    const pool = BRIDGE_REGISTRY.find((b) => b.name === 'Stargate v1 Pool USDC (Ethereum)')!;
    const ABI =
      'event Swap(uint16 chainId, uint256 dstPoolId, address from, uint256 amountSD, uint256 eqReward, uint256 eqFee, uint256 protocolFee, uint256 lpFee)';
    const cases: [number, string][] = [
      [110, 'evm:42161'],
      [111, 'evm:10'],
      [109, 'evm:137'],
      [102, 'evm:56'],
      [106, 'evm:43114'],
      [184, 'evm:8453'],
    ];
    for (const [lz, chain] of cases) {
      const [exit] = decodeBridgeExits(pool, [encode(pool.address, ABI, [lz, 1, `0x${'12'.repeat(20)}`, 5_000_000n, 0, 100, 300, 200])], { token: USDC });
      expect(exit).toMatchObject({ destinationChain: chain, destinationChainId: String(lz), token: USDC, amount: 5_000_000n });
      expect(exit!.recipient).toBeUndefined();
      expect(exit!.reason).toMatch(/the event names no recipient/);
    }
  });

  it('v2 OFTSent: LayerZero v2 endpoint ids, Solana as a network, an unknown id kept raw', () => {
    const pool = BRIDGE_REGISTRY.find((b) => b.name === 'Stargate v2 StargatePoolNative (Ethereum)')!;
    const ABI = 'event OFTSent(bytes32 indexed guid, uint32 dstEid, address indexed fromAddress, uint256 amountSentLD, uint256 amountReceivedLD)';
    fc.assert(
      fc.property(bytes32, fc.bigInt({ min: 10n ** 15n, max: 10n ** 21n }), (guid, sent) => {
        const received = sent - sent / 1000n;
        const [base] = decodeBridgeExits(pool, [encode(pool.address, ABI, [guid, 30184, `0x${'34'.repeat(20)}`, sent, received])], { token: null });
        expect(base).toMatchObject({ destinationChain: 'evm:8453', protocolId: guid, amount: sent, outputAmount: received });
        expect(base!.token).toBeUndefined();
      }),
      { numRuns: 20 },
    );
    const [sol] = decodeBridgeExits(pool, [encode(pool.address, ABI, [`0x${'01'.repeat(32)}`, 30168, `0x${'34'.repeat(20)}`, 10n, 9n])]);
    expect(sol).toMatchObject({ destinationNetwork: 'solana', destinationChainId: '30168' });
    const [unknown] = decodeBridgeExits(pool, [encode(pool.address, ABI, [`0x${'01'.repeat(32)}`, 30999, `0x${'34'.repeat(20)}`, 10n, 9n])]);
    expect(unknown!.destinationChain).toBeUndefined();
    expect(unknown!.destinationNetwork).toBeUndefined();
    expect(unknown).toMatchObject({ destinationChainId: '30999', reason: expect.stringMatching(/sends it to chain id 30999/) });
  });
});

describe('Hop, Synapse, Symbiosis', () => {
  it('Hop L1 TransferSentToL2 names chain and recipient (ETH bridge: native)', () => {
    const hop = reg('hop');
    const ABI =
      'event TransferSentToL2(uint256 indexed chainId, address indexed recipient, uint256 amount, uint256 amountOutMin, uint256 deadline, address indexed relayer, uint256 relayerFee)';
    fc.assert(
      fc.property(address, amount, fc.constantFrom(10, 137, 42161, 8453), (recipient, amt, chainId) => {
        const [exit] = decodeBridgeExits(hop, [encode(hop.address, ABI, [chainId, recipient, amt, 0, 0, ZERO, 0])], { token: null });
        expect(exit).toMatchObject({ destinationChain: getChain(`evm:${chainId}`).id, recipient, amount: amt, event: 'TransferSentToL2' });
      }),
      { numRuns: 20 },
    );
  });

  it('Synapse TokenDeposit and TokenRedeemAndSwap', () => {
    const syn = reg('synapse');
    const [d] = decodeBridgeExits(syn, [
      encode(syn.address, 'event TokenDeposit(address indexed to, uint256 chainId, address token, uint256 amount)', [`0x${'56'.repeat(20)}`, 42161, USDC, 7n]),
    ]);
    expect(d).toMatchObject({ event: 'TokenDeposit', destinationChain: 'evm:42161', recipient: `0x${'56'.repeat(20)}`, token: USDC, amount: 7n });
    const [r] = decodeBridgeExits(syn, [
      encode(
        syn.address,
        'event TokenRedeemAndSwap(address indexed to, uint256 chainId, address token, uint256 amount, uint8 tokenIndexFrom, uint8 tokenIndexTo, uint256 minDy, uint256 deadline)',
        [`0x${'57'.repeat(20)}`, 43114, USDC, 9n, 0, 1, 8n, 0],
      ),
    ]);
    expect(r).toMatchObject({ event: 'TokenRedeemAndSwap', destinationChain: 'evm:43114', recipient: `0x${'57'.repeat(20)}` });
  });

  it('Symbiosis Portal SynthesizeRequest', () => {
    const portal = reg('symbiosis');
    const ABI =
      'event SynthesizeRequest(bytes32 id, address indexed from, uint256 indexed chainID, address indexed revertableAddress, address to, uint256 amount, address token)';
    const [e] = decodeBridgeExits(portal, [
      encode(portal.address, ABI, [`0x${'ee'.repeat(32)}`, `0x${'01'.repeat(20)}`, 56, `0x${'02'.repeat(20)}`, `0x${'03'.repeat(20)}`, 123n, USDC]),
    ]);
    expect(e).toMatchObject({ destinationChain: 'evm:56', recipient: `0x${'03'.repeat(20)}`, token: USDC, amount: 123n, protocolId: `0x${'ee'.repeat(32)}` });
  });
});

describe('deBridge DLN', () => {
  const ORDER =
    '(uint64 makerOrderNonce, bytes makerSrc, uint256 giveChainId, bytes giveTokenAddress, uint256 giveAmount, uint256 takeChainId, bytes takeTokenAddress, uint256 takeAmount, bytes receiverDst, bytes givePatchAuthoritySrc, bytes orderAuthorityAddressDst, bytes allowedTakerDst, bytes allowedCancelBeneficiarySrc, bytes externalCall) order';
  const CREATED = `event CreatedOrder(${ORDER}, bytes32 orderId, bytes affiliateFee, uint256 nativeFixFee, uint256 percentFee, uint32 referralCode, bytes metadata)`;
  const FULFILLED = `event FulfilledOrder(${ORDER}, bytes32 orderId, address sender, address unlockAuthority)`;
  const order = (takeChain: bigint, takeToken: string, receiver: string, give: bigint, take: bigint) => [
    1n,
    `0x${'0a'.repeat(20)}`,
    1n,
    USDC,
    give,
    takeChain,
    takeToken,
    take,
    receiver,
    `0x${'0a'.repeat(20)}`,
    receiver,
    '0x',
    `0x${'0a'.repeat(20)}`,
    '0x',
  ];

  it('CreatedOrder to an EVM chain, and the FulfilledOrder on the destination that names the same order id', () => {
    const src = reg('debridge');
    fc.assert(
      fc.property(
        bytes32,
        address,
        address,
        fc.bigInt({ min: 10n, max: 2n ** 80n }),
        fc.constantFrom(10, 56, 137, 8453, 42161, 43114),
        (orderId, receiver, takeToken, give, chainId) => {
          const o = order(BigInt(chainId), takeToken, receiver, give, give - give / 10n);
          const [exit] = decodeBridgeExits(src, [encode(src.address, CREATED, [o, orderId, '0x', 0n, 4n, 0, '0x'])], { token: USDC });
          expect(exit).toMatchObject({
            destinationChain: getChain(`evm:${chainId}`).id,
            recipient: receiver,
            token: USDC,
            destinationToken: takeToken,
            amount: give,
            outputAmount: give - give / 10n,
            protocolId: orderId,
          });
          const dst = BRIDGE_REGISTRY.find((b) => b.protocol === 'debridge' && b.chain === getChain(`evm:${chainId}`).id && b.fills)!;
          const [fill] = decodeBridgeFills(dst, [encode(dst.address, FULFILLED, [o, orderId, `0x${'0b'.repeat(20)}`, `0x${'0c'.repeat(20)}`])]);
          expect(fill).toMatchObject({ protocolId: orderId, originChainId: '1', recipient: receiver, token: takeToken, amount: give - give / 10n });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('CreatedOrder to Solana: deBridge chain id 7565164, the 32-byte receiver in base58', () => {
    const src = reg('debridge', 'evm:42161');
    fc.assert(
      fc.property(bytes32, (key) => {
        const o = order(7565164n, `0x${'ab'.repeat(32)}`, key, 100n, 90n);
        const [exit] = decodeBridgeExits(src, [encode(src.address, CREATED, [o, `0x${'cc'.repeat(32)}`, '0x', 0n, 0n, 0, '0x'])]);
        expect(exit).toMatchObject({ destinationNetwork: 'solana', destinationChainId: '7565164', recipient: encodeBase58(key) });
      }),
      { numRuns: 20 },
    );
  });
});

describe('Wormhole Token Bridge transfer payloads', () => {
  const bridge = reg('wormhole');
  const CORE = '0x98f3c9e6e3face36baad05fe09d375ef1464288b';
  const ABI = 'event LogMessagePublished(address indexed sender, uint64 sequence, uint32 nonce, bytes payload, uint8 consistencyLevel)';
  // BridgeStructs.Transfer, packed as Implementation.encodeTransfer writes it.
  const transfer = (amt: bigint, token: string, tokenChain: number, to: string, toChain: number, fee = 0n) =>
    solidityPacked(['uint8', 'uint256', 'bytes32', 'uint16', 'bytes32', 'uint16', 'uint256'], [1, amt, zeroPadValue(token, 32), tokenChain, to, toChain, fee]);

  it('decodes amount, token, recipient and recipient chain; scales the 8-decimal amount back to the token', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }),
        address,
        fc.constantFrom(23, 24, 30, 5, 4, 6),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (amt, to, toChain, seq) => {
          const log = encode(CORE, ABI, [bridge.address, seq, 0, transfer(amt, USDC, 2, zeroPadValue(to, 32), toChain), 1]);
          const [exit] = decodeBridgeExits(bridge, [log], { token: USDC, decimals: 6 });
          const chain = { 23: 'evm:42161', 24: 'evm:10', 30: 'evm:8453', 5: 'evm:137', 4: 'evm:56', 6: 'evm:43114' }[toChain];
          expect(exit).toMatchObject({
            destinationChain: chain,
            recipient: to,
            token: USDC,
            amount: amt,
            protocolId: String(seq),
            destinationChainId: String(toChain),
          });
          // An 18-decimal token: the payload's 8 decimals scaled back.
          expect(decodeBridgeExits(bridge, [log], { decimals: 18 })[0]!.amount).toBe(amt * 10n ** 10n);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('reads a real mainnet transfer payload (a Sui → Solana USDC transfer VAA, sequence 127446)', () => {
    // Payload bytes of a signed mainnet VAA as quoted in github.com/m4x1kP/sol-redeem src/vaa.ts (commit f5e6c5e5),
    // whose own parser reads: amount 199500073, token 0xc6fa…5d61 on chain 1 (Solana's USDC mint), to 0xdfc0…a2bd
    // on chain 1, fee 0. Re-emitted here as the Token Bridge's LogMessagePublished on Ethereum.
    const payload =
      '0x01000000000000000000000000000000000000000000000000000000000be42129c6fa7af3bedbad3a3d65f36aabc97431b1bbe4c2d2f6e0e47ca60203452f5d610001dfc057d63f16285bde8cd9ab6f6d36b17cca63ab6944ae11cdf1e1c22c20a2bd00010000000000000000000000000000000000000000000000000000000000000000';
    expect(decodeWormholeTransfer(payload)).toEqual({
      amount: 199500073n,
      tokenAddress: '0xc6fa7af3bedbad3a3d65f36aabc97431b1bbe4c2d2f6e0e47ca60203452f5d61',
      tokenChain: 1n,
      to: '0xdfc057d63f16285bde8cd9ab6f6d36b17cca63ab6944ae11cdf1e1c22c20a2bd',
      toChain: 1n,
      fee: 0n,
      fromAddress: '0x',
    });
    // The token address in base58 is Solana's USDC mint, as Solana writes it.
    expect(base58('0xc6fa7af3bedbad3a3d65f36aabc97431b1bbe4c2d2f6e0e47ca60203452f5d61')).toBe('EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v');
    const [exit] = decodeBridgeExits(bridge, [encode(CORE, ABI, [bridge.address, 127446, 61840, payload, 0])]);
    expect(exit).toMatchObject({
      destinationNetwork: 'solana',
      destinationChainId: '1',
      recipient: encodeBase58('0xdfc057d63f16285bde8cd9ab6f6d36b17cca63ab6944ae11cdf1e1c22c20a2bd'),
      amount: 199500073n,
      protocolId: '127446',
    });
    expect(exit!.token).toBeUndefined();
  });

  it('a Solana recipient in base58; a wrapped token (home chain elsewhere) passes any token filter; other emitters and payloads are not transfers', () => {
    const key = `0x${'5a'.repeat(32)}`;
    const sol = encode(CORE, ABI, [bridge.address, 9, 0, transfer(1000n, USDC, 2, key, 1), 1]);
    expect(decodeBridgeExits(bridge, [sol])[0]).toMatchObject({ destinationNetwork: 'solana', recipient: encodeBase58(key) });
    const wrapped = encode(CORE, ABI, [bridge.address, 10, 0, transfer(1000n, `0x${'77'.repeat(20)}`, 1, zeroPadValue(`0x${'66'.repeat(20)}`, 32), 23), 1]);
    const [w] = decodeBridgeExits(bridge, [wrapped], { token: `0x${'88'.repeat(20)}` });
    expect(w).toMatchObject({ destinationChain: 'evm:42161', recipient: `0x${'66'.repeat(20)}` });
    expect(w!.token).toBeUndefined();
    const otherEmitter = encode(CORE, ABI, [`0x${'99'.repeat(20)}`, 11, 0, transfer(1000n, USDC, 2, key, 1), 1]);
    expect(decodeBridgeExits(bridge, [otherEmitter])).toEqual([]);
    const attestation = encode(CORE, ABI, [
      bridge.address,
      12,
      0,
      solidityPacked(['uint8', 'bytes32', 'uint16', 'uint8'], [2, zeroPadValue(USDC, 32), 2, 6]),
      1,
    ]);
    expect(decodeBridgeExits(bridge, [attestation])).toEqual([]);
    // The same log from the Token Bridge itself (not the core) is not the registered event.
    expect(decodeBridgeExits(bridge, [{ ...sol, address: bridge.address }])).toEqual([]);
    expect(decodeWormholeTransfer('0x01')).toBeUndefined();
  });
});

describe('zkSync Era NewPriorityRequest', () => {
  it('reads the L2 recipient (a uint256) and the value it receives', () => {
    const zk = reg('zksync');
    const ABI =
      'event NewPriorityRequest(uint256 txId, bytes32 txHash, uint64 expirationTimestamp, (uint256 txType, uint256 from, uint256 to, uint256 gasLimit, uint256 gasPerPubdataByteLimit, uint256 maxFeePerGas, uint256 maxPriorityFeePerGas, uint256 paymaster, uint256 nonce, uint256 value, uint256[4] reserved, bytes data, bytes signature, uint256[] factoryDeps, bytes paymasterInput, bytes reservedDynamic) transaction, bytes[] factoryDeps)';
    fc.assert(
      fc.property(address, amount, fc.integer({ min: 0, max: 2 ** 31 }), (to, value, txId) => {
        const tx = [254, BigInt(to), BigInt(to), 300000, 800, 0, 0, 0, txId, value, [value + 1n, 0, 0, 0], '0x', '0x', [], '0x', '0x'];
        const [exit] = decodeBridgeExits(zk, [encode(zk.address, ABI, [txId, `0x${'aa'.repeat(32)}`, 0, tx, []])], { token: null });
        expect(exit).toMatchObject({ destinationChain: 'evm:324', recipient: to, amount: value, protocolId: String(txId) });
      }),
      { numRuns: 15 },
    );
  });
});

describe('bridges without a deposit event', () => {
  it('Orbiter: the last four digits of the amount code the destination (9000 + Orbiter chain id); the recipient is the sender', () => {
    const maker = reg('orbiter', 'evm:42161');
    const codes: [number, { chain?: string; network?: string }][] = [
      [9001, { chain: 'ethereum' }],
      [9002, { chain: 'evm:42161' }],
      [9004, { network: 'starknet' }],
      [9006, { chain: 'evm:137' }],
      [9007, { chain: 'evm:10' }],
      [9014, { chain: 'evm:324' }],
      [9015, { chain: 'evm:56' }],
      [9021, { chain: 'evm:8453' }],
    ];
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 16n }), fc.constantFrom(...codes), address, (base, [code, dest], from) => {
        const exit = decodeTransferDeposit(maker, { from, amount: base * 10_000n + BigInt(code), tx: TX, logIndex: 3 })!;
        expect(exit).toMatchObject({
          protocol: 'orbiter',
          event: 'transfer',
          recipient: from,
          destinationChainId: String(code),
          amount: base * 10_000n + BigInt(code),
        });
        expect(exit.destinationChain).toBe(dest.chain);
        expect(exit.destinationNetwork).toBe(dest.network);
      }),
      { numRuns: 40 },
    );
    // An amount without a code (last four digits 9000 or below, or an id Orbiter does not list) is no deposit to decode.
    expect(decodeTransferDeposit(maker, { from: `0x${'01'.repeat(20)}`, amount: 10n ** 18n })).toBeUndefined();
    expect(orbiterDestination(123_9000n)).toBeUndefined();
    expect(orbiterDestination(5_9099n)).toEqual({ code: 9099 });
  });

  it('Avalanche Bridge: a transfer to the bridge address arrives at the same address on the C-Chain', () => {
    const ab = reg('avalanche-bridge');
    const exit = decodeTransferDeposit(ab, { from: `0x${'AB'.repeat(20)}`, amount: 5n, token: USDC })!;
    expect(exit).toMatchObject({ destinationChain: 'evm:43114', recipient: `0x${'ab'.repeat(20)}`, token: USDC, amount: 5n });
    expect(bridgeEntry(ab).destinationChain).toBe('evm:43114');
    expect(decodeTransferDeposit(reg('lifi'), { from: ZERO, amount: 1n })).toBeUndefined();
    expect(findBridge('eth', '0x8EB8a3b98659Cce290402893d0123abb75E3ab28')?.protocol).toBe('avalanche-bridge');
  });
});

describe('chain numberings and recipient notation', () => {
  it('maps the protocols’ own chain ids, passes EIP-155 ids through where the numbering uses them, and leaves unknown ids unmapped', () => {
    expect(destinationOf('wormhole', 2n)).toEqual({ chain: 'ethereum' });
    expect(destinationOf('wormhole', 1n)).toEqual({ network: 'solana' });
    expect(destinationOf('wormhole', 42161n)).toBeUndefined();
    expect(destinationOf('layerzero-v2', 30110n)).toEqual({ chain: 'evm:42161' });
    expect(destinationOf('layerzero-v1', 1n)).toBeUndefined();
    expect(destinationOf('debridge', 100000002n)).toBeUndefined();
    expect(destinationOf('debridge', 8453n)).toEqual({ chain: 'evm:8453' });
    expect(destinationOf('lifi', 20000000000001n)).toEqual({ chain: 'bitcoin' });
    expect(destinationOf('evm', 0n)).toBeUndefined();
  });

  it('writes Solana keys in base58 as ethers does, EVM addresses as lower-case hex, anything else as hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => {
        const hex = hexlify(b);
        if (/^0x0*$/.test(hex)) return;
        expect(base58(hex)).toBe(encodeBase58(hex));
      }),
      { numRuns: 200 },
    );
    expect(recipientOn({ chain: 'evm:10' }, zeroPadValue(`0x${'Ab'.repeat(20)}`, 32))).toBe(`0x${'ab'.repeat(20)}`);
    expect(recipientOn({ network: 'sui' }, `0x${'12'.repeat(32)}`)).toBe(`0x${'12'.repeat(32)}`);
    expect(recipientOn({ chain: 'bitcoin' }, `0x${'12'.repeat(32)}`)).toBe(`0x${'12'.repeat(32)}`);
    expect(recipientOn({ network: 'solana' }, ZERO)).toBeUndefined();
  });
});
