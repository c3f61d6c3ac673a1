// The root entry `chaintrail`: tracing, the EVM/TRON/explorer/fixture sources, labels, taint, heuristics and the
// JSON/CSV/summary/graph reports. Re-exports only, by name. Heavy or optional parts live in their own entries:
// `chaintrail/bitcoin`, `chaintrail/warehouse`, `chaintrail/cases`, `chaintrail/html`, `chaintrail/cli`.
export {
  ChaintrailError,
  InvalidInputError,
  InvalidAddressError,
  AdapterError,
  RateLimitError,
  ResponseShapeError,
  NotFoundError,
  TraceAbortedError,
  TraceIncompleteError,
  MissingDependencyError,
  ReportTooLargeError,
  MemoError,
  isChaintrailError,
  type ErrorDetails,
  type ChaintrailErrorOptions,
} from './core/errors.js';
export { getChain, chainId, evmChain, type ChainInfo, type ChainFamily } from './core/chain.js';
export { normalizeAddress, formatAddress, isValidAddress, tronBase58ToHex, tronHexToBase58, tronFromEvmHex } from './core/address.js';
export { assetKey, nativeAsset, formatUnits, parseUnits } from './core/asset.js';
export { isJurisdiction, crossBorder } from './core/jurisdiction.js';
export { stablecoins, freezableStablecoin, registerStablecoin, isLookalikeToken, type Stablecoin } from './core/stablecoins.js';
export type { AccountTransfer, UtxoTransaction, UtxoInput, UtxoOutput } from './core/movement.js';
export {
  TimeInputSchema,
  JurisdictionSchema,
  CategorySchema,
  AssetRefSchema,
  LabelSchema,
  SeedSchema,
  BridgeEventSchema,
  BridgeFillEventSchema,
  BRIDGE_TEMPLATES,
  BridgeDefinitionSchema,
  TraceSettingsSchema,
  EndpointKindSchema,
  ReportAssetSchema,
  BridgeDepositReportSchema,
  EndpointSchema,
  ConversionReportSchema,
  TraceReportSchema,
  type AssetRef,
  type Label,
  type Category,
  type SeedInput,
  type Seed,
  type BridgeDefinitionInput,
  type BridgeDefinition,
  type TraceSettingsInput,
  type TraceSettings,
  type EndpointKind,
  type Endpoint,
  type ConversionReport,
  type TraceReport,
} from './core/schema.js';
export type {
  ChainAdapter,
  AdapterCapabilities,
  AdapterStats,
  TransferQuery,
  TransferResult,
  TransferIds,
  TransferTable,
  AddressIds,
  TransactionResult,
  TransactionLog,
  TransactionMovements,
  Evidence,
} from './adapters/adapter.js';
// Sources: fixture datasets, EVM JSON-RPC, Etherscan/Blockscout, TronGrid; the answer cache they share.
export { createFixtureAdapter, loadFixtureDataset, type FixtureAdapterOptions } from './adapters/fixture/adapter.js';
export { FixtureDatasetSchema, type FixtureDatasetInput } from './adapters/fixture/schema.js';
export { createEvmRpcAdapter, type EvmRpcAdapter, type EvmRpcStats } from './adapters/evm-rpc/adapter.js';
export { EvmRpcOptionsSchema, type EvmRpcAdapterOptions } from './adapters/evm-rpc/options.js';
export { createEtherscanAdapter, ETHERSCAN_V2_URL, type EtherscanAdapterOptions } from './adapters/etherscan/adapter.js';
export { createTronGridAdapter, TRONGRID_URL, type TronGridAdapterOptions } from './adapters/tron/adapter.js';
export { createResponseCache, type ResponseCache, type CachedAnswer, type CacheOptions } from './cache/store.js';
// Labels.
export { createLabelStore, type LabelStore } from './labels/store.js';
export { parseLabelCsv, readLabelCsv, LABEL_CSV_HEADER } from './labels/formats/csv.js';
export { parseLabelJson, readLabelJson } from './labels/formats/json.js';
export {
  readLabelFile,
  loadLabelFiles,
  loadLabelSources,
  detectLabelFormat,
  LabelSourceSchema,
  LabelFormatSchema,
  LABEL_FORMATS,
  type LabelSource,
  type LabelSourceInput,
  type LabelFormat,
  type LoadedLabels,
  type LoadLabelSourcesOptions,
  type SourceReport,
} from './labels/load.js';
export { type ImportSummary, type ImportIssue, type ImportIssueCode, type LabelImport, formatSummary } from './labels/summary.js';
export {
  parseTagPack,
  readTagPack,
  parseActorPack,
  readActorPack,
  createActorIndex,
  graphSenseCategory,
  GRAPHSENSE_CONFIDENCE,
  GRAPHSENSE_CATEGORIES,
  type ActorIndex,
  type GraphSenseActor,
} from './labels/formats/graphsense.js';
export { parseOfacList, readOfacList, OFAC_ENTITY } from './labels/formats/ofac.js';
export { parseEtherscanJson, parseEtherscanCsv, readEtherscanLabels, etherscanCategory, etherscanEntity } from './labels/formats/etherscan.js';
export { chainForCurrency } from './labels/currency.js';
export { builtinLabels, createBuiltinLabelStore, labelPackSources } from './labels/builtin.js';
export type { LabelPackSource } from './labels/pack/format.js';
export { parseEthLabelsAccounts, readEthLabelsDir, ETH_LABELS_CHAINS } from './labels/formats/eth-labels.js';
export {
  screenAddresses,
  screenCounts,
  chainOfAddressForm,
  labelsOnChain,
  ScreenInputSchema,
  ScreenOptionsSchema,
  type ScreenInput,
  type ScreenOptions,
  type ScreenRow,
  type ScreenHit,
  type ScreenInvalid,
  type ScreenLabel,
  type ChainFrom,
} from './labels/screen.js';
export { parseAddressList, type ListedAddress } from './labels/screen-input.js';
// Heuristics and taint.
export {
  BRIDGE_REGISTRY,
  findBridge,
  decodeBridgeExits,
  decodeBridgeFills,
  decodeTransferDeposit,
  decodeWormholeTransfer,
  bridgeEntry,
  createBridgeRegistry,
  resolveBridgeDefinitions,
  type BridgeContract,
  type BridgeEvent,
  type BridgeFillEvent,
  type BridgeExit,
  type BridgeFill,
  type BridgeRegistry,
  type EvmLog,
} from './heuristics/bridges.js';
export {
  parseThorchainMemo,
  parseThorchainAsset,
  memoDestination,
  THORCHAIN_ROUTERS,
  type ThorchainMemo,
  type ThorchainAsset,
  type MemoDestination,
} from './heuristics/thorchain.js';
export {
  matchBridgeArrival,
  arrivalKey,
  type BridgeArrival,
  type BridgeDeparture,
  type BridgeMatch,
  type BridgeMatchMethod,
  type BridgeMatchRule,
} from './heuristics/bridge-match.js';
export { LEDGER_MODELS, createLedger, type Ledger, type LedgerModelName } from './taint/ledger.js';
export { classifyByLabel, type Terminal, type TerminalKind } from './heuristics/classify.js';
export { SERVICE_CATEGORIES, isService, type ServiceCategory } from './core/service.js';
export {
  inferDepositAddress,
  depositConfidence,
  type DepositBehaviour,
  type DepositDecision,
  type DepositEvidence,
  type DepositMovement,
  type DepositRule,
} from './heuristics/deposit.js';
export { spamReason, type SpamReason } from './heuristics/spam.js';
// Tracing.
export { trace, parseTraceSettings, type TraceOptions, type TraceProgress, type TraceResult, type TraceRunStats } from './trace/trace.js';
export type { TraceGraph } from './engine/graph.js';
export {
  convergence,
  victimConvergenceToSummary,
  ConvergenceReportSchema,
  VictimInputSchema,
  type ConvergenceReport,
  type VictimConvergenceOptions,
  type VictimInput,
} from './trace/convergence.js';
// Reports (HTML: `chaintrail/html`).
export { reportToJson } from './report/json.js';
export {
  writeReportJson,
  writeReportJsonSync,
  reportJsonChunks,
  ReportWriteError,
  type ReportJsonOptions,
  type ReportWriteProgress,
} from './report/json-stream.js';
export { reportToSummary, summaryPieces, type SummaryOptions, type SummaryReport } from './report/summary.js';
export {
  csvCell,
  reportToEndpointsCsv,
  graphToTransfersCsv,
  reportToConversionsCsv,
  ENDPOINTS_CSV_HEADER,
  TRANSFERS_CSV_HEADER,
  CONVERSIONS_CSV_HEADER,
  type CsvWriteProgress,
} from './report/csv.js';
export type { CsvFile } from './report/csv-files.js';
export { gexfPieces, graphToGexf } from './report/gexf.js';
export type { GraphFileProgress } from './report/export-attributes.js';
export { graphToGraphml, graphmlPieces } from './report/graphml.js';
export {
  buildRequestPackets,
  eachRequestPacket,
  packetToMarkdown,
  packetFiles,
  readReportFile,
  RequestPacketSchema,
  PacketTypeSchema,
  type RequestPacket,
  type StreamedPacket,
  type PacketFile,
} from './report/packets.js';
/** The list type of a StreamedPacket's addresses: `length`, `at(i)` (made when read), `all()`. */
export type { MadeList } from './report/made-list.js';
export { freezeCandidates, type FreezeCandidateGroup } from './report/freeze.js';
