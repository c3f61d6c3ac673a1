import { Interface, type LogDescription } from 'ethers';
import { getChain } from '../core/chain.js';
import { normalizeAddress } from '../core/address.js';

/**
 * Bridge contracts: where funds enter a bridge on a source chain, and which event of that contract names the
 * destination chain and recipient. Pure data plus pure decoding; no I/O. The engine asks `findBridge` when a
 * tainted transfer reaches an address, and `decodeBridgeExits` with the logs of that transaction.
 */
export interface BridgeEvent {
  /** Human-readable ABI of the event, as ethers reads it. */
  abi: string;
  /** Destination chain when the contract serves one chain only (OP Mainnet, Base, Arbitrum One, Polygon PoS). */
  destinationChain?: string;
  /** Event field with the destination's EIP-155 chain id (multi-destination bridges such as Across). */
  destinationChainIdField?: string;
  /** Event field with the recipient on the destination chain (address, or bytes32 holding an address). */
  recipientField: string;
  /** Event field with the amount that left the source chain. */
  amountField: string;
  /** Event field with the amount to be delivered on the destination chain, when it differs (fees). */
  outputAmountField?: string;
  /** Event field with the source token; absent = the chain's native asset. */
  tokenField?: string;
  /** Event field with the token delivered on the destination chain, when the event names it. */
  destinationTokenField?: string;
  /** Event field with the protocol's deposit id / sequence number, to match the arrival on the destination. */
  idField?: string;
}

export interface BridgeContract {
  /** Source chain of the contract (canonical chaintrail id). */
  chain: string;
  /** Lower-case hex address. */
  address: string;
  /** Stable protocol id: 'optimism', 'base', 'arbitrum', 'polygon-pos', 'across'. */
  protocol: string;
  /** What the contract is, for people. */
  name: string;
  events: BridgeEvent[];
  /** Public reference for the address and the events. */
  reference: string;
}

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
  { chain: 'ethereum', address: '0x5c7bcd6e7de5423a257d81b442095a1a6ced35c5', protocol: 'across', name: 'Across SpokePool (Ethereum)', events: acrossEvents, reference: ACROSS_REF },
  { chain: 'evm:42161', address: '0xe35e9842fceaca96570b734083f4a58e8f7c5f2a', protocol: 'across', name: 'Across SpokePool (Arbitrum)', events: acrossEvents, reference: ACROSS_REF },
  { chain: 'evm:10', address: '0x6f26bf09b1c792e3228e5467807a900a503c0281', protocol: 'across', name: 'Across SpokePool (Optimism)', events: acrossEvents, reference: ACROSS_REF },
  { chain: 'evm:137', address: '0x9295ee1d8c5b022be115a2ad3c30c72e34e7f096', protocol: 'across', name: 'Across SpokePool (Polygon)', events: acrossEvents, reference: ACROSS_REF },
  { chain: 'evm:8453', address: '0x09aea4b2242abc8bb4bb78d537a67a245a7bec64', protocol: 'across', name: 'Across SpokePool (Base)', events: acrossEvents, reference: ACROSS_REF },
] satisfies BridgeContract[]);

const byKey = new Map(BRIDGE_REGISTRY.map((b) => [`${b.chain}|${b.address}`, b]));

/** The registered bridge at that address on that chain, if any (address in any case). */
export function findBridge(chain: string, address: string, registry: readonly BridgeContract[] = BRIDGE_REGISTRY): BridgeContract | undefined {
  const id = getChain(chain).id;
  const key = `${id}|${address.toLowerCase()}`;
  if (registry === BRIDGE_REGISTRY) return byKey.get(key);
  return registry.find((b) => `${getChain(b.chain).id}|${b.address.toLowerCase()}` === key);
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
  /** Event name that carried it (e.g. 'V3FundsDeposited'). */
  event: string;
  logIndex?: number;
  tx?: string;
  /** Canonical chaintrail chain id of the destination, when the event or the contract gives it. */
  destinationChain?: string;
  /** EIP-155 chain id as the event gave it (also when chaintrail has no chain for it). */
  destinationChainId?: string;
  /** Recipient on the destination chain (lower-case hex for EVM), when the event carries one. */
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
  /** What the engine should say about it. */
  reason: string;
}

const interfaces = new WeakMap<BridgeEvent, Interface>();
function iface(event: BridgeEvent): Interface {
  let i = interfaces.get(event);
  if (!i) interfaces.set(event, (i = new Interface([event.abi])));
  return i;
}

const ZERO_PREFIX = /^0x0{24}[0-9a-f]{40}$/i;

/** An address field, or a bytes32 holding a left-padded 20-byte address; other bytes32 (non-EVM recipients) as hex. */
function addressOf(value: unknown): { address?: string; raw: string } {
  const raw = String(value).toLowerCase();
  if (/^0x[0-9a-f]{40}$/.test(raw)) return { address: raw, raw };
  if (ZERO_PREFIX.test(raw)) return { address: `0x${raw.slice(26)}`, raw };
  return { raw };
}

function chainForId(id: bigint): string | undefined {
  try {
    return getChain(`evm:${id.toString()}`).id;
  } catch {
    return undefined;
  }
}

/**
 * Decodes the registered bridge events emitted by `bridge` in one transaction's logs. Each exit names protocol,
 * destination chain (from the event, or fixed by the contract) and recipient where the event carries them; logs of
 * other contracts and other events are ignored. Optionally keeps only exits of one source token (`token`, lower-case
 * hex; null = native) so a tainted USDC transfer is not matched to an ETH deposit in the same transaction.
 */
export function decodeBridgeExits(
  bridge: BridgeContract,
  logs: readonly EvmLog[],
  filter: { token?: string | null } = {},
): BridgeExit[] {
  const exits: BridgeExit[] = [];
  const address = bridge.address.toLowerCase();
  for (const log of logs) {
    if (log.address.toLowerCase() !== address) continue;
    for (const event of bridge.events) {
      let parsed: LogDescription | null = null;
      try {
        parsed = iface(event).parseLog({ topics: [...log.topics], data: log.data });
      } catch {
        parsed = null;
      }
      if (!parsed) continue;
      const args = parsed.args;
      const token = event.tokenField ? addressOf(args.getValue(event.tokenField)).address : undefined;
      if (filter.token !== undefined && (filter.token ?? undefined) !== token) continue;
      const destinationToken = event.destinationTokenField ? addressOf(args.getValue(event.destinationTokenField)).address : undefined;
      const rec = addressOf(args.getValue(event.recipientField));
      const chainIdValue = event.destinationChainIdField ? (args.getValue(event.destinationChainIdField) as bigint) : undefined;
      const destinationChain = event.destinationChain ?? (chainIdValue !== undefined ? chainForId(chainIdValue) : undefined);
      const recipient = rec.address && destinationChain ? normalizeAddress(destinationChain, rec.address) : rec.address;
      const idValue = event.idField ? String(args.getValue(event.idField)) : undefined;
      const where = destinationChain ?? (chainIdValue !== undefined ? `chain id ${chainIdValue}` : 'an unknown chain');
      exits.push({
        protocol: bridge.protocol,
        name: bridge.name,
        sourceChain: bridge.chain,
        bridge: address,
        event: parsed.name,
        ...(log.logIndex !== undefined ? { logIndex: log.logIndex } : {}),
        ...(log.transactionHash ? { tx: log.transactionHash } : {}),
        ...(destinationChain ? { destinationChain } : {}),
        ...(chainIdValue !== undefined ? { destinationChainId: chainIdValue.toString() } : {}),
        ...(recipient ? { recipient } : {}),
        ...(token ? { token } : {}),
        ...(destinationToken ? { destinationToken } : {}),
        amount: args.getValue(event.amountField) as bigint,
        ...(event.outputAmountField ? { outputAmount: args.getValue(event.outputAmountField) as bigint } : {}),
        ...(idValue !== undefined ? { protocolId: idValue } : {}),
        reason:
          `entered ${bridge.name} (${bridge.protocol}): ${parsed.name} sends it to ${where}` +
          (recipient ? `, recipient ${recipient}` : rec.raw ? `, recipient ${rec.raw} (not an EVM address)` : '') +
          (idValue !== undefined ? `, deposit id ${idValue}` : ''),
      });
      break;
    }
  }
  return exits;
}

/**
 * What can be said about funds entering `bridge` without its event (no receipt available): the protocol and, for a
 * single-destination bridge, the destination chain. The recipient stays unknown.
 */
export function bridgeEntry(bridge: BridgeContract): { protocol: string; name: string; destinationChain?: string; reason: string } {
  const fixed = new Set(bridge.events.map((e) => e.destinationChain));
  const destinationChain = fixed.size === 1 ? [...fixed][0] : undefined;
  return {
    protocol: bridge.protocol,
    name: bridge.name,
    ...(destinationChain ? { destinationChain } : {}),
    reason: `entered ${bridge.name} (${bridge.protocol})${destinationChain ? ` towards ${destinationChain}` : ''}; recipient unknown without the bridge event`,
  };
}
