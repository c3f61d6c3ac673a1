import { compareTransfers, type AccountTransfer } from '../core/movement.js';
import type { TransferTable } from '../adapters/adapter.js';
import { PagedArray } from '../core/paged-array.js';
import { AmountColumn, grow, trim } from '../core/typed-arrays.js';
import type { TransactionFlow } from '../taint/transaction.js';
import type { TracedTransfer } from './state.js';

/** Bits of `FlowTable.flags`, by node id. */
export const NodeBit = {
  /** Its movements (the flow's event lists) are not known to be in chronological order. */
  Unsorted: 1,
  Expanded: 2,
  /** The source says the address holds code: taint goes through it per transaction (boxes), never by a ledger. */
  Contract: 4,
  /** Its received taint or hop count changed since the flow's last `takeTouched`. */
  Touched: 8,
  /** Its ledger must be replayed (its movements or inflows changed since). */
  Dirty: 16,
} as const;

/**
 * An address in the flow, read-only outside it: its id (the index the movement columns name it by), key and the two
 * halves of the key; what the taint models made of it so far lives in the flow's node columns (`FlowTable`), read
 * through the getters. Changed only through `TaintFlow`'s methods.
 */
export class FlowNode {
  constructor(
    private readonly table: FlowTable,
    readonly id: number,
    readonly key: string,
    readonly chain: string,
    readonly address: string,
  ) {}

  get expanded(): boolean {
    return (this.table.flags[this.id]! & NodeBit.Expanded) !== 0;
  }

  get contract(): boolean {
    return (this.table.flags[this.id]! & NodeBit.Contract) !== 0;
  }

  /** Stamp of the source answer that fetched this address's movements to expand it (0: none). */
  get fetchedIn(): number {
    return this.table.fetchedIn[this.id]!;
  }

  /** Different addresses it paid in that answer (counted to spot hubs; infinite when the source cut its list). */
  get payees(): number {
    return this.table.payees[this.id]!;
  }

  /** Smallest hop count (seed recipients 0; -1 = not reached by taint). */
  get hop(): number {
    return this.table.hop[this.id]!;
  }

  /** The row of the earliest edge that gives the hop count (-1: none). */
  get via(): number {
    return this.table.via[this.id]!;
  }

  /** Hop count a seed gives this node (0 for a victim payment's recipient, more for a bridge continuation); -1 = none. */
  get rootHop(): number {
    return this.table.rootHop[this.id]!;
  }

  /** The boxes (transactions) this contract takes part in. */
  get boxes(): readonly Box[] | undefined {
    return this.table.boxesOf[this.id];
  }
}

/**
 * One transaction that tainted value entered through contracts: every value movement of it, and the contracts that
 * form its box (src/taint/transaction.ts decides where the taint goes inside it).
 */
export interface Box {
  readonly chain: string;
  readonly tx: string;
  readonly movements: readonly FlowTransfer[];
  /** Addresses of the box's contracts (labeled services that stop a branch are not in it: they receive). */
  readonly contracts: ReadonlySet<string>;
  readonly contractNodes: readonly FlowNode[];
  /** What the rule made of it at the last replay; `share` null while no taint enters. */
  readonly result: TransactionFlow | undefined;
}
export type BoxState = { -readonly [K in keyof Box]: Box[K] };

const ints = (n: number) => new Int32Array(n);

const ZERO = 0n;
/** Slots of the cache of transaction hashes lately made (a power of two). */
const TX_SLOTS = 1 << 18;

/**
 * The flow's movements as columns: movement `m` is row `m`. A movement a source answered by ids (adapter.ts
 * TransferTable) is its table row: the engine reads its amount, fee and chronological rank from columns and makes its
 * object only when something outside the flow asks (`tOf`). A movement given as an object keeps the object. The
 * engine's own per-movement state (its ends as node ids, its asset index, its taint, and the rare fee, overlap, seed
 * and box) sits in arrays, so a movement costs the engine no object of its own until a `FlowTransfer` view is made
 * (once per row, kept).
 */
export class FlowTable {
  readonly nodes: FlowNode[] = [];
  /** Node columns, by node id (see FlowNode). */
  flags = new Uint8Array(1024);
  fetchedIn = new Int32Array(1024);
  payees = new Float64Array(1024);
  hop = new Int32Array(1024);
  via = new Int32Array(1024);
  rootHop = new Int32Array(1024);
  readonly boxesOf: (Box[] | undefined)[] = [];
  /**
   * By asset index, then node id, as columns (a bigint per node in a JavaScript array was a heap object each, kept
   * alive and so copied by the scavenger and promoted): taint received, the sum over tainted inflows, with whether
   * any tainted inflow ever came (`reached`: a sum back at zero still counts); and the taint an expanded node's
   * ledgers hold after its last replay. A column grows as its nodes are written; cells past its end read as zero.
   */
  readonly received: AmountColumn[] = [];
  readonly reached: Uint8Array[] = [];
  readonly held: AmountColumn[] = [];
  readonly assets: string[] = [];
  /** Movement objects by row: given ones, and those made from a table when asked (released rows: undefined). */
  readonly t = new PagedArray<AccountTransfer>();
  /** The tables rows come from; `source[m]` indexes it (-1: the row was given as an object), `sourceRow[m]` its row there. */
  readonly sources: TransferTable[] = [];
  source = new Int32Array(1024);
  sourceRow = new Int32Array(1024);
  /** Chronological rank of a table row within its table (rows of one table compare by it). */
  rank = new Int32Array(1024);
  time = new Float64Array(1024);
  /**
   * Transaction hashes of table rows lately made, by row in a fixed number of slots: the builders ask for a row's hash
   * several times in a row (an endpoint's inflows, paths sharing their first steps), and a report written as it is made
   * keeps none of them (a cache of every row's hash would hold them all).
   */
  private readonly txRows = new Int32Array(TX_SLOTS).fill(-1);
  private readonly txTexts: string[] = new Array<string>(TX_SLOTS).fill('');
  from = new Int32Array(1024);
  to = new Int32Array(1024);
  asset = new Int32Array(1024);
  /** Rows held (the columns' capacity is more). */
  private rows = 0;
  readonly amount = new AmountColumn();
  /** Sparse: the fee a native movement's sender paid (what its ledger pays besides the amount). */
  readonly nativeFee: (bigint | undefined)[] = [];
  readonly taint = new AmountColumn();
  /** Sparse: rows whose fee or seed overlap took taint, seed payments, and movements of boxes. */
  readonly feeTaint: bigint[] = [];
  readonly overlap: bigint[] = [];
  readonly seed: (bigint | undefined)[] = [];
  readonly box: (BoxState | undefined)[] = [];
  private readonly views: (FlowTransfer | undefined)[] = [];

  get size(): number {
    return this.rows;
  }

  /**
   * Room for `rows` movements and `nodes` nodes in all, when a source table says how many it can hand over: the
   * columns then fill without being copied as they grow. The room costs no memory until it is written (a column's
   * pages are mapped as they are first written: core/typed-arrays.ts).
   */
  reserve(rows: number, nodes: number): void {
    if (rows > this.from.length) {
      this.from = grow(this.from, rows, ints);
      this.to = grow(this.to, rows, ints);
      this.asset = grow(this.asset, rows, ints);
      this.source = grow(this.source, rows, ints);
      this.sourceRow = grow(this.sourceRow, rows, ints);
      this.rank = grow(this.rank, rows, ints);
      this.time = grow(this.time, rows, (n) => new Float64Array(n));
      this.amount.reserve(rows);
      this.taint.reserve(rows);
    }
    if (nodes > this.hop.length) this.growNodes(nodes);
  }

  /** A new node, its columns at their start: not reached, nothing received or held. */
  addNode(key: string, chain: string, address: string): FlowNode {
    const id = this.nodes.length;
    if (id === this.hop.length) this.growNodes(id + 1);
    this.hop[id] = -1;
    this.via[id] = -1;
    this.rootHop[id] = -1;
    const node = new FlowNode(this, id, key, chain, address);
    this.nodes.push(node);
    // Dense from the start (cells written at scattered ids later would turn an array into a slow dictionary).
    this.boxesOf.push(undefined);
    return node;
  }

  private growNodes(nodes: number): void {
    this.flags = grow(this.flags, nodes, (n) => new Uint8Array(n));
    this.fetchedIn = grow(this.fetchedIn, nodes, ints);
    this.payees = grow(this.payees, nodes, (n) => new Float64Array(n));
    this.hop = grow(this.hop, nodes, ints);
    this.via = grow(this.via, nodes, ints);
    this.rootHop = grow(this.rootHop, nodes, ints);
  }

  /** Adds an asset key; its index. */
  addAsset(key: string): number {
    this.received.push(new AmountColumn());
    this.reached.push(new Uint8Array(0));
    this.held.push(new AmountColumn());
    return this.assets.push(key) - 1;
  }

  /** Taint node `id` received in asset `a`: undefined when no tainted inflow ever reached it. */
  receivedAt(a: number, id: number): bigint | undefined {
    return this.wasReached(a, id) ? this.received[a]!.get(id) : undefined;
  }

  /** Whether a tainted inflow of asset `a` ever reached node `id` (its sum may be back at zero). */
  wasReached(a: number, id: number): boolean {
    const reached = this.reached[a]!;
    return id < reached.length && reached[id] === 1;
  }

  /** Adds `change` (exact, either sign) to what node `id` received in asset `a`. */
  addReceived(a: number, id: number, change: bigint): void {
    const column = this.received[a]!;
    if (this.wasReached(a, id)) column.set(id, column.get(id) + change);
    else {
      this.reach(a, id);
      column.set(id, change);
    }
  }

  /** Marks node `id` as reached by a tainted inflow of asset `a`. */
  private reach(a: number, id: number): void {
    this.reached[a] = grow(this.reached[a]!, id + 1, (n) => new Uint8Array(n));
    this.reached[a]![id] = 1;
  }

  /** `addReceived` of a change whose magnitude is below 2^53: the sum kept as a number while it stays in [0, 2^53). */
  addReceivedNumber(a: number, id: number, change: number): void {
    const column = this.received[a]!;
    const reached = this.wasReached(a, id);
    if (reached && column.safe(id)) {
      const sum = column.number(id) + change;
      if (sum >= 0 && sum < 2 ** 53) {
        column.setNumber(id, sum);
        return;
      }
    } else if (!reached && change >= 0) {
      this.reach(a, id);
      column.setNumber(id, change);
      return;
    }
    this.addReceived(a, id, BigInt(change));
  }

  /** Adds a movement given as an object. */
  push(t: AccountTransfer, from: number, to: number, asset: number): number {
    const m = this.next(from, to, asset, -1, -1, -1, t.time);
    this.t.set(m, t);
    this.amount.set(m, t.amount);
    if (t.fee && t.asset.kind === 'native') this.nativeFee[m] = t.fee;
    return m;
  }

  /** Adds row `row` of the table at `source` (its index in `sources`). */
  pushRow(source: number, row: number, from: number, to: number, asset: number): number {
    const table = this.sources[source]!;
    const m = this.next(from, to, asset, source, row, table.rank(row), table.time(row));
    if (table.amounts) this.amount.copy(m, table.amounts, row);
    else this.amount.set(m, table.amount(row));
    const fee = table.fee(row);
    if (fee && table.asset(row).kind === 'native') this.nativeFee[m] = fee;
    return m;
  }

  private next(from: number, to: number, asset: number, source: number, row: number, rank: number, time: number): number {
    const m = this.rows++;
    if (m === this.from.length) {
      this.from = grow(this.from, m + 1, ints);
      this.to = grow(this.to, m + 1, ints);
      this.asset = grow(this.asset, m + 1, ints);
      this.source = grow(this.source, m + 1, ints);
      this.sourceRow = grow(this.sourceRow, m + 1, ints);
      this.rank = grow(this.rank, m + 1, ints);
      this.time = grow(this.time, m + 1, (n) => new Float64Array(n));
    }
    this.from[m] = from;
    this.to[m] = to;
    this.asset[m] = asset;
    this.source[m] = source;
    this.sourceRow[m] = row;
    this.rank[m] = rank;
    this.time[m] = time;
    this.taint.set(m, ZERO);
    return m;
  }

  /** Whether asset index `a` is a chain's native value (its key says so: core/asset.ts assetKey). */
  isNative(a: number): boolean {
    return this.assets[a]!.endsWith(':native');
  }

  /** The movement object of row `m` (a table row's is made on first ask, then kept). */
  tOf(m: number): AccountTransfer {
    let t = this.t.get(m);
    if (!t) this.t.set(m, (t = this.sourceOf(m).transfer(this.sourceRow[m]!)));
    return t;
  }

  /**
   * Row `m`'s movement object without keeping it: the held one, else one made for this read (an export that reads
   * every tainted movement once, the graph or transfers.csv, would otherwise leave an object per row in the flow).
   */
  movementAt(m: number): AccountTransfer {
    return this.t.get(m) ?? this.sourceOf(m).transfer(this.sourceRow[m]!);
  }

  /** The transaction hash of row `m`, without making its movement object. */
  txOf(m: number): string {
    const t = this.t.get(m);
    if (t) return t.tx;
    const slot = m & (TX_SLOTS - 1);
    if (this.txRows[slot] === m) return this.txTexts[slot]!;
    const tx = this.sourceOf(m).tx(this.sourceRow[m]!);
    this.txRows[slot] = m;
    this.txTexts[slot] = tx;
    return tx;
  }

  /** The log index of row `m`, without making its movement object. */
  logIndexOf(m: number): number {
    const t = this.t.get(m);
    return t ? t.logIndex : this.sourceOf(m).logIndex(this.sourceRow[m]!);
  }

  /** The table row `m` came from (a row given as an object has none: its object is kept until released). */
  private sourceOf(m: number): TransferTable {
    const source = this.source[m]!;
    if (source < 0) throw new Error(`internal: movement ${m} was released`);
    return this.sources[source]!;
  }

  /** Chronological order of two rows (compareTransfers): by rank within one table, else by their movements. */
  compare(a: number, b: number): number {
    const source = this.source[a]!;
    if (source >= 0 && source === this.source[b]) return this.rank[a]! - this.rank[b]!;
    return compareTransfers(this.tOf(a), this.tOf(b));
  }

  /**
   * Rows in chronological order (as `compare` orders them). Rows of one table sort as numbers on their ranks, with no
   * comparator call and no movement object made.
   */
  sortRows(rows: number[]): number[] {
    const n = rows.length;
    const source = n > 0 ? this.source[rows[0]!]! : -1;
    const oneTable = source >= 0 && rows.every((m) => this.source[m] === source);
    if (!oneTable || n < 64 || this.sources[source]!.rows * n >= 2 ** 53) return rows.sort((a, b) => this.compare(a, b));
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = this.rank[rows[i]!]! * n + i;
    keys.sort();
    return Array.from(keys, (k) => rows[k % n]!);
  }

  /** The view of row `m` (the same object every time). */
  view(m: number): FlowTransfer {
    // Room for every row at once, when a view is first asked past the end (views come after the rows, in no order):
    // one allocation where a push per row grew the array (and copied it) some thirty times.
    if (m >= this.views.length) this.views.length = this.rows;
    let v = this.views[m];
    if (!v) this.views[m] = v = new FlowTransfer(this, m);
    return v;
  }

  /**
   * Lets go of what no view reads: the objects of rows nothing outside the flow was given. The columns stay (a few
   * bytes a row), so the views made so far stay live without copying anything.
   */
  release(): void {
    const { views } = this;
    const n = this.size;
    this.t.clearUnless(n, (m) => views[m] !== undefined);
    // The columns stay for the views: cut to their rows, what the doubling left over is given back.
    this.from = trim(this.from, n);
    this.to = trim(this.to, n);
    this.asset = trim(this.asset, n);
    this.source = trim(this.source, n);
    this.sourceRow = trim(this.sourceRow, n);
    this.rank = trim(this.rank, n);
    this.time = trim(this.time, n);
    this.amount.trim(n);
    this.taint.trim(n);
  }
}

/**
 * A movement of the flow as the builders outside it read it: a view of its row (the row's values as they are now). It
 * is its own tainted edge (`transfer` is itself), so the allocation lists movements
 * without a wrapper object per edge.
 */
export class FlowTransfer implements TracedTransfer {
  constructor(
    /** The flow's rows (a report's names are kept by node id per table). */
    readonly table: FlowTable,
    /** The row. */
    readonly m: number,
  ) {}

  get t(): AccountTransfer {
    return this.table.tOf(this.m);
  }

  get tx(): string {
    return this.table.txOf(this.m);
  }

  get time(): number {
    return this.table.time[this.m]!;
  }

  get logIndex(): number {
    return this.table.logIndexOf(this.m);
  }

  get amount(): bigint {
    return this.table.amount.get(this.m);
  }

  /** Chronological order of two movements (compareTransfers), by their rows when both are rows of one flow. */
  static compare(a: TracedTransfer, b: TracedTransfer): number {
    if (a instanceof FlowTransfer && b instanceof FlowTransfer && a.table === b.table) return a.table.compare(a.m, b.m);
    return compareTransfers(a.t, b.t);
  }

  /** Key of the movement's asset. */
  get asset(): string {
    return this.table.assets[this.table.asset[this.m]!]!;
  }

  /** Index of `asset` in the flow's asset list. */
  get assetIndex(): number {
    return this.table.asset[this.m]!;
  }

  get fromNode(): FlowNode {
    return this.table.nodes[this.table.from[this.m]!]!;
  }

  /** The sender's node id (without reading its node). */
  get fromId(): number {
    return this.table.from[this.m]!;
  }

  /** The recipient's node id. */
  get toId(): number {
    return this.table.to[this.m]!;
  }

  get toNode(): FlowNode {
    return this.table.nodes[this.table.to[this.m]!]!;
  }

  get taint(): bigint {
    return this.table.taint.get(this.m);
  }

  /** Taint the sender's ledger paid as this movement's fee (native movements). */
  get feeTaint(): bigint {
    return this.table.feeTaint[this.m] ?? ZERO;
  }

  /** For a seed payment: taint the sender already held when it paid it (overlapping seeds). */
  get overlap(): bigint {
    return this.table.overlap[this.m] ?? ZERO;
  }

  /** Set on seed payments: the taint the seed puts on this movement, whatever the sender's ledger holds. */
  get seed(): bigint | undefined {
    return this.table.seed[this.m];
  }

  /** The box of the transaction, when its movements were read as a whole. */
  get box(): Box | undefined {
    return this.table.box[this.m];
  }

  get from(): string {
    return this.fromNode.key;
  }

  get to(): string {
    return this.toNode.key;
  }

  get transfer(): FlowTransfer {
    return this;
  }

  /** For a movement a box paid out (contract -> non-contract), the box's tainted inputs (attribution mixes them). */
  get boxInputs(): readonly FlowTransfer[] | undefined {
    // The box is asked first: attribution asks this of every tainted movement, and a movement object made for one
    // outside any box would stay in the flow for the trace's life.
    const box = this.box;
    if (!box?.result?.share || !box.contracts.has(this.fromNode.address) || box.contracts.has(this.toNode.address)) return undefined;
    return box.movements.filter((m) => m.taint > 0n && isBoxInput(box, m));
  }
}

/** A movement into the box from outside it. */
export const isBoxInput = (box: Box, m: FlowTransfer) => !box.contracts.has(m.t.from) && box.contracts.has(m.t.to);
