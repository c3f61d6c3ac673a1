import { Interface, zeroPadValue } from 'ethers';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import {
  BRIDGE_REGISTRY,
  bridgeEntry,
  createBridgeRegistry,
  decodeBridgeExits,
  decodeBridgeFills,
  findBridge,
  resolveBridgeDefinitions,
  type BridgeContract,
  type EvmLog,
} from '../../src/heuristics/bridges.js';

const RECIPIENT = '0x1111111111111111111111111111111111111111';
const SENDER = '0x2222222222222222222222222222222222222222';
const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
const ZERO = '0x0000000000000000000000000000000000000000';

function log(bridge: BridgeContract, abi: string, values: unknown[], logIndex = 0): EvmLog {
  const i = new Interface([abi]);
  const event = i.fragments[0]!;
  const { topics, data } = i.encodeEventLog(event as never, values);
  return { address: bridge.address, topics, data, logIndex, transactionHash: `0x${'ab'.repeat(32)}` };
}

const across = findBridge('ethereum', '0x5c7BCd6E7De5423a257D81B442095A1a6ced35C5')!;
const op = findBridge('ethereum', '0x99c9fc46f92e8a1c0dec1b1747d010903e884be1')!;
const arbitrum = findBridge('ethereum', '0xa3a7b6f88361f48403514059f1f16c8e78d60eec')!;
const polygon = findBridge('eth', '0x40ec5b33f54e0e8a33a975908c5ba1c14e5bbbdf')!;

describe('bridge registry', () => {
  it('finds bridges by chain (alias) and address in any case, and nothing else', () => {
    expect(across).toMatchObject({ protocol: 'across', chain: 'ethereum' });
    expect(findBridge('arbitrum', '0xE35E9842FCEACA96570B734083F4A58E8F7C5F2A')?.protocol).toBe('across');
    expect(findBridge('ethereum', RECIPIENT)).toBeUndefined();
    expect(findBridge('evm:10', op.address)).toBeUndefined();
    for (const b of BRIDGE_REGISTRY) {
      expect(b.address).toMatch(/^0x[0-9a-f]{40}$/);
      for (const e of b.events) expect(() => new Interface([e.abi])).not.toThrow();
    }
  });
});

describe('decodeBridgeExits', () => {
  it('reads Across V3FundsDeposited: destination chain, recipient, deposit id and both amounts', () => {
    const l = log(
      across,
      across.events[0]!.abi,
      [
        USDC,
        '0xaf88d065e77c8cc2239327c5edb3a432268e5831',
        1_000_000_000n,
        999_000_000n,
        42161n,
        5729990,
        1,
        2,
        0,
        SENDER,
        RECIPIENT,
        '0x0000000000000000000000000000000000000000',
        '0x',
      ],
      7,
    );
    const other = { ...l, address: SENDER }; // same event from a contract that is not this bridge: ignored
    const [exit, ...rest] = decodeBridgeExits(across, [other, l]);
    expect(rest).toEqual([]);
    expect(exit).toMatchObject({
      protocol: 'across',
      event: 'V3FundsDeposited',
      sourceChain: 'ethereum',
      destinationChain: 'evm:42161',
      destinationChainId: '42161',
      recipient: RECIPIENT,
      token: USDC,
      destinationToken: '0xaf88d065e77c8cc2239327c5edb3a432268e5831',
      amount: 1_000_000_000n,
      outputAmount: 999_000_000n,
      protocolId: '5729990',
      logIndex: 7,
    });
    expect(exit!.reason).toMatch(/sends it to evm:42161, recipient 0x1111.*deposit id 5729990/);
  });

  it('reads the bytes32 FundsDeposited; a non-EVM recipient is named raw, an unknown chain id kept', () => {
    const abi = across.events[1]!.abi;
    const pad = (a: string) => zeroPadValue(a, 32);
    const evm = log(across, abi, [
      pad(USDC),
      pad(USDC),
      5n,
      4n,
      1n,
      9n,
      1,
      2,
      0,
      pad(SENDER),
      pad(RECIPIENT),
      pad('0x0000000000000000000000000000000000000000'),
      '0x',
    ]);
    expect(decodeBridgeExits(across, [evm])[0]).toMatchObject({ destinationChain: 'ethereum', recipient: RECIPIENT, token: USDC, protocolId: '9' });
    const solana = log(across, abi, [
      pad(USDC),
      pad(USDC),
      5n,
      4n,
      34268394551451n,
      10n,
      1,
      2,
      0,
      pad(SENDER),
      `0x${'9f'.repeat(32)}`,
      pad('0x0000000000000000000000000000000000000000'),
      '0x',
    ]);
    const exit = decodeBridgeExits(across, [solana])[0]!;
    expect(exit.destinationChain).toBeUndefined();
    expect(exit.recipient).toBeUndefined();
    expect(exit.destinationChainId).toBe('34268394551451');
    expect(exit.reason).toMatch(/chain id 34268394551451, recipient 0x9f9f.* \(not an EVM address\)/);
  });

  it('gives single-destination bridges their chain: OP ETH and ERC-20 deposits, Arbitrum gateway, Polygon predicate', () => {
    const eth = log(op, op.events[0]!.abi, [SENDER, RECIPIENT, 10n ** 18n, '0x'], 1);
    const erc20 = log(op, op.events[1]!.abi, [USDC, '0x0b2c639c533813f4aa9d7837caf62653d097ff85', SENDER, RECIPIENT, 5n, '0x'], 2);
    const exits = decodeBridgeExits(op, [eth, erc20]);
    expect(exits.map((e) => [e.event, e.destinationChain, e.recipient, e.token, e.destinationToken, e.amount])).toEqual([
      ['ETHDepositInitiated', 'evm:10', RECIPIENT, undefined, undefined, 10n ** 18n],
      ['ERC20DepositInitiated', 'evm:10', RECIPIENT, USDC, '0x0b2c639c533813f4aa9d7837caf62653d097ff85', 5n],
    ]);
    // Only the exit of the traced asset: USDC, or native (null).
    expect(decodeBridgeExits(op, [eth, erc20], { token: USDC }).map((e) => e.event)).toEqual(['ERC20DepositInitiated']);
    expect(decodeBridgeExits(op, [eth, erc20], { token: null }).map((e) => e.event)).toEqual(['ETHDepositInitiated']);

    const arb = log(arbitrum, arbitrum.events[0]!.abi, [USDC, SENDER, RECIPIENT, 77n, 123n]);
    expect(decodeBridgeExits(arbitrum, [arb])[0]).toMatchObject({ destinationChain: 'evm:42161', recipient: RECIPIENT, amount: 123n, protocolId: '77' });
    const pol = log(polygon, polygon.events[0]!.abi, [SENDER, RECIPIENT, USDC, 50n]);
    expect(decodeBridgeExits(polygon, [pol])[0]).toMatchObject({ protocol: 'polygon-pos', destinationChain: 'evm:137', recipient: RECIPIENT, amount: 50n });
  });

  it('ignores unrelated events of the bridge contract', () => {
    const transfer = log(op, 'event Transfer(address indexed from, address indexed to, uint256 value)', [SENDER, RECIPIENT, 1n]);
    expect(decodeBridgeExits(op, [transfer])).toEqual([]);
  });
});

describe('bridgeEntry', () => {
  it('names the destination of single-destination bridges only', () => {
    expect(bridgeEntry(op)).toMatchObject({ protocol: 'optimism', destinationChain: 'evm:10' });
    expect(bridgeEntry(across).destinationChain).toBeUndefined();
    expect(bridgeEntry(across).reason).toMatch(/recipient unknown/);
  });
});

describe('decodeBridgeFills', () => {
  const arbPool = findBridge('arbitrum', '0xe35e9842fceaca96570b734083f4a58e8f7c5f2a')!;
  const pad = (a: string) => zeroPadValue(a, 32);
  it('reads Across FilledRelay: origin chain, deposit id, and what was really paid to whom (relayExecutionInfo)', () => {
    const speedUp = '0x5555555555555555555555555555555555555555';
    const l = log(
      arbPool,
      arbPool.fills![0]!.abi,
      [
        pad(USDC),
        pad('0xaf88d065e77c8cc2239327c5edb3a432268e5831'),
        1_000n,
        998n,
        42161n,
        1n,
        5729990n,
        1,
        0,
        pad(ZERO),
        pad(SENDER),
        pad(SENDER),
        pad(RECIPIENT),
        `0x${'00'.repeat(32)}`,
        [pad(speedUp), `0x${'00'.repeat(32)}`, 997n, 0],
      ],
      4,
    );
    expect(decodeBridgeFills(arbPool, [l])).toEqual([
      {
        protocol: 'across',
        name: arbPool.name,
        chain: 'evm:42161',
        bridge: arbPool.address,
        event: 'FilledRelay',
        tx: `0x${'ab'.repeat(32)}`,
        logIndex: 4,
        originChainId: '1',
        protocolId: '5729990',
        recipient: speedUp,
        token: '0xaf88d065e77c8cc2239327c5edb3a432268e5831',
        amount: 997n,
      },
    ]);
    // The deposit event of the same pool is not a fill; a fill of another contract is ignored.
    expect(decodeBridgeFills(arbPool, [{ ...l, address: SENDER }])).toEqual([]);
  });

  it('reads the legacy address-typed FilledV3Relay', () => {
    const l = log(arbPool, arbPool.fills![1]!.abi, [
      USDC,
      USDC,
      10n,
      9n,
      42161n,
      10n,
      3,
      1,
      0,
      ZERO,
      SENDER,
      SENDER,
      RECIPIENT,
      '0x',
      [RECIPIENT, '0x', 9n, 0],
    ]);
    expect(decodeBridgeFills(arbPool, [l])[0]).toMatchObject({
      event: 'FilledV3Relay',
      originChainId: '10',
      protocolId: '3',
      recipient: RECIPIENT,
      token: USDC,
      amount: 9n,
    });
  });
});

describe('bridge definitions of a trace', () => {
  const POOL = '0x00000000000000000000000000000000000000Aa';
  it('resolves a known protocol by name to its event shapes, and the registry finds it beside the built-ins', () => {
    const [pool] = resolveBridgeDefinitions([{ chain: 'evm:1337', address: POOL, protocol: 'across', name: 'Test SpokePool' }]);
    expect(pool).toMatchObject({ chain: 'evm:1337', address: POOL.toLowerCase(), protocol: 'across', name: 'Test SpokePool' });
    expect(pool!.events.map((e) => e.abi.split('(')[0])).toEqual(['event V3FundsDeposited', 'event FundsDeposited']);
    expect(pool!.fills!.map((e) => e.abi.split('(')[0])).toEqual(['event FilledRelay', 'event FilledV3Relay']);
    const registry = createBridgeRegistry([pool!]);
    expect(registry.find('evm:1337', POOL)).toBe(pool);
    expect(findBridge('evm:1337', POOL, registry)).toBe(pool);
    expect(registry.find('ethereum', across.address)).toBe(across);
    expect(registry.onChain('arbitrum', 'across').map((b) => b.name)).toEqual(['Across SpokePool (Arbitrum)']);
    expect(createBridgeRegistry([pool!], { builtin: false }).contracts).toEqual([pool]);
    // A contract given with its address in mixed case is found by its address in any case.
    const mixed = { ...pool!, address: '0x00000000000000000000000000000000000000aB' };
    const withMixed = createBridgeRegistry([mixed], { builtin: false });
    for (const asked of ['0x00000000000000000000000000000000000000ab', '0x00000000000000000000000000000000000000AB'])
      expect([withMixed.find('evm:1337', asked), findBridge('evm:1337', asked, withMixed)]).toEqual([mixed, mixed]);
    // A single-destination template takes the deployment's destination chain.
    const [op2] = resolveBridgeDefinitions([{ chain: 'evm:1337', address: POOL, protocol: 'op-stack', destinationChain: 'evm:1338' }]);
    expect(op2!.events.every((e) => e.destinationChain === 'evm:1338')).toBe(true);
    expect(op2!.name).toBe(`op-stack bridge at ${POOL.toLowerCase()} (evm:1337)`);
  });

  it('takes a protocol it does not know when its events are given, and checks that the named fields exist', () => {
    const abi = 'event Sent(address indexed from, address to, uint256 amount, uint64 nonce)';
    const [b] = resolveBridgeDefinitions([
      {
        chain: 'ethereum',
        address: POOL,
        protocol: 'mybridge',
        destinationChain: 'bsc',
        events: [{ abi, recipientField: 'to', amountField: 'amount', idField: 'nonce' }],
      },
    ]);
    expect(b!.events[0]).toMatchObject({ destinationChain: 'evm:56', recipientField: 'to' });
    const bad = (def: object) => () => resolveBridgeDefinitions([{ chain: 'ethereum', address: POOL, protocol: 'mybridge', ...def }]);
    expect(bad({})).toThrow(/bridge definition 0 \(mybridge at .*\): unknown protocol "mybridge": give its events/);
    expect(bad({ events: [{ abi, recipientField: 'recipient', amountField: 'amount' }] })).toThrow(/event field "recipient" is not in event Sent/);
    expect(bad({ events: [{ abi: 'function x()', recipientField: 'to', amountField: 'amount' }] })).toThrow(/ABI does not parse as an event/);
    expect(bad({ protocol: 'op-stack' })).toThrow(/protocol "op-stack" needs destinationChain/);
    expect(bad({ chain: 'tron', protocol: 'across' })).toThrow(/tron is not an EVM chain/);
    expect(bad({ chain: 'mars', protocol: 'across' })).toThrow(/Unknown chain "mars"/);
    expect(bad({ address: '0x12', protocol: 'across' })).toThrow(InvalidInputError);
    expect(bad({ address: '0x12', protocol: 'across' })).toThrow(/0\.address: expected a 20-byte EVM address/);
    expect(bad({ protocol: 'Across' })).toThrow(/protocol: expected a lower-case protocol id/);
    expect(bad({ protocol: 'across', extra: 1 })).toThrow(InvalidInputError);
  });
});

describe('Across events from a real SpokePool-shaped contract on a ganache chain pair', { timeout: 120_000 }, () => {
  it('decodes the deposit on chain A and its fill on chain B from the receipts, with the ids that join them', async () => {
    const { CHAIN_A_ID, CHAIN_B_ID, FEE, U } = await import('../support/ganache-bridge.js');
    const { createEvmRpcAdapter } = await import('../../src/adapters/evm-rpc/adapter.js');
    const { sharedWorld } = await import('../support/shared.js');
    const w = await sharedWorld('bridge');
    const registry = createBridgeRegistry(resolveBridgeDefinitions(w.bridges));
    const rpcA = createEvmRpcAdapter({ url: w.a.url, chain: w.a.chain });
    const rpcB = createEvmRpcAdapter({ url: w.b.url, chain: w.b.chain });
    const poolA = registry.find(w.a.chain, w.poolA.address)!;
    const [exit, ...more] = decodeBridgeExits(poolA, await rpcA.getTransactionLogs(w.a.chain, w.tx.scamDeposit!.transactionHash), { token: w.usdtA.address });
    expect(more).toEqual([]);
    expect(exit).toMatchObject({
      protocol: 'across',
      event: 'V3FundsDeposited',
      destinationChain: `evm:${CHAIN_B_ID}`,
      recipient: w.who.recipient,
      token: w.usdtA.address,
      destinationToken: w.usdtB.address,
      amount: 8_000n * U,
      outputAmount: 8_000n * U - FEE,
      protocolId: '1',
    });
    const poolB = registry.onChain(w.b.chain, 'across').find((b) => b.address === w.poolB.address)!;
    const [fill] = decodeBridgeFills(poolB, await rpcB.getTransactionLogs(w.b.chain, w.tx.scamFill!.transactionHash));
    expect(fill).toMatchObject({
      event: 'FilledRelay',
      originChainId: String(CHAIN_A_ID),
      protocolId: '1',
      recipient: w.who.recipient,
      token: w.usdtB.address,
      amount: 8_000n * U - FEE,
    });
  });
});
