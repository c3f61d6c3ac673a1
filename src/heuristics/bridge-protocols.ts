import type { BridgeContract, BridgeEvent, BridgeFillEvent } from './bridge-types.js';

/**
 * Event shapes and published deployments of the cross-chain routers and bridges besides the canonical rollup bridges
 * and Across (src/heuristics/bridges.ts). Pure data. Every address carries the URL of the list that states it; every
 * event signature is the protocol's own (the contract source named in the comment). An address is registered only
 * on the chains the protocol's list names for it.
 */

/** LI.FI Diamond: LiFiTransferStarted(BridgeData) (lifinance/contracts src/Interfaces/ILiFi.sol). */
export const lifiEvents: BridgeEvent[] = [
  {
    abi: 'event LiFiTransferStarted((bytes32 transactionId, string bridge, string integrator, address referrer, address sendingAssetId, address receiver, uint256 minAmount, uint256 destinationChainId, bool hasSourceSwaps, bool hasDestinationCall) bridgeData)',
    destinationChainIdField: 'bridgeData.destinationChainId',
    chainIds: 'lifi',
    recipientField: 'bridgeData.receiver',
    amountField: 'bridgeData.minAmount',
    tokenField: 'bridgeData.sendingAssetId',
    idField: 'bridgeData.transactionId',
  },
];
/** LI.FI's placeholder receiver for non-EVM destinations; the real one is in BridgeToNonEVMChain (ILiFi.sol). */
export const LIFI_NON_EVM_RECEIVER = '0x11f111f111f111f111f111f111f111f111f111f1';
export const LIFI_NON_EVM_EVENT = 'event BridgeToNonEVMChain(bytes32 indexed transactionId, uint256 indexed destinationChainId, bytes receiver)';

/** Celer cBridge pool-based Bridge: Send on the source, Relay on the destination (celer-network/sgn-v2-contracts Bridge.sol). */
export const cbridgeEvents: BridgeEvent[] = [
  {
    abi: 'event Send(bytes32 transferId, address sender, address receiver, address token, uint256 amount, uint64 dstChainId, uint64 nonce, uint32 maxSlippage)',
    destinationChainIdField: 'dstChainId',
    recipientField: 'receiver',
    amountField: 'amount',
    tokenField: 'token',
    idField: 'transferId',
  },
];
export const cbridgeFills: BridgeFillEvent[] = [
  {
    abi: 'event Relay(bytes32 transferId, address sender, address receiver, address token, uint256 amount, uint64 srcChainId, bytes32 srcTransferId)',
    originChainIdField: 'srcChainId',
    idField: 'srcTransferId',
    recipientField: 'receiver',
    amountField: 'amount',
    tokenField: 'token',
  },
];

/**
 * Stargate v1 Pool: Swap names the LayerZero v1 destination chain, not the recipient (that travels in the LayerZero
 * payload) (stargate-protocol/stargate contracts/Pool.sol). `token`: the pool's token.
 */
export const stargateV1Events = (token?: string): BridgeEvent[] => [
  {
    abi: 'event Swap(uint16 chainId, uint256 dstPoolId, address from, uint256 amountSD, uint256 eqReward, uint256 eqFee, uint256 protocolFee, uint256 lpFee)',
    destinationChainIdField: 'chainId',
    chainIds: 'layerzero-v1',
    amountField: 'amountSD',
    ...(token ? { token } : {}),
  },
];

/** Stargate v2 pools (OFT): OFTSent names the LayerZero v2 endpoint id and the message guid (stargate-v2 StargateBase.sol, IOFT). */
export const stargateV2Events = (token?: string): BridgeEvent[] => [
  {
    abi: 'event OFTSent(bytes32 indexed guid, uint32 dstEid, address indexed fromAddress, uint256 amountSentLD, uint256 amountReceivedLD)',
    destinationChainIdField: 'dstEid',
    chainIds: 'layerzero-v2',
    amountField: 'amountSentLD',
    outputAmountField: 'amountReceivedLD',
    idField: 'guid',
    ...(token ? { token } : {}),
  },
];

/** Hop: L1 bridges emit TransferSentToL2, L2 bridges TransferSent (hop-protocol/contracts L1_Bridge.sol, L2_Bridge.sol). */
export const hopEvents = (token?: string): BridgeEvent[] => [
  {
    abi: 'event TransferSentToL2(uint256 indexed chainId, address indexed recipient, uint256 amount, uint256 amountOutMin, uint256 deadline, address indexed relayer, uint256 relayerFee)',
    destinationChainIdField: 'chainId',
    recipientField: 'recipient',
    amountField: 'amount',
    ...(token ? { token } : {}),
  },
  {
    abi: 'event TransferSent(bytes32 indexed transferId, uint256 indexed chainId, address indexed recipient, uint256 amount, bytes32 transferNonce, uint256 bonderFee, uint256 index, uint256 amountOutMin, uint256 deadline)',
    destinationChainIdField: 'chainId',
    recipientField: 'recipient',
    amountField: 'amount',
    idField: 'transferId',
    ...(token ? { token } : {}),
  },
];

/** SynapseBridge deposit and redeem events (synapsecns/synapse-contracts contracts/bridge/SynapseBridge.sol). */
const synapse = (name: string, extra = '') => ({
  abi: `event ${name}(address indexed to, uint256 chainId, address token, uint256 amount${extra})`,
  destinationChainIdField: 'chainId',
  recipientField: 'to',
  amountField: 'amount',
  tokenField: 'token',
});
export const synapseEvents: BridgeEvent[] = [
  synapse('TokenDeposit'),
  synapse('TokenRedeem'),
  synapse('TokenDepositAndSwap', ', uint8 tokenIndexFrom, uint8 tokenIndexTo, uint256 minDy, uint256 deadline'),
  synapse('TokenRedeemAndSwap', ', uint8 tokenIndexFrom, uint8 tokenIndexTo, uint256 minDy, uint256 deadline'),
  synapse('TokenRedeemAndRemove', ', uint8 swapTokenIndex, uint256 swapMinAmount, uint256 swapDeadline'),
];

/** Symbiosis Portal: SynthesizeRequest (symbiosis-finance/core-contracts contracts/synth-core/Portal.sol). */
export const symbiosisEvents: BridgeEvent[] = [
  {
    abi: 'event SynthesizeRequest(bytes32 id, address indexed from, uint256 indexed chainID, address indexed revertableAddress, address to, uint256 amount, address token)',
    destinationChainIdField: 'chainID',
    recipientField: 'to',
    amountField: 'amount',
    tokenField: 'token',
    idField: 'id',
  },
];

/** deBridge DLN order: the Order struct of DlnSource.CreatedOrder and DlnDestination.FulfilledOrder (debridge-finance/dln-contracts). */
const DLN_ORDER =
  '(uint64 makerOrderNonce, bytes makerSrc, uint256 giveChainId, bytes giveTokenAddress, uint256 giveAmount, uint256 takeChainId, bytes takeTokenAddress, uint256 takeAmount, bytes receiverDst, bytes givePatchAuthoritySrc, bytes orderAuthorityAddressDst, bytes allowedTakerDst, bytes allowedCancelBeneficiarySrc, bytes externalCall) order';
export const debridgeEvents: BridgeEvent[] = [
  {
    abi: `event CreatedOrder(${DLN_ORDER}, bytes32 orderId, bytes affiliateFee, uint256 nativeFixFee, uint256 percentFee, uint32 referralCode, bytes metadata)`,
    destinationChainIdField: 'order.takeChainId',
    chainIds: 'debridge',
    recipientField: 'order.receiverDst',
    amountField: 'order.giveAmount',
    outputAmountField: 'order.takeAmount',
    tokenField: 'order.giveTokenAddress',
    destinationTokenField: 'order.takeTokenAddress',
    idField: 'orderId',
  },
];
export const debridgeFills: BridgeFillEvent[] = [
  {
    abi: `event FulfilledOrder(${DLN_ORDER}, bytes32 orderId, address sender, address unlockAuthority)`,
    originChainIdField: 'order.giveChainId',
    idField: 'orderId',
    recipientField: 'order.receiverDst',
    amountField: 'order.takeAmount',
    tokenField: 'order.takeTokenAddress',
  },
];

/**
 * Wormhole Token Bridge: it publishes each transfer through the core contract's LogMessagePublished; the payload
 * (id 1 transfer, 3 transfer with payload) holds amount (8 decimals at most), token, recipient and recipient chain
 * (wormhole-foundation/wormhole ethereum/contracts/bridge/BridgeStructs.sol, Implementation.sol).
 */
export const wormholeEvents = (core: string): BridgeEvent[] => [
  {
    abi: 'event LogMessagePublished(address indexed sender, uint64 sequence, uint32 nonce, bytes payload, uint8 consistencyLevel)',
    emitter: core,
    payload: 'wormhole-token-transfer',
    destinationChainIdField: 'toChain',
    chainIds: 'wormhole',
    recipientField: 'to',
    amountField: 'amount',
    idField: 'sequence',
  },
];

/**
 * zkSync Era: a deposit through the Diamond proxy's requestL2Transaction emits NewPriorityRequest; `transaction.to`
 * is the L2 recipient and `transaction.value` what it receives (matter-labs/era-contracts IMailbox.sol, L2CanonicalTransaction).
 */
export const zksyncEvents: BridgeEvent[] = [
  {
    abi: 'event NewPriorityRequest(uint256 txId, bytes32 txHash, uint64 expirationTimestamp, (uint256 txType, uint256 from, uint256 to, uint256 gasLimit, uint256 gasPerPubdataByteLimit, uint256 maxFeePerGas, uint256 maxPriorityFeePerGas, uint256 paymaster, uint256 nonce, uint256 value, uint256[4] reserved, bytes data, bytes signature, uint256[] factoryDeps, bytes paymasterInput, bytes reservedDynamic) transaction, bytes[] factoryDeps)',
    destinationChain: 'evm:324',
    recipientField: 'transaction.to',
    amountField: 'transaction.value',
    idField: 'txId',
  },
];

// Tokens of single-token pools (the issuers' mainnet contracts).
const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
const USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';

const MAJOR = ['ethereum', 'evm:42161', 'evm:10', 'evm:137', 'evm:8453', 'evm:56', 'evm:43114'];
const CHAIN_NAMES: Record<string, string> = {
  ethereum: 'Ethereum',
  'evm:42161': 'Arbitrum',
  'evm:10': 'Optimism',
  'evm:137': 'Polygon',
  'evm:8453': 'Base',
  'evm:56': 'BNB Chain',
  'evm:43114': 'Avalanche',
};

const LIFI_REF = 'https://docs.li.fi/smart-contracts/deployments-contract-addresses (LI.FI Diamond, same address on these networks)';
const CBRIDGE_REF = 'https://cbridge-docs.celer.network/reference/contract-addresses (Bridge Contract, pool-based bridge)';
const DLN_REF = 'https://docs.debridge.com/dln-details/overview/deployed-contracts (DlnSource, DlnDestination: same address on EVM chains)';
const SYNAPSE_REF = 'https://docs.synapseprotocol.com/docs/Contracts/Synapse-Router (SynapseBridge per chain)';
const STARGATE_V1_REF = 'https://stargateprotocol.gitbook.io/stargate/developers/contract-addresses/mainnet (Pool.sol)';
const STARGATE_V2_REF = 'https://docs.stargate.finance/resources/contracts/mainnet-contracts (Ethereum)';

export const PROTOCOL_BRIDGES: readonly BridgeContract[] = [
  ...MAJOR.map((chain) => ({
    chain,
    address: '0x1231deb6f5749ef6ce6943a275a1d3e7486f4eae',
    protocol: 'lifi',
    name: `LI.FI Diamond (${CHAIN_NAMES[chain]})`,
    events: lifiEvents,
    reference: LIFI_REF,
  })),
  ...(
    [
      ['ethereum', '0x5427fefa711eff984124bfbb1ab6fbf5e3da1820'],
      ['evm:42161', '0x1619de6b6b20ed217a58d00f37b9d47c7663feca'],
      ['evm:56', '0xdd90e5e87a2081dcf0391920868ebc2ffb81a1af'],
      ['evm:43114', '0xef3c714c9425a8f3697a9c969dc1af30ba82e5d4'],
    ] as const
  ).map(([chain, address]) => ({
    chain,
    address,
    protocol: 'cbridge',
    name: `Celer cBridge (${CHAIN_NAMES[chain]})`,
    events: cbridgeEvents,
    fills: cbridgeFills,
    reference: CBRIDGE_REF,
  })),
  ...MAJOR.flatMap((chain) => [
    {
      chain,
      address: '0xef4fb24ad0916217251f553c0596f8edc630eb66',
      protocol: 'debridge',
      name: `deBridge DlnSource (${CHAIN_NAMES[chain]})`,
      events: debridgeEvents,
      reference: DLN_REF,
    },
    {
      chain,
      address: '0xe7351fd770a37282b91d153ee690b63579d6dd7f',
      protocol: 'debridge',
      name: `deBridge DlnDestination (${CHAIN_NAMES[chain]})`,
      events: [],
      fills: debridgeFills,
      reference: DLN_REF,
    },
  ]),
  ...(
    [
      ['ethereum', '0x2796317b0ff8538f253012862c06787adfb8ceb6'],
      ['evm:42161', '0x6f4e8eba4d337f874ab57478acc2cb5bacdc19c9'],
      ['evm:43114', '0xc05e61d0e7a63d27546389b7ad62fdff5a91aace'],
      ['evm:8453', '0xf07d1c752fab503e47fef309bf14fbdd3e867089'],
      ['evm:56', '0xd123f70ae324d34a9e76b67a27bf77593ba8749f'],
    ] as const
  ).map(([chain, address]) => ({
    chain,
    address,
    protocol: 'synapse',
    name: `SynapseBridge (${CHAIN_NAMES[chain]})`,
    events: synapseEvents,
    reference: SYNAPSE_REF,
  })),
  {
    chain: 'ethereum',
    address: '0xdf0770df86a8034b3efef0a1bb3c889b8332ff56',
    protocol: 'stargate',
    name: 'Stargate v1 Pool USDC (Ethereum)',
    events: stargateV1Events(USDC),
    reference: STARGATE_V1_REF,
  },
  {
    chain: 'ethereum',
    address: '0x38ea452219524bb87e18de1c24d3bb59510bd783',
    protocol: 'stargate',
    name: 'Stargate v1 Pool USDT (Ethereum)',
    events: stargateV1Events(USDT),
    reference: STARGATE_V1_REF,
  },
  {
    chain: 'ethereum',
    address: '0x77b2043768d28e9c9ab44e1abfc95944bce57931',
    protocol: 'stargate',
    name: 'Stargate v2 StargatePoolNative (Ethereum)',
    events: stargateV2Events(),
    reference: STARGATE_V2_REF,
  },
  {
    chain: 'ethereum',
    address: '0xc026395860db2d07ee33e05fe50ed7bd583189c7',
    protocol: 'stargate',
    name: 'Stargate v2 StargatePoolUSDC (Ethereum)',
    events: stargateV2Events(USDC),
    reference: STARGATE_V2_REF,
  },
  {
    chain: 'ethereum',
    address: '0x933597a323eb81cae705c5bc29985172fd5a3973',
    protocol: 'stargate',
    name: 'Stargate v2 StargatePoolUSDT (Ethereum)',
    events: stargateV2Events(USDT),
    reference: STARGATE_V2_REF,
  },
  {
    chain: 'ethereum',
    address: '0xb8901acb165ed027e32754e0ffe830802919727f',
    protocol: 'hop',
    name: 'Hop L1 ETH Bridge',
    events: hopEvents(),
    reference: 'https://github.com/hop-protocol/hop packages/core/src/addresses/mainnet.ts (bridges.ETH.ethereum.l1Bridge)',
  },
  {
    chain: 'ethereum',
    address: '0x3666f603cc164936c1b87e207f36beba4ac5f18a',
    protocol: 'hop',
    name: 'Hop L1 USDC Bridge',
    events: hopEvents(USDC),
    reference: 'https://github.com/hop-protocol/hop packages/core/src/addresses/mainnet.ts (bridges.USDC.ethereum.l1Bridge)',
  },
  {
    chain: 'ethereum',
    address: '0xb8f275fbf7a959f4bce59999a2ef122a099e81a8',
    protocol: 'symbiosis',
    name: 'Symbiosis Portal (Ethereum)',
    events: symbiosisEvents,
    reference:
      'https://github.com/symbiosis-finance/core-contracts (Portal); address as listed in https://github.com/DefiLlama/bridges-server src/adapters/symbiosis/contracts.ts',
  },
  {
    chain: 'ethereum',
    address: '0x3ee18b2214aff97000d974cf647e7c347e8fa585',
    protocol: 'wormhole',
    name: 'Wormhole Token Bridge (Ethereum)',
    events: wormholeEvents('0x98f3c9e6e3face36baad05fe09d375ef1464288b'),
    reference: 'https://wormhole.com/docs/products/reference/contract-addresses/ (Core Contracts and Token Bridge / WTT, Ethereum)',
  },
  {
    chain: 'ethereum',
    address: '0x32400084c286cf3e17e7b677ea9583e60a000324',
    protocol: 'zksync',
    name: 'zkSync Era Diamond proxy',
    events: zksyncEvents,
    reference: 'https://docs.zksync.io/zksync-era/environment/l1-contracts (DiamondProxy)',
  },
  // No event: a transfer to the maker is the deposit; the amount's last four digits code the destination.
  ...['ethereum', 'evm:42161', 'evm:10', 'evm:137', 'evm:8453', 'evm:56'].map((chain) => ({
    chain,
    address: '0x80c67432656d59144ceff962e8faf8926599bcf8',
    protocol: 'orbiter',
    name: `Orbiter Finance maker (${CHAIN_NAMES[chain]})`,
    events: [],
    transferDeposit: { amountCode: 'orbiter' as const },
    reference: 'https://docs.orbiter.finance/faq/maker-addresses (maker 0x80C6…bCF8, the same EOA on EVM chains)',
  })),
  {
    chain: 'ethereum',
    address: '0x8eb8a3b98659cce290402893d0123abb75e3ab28',
    protocol: 'avalanche-bridge',
    name: 'Avalanche Bridge (Ethereum)',
    events: [],
    transferDeposit: { destinationChain: 'evm:43114' },
    reference:
      'https://github.com/DefiLlama/DefiLlama-Adapters projects/avalanche-bridge (the bridge wallet on Ethereum; no protocol list names it): an ERC-20 transfer to it is minted to the sender on the C-Chain',
  },
];
