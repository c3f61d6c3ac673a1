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
export { readLabelFile, loadLabelFiles } from './labels/load.js';
