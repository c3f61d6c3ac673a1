// Public API: re-exports only.
export * from './core/errors.js';
export { getChain, chainId, evmChain, type ChainInfo, type ChainFamily } from './core/chain.js';
export { normalizeAddress, formatAddress, isValidAddress, tronBase58ToHex, tronHexToBase58, tronFromEvmHex } from './core/address.js';
export { assetKey, nativeAsset, formatUnits, parseUnits } from './core/asset.js';
export { isJurisdiction, crossBorder } from './core/jurisdiction.js';
export { stablecoins, freezableStablecoin, registerStablecoin, isLookalikeToken, type Stablecoin } from './core/stablecoins.js';
export type { AccountTransfer, UtxoTransaction, UtxoInput, UtxoOutput } from './core/movement.js';
export * from './core/schema.js';
export type * from './adapters/adapter.js';
export { createFixtureAdapter, loadFixtureDataset, type FixtureAdapterOptions } from './adapters/fixture/adapter.js';
export { FixtureDatasetSchema, type FixtureDatasetInput } from './adapters/fixture/schema.js';
export { createLabelStore, type LabelStore } from './labels/store.js';
export { parseLabelCsv, readLabelCsv, LABEL_CSV_HEADER } from './labels/formats/csv.js';
export { parseLabelJson, readLabelJson } from './labels/formats/json.js';
export { readLabelFile, loadLabelFiles, loadLabelSources, detectLabelFormat, LabelSourceSchema, LabelFormatSchema, LABEL_FORMATS, type LabelSource, type LabelSourceInput, type LabelFormat, type LoadedLabels, type LoadLabelSourcesOptions, type SourceReport } from './labels/load.js';
export { type ImportSummary, type ImportIssue, type ImportIssueCode, type LabelImport, formatSummary } from './labels/summary.js';
export { parseTagPack, readTagPack, parseActorPack, readActorPack, createActorIndex, graphSenseCategory, GRAPHSENSE_CONFIDENCE, GRAPHSENSE_CATEGORIES, type ActorIndex, type GraphSenseActor } from './labels/formats/graphsense.js';
export { parseOfacList, readOfacList, OFAC_ENTITY } from './labels/formats/ofac.js';
export { parseEtherscanJson, parseEtherscanCsv, readEtherscanLabels, etherscanCategory, etherscanEntity } from './labels/formats/etherscan.js';
export { chainForCurrency } from './labels/currency.js';
export { builtinLabels, createBuiltinLabelStore } from './labels/builtin.js';
export {
  BRIDGE_REGISTRY,
  findBridge,
  decodeBridgeExits,
  decodeBridgeFills,
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
export { matchBridgeArrival, arrivalKey, type BridgeArrival, type BridgeDeparture, type BridgeMatch, type BridgeMatchMethod, type BridgeMatchRule } from './heuristics/bridge-match.js';
export { LEDGER_MODELS, createLedger, type Ledger, type LedgerModelName } from './taint/ledger.js';
export { classifyByLabel, type Terminal, type TerminalKind } from './heuristics/classify.js';
export { inferDepositAddress, type DepositBehaviour, type DepositDecision, type DepositEvidence, type DepositMovement, type DepositRule } from './heuristics/deposit.js';
export { spamReason, type SpamReason } from './heuristics/spam.js';
export { trace, parseTraceSettings, type TraceOptions, type TraceProgress, type TraceResult } from './engine/trace.js';
export type { TraceGraph } from './engine/graph.js';
export { reportToJson } from './report/json.js';
export { reportToSummary } from './report/summary.js';
export { reportToHtml, DEFAULT_EXPLORERS, ExplorerSchema, type Explorer, type HtmlReportOptions } from './report/html.js';
export { csvCell, reportToEndpointsCsv, graphToTransfersCsv, ENDPOINTS_CSV_HEADER, TRANSFERS_CSV_HEADER } from './report/csv.js';
export { graphToGexf } from './report/gexf.js';
export { graphToGraphml } from './report/graphml.js';
export { buildRequestPackets, packetToMarkdown, packetFiles, readReportFile, RequestPacketSchema, type RequestPacket, type PacketFile } from './report/packets.js';
export { freezeCandidates, type FreezeCandidateGroup } from './report/freeze.js';
export { convergence, victimConvergenceToSummary, ConvergenceReportSchema, VictimInputSchema, type ConvergenceReport, type VictimConvergenceOptions, type VictimInput } from './engine/convergence.js';
export { runCli, EXIT, type CliIo } from './cli/main.js';
export { readCaseFile, CaseFileSchema, type CaseFile } from './cli/case-file.js';
// Bitcoin: decoding, Esplora and Bitcoin Core sources, UTXO taint models and heuristics.
export { scriptAddress, scriptId, isScriptId, scriptType, type ScriptType } from './adapters/bitcoin/script.js';
export { decodeTransactionHex, type DecodedTransaction, type DecodedInput, type DecodedOutput } from './adapters/bitcoin/decode.js';
export { decodeBlock, splitFramedBlocks, type DecodedBlock } from './adapters/bitcoin/block.js';
export {
  isUtxoChainAdapter,
  type UtxoChainAdapter,
  type Outspend,
  type SourcedUtxoTransaction,
  type AddressTransactionsOptions,
  type AddressTransactionsResult,
} from './adapters/bitcoin/utxo-adapter.js';
export { createEsploraAdapter, ESPLORA_PAGE_SIZE, type EsploraAdapter, type EsploraAdapterOptions } from './adapters/esplora/adapter.js';
export { createBitcoinCoreAdapter, type BitcoinCoreAdapter, type BitcoinCoreAdapterOptions } from './adapters/bitcoin-core/adapter.js';
export { allocateUtxoTaint, utxoTaintArguments, UTXO_TAINT_MODELS, type UtxoTaintModel, type UtxoTaintInput, type UtxoTaintResult } from './taint/utxo.js';
export type { HeuristicResult } from './heuristics/utxo/result.js';
export { addressType, type AddressType } from './heuristics/utxo/address-type.js';
export { detectChange, type ChangeResult, type ChangeOptions, type ChangeVote, type ChangeRule } from './heuristics/utxo/change.js';
export { peelStep, detectPeelChain, type PeelStep, type PeelStepResult, type PeelChainResult, type PeelOptions } from './heuristics/utxo/peel-chain.js';
export { detectCoinJoin, WHIRLPOOL_POOLS, WASABI2_DENOMINATIONS, type CoinJoinResult, type CoinJoinKind } from './heuristics/utxo/coinjoin.js';
export { detectBatchPayout, BATCH_MIN_OUTPUTS, type BatchPayoutResult } from './heuristics/utxo/batch-payout.js';
export { commonInputOwnership, carryLabels, type CoSpendResult, type CarriedLabel } from './heuristics/utxo/cioh.js';
export { createEvmRpcAdapter, type EvmRpcAdapter, type EvmRpcStats } from './adapters/evm-rpc/adapter.js';
export { EvmRpcOptionsSchema, type EvmRpcAdapterOptions } from './adapters/evm-rpc/options.js';
export { createHttpClient, systemClock, parseRetryAfter, type HttpClient, type HttpClientOptions, type HttpRequest, type HttpStats, type HttpAnswer, type Verdict, type Classify, type Clock, type HttpLogEvent } from './adapters/http.js';
export { createEtherscanAdapter, ETHERSCAN_V2_URL, type EtherscanAdapterOptions } from './adapters/etherscan/adapter.js';
export { createTronGridAdapter, TRONGRID_URL, type TronGridAdapterOptions } from './adapters/tron/adapter.js';
// Case database: cases, victims' payments, traces, cross-case convergence and consolidated requests (SQLite, PostgreSQL).
export { openCaseStore, createCaseStore, type CaseStore, type OpenCaseStoreOptions, type CaseRecord, type CaseSummary, type StoredPayment, type StoredTrace, type ConvergenceEntry, type ConvergenceCase, type ConvergenceOptions, type InsertPaymentsOptions, type InsertPaymentsResult, type SaveTraceInput, type StoreStats, type Money } from './cases/store.js';
export { CaseInputSchema, ComplaintRowSchema, PaymentSchema, COMPLAINT_COLUMNS, type CaseInput, type ComplaintRow, type Payment } from './cases/schema.js';
export { importComplaints, addPayments, validateComplaints, parseComplaintCsv, parseComplaintJson, parseComplaintJsonLines, type ImportOptions, type ImportResult, type ComplaintRecord, type ComplaintFormat } from './cases/import.js';
export { traceCase, traceCases, paymentSeed, type TraceCaseOptions, type TraceCaseResult, type TraceCasesProgress, type TraceCasesResult } from './cases/trace.js';
export { reachedAddresses, type ReachedAddress, type ReachedRole } from './cases/reach.js';
export { caseLinkGraph, convergenceToCsv, convergenceToSummary, linkGraphToGexf, linkGraphToGraphml, type LinkGraphOptions } from './cases/convergence.js';
export { casePackets, consolidatePackets, consolidatedPacketToMarkdown, consolidatedPacketFiles, ConsolidatedPacketSchema, type ConsolidatedPacket } from './cases/packets.js';
export { ComplaintImportError, CaseStoreError, type RowIssue } from './cases/errors.js';
export { MIGRATIONS, SCHEMA_VERSION, type Migration } from './cases/migrations.js';
export type { SqlDriver, SqlExecutor, SqlValue, Dialect } from './cases/sql.js';
// Warehouse: blockchain-etl tables through DuckDB (embedded, over Parquet/CSV/JSON exports) and BigQuery.
export { createWarehouseAdapter, WarehouseAdapterOptionsSchema, type WarehouseAdapter, type WarehouseAdapterOptions } from './adapters/warehouse/adapter.js';
export { createDuckDbWarehouse, discoverTables, duckDbDialect, type DuckDbWarehouseOptions, type TableFormat } from './adapters/warehouse/duckdb.js';
export { createBigQueryWarehouse, bigQueryDialect, publicDataset, DEFAULT_MAXIMUM_BYTES_BILLED, BigQueryWarehouseOptionsSchema, type BigQueryWarehouseOptions } from './adapters/warehouse/bigquery.js';
export { buildTransfersQuery, buildTransactionQuery, buildTokensQuery, WAREHOUSE_TABLES, MOVEMENT_COLUMNS, type Dialect as WarehouseDialect, type WarehouseTable, type RenderedQuery, type QueryParam, type TransfersSpec } from './adapters/warehouse/query.js';
export type { WarehouseEngine, WarehouseQueryStats } from './adapters/warehouse/engine.js';
export { MissingTableError, TableShapeError, WarehouseQueryError, QueryCostError } from './adapters/warehouse/errors.js';
