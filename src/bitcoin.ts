// `chaintrail/bitcoin`: Bitcoin decoding, the Esplora and Bitcoin Core sources, UTXO taint models and heuristics.
// Re-exports only. bitcoinjs-lib and its ECC backend are loaded on the first Bitcoin address or transaction.
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
