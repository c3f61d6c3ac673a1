import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Interface, keccak256, toUtf8Bytes } from 'ethers';
import { describe, expect, it } from 'vitest';
import { MemoError } from '../../src/core/errors.js';
import { bitcoinLib } from '../../src/core/bitcoin-network.js';
import { nullData } from '../../src/adapters/bitcoin/script.js';
import { BRIDGE_REGISTRY, decodeBridgeExits, findBridge, resolveBridgeDefinitions, type EvmLog } from '../../src/heuristics/bridges.js';
import {
  decodeTransferOuts,
  memoDestination,
  memoText,
  outboundOf,
  parseThorchainMemo,
  SHORT_ASSETS,
  THORCHAIN_ROUTERS,
  THORCHAIN_TRANSFER_OUT_ABI,
  thorchainTokenContract,
} from '../../src/heuristics/thorchain.js';

const bitcoin = bitcoinLib();
const ROUTER = THORCHAIN_ROUTERS[0]!;
// Addresses from the BIPs' and THORChain docs' own examples.
const BC1 = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
const ETH_DEST = '0x86d526d6624AbC0178cF7296cD538Ecc080A95F1';
const THOR_DEST = 'thor1g98cy3n9mmjrpn0sxmn63lztelera37n8n67c0';

describe('THORChain memos, as the docs write them', () => {
  it('reads SWAP in its three spellings with limit, streaming interval/quantity, affiliates and fees', () => {
    expect(parseThorchainMemo(`SWAP:ETH.ETH:${ETH_DEST}:10000000`)).toEqual({
      kind: 'swap',
      asset: { notation: 'ETH.ETH', chain: 'ETH', symbol: 'ETH', kind: 'layer1', network: 'ETH' },
      destination: ETH_DEST,
      limit: 10_000_000n,
      affiliates: [],
      fees: [],
    });
    expect(parseThorchainMemo(`=:BTC.BTC:${BC1}:1e6/1/0:t:15`)).toMatchObject({
      kind: 'swap',
      limit: 1_000_000n,
      interval: 1,
      quantity: 0,
      affiliates: ['t'],
      fees: ['15'],
    });
    expect(parseThorchainMemo(`s:b:${BC1}`)).toMatchObject({ kind: 'swap', asset: { notation: 'BTC.BTC' }, destination: BC1 });
    expect(parseThorchainMemo(`=:r:${THOR_DEST}:0/1/0:t/ss:10/5`)).toMatchObject({
      asset: { notation: 'THOR.RUNE' },
      affiliates: ['t', 'ss'],
      fees: ['10', '5'],
    });
    expect(parseThorchainMemo(`=:ETH.USDT-0xdAC17F958D2ee523a2206206994597C13D831ec7:${ETH_DEST}/${ETH_DEST}`)).toMatchObject({
      asset: { notation: 'ETH.USDT-0XDAC17F958D2EE523A2206206994597C13D831EC7', chain: 'ETH', kind: 'layer1' },
      destination: ETH_DEST,
      refundAddress: ETH_DEST,
    });
    expect(parseThorchainMemo('=:BTC/BTC:thor1abc')).toMatchObject({ asset: { kind: 'synth', network: 'THOR' } });
    expect(parseThorchainMemo('=:ETH~ETH:thor1abc')).toMatchObject({ asset: { kind: 'trade', network: 'THOR' } });
  });

  it('reads ADD, WITHDRAW, OUT and REFUND, and names other functions', () => {
    expect(parseThorchainMemo(`+:BTC.BTC:${THOR_DEST}`)).toMatchObject({ kind: 'add', asset: { notation: 'BTC.BTC' }, pairedAddress: THOR_DEST });
    expect(parseThorchainMemo('ADD:ETH.ETH')).toMatchObject({ kind: 'add' });
    expect(parseThorchainMemo('-:BTC.BTC:10000')).toMatchObject({ kind: 'withdraw', basisPoints: 10_000 });
    expect(parseThorchainMemo('wd:BTC.BTC:5000:BTC.BTC')).toMatchObject({ kind: 'withdraw', basisPoints: 5_000, withdrawAsset: { notation: 'BTC.BTC' } });
    const hash = keccak256(toUtf8Bytes('inbound'));
    expect(parseThorchainMemo(`OUT:${hash.slice(2).toUpperCase()}`)).toEqual({ kind: 'out', inboundTx: hash.slice(2).toUpperCase() });
    expect(parseThorchainMemo(`out:${hash}`)).toEqual({ kind: 'out', inboundTx: hash.slice(2).toUpperCase() });
    expect(parseThorchainMemo(`REFUND:${hash.slice(2)}`)).toEqual({ kind: 'refund', inboundTx: hash.slice(2).toUpperCase() });
    expect(parseThorchainMemo('BOND:thor1xyz')).toEqual({ kind: 'other', function: 'BOND' });
    expect(outboundOf(`OUT:${hash.slice(2)}`)).toBe(hash.slice(2).toUpperCase());
    expect(outboundOf(`REFUND:${hash.slice(2)}`)).toBeUndefined();
    expect(outboundOf('hello')).toBeUndefined();
  });

  it('refuses what THORChain would not read with a one-line MemoError naming the part', () => {
    const cases: [string, RegExp][] = [
      ['', /^THORChain memo "": \(root\): empty memo$/],
      ['FOO:BTC.BTC:x', /unknown function "FOO"/],
      ['=:', /no asset to swap to/],
      ['=:NOTANASSET:abc', /asset to swap to "NOTANASSET" is not in THORChain asset notation/],
      [`=:BTC.BTC:${BC1}:lots`, /limit: .*expected an amount/],
      [`=:BTC.BTC:${BC1}:0/x/0`, /streaming interval: .*whole number/],
      ['OUT:1234', /OUT transaction: .*64-digit transaction hash/],
      [`=:BTC.BTC:${'a'.repeat(260)}`, /250-byte memo limit/],
      ['=:BTC.BTC:bc1\u0000', /not printable ASCII/],
    ];
    for (const [memo, message] of cases) {
      let error: unknown;
      try {
        parseThorchainMemo(memo);
      } catch (e) {
        error = e;
      }
      expect(error, memo).toBeInstanceOf(MemoError);
      expect((error as MemoError).code).toBe('INVALID_MEMO');
      expect((error as MemoError).shortMessage, memo).toMatch(message);
      expect((error as MemoError).shortMessage).not.toMatch(/\n/);
    }
  });

  it('parses generated swap memos back to what built them (assets, addresses, limits, streaming, affiliates)', () => {
    const chains = ['BTC', 'ETH', 'BSC', 'AVAX', 'BASE', 'DOGE', 'LTC', 'BCH', 'GAIA', 'THOR', 'XRP'];
    const asset = fc.oneof(
      fc.constantFrom(...Object.keys(SHORT_ASSETS)).map((s) => ({ text: s, notation: SHORT_ASSETS[s]! })),
      fc
        .tuple(
          fc.constantFrom(...chains),
          fc.constantFrom('.', '/', '~'),
          fc.stringMatching(/^[A-Z][A-Z0-9]{1,7}$/),
          fc.option(fc.stringMatching(/^0x[0-9a-f]{40}$/), { nil: undefined }),
        )
        .map(([c, sep, sym, contract]) => {
          const text = `${c}${sep}${sym}${contract ? `-${contract}` : ''}`;
          return { text, notation: text.toUpperCase() };
        }),
    );
    const limit = fc.oneof(
      fc.bigInt({ min: 0n, max: 10n ** 18n }).map((n) => ({ text: n.toString(), value: n })),
      fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 18 })).map(([m, e]) => ({ text: `${m}e${e}`, value: BigInt(m) * 10n ** BigInt(e) })),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('SWAP', 'swap', 's', '='),
        asset,
        fc.stringMatching(/^[A-Za-z0-9]{1,64}$/),
        fc.option(limit, { nil: undefined }),
        fc.option(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 100 })), { nil: undefined }),
        fc.array(fc.tuple(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.integer({ min: 0, max: 1000 })), { maxLength: 3 }),
        (fn, a, dest, lim, stream, affiliates) => {
          const limits = `${lim?.text ?? ''}${stream ? `/${stream[0]}/${stream[1]}` : ''}`;
          const memo = [fn, a.text, dest, limits, affiliates.map((x) => x[0]).join('/'), affiliates.map((x) => x[1]).join('/')].join(':');
          const parsed = parseThorchainMemo(memo);
          expect(parsed).toMatchObject({ kind: 'swap', asset: { notation: a.notation }, destination: dest });
          if (parsed.kind !== 'swap') return;
          expect(parsed.limit).toBe(lim?.value);
          expect(parsed.interval).toBe(stream?.[0]);
          expect(parsed.quantity).toBe(stream?.[1]);
          expect(parsed.affiliates).toEqual(affiliates.map((x) => x[0]));
          expect(parsed.fees).toEqual(affiliates.map((x) => String(x[1])));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws anything but MemoError on arbitrary text, and memoDestination never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.stringMatching(/^[=s+a-]:[A-Za-z./~-]{0,12}:[^\n]{0,40}(:[0-9e/]{0,10})?$/)), (memo) => {
        try {
          parseThorchainMemo(memo);
        } catch (error) {
          expect(error).toBeInstanceOf(MemoError);
        }
        expect(memoDestination(memo).memo).toBe(memo);
      }),
      { numRuns: 500 },
    );
  });

  it('names destination chain and recipient, also on chains chaintrail cannot read', () => {
    expect(memoDestination(`=:BTC.BTC:${BC1}`)).toMatchObject({
      destinationChain: 'bitcoin',
      destinationNetwork: 'BTC',
      recipient: BC1,
      destinationAsset: 'BTC.BTC',
    });
    // Bitcoin's test networks are told by the recipient's address (a test setup's regtest vaults).
    const regtest = bitcoin.payments.p2wpkh({ hash: Buffer.alloc(20, 7), network: bitcoin.networks.regtest }).address!;
    expect(memoDestination(`=:b:${regtest}`)).toMatchObject({ destinationChain: 'bitcoin-regtest', recipient: regtest });
    const testnet = bitcoin.payments.p2wpkh({ hash: Buffer.alloc(20, 7), network: bitcoin.networks.testnet }).address!;
    expect(memoDestination(`=:b:${testnet}`)).toMatchObject({ destinationChain: 'bitcoin-testnet', recipient: testnet });
    expect(memoDestination(`=:e:${ETH_DEST}`)).toMatchObject({ destinationChain: 'ethereum', recipient: ETH_DEST.toLowerCase() });
    expect(memoDestination(`=:AVAX.AVAX:${ETH_DEST}`)).toMatchObject({ destinationChain: 'evm:43114' });
    const doge = memoDestination('=:DOGE.DOGE:DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L');
    expect(doge).toMatchObject({ destinationNetwork: 'DOGE', recipient: 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L' });
    expect(doge.destinationChain).toBeUndefined();
    expect(doge.says).toMatch(/DOGE \(Dogecoin\), recipient DH5y.*chaintrail has no source for that chain/);
    expect(memoDestination('=:GAIA.ATOM:cosmos1abc')).toMatchObject({ destinationNetwork: 'GAIA', recipient: 'cosmos1abc' });
    expect(memoDestination(`=:BTC/BTC:${THOR_DEST}`)).toMatchObject({ destinationNetwork: 'THOR', recipient: THOR_DEST });
    // A THORName where an address is expected: kept as written, said so.
    expect(memoDestination('=:BTC.BTC:myname').says).toMatch(/recipient myname \(not a bitcoin address: a THORName\?\)/);
    expect(memoDestination('=:BTC.BTC').says).toMatch(/names no recipient/);
    expect(memoDestination(`+:BTC.BTC:${THOR_DEST}`)).toMatchObject({ kind: 'add', destinationNetwork: 'THOR' });
    expect(memoDestination('garbage').says).toMatch(/its memo is not one THORChain documents .*unknown function "garbage"/);
  });
});

describe('the router Deposit event, ABI-encoded as THORChain_Router emits it', () => {
  const iface = new Interface(['event Deposit(address indexed to, address indexed asset, uint amount, string memo)']);
  const vault = `0x${randomBytes(20).toString('hex')}`;
  const usdt = '0xdac17f958d2ee523a2206206994597c13d831ec7';
  const tx = keccak256(toUtf8Bytes('deposit tx'));
  const log = (asset: string, amount: bigint, memo: string, logIndex: number): EvmLog => {
    const encoded = iface.encodeEventLog('Deposit', [vault, asset, amount, memo]);
    return { address: ROUTER.address, topics: encoded.topics, data: encoded.data, logIndex, transactionHash: tx };
  };

  it('is a registered bridge on Ethereum whose exits name chain, recipient, asset, memo and THORChain’s id of the inbound', () => {
    expect(findBridge('ethereum', ROUTER.address.toUpperCase().replace('0X', '0x'))?.protocol).toBe('thorchain');
    expect(BRIDGE_REGISTRY).toContain(findBridge('ethereum', ROUTER.address));
    const logs = [
      log('0x0000000000000000000000000000000000000000', 5n * 10n ** 17n, `=:BTC.BTC:${BC1}:0/1/0:t:15`, 3),
      log(usdt, 2_500_000_000n, '=:DOGE.DOGE:DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L', 4),
    ];
    const [eth, ...none] = decodeBridgeExits(ROUTER, logs, { token: null });
    expect(none).toEqual([]);
    expect(eth).toMatchObject({
      protocol: 'thorchain',
      event: 'Deposit',
      destinationChain: 'bitcoin',
      destinationAsset: 'BTC.BTC',
      recipient: BC1,
      amount: 5n * 10n ** 17n,
      memo: `=:BTC.BTC:${BC1}:0/1/0:t:15`,
      protocolId: tx.slice(2).toUpperCase(),
      logIndex: 3,
    });
    expect(eth!.token).toBeUndefined();
    // destinationNetwork is for chains chaintrail has no chain for.
    expect(eth!.destinationNetwork).toBeUndefined();
    expect(eth!.reason).toBe(
      `entered THORChain Router (Ethereum) (thorchain) for vault ${vault}: its memo swaps to BTC.BTC on BTC (Bitcoin), recipient ${BC1}`,
    );
    const [doge] = decodeBridgeExits(ROUTER, logs, { token: usdt });
    expect(doge).toMatchObject({ token: usdt, amount: 2_500_000_000n, destinationNetwork: 'DOGE', recipient: 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L' });
    expect(doge!.destinationChain).toBeUndefined();
  });

  it('keeps a deposit whose memo THORChain would refund, saying why', () => {
    const [exit] = decodeBridgeExits(ROUTER, [log('0x0000000000000000000000000000000000000000', 1n, 'SWAP:NOPE', 0)]);
    expect(exit).toMatchObject({ memo: 'SWAP:NOPE', amount: 1n });
    expect(exit!.destinationChain).toBeUndefined();
    expect(exit!.reason).toMatch(/not one THORChain documents .*THORChain refunds such deposits/);
  });

  it('is a template for routers on other chains (a trace’s own bridge definitions)', () => {
    const [def] = resolveBridgeDefinitions([{ chain: 'evm:56', address: '0x1111111111111111111111111111111111111111', protocol: 'thorchain' }]);
    expect(def!.events[0]).toMatchObject({ memoField: 'memo', tokenField: 'asset' });
  });
});

describe('OP_RETURN data', () => {
  it('reads the memo of an OP_RETURN output as bitcoinjs-lib embeds it (short pushes and PUSHDATA1)', () => {
    for (const memo of [`OUT:${'AB'.repeat(32)}`, `=:ETH.ETH:${ETH_DEST}`, 'x'.repeat(79)]) {
      const script = bitcoin.payments.embed({ data: [Buffer.from(memo)] }).output!;
      expect(memoText(nullData(script)!)).toBe(memo);
    }
    expect(nullData(bitcoin.address.toOutputScript(BC1))).toBeUndefined();
    expect(nullData(Uint8Array.from([0x6a, 0x10, 0x41]))).toBeUndefined();
    expect(memoText('00ff')).toBeUndefined();
  });
});

describe('THORChain_Router TransferOut (the outbound on an EVM chain)', () => {
  const router = THORCHAIN_ROUTERS[0]!.address;
  const iface = new Interface([THORCHAIN_TRANSFER_OUT_ABI, 'event Transfer(address indexed from, address indexed to, uint256 value)']);
  const hex = (n: number) => `0x${randomBytes(n).toString('hex')}`;
  const log = (address: string, event: string, args: unknown[], logIndex: number) => {
    const { data, topics } = iface.encodeEventLog(event, args);
    return { address, data, topics, logIndex, transactionHash: hex(32), blockNumber: 1 };
  };

  it('decodes generated TransferOuts of the router only, with the inbound its OUT: memo names (upper-case)', () => {
    fc.assert(
      fc.property(
        fc.record({
          amount: fc.bigInt({ min: 1n, max: 10n ** 30n }),
          token: fc.boolean(),
          txid: fc.uint8Array({ minLength: 32, maxLength: 32 }),
          lower: fc.boolean(),
        }),
        ({ amount, token, txid, lower }) => {
          const vault = hex(20);
          const to = hex(20);
          const asset = token ? hex(20) : '0x0000000000000000000000000000000000000000';
          const id = Buffer.from(txid).toString('hex');
          const memo = `OUT:${lower ? id : id.toUpperCase()}`;
          const logs = [
            log(router, 'TransferOut', [vault, to, asset, amount, memo], 3),
            // The same event from another contract, another event of the router, and a TransferOut with a swap memo.
            log(hex(20), 'TransferOut', [vault, to, asset, amount, memo], 4),
            log(router, 'Transfer', [vault, to, amount], 5),
            log(router, 'TransferOut', [vault, to, asset, amount, `=:ETH.ETH:${to}`], 6),
          ];
          const outs = decodeTransferOuts(logs, (a) => a === router);
          expect(outs).toHaveLength(2);
          expect(outs[0]).toEqual({ router, logIndex: 3, vault, to, asset: token ? asset : null, amount, memo, inboundTx: id.toUpperCase() });
          expect(outs[1]!.inboundTx).toBeUndefined();
        },
      ),
      { numRuns: 50 },
    );
  });

  it('reads the token contract of an ERC-20 in THORChain notation, none for the native asset', () => {
    expect(thorchainTokenContract('ETH.USDT-0XDAC17F958D2EE523A2206206994597C13D831EC7')).toBe('0xdac17f958d2ee523a2206206994597c13d831ec7');
    expect(thorchainTokenContract('ETH.ETH')).toBeUndefined();
    expect(thorchainTokenContract('ETH.USDT-EC7')).toBeUndefined();
  });
});
