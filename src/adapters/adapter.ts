import type { AssetRef } from '../core/schema.js';
import type { AccountTransfer, UtxoTransaction } from '../core/movement.js';
import type { AmountColumn } from '../core/typed-arrays.js';

/** Ask for the movements of many addresses at once; adapters batch where their source allows. */
export interface TransferQuery {
  chain: string;
  /** Normalized addresses. */
  addresses: string[];
  /** 'out': movements sent by the addresses; 'in': received; 'both'. */
  direction: 'in' | 'out' | 'both';
  /** Inclusive window in unix seconds. */
  fromTime?: number;
  toTime?: number;
  /**
   * The assets the engine traces. Native value is fetched only when listed (it is costly on some sources); token
   * movements of other contracts may be returned as well: the engine counts them (look-alike spam, other assets).
   */
  assets?: AssetRef[];
  /**
   * Token contracts (lower-case hex) to fetch as well, whose symbol and decimals the engine does not know yet: the
   * source reads them and the movements carry the real metadata. Used with `assets` (alone, `assets: []` fetches
   * just these tokens and no native value). Sources without per-token queries may return other tokens too.
   */
  tokens?: string[];
  /**
   * The adapter may stop collecting an address's movements past this many and must then name the address in
   * `truncated`: a list is either complete or says it is not.
   */
  maxPerAddress?: number;
  /**
   * The adapter may also stop collecting an address's movements once it has paid more than this many different
   * addresses (itself not counted) in what it read, and must then name it in `truncated` too. The engine tells a
   * service-like hub by the addresses it paid (maxDegree) and does not follow it: a source whose pages cost requests
   * reads no further than that shows.
   */
  maxPayees?: number;
  /**
   * The addresses by their ids in a table this source answered with before (TransferIds.table), -1 where the asker
   * knows none: a source that holds that table may find each address by its id instead of by its string. A source
   * must check an id against the address before it uses it (the asker may be wrong), and ignores another table's.
   */
  addressIds?: AddressIds;
  signal?: AbortSignal;
}

/** Ids of a query's addresses in a source's table (`ids[i]` for `addresses[i]`, -1: not known). */
export interface AddressIds {
  readonly table: TransferTable;
  readonly ids: Int32Array;
}

/** The movements `getTransfers` found, and the addresses whose list was cut at `maxPerAddress` (reported, never dropped silently). */
export interface TransferResult {
  /** The movements (from a source that answers by ids too, made when first read: the engine reads the ids instead). */
  transfers: AccountTransfer[];
  /** Addresses whose movement list was cut at `maxPerAddress`. */
  truncated: string[];
  /** The same answer by integer ids, from sources that keep their movements as a table (see TransferIds). */
  ids?: TransferIds;
}

/**
 * The columnar form of an answer, filled by sources that hold their movements as a table (the fixture source): for the
 * i-th transfer, its row in the source's table and the ids of its sender and recipient (`transfers[i]` is the row's
 * movement). The engine reads an answer by ids from the table itself: it makes no object for a movement until a
 * report shows it, recognises a movement it holds by its movement id and finds an address's node by its id.
 */
export interface TransferIds {
  /** The table: the same object in every answer of one source; its sizes bound the ids. */
  readonly table: TransferTable;
  readonly row: Int32Array;
  readonly from: Int32Array;
  readonly to: Int32Array;
}

/**
 * A source's movements as a table, as the engine reads answers by ids. Contract: nothing in it changes for its life;
 * an address id is one normalized address on one chain, and that address has no other id (the engine remembers which
 * ids it has no node for yet); rows describing the same movement (chain, tx, type, log index) share one movement id.
 */
export interface TransferTable {
  readonly rows: number;
  readonly addresses: number;
  /** The normalized address of an address id, and its chain (id). */
  address(id: number): string;
  addressChain(id: number): string;
  /** The id of a normalized address on a chain (id), -1 when the table names none: one id per address. */
  addressId(chain: string, address: string): number;
  /** The row as a movement object (made when asked). */
  transfer(row: number): AccountTransfer;
  asset(row: number): AssetRef;
  amount(row: number): bigint;
  /** The amounts as a column, when the table keeps them in one: the engine copies a row's cell (no bigint made). */
  readonly amounts?: AmountColumn;
  /** The row's transaction hash (as its movement object has it), log index and time (unix seconds). */
  tx(row: number): string;
  logIndex(row: number): number;
  time(row: number): number;
  /** Undefined when the row carries no fee. */
  fee(row: number): bigint | undefined;
  /** Position in the table's chronological order: rows sort by it as compareTransfers sorts their movements. */
  rank(row: number): number;
  /** The movement id of a row: the same for every row describing the same movement. */
  movement(row: number): number;
  /** The movement id of a movement given by its identity; -1 when the table holds none. */
  find(t: Pick<AccountTransfer, 'chain' | 'tx' | 'type' | 'logIndex'>): number;
}

/** The movements of one transaction, as `getTransaction` returns them. */
export interface TransactionResult {
  chain: string;
  tx: string;
  /** Account-chain movements of the transaction (native value, internal calls, token events). */
  transfers: AccountTransfer[];
  /** Bitcoin-family transactions come whole. */
  utxo?: UtxoTransaction;
}

/** One EVM event log of a transaction, as eth_getTransactionReceipt returns it (addresses lower-case hex). */
export interface TransactionLog {
  address: string;
  topics: string[];
  data: string;
  logIndex: number;
  transactionHash: string;
  blockNumber: number;
}

/** Every value movement of some transactions, as `getTransactionMovements` returns them. */
export interface TransactionMovements {
  /**
   * ERC-20 Transfer logs of any contract (with the token's metadata where the source knows it), each transaction's
   * own native value, internal native calls when `internalVisible`, and wrapped-native `Deposit(dst, wad)` as the
   * wrapper paying `wad` of its token to dst, `Withdrawal(src, wad)` as src paying `wad` of it to the wrapper (the
   * native value that goes with them is a movement of its own). Reverted transactions move nothing.
   */
  movements: AccountTransfer[];
  /** Whether internal (contract-call) native value was read; false means conversions through it cannot be seen. */
  internalVisible: boolean;
  /** What the source could not see, for the report. */
  notes: string[];
}

/** How a source batches and what it sees: addresses per call, internal (contract-call) transfers. */
export interface AdapterCapabilities {
  /** How many addresses one getTransfers call should carry at most (the engine splits larger frontiers). */
  maxAddressesPerCall: number;
  /** Whether internal (contract-call) native transfers are visible. */
  internalTransfers: boolean;
}

/** Requests made and answers taken from the cache by one adapter, for the report's run figures. */
export interface AdapterStats {
  requests: number;
  cacheHits: number;
}

/** One answer a trace relied on: enough to fetch it again and check it is the same (`chaintrail verify`). */
export interface Evidence {
  source: string;
  /** Method, URL and body with every secret replaced by ***. */
  request: string;
  /** SHA-256 of the answer's body. */
  sha256: string;
}

/** A data source for one or more chains: fetches and normalizes movements, never decides what to follow. */
export interface ChainAdapter {
  /** Source kind, e.g. 'fixture', 'evm-rpc', 'etherscan'. */
  readonly kind: string;
  /** Where the data comes from, with any key removed; safe to print. */
  readonly endpoint?: string;
  readonly capabilities: AdapterCapabilities;
  supports(chain: string): boolean;
  getTransfers(query: TransferQuery): Promise<TransferResult>;
  getTransaction(chain: string, hash: string, options?: { signal?: AbortSignal | undefined }): Promise<TransactionResult>;
  /**
   * EVM sources that can read a transaction's receipt: every event log it emitted, in log order (bridge events
   * name the destination chain and recipient). Throws NotFoundError for an unknown or unmined transaction.
   */
  getTransactionLogs?(chain: string, hash: string, options?: { signal?: AbortSignal | undefined }): Promise<TransactionLog[]>;
  /**
   * Every value movement of these transactions (see TransactionMovements), read in one batched round. Throws
   * NotFoundError naming the hashes the source does not know.
   */
  getTransactionMovements?(chain: string, hashes: string[], options?: { signal?: AbortSignal | undefined }): Promise<TransactionMovements>;
  /**
   * Which of these (normalized) addresses hold contract code, as the source records it (code at the address, a
   * contract flag), batched and cached; never guessed from how many movements an address has.
   */
  getContracts?(chain: string, addresses: string[], options?: { signal?: AbortSignal | undefined }): Promise<Set<string>>;
  /** Bitcoin-family sources: a transaction with prevouts and, where known, who spent each output. */
  getUtxoTransaction?(chain: string, txid: string, options?: { signal?: AbortSignal | undefined }): Promise<UtxoTransaction>;
  /** Limitations the report must state (e.g. "internal transfers not visible"). */
  notes(chain: string): string[];
  stats(): AdapterStats;
  /** Answers relied on after `since` (a mark taken with evidenceMark), for the report's evidence list. */
  evidence?(since?: number): Evidence[];
  evidenceMark?(): number;
}
