import type { Interface, LogDescription, Result } from 'ethers/abi';
import { lazyPackage } from '../core/lazy.js';
import { getChain } from '../core/chain.js';
import { normalizeAddress } from '../core/address.js';
import { InvalidInputError } from '../core/errors.js';
import { parseInput } from '../core/parse.js';
import { BRIDGE_TEMPLATES, BridgeDefinitionSchema } from '../core/schema.js';
import type { BridgeContract, BridgeEvent, BridgeFillEvent } from './bridge-types.js';
import { memoDestination, thorchainTxId, THORCHAIN_DEPOSIT_EVENT, THORCHAIN_ROUTERS } from './thorchain.js';
import { destinationOf, orbiterDestination, recipientOn, wormholeIdOf, type BridgeDestination } from './bridge-chains.js';
import {
  cbridgeEvents,
  cbridgeFills,
  debridgeEvents,
  debridgeFills,
  hopEvents,
  LIFI_NON_EVM_EVENT,
  LIFI_NON_EVM_RECEIVER,
  lifiEvents,
  PROTOCOL_BRIDGES,
  stargateV1Events,
  stargateV2Events,
  symbiosisEvents,
  synapseEvents,
  zksyncEvents,
} from './bridge-protocols.js';

/**
 * Bridge contracts: where funds enter a bridge on a source chain, and which event of that contract names the
 * destination chain and recipient. Pure data plus pure decoding; no I/O. The engine asks `findBridge` when a
 * tainted transfer reaches an address, and `decodeBridgeExits` with the logs of that transaction.
 */
export type { BridgeContract, BridgeEvent, BridgeFillEvent } from './bridge-types.js';

// OP Stack L1StandardBridge (legacy deposit events, still emitted by the Bedrock bridge next to *BridgeInitiated; only
// these are registered so one deposit gives one exit).
const opStackEvents = (destinationChain: string): BridgeEvent[] => [
  {
    abi: 'event ETHDepositInitiated(address indexed from, address indexed to, uint256 amount, bytes extraData)',
    destinationChain,
    recipientField: 'to',
    amountField: 'amount',
  },
  {
    abi: 'event ERC20DepositInitiated(address indexed l1Token, address indexed l2Token, address indexed from, address to, uint256 amount, bytes extraData)',
    destinationChain,
    recipientField: 'to',
    amountField: 'amount',
    tokenField: 'l1Token',
    destinationTokenField: 'l2Token',
  },
];

const acrossEvents: BridgeEvent[] = [
  {
    abi: 'event V3FundsDeposited(address inputToken, address outputToken, uint256 inputAmount, uint256 outputAmount, uint256 indexed destinationChainId, uint32 indexed depositId, uint32 quoteTimestamp, uint32 fillDeadline, uint32 exclusivityDeadline, address indexed depositor, address recipient, address exclusiveRelayer, bytes message)',
    destinationChainIdField: 'destinationChainId',
    recipientField: 'recipient',
    amountField: 'inputAmount',
    outputAmountField: 'outputAmount',
    tokenField: 'inputToken',
    destinationTokenField: 'outputToken',
    idField: 'depositId',
  },
  {
    abi: 'event FundsDeposited(bytes32 inputToken, bytes32 outputToken, uint256 inputAmount, uint256 outputAmount, uint256 indexed destinationChainId, uint256 indexed depositId, uint32 quoteTimestamp, uint32 fillDeadline, uint32 exclusivityDeadline, bytes32 indexed depositor, bytes32 recipient, bytes32 exclusiveRelayer, bytes message)',
    destinationChainIdField: 'destinationChainId',
    recipientField: 'recipient',
    amountField: 'inputAmount',
    outputAmountField: 'outputAmount',
    tokenField: 'inputToken',
    destinationTokenField: 'outputToken',
    idField: 'depositId',
  },
];

// Across fills: the relayer pays the recipient on the destination chain; relayExecutionInfo holds what was really
// paid and to whom (a depositor's speed-up can change both).
const acrossFills: BridgeFillEvent[] = [
  {
    abi: 'event FilledRelay(bytes32 inputToken, bytes32 outputToken, uint256 inputAmount, uint256 outputAmount, uint256 repaymentChainId, uint256 indexed originChainId, uint256 indexed depositId, uint32 fillDeadline, uint32 exclusivityDeadline, bytes32 exclusiveRelayer, bytes32 indexed relayer, bytes32 depositor, bytes32 recipient, bytes32 messageHash, (bytes32 updatedRecipient, bytes32 updatedMessageHash, uint256 updatedOutputAmount, uint8 fillType) relayExecutionInfo)',
    originChainIdField: 'originChainId',
    idField: 'depositId',
    recipientField: 'relayExecutionInfo.updatedRecipient',
    amountField: 'relayExecutionInfo.updatedOutputAmount',
    tokenField: 'outputToken',
  },
  {
    abi: 'event FilledV3Relay(address inputToken, address outputToken, uint256 inputAmount, uint256 outputAmount, uint256 repaymentChainId, uint256 indexed originChainId, uint32 indexed depositId, uint32 fillDeadline, uint32 exclusivityDeadline, address exclusiveRelayer, address indexed relayer, address depositor, address recipient, bytes message, (address updatedRecipient, bytes updatedMessage, uint256 updatedOutputAmount, uint8 fillType) relayExecutionInfo)',
    originChainIdField: 'originChainId',
    idField: 'depositId',
    recipientField: 'relayExecutionInfo.updatedRecipient',
    amountField: 'relayExecutionInfo.updatedOutputAmount',
    tokenField: 'outputToken',
  },
];

const ACROSS_REF = 'https://docs.across.to/reference/contract-addresses (SpokePool; events in across-protocol/contracts SpokePool.sol)';

/** A few widely used EVM bridges (addresses from the protocols' published deployment lists). */
export const BRIDGE_REGISTRY: readonly BridgeContract[] = Object.freeze([
  {
    chain: 'ethereum',
    address: '0x99c9fc46f92e8a1c0dec1b1747d010903e884be1',
    protocol: 'optimism',
    name: 'OP Mainnet L1StandardBridge',
    events: opStackEvents('evm:10'),
    reference: 'https://docs.optimism.io/chain/addresses (L1StandardBridgeProxy)',
  },
  {
    chain: 'ethereum',
    address: '0x3154cf16ccdb4c6d922629664174b904d80f2c35',
    protocol: 'base',
    name: 'Base L1StandardBridge',
    events: opStackEvents('evm:8453'),
    reference: 'https://docs.base.org/base-contracts#ethereum-mainnet (L1StandardBridge)',
  },
  {
    chain: 'ethereum',
    address: '0xa3a7b6f88361f48403514059f1f16c8e78d60eec',
    protocol: 'arbitrum',
    name: 'Arbitrum One L1ERC20Gateway',
    events: [
      {
        abi: 'event DepositInitiated(address l1Token, address indexed _from, address indexed _to, uint256 indexed _sequenceNumber, uint256 _amount)',
        destinationChain: 'evm:42161',
        recipientField: '_to',
        amountField: '_amount',
        tokenField: 'l1Token',
        idField: '_sequenceNumber',
      },
    ],
    reference: 'https://docs.arbitrum.io/build-decentralized-apps/reference/contract-addresses (L1 ERC20 Gateway)',
  },
  {
    chain: 'ethereum',
    address: '0x40ec5b33f54e0e8a33a975908c5ba1c14e5bbbdf',
    protocol: 'polygon-pos',
    name: 'Polygon PoS ERC20Predicate',
    events: [
      {
        abi: 'event LockedERC20(address indexed depositor, address indexed depositReceiver, address indexed rootToken, uint256 amount)',
        destinationChain: 'evm:137',
        recipientField: 'depositReceiver',
        amountField: 'amount',
        tokenField: 'rootToken',
      },
    ],
    reference: 'https://static.polygon.technology/network/mainnet/v1/index.json (Main.POSContracts.ERC20PredicateProxy; deposits via RootChainManagerProxy)',
  },
  {
    chain: 'ethereum',
    address: '0x5c7bcd6e7de5423a257d81b442095a1a6ced35c5',
    protocol: 'across',
    name: 'Across SpokePool (Ethereum)',
    events: acrossEvents,
    fills: acrossFills,
    reference: ACROSS_REF,
  },
  {
    chain: 'evm:42161',
    address: '0xe35e9842fceaca96570b734083f4a58e8f7c5f2a',
    protocol: 'across',
    name: 'Across SpokePool (Arbitrum)',
    events: acrossEvents,
    fills: acrossFills,
    reference: ACROSS_REF,
  },
  {
    chain: 'evm:10',
    address: '0x6f26bf09b1c792e3228e5467807a900a503c0281',
    protocol: 'across',
    name: 'Across SpokePool (Optimism)',
    events: acrossEvents,
    fills: acrossFills,
    reference: ACROSS_REF,
  },
  {
    chain: 'evm:137',
    address: '0x9295ee1d8c5b022be115a2ad3c30c72e34e7f096',
    protocol: 'across',
    name: 'Across SpokePool (Polygon)',
    events: acrossEvents,
    fills: acrossFills,
    reference: ACROSS_REF,
  },
  {
    chain: 'evm:8453',
    address: '0x09aea4b2242abc8bb4bb78d537a67a245a7bec64',
    protocol: 'across',
    name: 'Across SpokePool (Base)',
    events: acrossEvents,
    fills: acrossFills,
    reference: ACROSS_REF,
  },
  // LI.FI, cBridge, deBridge, Synapse, Stargate, Hop, Symbiosis, Wormhole, zkSync Era, Orbiter, Avalanche Bridge.
  ...PROTOCOL_BRIDGES,
  ...THORCHAIN_ROUTERS,
] satisfies BridgeContract[]);

const keyOf = (chain: string, address: string) => `${getChain(chain).id}|${address.toLowerCase()}`;

/**
 * Bridge contracts by chain id, then lower-case address: a lookup builds no key string (the deposit rule asks it of
 * every counterparty of an expanded address).
 */
class BridgesByAddress {
  private readonly byChain = new Map<string, Map<string, BridgeContract>>();

  set(b: BridgeContract): void {
    const id = getChain(b.chain).id;
    let map = this.byChain.get(id);
    if (!map) this.byChain.set(id, (map = new Map()));
    map.set(b.address.toLowerCase(), b);
  }

  get(chain: string, address: string): BridgeContract | undefined {
    return this.byChain.get(getChain(chain).id)?.get(address.toLowerCase());
  }
}

const builtIn = new BridgesByAddress();
for (const b of BRIDGE_REGISTRY) builtIn.set(b);

/** The registered bridge at that address on that chain, if any (address in any case). */
export function findBridge(chain: string, address: string, registry: readonly BridgeContract[] | BridgeRegistry = BRIDGE_REGISTRY): BridgeContract | undefined {
  if (registry === BRIDGE_REGISTRY) return builtIn.get(chain, address);
  if (!Array.isArray(registry)) return (registry as BridgeRegistry).find(chain, address);
  const key = keyOf(chain, address);
  return (registry as readonly BridgeContract[]).find((b) => keyOf(b.chain, b.address) === key);
}

/** The bridges one trace recognises: the built-in registry plus the trace's own definitions (which win on the same address). */
export interface BridgeRegistry {
  readonly contracts: readonly BridgeContract[];
  find(chain: string, address: string): BridgeContract | undefined;
  /** Contracts of a protocol on a chain (where its fills are emitted). */
  onChain(chain: string, protocol: string): BridgeContract[];
}

/** A registry of bridge contracts: the built-in ones (unless `builtin: false`) plus `extra`. */
export function createBridgeRegistry(extra: readonly BridgeContract[] = [], options: { builtin?: boolean } = {}): BridgeRegistry {
  const map = new Map<string, BridgeContract>();
  for (const b of [...(options.builtin === false ? [] : BRIDGE_REGISTRY), ...extra]) map.set(keyOf(b.chain, b.address), b);
  const contracts = Object.freeze([...map.values()]);
  const byAddress = new BridgesByAddress();
  for (const b of contracts) byAddress.set(b);
  return {
    contracts,
    find: (chain, address) => byAddress.get(chain, address),
    onChain: (chain, protocol) => {
      const id = getChain(chain).id;
      return contracts.filter((b) => b.protocol === protocol && getChain(b.chain).id === id);
    },
  };
}

const TEMPLATE_DESTINATION: Record<(typeof BRIDGE_TEMPLATES)[number], string | undefined> = {
  across: undefined,
  optimism: 'evm:10',
  base: 'evm:8453',
  'op-stack': undefined,
  arbitrum: 'evm:42161',
  'polygon-pos': 'evm:137',
  lifi: undefined,
  cbridge: undefined,
  stargate: undefined,
  hop: undefined,
  synapse: undefined,
  symbiosis: undefined,
  debridge: undefined,
  zksync: 'evm:324',
  orbiter: undefined,
  'avalanche-bridge': 'evm:43114',
  thorchain: undefined,
};

/** Event shapes of the multi-destination protocols a definition can name without giving events. */
const TEMPLATE_EVENTS: Partial<Record<(typeof BRIDGE_TEMPLATES)[number], { events: BridgeEvent[]; fills?: BridgeFillEvent[] }>> = {
  lifi: { events: lifiEvents },
  cbridge: { events: cbridgeEvents, fills: cbridgeFills },
  stargate: { events: [...stargateV1Events(), ...stargateV2Events()] },
  hop: { events: hopEvents() },
  synapse: { events: synapseEvents },
  symbiosis: { events: symbiosisEvents },
  debridge: { events: debridgeEvents, fills: debridgeFills },
  zksync: { events: zksyncEvents },
  thorchain: { events: [THORCHAIN_DEPOSIT_EVENT] },
};

function templateEvents(protocol: string, destinationChain: string | undefined): { events: BridgeEvent[]; fills?: BridgeFillEvent[] } | undefined {
  const dest = destinationChain ?? TEMPLATE_DESTINATION[protocol as (typeof BRIDGE_TEMPLATES)[number]];
  switch (protocol) {
    case 'across':
      return { events: acrossEvents, fills: acrossFills };
    case 'optimism':
    case 'base':
    case 'op-stack':
      return dest ? { events: opStackEvents(dest) } : undefined;
    case 'arbitrum':
    case 'polygon-pos': {
      const builtin = BRIDGE_REGISTRY.find((b) => b.protocol === protocol)!;
      return { events: builtin.events.map((e) => ({ ...e, destinationChain: dest })) };
    }
    default: {
      const t = TEMPLATE_EVENTS[protocol as (typeof BRIDGE_TEMPLATES)[number]];
      if (!t) return undefined;
      const events = t.events.map((e) => (e.destinationChain && dest ? { ...e, destinationChain: dest } : e));
      return { events, ...(t.fills ? { fills: t.fills } : {}) };
    }
  }
}

/** ethers' ABI decoder, loaded with the first bridge definition or event to decode. */
const ethersAbi = lazyPackage<typeof import('ethers/abi')>('ethers/abi');

/** Every parameter path of an event ('a', 'info', 'info.x'), to check that a definition's fields exist. */
function eventFields(abi: string): Set<string> {
  const fragment = new (ethersAbi().Interface)([abi]).fragments[0];
  if (fragment?.type !== 'event') throw new Error('not an event');
  const out = new Set<string>();
  const walk = (params: readonly { name: string; components: readonly unknown[] | null }[], prefix: string) => {
    for (const p of params) {
      out.add(prefix + p.name);
      if (p.components) walk(p.components as never, `${prefix}${p.name}.`);
    }
  };
  walk((fragment as unknown as { inputs: never }).inputs, '');
  return out;
}

/**
 * A trace's extra bridge definitions (validated with BridgeDefinitionSchema) -> registry contracts. A known
 * protocol ('across', 'optimism', 'base', 'op-stack' with destinationChain, 'arbitrum', 'polygon-pos') brings its
 * event shapes; otherwise `events` are required. Every ABI must parse and every named field must exist in it.
 */
export function resolveBridgeDefinitions(input: unknown): BridgeContract[] {
  return parseInput(BridgeDefinitionSchema.array(), input, 'Invalid bridge definitions').map((d, i) => {
    const where = `bridge definition ${i} (${d.protocol} at ${d.address})`;
    const fail = (message: string): never => {
      throw new InvalidInputError(`${where}: ${message}`, { details: { index: i, address: d.address, protocol: d.protocol } });
    };
    let chain: string;
    let destination: string | undefined;
    try {
      chain = getChain(d.chain).id;
      destination = d.destinationChain !== undefined ? getChain(d.destinationChain).id : undefined;
    } catch (error) {
      return fail((error as InvalidInputError).shortMessage ?? String(error));
    }
    if (getChain(chain).family !== 'evm') fail(`bridges are EVM contracts; ${chain} is not an EVM chain`);
    // Bridges whose deposit is a plain transfer (no event): Orbiter makers, the Avalanche Bridge.
    const transferDeposit =
      d.events || (d.protocol !== 'orbiter' && d.protocol !== 'avalanche-bridge')
        ? undefined
        : d.protocol === 'orbiter'
          ? { amountCode: 'orbiter' as const }
          : { destinationChain: destination ?? TEMPLATE_DESTINATION['avalanche-bridge']! };
    const template = d.events ? undefined : transferDeposit ? { events: [] } : templateEvents(d.protocol, destination);
    if (!d.events && !template) {
      fail(
        (BRIDGE_TEMPLATES as readonly string[]).includes(d.protocol)
          ? `protocol "${d.protocol}" needs destinationChain`
          : `unknown protocol "${d.protocol}": give its events, or use one of ${BRIDGE_TEMPLATES.join(', ')}`,
      );
    }
    const events = d.events ?? template!.events;
    const fills = d.fills ?? template?.fills;
    const check = (kind: string, abi: string, fields: (string | undefined)[], payload?: string) => {
      let known: Set<string>;
      try {
        known = eventFields(abi);
      } catch {
        return fail(`${kind} ABI does not parse as an event: ${abi.slice(0, 80)}`);
      }
      if (payload) for (const f of PAYLOAD_FIELDS) known.add(f);
      for (const f of fields) if (f !== undefined && !known.has(f)) fail(`${kind} field "${f}" is not in ${abi.slice(0, 80)}`);
    };
    for (const e of events) {
      if (e.payload && e.emitter === undefined) fail(`event with a ${e.payload} payload needs \`emitter\` (the contract that publishes it)`);
      check(
        'event',
        e.abi,
        [e.destinationChainIdField, e.recipientField, e.amountField, e.outputAmountField, e.tokenField, e.destinationTokenField, e.idField, e.memoField],
        e.payload,
      );
      if (e.destinationChain !== undefined) {
        try {
          getChain(e.destinationChain);
        } catch {
          fail(`unknown destination chain "${e.destinationChain}"`);
        }
      }
    }
    for (const f of fills ?? []) check('fill', f.abi, [f.originChainIdField, f.idField, f.recipientField, f.amountField, f.tokenField]);
    return {
      chain,
      address: d.address.toLowerCase(),
      protocol: d.protocol,
      name: d.name ?? `${d.protocol} bridge at ${d.address.toLowerCase()} (${chain})`,
      events: destination && d.events ? events.map((e) => ({ ...e, destinationChain: e.destinationChain ?? destination })) : events,
      ...(fills ? { fills } : {}),
      ...(transferDeposit ? { transferDeposit } : {}),
      reference: d.reference ?? 'trace option `bridges`',
    };
  });
}

/** One log as eth_getTransactionReceipt / eth_getLogs return it. */
export interface EvmLog {
  address: string;
  topics: readonly string[];
  data: string;
  logIndex?: number;
  transactionHash?: string;
}

/** Where funds that entered a bridge go, as far as the bridging transaction's event says. */
export interface BridgeExit {
  protocol: string;
  name: string;
  sourceChain: string;
  bridge: string;
  /** Event name that carried it (e.g. 'V3FundsDeposited'); 'transfer' for a bridge whose deposit is a plain transfer. */
  event: string;
  logIndex?: number;
  tx?: string;
  /** Canonical chaintrail chain id of the destination, when the event or the contract gives it. */
  destinationChain?: string;
  /** A destination chaintrail has no chain id for ('solana', 'sui', 'aptos', 'starknet', …), when the event names one. */
  destinationNetwork?: string;
  /** The destination chain number as the event gave it (EIP-155 id, or the protocol's own numbering). */
  destinationChainId?: string;
  /**
   * Recipient on the destination chain, when the event carries one: lower-case hex on EVM chains, base58 on Solana,
   * the address string on Bitcoin, 0x hex as given elsewhere.
   */
  recipient?: string;
  /** Source token (lower-case hex); absent for the native asset. */
  token?: string;
  /** Token on the destination chain (lower-case hex), when the event names it (OP Stack ERC-20, Across). */
  destinationToken?: string;
  /** Amount that left the source chain, in source base units. */
  amount: bigint;
  /** Amount the destination should receive (after protocol fees), when the event says. */
  outputAmount?: bigint;
  /** Protocol deposit id / sequence number, to match the arrival on the destination chain. */
  protocolId?: string;
  /** THORChain: the memo as sent, and the asset it swaps to (THORChain notation). */
  memo?: string;
  destinationAsset?: string;
  /** What the engine should say about it. */
  reason: string;
}

const interfaces = new WeakMap<BridgeEvent | BridgeFillEvent, Interface>();
function iface(event: BridgeEvent | BridgeFillEvent): Interface {
  let i = interfaces.get(event);
  if (!i) interfaces.set(event, (i = new (ethersAbi().Interface)([event.abi])));
  return i;
}

/** A field of a decoded event: a parameter name or a dotted path into a struct ('relayExecutionInfo.updatedRecipient'). */
function field(args: Result, path: string): unknown {
  let value: unknown = args;
  for (const part of path.split('.')) value = (value as Result).getValue(part);
  return value;
}

const ZERO_PREFIX = /^0x0{24}[0-9a-f]{40}$/i;
const NATIVE_PLACEHOLDERS = new Set(['0x0000000000000000000000000000000000000000', '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee']);

/**
 * An address field, a bytes32 holding a left-padded 20-byte address, or a uint256 holding one (zkSync); other values
 * (non-EVM recipients) as hex.
 */
function addressOf(value: unknown): { address?: string; raw: string } {
  const raw = typeof value === 'bigint' ? `0x${value.toString(16).padStart(64, '0')}` : String(value).toLowerCase();
  if (/^0x[0-9a-f]{40}$/.test(raw)) return { address: raw, raw };
  if (ZERO_PREFIX.test(raw)) return { address: `0x${raw.slice(26)}`, raw };
  return { raw };
}

/** A token field: lower-case hex, or undefined for the native asset (zero address, 0xEeee… placeholder, empty). */
function tokenOf(value: unknown): string | undefined {
  const address = addressOf(value).address;
  return address === undefined || NATIVE_PLACEHOLDERS.has(address) ? undefined : address;
}

/** Fields of a Wormhole token transfer payload an event definition may name (with `payload: 'wormhole-token-transfer'`). */
const PAYLOAD_FIELDS = ['amount', 'tokenAddress', 'tokenChain', 'to', 'toChain', 'fee', 'fromAddress'] as const;

/**
 * A Wormhole Token Bridge transfer payload (id 1: transfer; id 3: transfer with payload), as BridgeStructs.sol lays
 * it out: id u8, amount u256 (8 decimals at most), tokenAddress bytes32, tokenChain u16, to bytes32, toChain u16,
 * then fee u256 (id 1) or fromAddress bytes32 (id 3). Undefined for other messages (attestations, governance).
 */
export function decodeWormholeTransfer(payload: string): Record<(typeof PAYLOAD_FIELDS)[number], bigint | string> | undefined {
  const hex = payload.toLowerCase().replace(/^0x/, '');
  const id = hex.slice(0, 2);
  if ((id !== '01' && id !== '03') || hex.length < 2 * 133) return undefined;
  const at = (offset: number, bytes: number) => `0x${hex.slice(2 * offset, 2 * (offset + bytes))}`;
  return {
    amount: BigInt(at(1, 32)),
    tokenAddress: at(33, 32),
    tokenChain: BigInt(at(65, 2)),
    to: at(67, 32),
    toChain: BigInt(at(99, 2)),
    fee: id === '01' ? BigInt(at(101, 32)) : 0n,
    fromAddress: id === '03' ? at(101, 32) : '0x',
  };
}

/** Where a decoded event says the funds go: the contract's fixed chain, or the event's chain number mapped. */
function destinationFrom(event: BridgeEvent, chainIdValue: bigint | undefined): BridgeDestination | undefined {
  if (event.destinationChain) return { chain: event.destinationChain };
  if (chainIdValue === undefined) return undefined;
  return destinationOf(event.chainIds ?? 'evm', chainIdValue);
}

/** The decoded values of one log: the event's own arguments, and for a payload event the payload's fields. */
type Values = (path: string) => unknown;

function valuesOf(event: BridgeEvent, args: Result, bridge: BridgeContract): Values | undefined {
  if (event.payload !== 'wormhole-token-transfer') return (path) => field(args, path);
  // Only the Token Bridge's own messages are transfers (the core publishes for every emitter).
  if (String(args.getValue('sender')).toLowerCase() !== bridge.address.toLowerCase()) return undefined;
  const payload = decodeWormholeTransfer(String(args.getValue('payload')));
  if (!payload) return undefined;
  return (path) => (path in payload ? payload[path as keyof typeof payload] : field(args, path));
}

/**
 * Decodes the registered bridge events of `bridge` in one transaction's logs (emitted by the bridge, or by the
 * event's `emitter`). Each exit names protocol, destination chain (from the event, or fixed by the contract) and
 * recipient where the event carries them; logs of other contracts and other events are ignored. Optionally keeps
 * only exits of one source token (`token`, lower-case hex; null = native) so a tainted USDC transfer is not matched
 * to an ETH deposit in the same transaction. `decimals` (of the source token) scales a Wormhole amount, which the
 * payload gives in 8 decimals at most, back to base units.
 */
export function decodeBridgeExits(bridge: BridgeContract, logs: readonly EvmLog[], filter: { token?: string | null; decimals?: number } = {}): BridgeExit[] {
  const exits: BridgeExit[] = [];
  const taken = new Set<EvmLog>();
  const address = bridge.address.toLowerCase();
  for (const { log, event, args, name } of parsedEvents(address, bridge.events, logs)) {
    // One event per log: the first registered event that decodes it (and passes the filter).
    if (taken.has(log)) continue;
    const value = valuesOf(event, args, bridge);
    if (!value) continue;
    const wormhole = event.payload === 'wormhole-token-transfer';
    // A Wormhole payload names the token by its home chain: the source token only when it is native to the source.
    const homeToken = wormhole && Number(value('tokenChain')) === wormholeIdOf(bridge.chain);
    const token = wormhole
      ? homeToken
        ? tokenOf(value('tokenAddress'))
        : undefined
      : event.tokenField
        ? tokenOf(value(event.tokenField))
        : event.token?.toLowerCase();
    const tokenKnown = !wormhole || homeToken;
    if (filter.token !== undefined && tokenKnown && (filter.token ?? undefined) !== token) continue;
    const destinationToken = event.destinationTokenField ? tokenOf(value(event.destinationTokenField)) : undefined;
    const chainIdValue = event.destinationChainIdField ? BigInt(value(event.destinationChainIdField) as bigint) : undefined;
    const dest = destinationFrom(event, chainIdValue);
    const destinationChain = dest?.chain;
    let recipientValue = event.recipientField ? value(event.recipientField) : undefined;
    if (bridge.protocol === 'lifi' && String(recipientValue).toLowerCase() === LIFI_NON_EVM_RECEIVER) {
      recipientValue = lifiNonEvmReceiver(address, logs, String(value('bridgeData.transactionId')));
    }
    const rec = recipientValue === undefined ? undefined : addressOf(recipientValue);
    const nonEvm = dest !== undefined && (dest.network !== undefined || getChain(dest.chain!).family !== 'evm');
    const recipient = nonEvm
      ? recipientOn(dest, recipientValue)
      : rec?.address && destinationChain
        ? normalizeAddress(destinationChain, rec.address)
        : rec?.address;
    const idValue = event.idField ? String(value(event.idField)) : undefined;
    const where = destinationChain ?? dest?.network ?? (chainIdValue !== undefined ? `chain id ${chainIdValue}` : 'an unknown chain');
    let amount = BigInt(value(event.amountField) as bigint);
    if (wormhole && filter.decimals !== undefined && filter.decimals > 8) amount *= 10n ** BigInt(filter.decimals - 8);
    const via = bridge.protocol === 'lifi' ? String(value('bridgeData.bridge')) : undefined;
    exits.push({
      protocol: bridge.protocol,
      name: bridge.name,
      sourceChain: bridge.chain,
      bridge: address,
      event: name,
      ...(log.logIndex !== undefined ? { logIndex: log.logIndex } : {}),
      ...(log.transactionHash ? { tx: log.transactionHash } : {}),
      ...(destinationChain ? { destinationChain } : {}),
      ...(dest?.network ? { destinationNetwork: dest.network } : {}),
      ...(chainIdValue !== undefined ? { destinationChainId: chainIdValue.toString() } : {}),
      ...(recipient ? { recipient } : {}),
      ...(token ? { token } : {}),
      ...(destinationToken ? { destinationToken } : {}),
      amount,
      ...(event.outputAmountField ? { outputAmount: BigInt(value(event.outputAmountField) as bigint) } : {}),
      ...(idValue !== undefined ? { protocolId: idValue } : {}),
      reason:
        `entered ${bridge.name} (${bridge.protocol}): ${name} sends it to ${where}` +
        (via ? ` via ${via}` : '') +
        (recipient
          ? `, recipient ${recipient}`
          : rec?.raw && !nonEvm
            ? `, recipient ${rec.raw} (not an EVM address)`
            : event.recipientField
              ? ''
              : ' (the event names no recipient)') +
        (idValue !== undefined ? `, deposit id ${idValue}` : '') +
        (wormhole && filter.decimals === undefined ? ' (amount in the 8 decimals of the Wormhole payload)' : ''),
    });
    if (event.memoField) exits[exits.length - 1] = withMemo(exits.at(-1)!, String(value(event.memoField)), rec?.address);
    taken.add(log);
  }
  return exits;
}

/** A memo-carrying deposit (THORChain): destination and recipient come from the memo; the event's `to` is the vault. */
function withMemo(exit: BridgeExit, memo: string, vault: string | undefined): BridgeExit {
  const d = memoDestination(memo);
  const { destinationChain: _chain, destinationNetwork: _network, recipient: _recipient, protocolId: _id, ...rest } = exit;
  return {
    ...rest,
    ...(d.destinationChain ? { destinationChain: d.destinationChain } : d.destinationNetwork ? { destinationNetwork: d.destinationNetwork } : {}),
    ...(d.recipient ? { recipient: d.recipient } : {}),
    // THORChain names an inbound by its hash (upper-case, no 0x); its outbound carries OUT:<that id>.
    ...(exit.tx ? { protocolId: thorchainTxId(exit.tx) } : {}),
    memo,
    ...(d.destinationAsset ? { destinationAsset: d.destinationAsset } : {}),
    reason: `entered ${exit.name} (${exit.protocol})${vault ? ` for vault ${vault}` : ''}: ${d.says}`,
  };
}

const lifiCompanion: BridgeEvent = { abi: LIFI_NON_EVM_EVENT, amountField: 'destinationChainId' };

/** LI.FI: the receiver of a non-EVM destination, from BridgeToNonEVMChain with the same transaction id. */
function lifiNonEvmReceiver(address: string, logs: readonly EvmLog[], transactionId: string): unknown {
  for (const { args } of parsedEvents(address, [lifiCompanion], logs)) {
    if (String(args.getValue('transactionId')).toLowerCase() === transactionId.toLowerCase()) return args.getValue('receiver');
  }
  return LIFI_NON_EVM_RECEIVER;
}

/** A transfer into a bridge without deposit events: what decodeTransferDeposit reads. */
export interface BridgeTransferIn {
  from: string;
  amount: bigint;
  tx?: string;
  logIndex?: number;
  /** Lower-case hex token; absent = native. */
  token?: string;
}

/**
 * The deposit a plain transfer into a `transferDeposit` bridge makes: the recipient is the sender (on its own
 * address on the destination), the destination is the bridge's fixed chain or, for Orbiter, the chain the amount's
 * last four digits code. Undefined for other bridges, and for an Orbiter amount that codes no destination.
 */
export function decodeTransferDeposit(bridge: BridgeContract, transfer: BridgeTransferIn): BridgeExit | undefined {
  const rule = bridge.transferDeposit;
  if (!rule) return undefined;
  const coded = rule.amountCode === 'orbiter' ? orbiterDestination(transfer.amount) : undefined;
  if (rule.amountCode === 'orbiter' && !coded) return undefined;
  const dest: BridgeDestination | undefined = rule.destinationChain ? { chain: getChain(rule.destinationChain).id } : coded?.destination;
  const where = dest?.chain ?? dest?.network ?? `Orbiter code ${coded?.code} (a chain chaintrail does not know)`;
  const recipient = dest?.chain && getChain(dest.chain).family === 'evm' ? normalizeAddress(dest.chain, transfer.from) : transfer.from.toLowerCase();
  return {
    protocol: bridge.protocol,
    name: bridge.name,
    sourceChain: bridge.chain,
    bridge: bridge.address.toLowerCase(),
    event: 'transfer',
    ...(transfer.logIndex !== undefined ? { logIndex: transfer.logIndex } : {}),
    ...(transfer.tx ? { tx: transfer.tx } : {}),
    ...(dest?.chain ? { destinationChain: dest.chain } : {}),
    ...(dest?.network ? { destinationNetwork: dest.network } : {}),
    ...(coded ? { destinationChainId: String(coded.code) } : {}),
    recipient,
    ...(transfer.token ? { token: transfer.token.toLowerCase() } : {}),
    amount: transfer.amount,
    reason:
      `entered ${bridge.name} (${bridge.protocol}) by a plain transfer` +
      (coded ? ` whose amount ends in ${coded.code}: sends it to ${where}` : `: sends it to ${where}`) +
      `, recipient the sender ${recipient}`,
  };
}

/**
 * What can be said about funds entering `bridge` without its event (no receipt available): the protocol and, for a
 * single-destination bridge, the destination chain. The recipient stays unknown.
 */
export function bridgeEntry(bridge: BridgeContract): { protocol: string; name: string; destinationChain?: string; reason: string } {
  const fixed = new Set(bridge.transferDeposit ? [bridge.transferDeposit.destinationChain] : bridge.events.map((e) => e.destinationChain));
  const destinationChain = fixed.size === 1 ? [...fixed][0] : undefined;
  return {
    protocol: bridge.protocol,
    name: bridge.name,
    ...(destinationChain ? { destinationChain } : {}),
    reason: `entered ${bridge.name} (${bridge.protocol})${destinationChain ? ` towards ${destinationChain}` : ''}; recipient unknown without the bridge event`,
  };
}

/** Funds a bridge delivered on its own chain for a deposit made on another (an Across fill), from the fill event. */
export interface BridgeFill {
  protocol: string;
  name: string;
  /** Chain of the fill (the destination of the deposit). */
  chain: string;
  bridge: string;
  event: string;
  tx?: string;
  logIndex?: number;
  /** EIP-155 id of the origin chain as the event gave it. */
  originChainId?: string;
  /** The deposit id on the origin chain that this fill answers. */
  protocolId?: string;
  /** Who received the funds (lower-case hex). */
  recipient?: string;
  /** Delivered token (lower-case hex); absent = native. */
  token?: string;
  amount: bigint;
}

/** The logs `address` emitted that one of `events` decodes, with their arguments. */
function* parsedEvents<E extends BridgeEvent | BridgeFillEvent>(address: string, events: readonly E[], logs: readonly EvmLog[]) {
  for (const log of logs) {
    const from = log.address.toLowerCase();
    for (const event of events) {
      if (from !== (('emitter' in event && event.emitter?.toLowerCase()) || address)) continue;
      let parsed: LogDescription | null = null;
      try {
        parsed = iface(event).parseLog({ topics: [...log.topics], data: log.data });
      } catch {
        parsed = null;
      }
      if (parsed) yield { log, event, args: parsed.args, name: parsed.name };
    }
  }
}

/** Decodes the registered fill events emitted by `bridge` in one transaction's logs (other logs are ignored). */
export function decodeBridgeFills(bridge: BridgeContract, logs: readonly EvmLog[]): BridgeFill[] {
  const fills: BridgeFill[] = [];
  const taken = new Set<EvmLog>();
  const address = bridge.address.toLowerCase();
  for (const { log, event, args, name } of parsedEvents(address, bridge.fills ?? [], logs)) {
    // One fill per log: the first registered fill event that decodes it.
    if (taken.has(log)) continue;
    const recipient = addressOf(field(args, event.recipientField)).address;
    const token = event.tokenField ? tokenOf(field(args, event.tokenField)) : undefined;
    fills.push({
      protocol: bridge.protocol,
      name: bridge.name,
      chain: getChain(bridge.chain).id,
      bridge: address,
      event: name,
      ...(log.transactionHash ? { tx: log.transactionHash.toLowerCase() } : {}),
      ...(log.logIndex !== undefined ? { logIndex: log.logIndex } : {}),
      ...(event.originChainIdField ? { originChainId: String(field(args, event.originChainIdField)) } : {}),
      ...(event.idField ? { protocolId: String(field(args, event.idField)) } : {}),
      ...(recipient ? { recipient } : {}),
      ...(token ? { token } : {}),
      amount: field(args, event.amountField) as bigint,
    });
    taken.add(log);
  }
  return fills;
}
