import { noPacing, type Pacer } from '../core/pace.js';
import { compareTransfers, type AccountTransfer } from '../core/movement.js';
import { createLedger, SafeFifoLedger, type Ledger, type LedgerModelName } from '../taint/ledger.js';
import { flowThroughTransaction } from '../taint/transaction.js';
import { NodeColumnMap, type Allocation, type TaintedEdge } from './allocate.js';
import { ExpandedKeys } from './expanded-keys.js';
import { splitProRata } from './attribution.js';
import type { TransferTable } from '../adapters/adapter.js';
import { EventLists } from './event-lists.js';
import { grow } from '../core/typed-arrays.js';
import { nodeKey, splitNodeKey } from './state.js';
import { FlowTable, isBoxInput, NodeBit, type Box, type BoxState, type FlowNode, type FlowTransfer } from './flow-table.js';

export { FlowTransfer, type Box, type FlowNode } from './flow-table.js';

/** The tainted movements into a node, by node key (`TaintFlow.inflows()`; a Map of them serves as well). */
export interface NodeInflows {
  get(key: string): readonly TaintedEdge[] | undefined;
  /** The same by the node's id in the flow's snapshot (`TaintFlow.snapshot`), where the reader walks by id. */
  byId?(id: number): readonly TaintedEdge[] | undefined;
}

/** The movement columns as builders outside the flow read them (src/engine/flow-table.ts `FlowTable`). */
export type FlowColumns = Readonly<Pick<FlowTable, 'nodes' | 'assets' | 'amount' | 'from' | 'to' | 'asset' | 'time' | 'isNative' | 'txOf' | 'size'>>;

/**
 * What the flow knows of one source table (adapter.ts TransferTable): its index among the flow's tables, the node id
 * of each address id and the flow's row of each movement id (-1: none yet).
 */
export interface IdSpace {
  readonly table: TransferTable;
  readonly index: number;
  /**
   * Node id by address id (-1: the flow has no node for the address). Kept whole: a node made by chain and address
   * is entered in every table that names it, and a table met later gets the nodes made before it.
   */
  readonly nodes: Int32Array;
  /** Address id by node id (-1 or past the end: the table names none), the other way round. */
  addressOf: Int32Array;
  readonly rows: Int32Array;
}

/**
 * Taint over an address graph that grows round by round, kept up to date incrementally.
 *
 * An expanded address's ledger replays its own movements in chronological order; the taint of each outflow depends
 * only on that address's earlier movements, so a round only replays the addresses it expanded and, transitively,
 * expanded addresses whose inflows changed. The result equals one chronological replay of every movement through
 * every ledger (the definition), at a cost proportional to what changed instead of to everything read so far.
 */
export class TaintFlow {
  /** The movements as columns and the nodes by id (src/engine/flow-table.ts). */
  private readonly table = new FlowTable();
  /**
   * Rows of movements given as objects, by tx hash (the hash strings are the movements' own, so the index costs no new
   * strings). Table rows are found by their movement ids (`spaces`).
   */
  private readonly byTx = new Map<string, number | number[]>();
  private taintedCount = 0;
  private added = 0;
  /** The rows a hop relaxation walks (one array for every call). */
  private readonly relaxQueue: number[] = [];
  /** By asset index: whether the current replay used that asset's ledger (one array for every replay). */
  private usedLedgers: Uint8Array = new Uint8Array(8);
  /** Ids of the nodes flagged Dirty (to replay), in the order they were flagged. */
  private dirty: number[] = [];
  /** Ids of the nodes flagged Touched, in the order they were first touched. */
  private touched: number[] = [];
  private hopsStale = false;
  private readonly fees = new Map<string, bigint>();
  private readonly overlap = new Map<string, bigint>();
  private readonly assetIndex = new Map<string, number>();
  private readonly boxList: BoxState[] = [];
  private readonly dirtyBoxes = new Set<BoxState>();
  /** Ledgers by asset index, reused by every replay. */
  private readonly ledgers: Ledger[] = [];
  /** The same, in doubles (replayInDoubles). */
  private readonly safeLedgers: SafeFifoLedger[] = [];
  /** Each node's movements (rows), by node id. */
  private readonly events = new EventLists();
  /**
   * Nodes by chain, then by address, the one index by address: the nodes made since the last lookup are entered at the
   * next one. The rounds find nodes by table ids and hold the nodes they fetch, so most nodes are entered once, after
   * the rounds. Keyed by the address itself, not by a `chain|address` key: a movement given as an object names its
   * ends by address, and a key made per end (a new string, flattened and hashed at each lookup) was most of the time
   * an answer of objects took to add (3.3 s of 13.6 s at 1 M transfers).
   */
  private readonly byChain = new Map<string, Map<string, FlowNode>>();
  /** Nodes (by id) entered in `byChain` so far. */
  private indexed = 0;
  private lastFound: FlowNode | undefined;
  /** The keys of the expanded nodes, in the order they were expanded (RunState.expanded, the outcome's `expanded`). */
  readonly expanded = new ExpandedKeys(
    (key) => this.lookup(key),
    (id) => this.table.nodes[id],
  );
  /** Source tables that answer by ids (adapter.ts TransferIds), by table. */
  private readonly spaces = new Map<TransferTable, IdSpace>();

  constructor(private readonly model: LedgerModelName) {}

  /** Movements added (stays after release()). */
  get size(): number {
    return this.added;
  }

  private get nodeList(): readonly FlowNode[] {
    return this.table.nodes;
  }

  node(chain: string, address: string): FlowNode {
    return this.peek(chain, address) ?? this.create(chain, address);
  }

  /**
   * A node for an address that has none, entered in every table's id space (`made`: the space and address id it was
   * made from, already known there), so that the rounds find nodes by ids alone.
   */
  private create(chain: string, address: string, made?: IdSpace, id?: number): FlowNode {
    const node = this.table.addNode(nodeKey(chain, address), chain, address);
    if (made) pair(made, id!, node.id);
    for (const space of this.spaces.values()) if (space !== made) this.enter(space, node);
    return node;
  }

  /** Enters `node` in `space` when its table names the address. */
  private enter(space: IdSpace, node: FlowNode): void {
    const id = space.table.addressId(node.chain, node.address);
    if (id >= 0) pair(space, id, node.id);
  }

  /** The ids of `nodes`' addresses in `table`, -1 where it names none (or the flow has not met the table). */
  addressIds(table: TransferTable, nodes: readonly FlowNode[]): Int32Array {
    const out = new Int32Array(nodes.length).fill(-1);
    const space = this.spaces.get(table);
    if (!space) return out;
    const { addressOf } = space;
    for (let i = 0; i < nodes.length; i++) {
      const id = nodes[i]!.id;
      if (id < addressOf.length) out[i] = addressOf[id]!;
    }
    return out;
  }

  /**
   * The flow's view of a source table: created on first use, kept until release(). The nodes made so far are entered
   * in it, and the movements the flow holds as objects are looked up in the table, so a table row never repeats one
   * (later ones are looked up as added).
   */
  idSpace(table: TransferTable): IdSpace {
    let space = this.spaces.get(table);
    if (space) return space;
    const index = this.table.sources.push(table) - 1;
    space = {
      table,
      index,
      nodes: new Int32Array(table.addresses).fill(-1),
      addressOf: new Int32Array(0),
      rows: new Int32Array(table.rows).fill(-1),
    };
    this.spaces.set(table, space);
    // Room for every row and address the table can hand over: the columns fill without copies (FlowTable.reserve).
    const nodes = this.table.nodes.length + table.addresses;
    const rows = this.table.size + table.rows;
    this.table.reserve(rows, nodes);
    this.events.reserve(nodes, 2 * rows);
    for (const node of this.nodeList) this.enter(space, node);
    for (let m = 0; m < this.table.size; m++) {
      if (this.table.source[m]! >= 0) continue;
      const id = table.find(this.table.tOf(m));
      if (id >= 0 && space.rows[id]! < 0) space.rows[id] = m;
    }
    return space;
  }

  /**
   * The node id of a table's address id, -1 if the flow has no node for it: `peek` by ids. The rounds handle an
   * answer's movements by node ids: reading a node object per movement end costs a wait for memory each.
   */
  peekNodeId(space: IdSpace, id: number): number {
    return space.nodes[id]!;
  }

  /** The node id of a table's address id, its node made if the flow has none: `node` by ids. */
  nodeIdOf(space: IdSpace, id: number): number {
    const known = space.nodes[id]!;
    return known >= 0 ? known : this.create(space.table.addressChain(id), space.table.address(id), space, id).id;
  }

  /** The node of a node id. */
  nodeAt(id: number): FlowNode {
    return this.table.nodes[id]!;
  }

  /**
   * Adds a table row unless the flow holds its movement (found by movement id, without a string); no view is made.
   * With more than one table, the movement is looked up in the others too, as their rows may repeat it.
   */
  addRow(space: IdSpace, row: number, asset: string, from: number, to: number): void {
    const id = space.table.movement(row);
    if (space.rows[id]! >= 0) return;
    if (this.spaces.size > 1) {
      const t = space.table.transfer(row);
      for (const other of this.spaces.values()) {
        const held = other === space ? -1 : other.table.find(t);
        if (held >= 0 && other.rows[held]! >= 0) {
          space.rows[id] = other.rows[held]!;
          return;
        }
      }
    }
    const m = this.table.pushRow(space.index, row, from, to, this.assetIndexOf(asset));
    space.rows[id] = m;
    if (this.spaces.size > 1) this.noteInTables(this.table.tOf(m), m);
    this.attached(from, to, m);
  }

  /** Movements with a taint above zero right now. */
  get tainted(): number {
    return this.taintedCount;
  }

  /** The node of an address if the flow has seen it; never creates one. */
  peek(chain: string, address: string): FlowNode | undefined {
    const last = this.lastFound;
    if (last !== undefined && last.address === address && last.chain === chain) return last;
    const node = this.index().get(chain)?.get(address);
    if (node) this.lastFound = node;
    return node;
  }

  /**
   * Adds a movement once (same chain, tx, type and log index = same movement); returns undefined for a repeat. The
   * caller may pass the ends' nodes when it has looked them up already.
   */
  add(t: AccountTransfer, asset: string, fromNode = this.node(t.chain, t.from), toNode = this.node(t.chain, t.to)): FlowTransfer | undefined {
    const before = this.added;
    const m = this.addMovement(t, asset, fromNode, toNode);
    return this.added > before ? this.table.view(m) : undefined;
  }

  /** The row of `t`: added now, or the one the flow already holds. */
  private addMovement(t: AccountTransfer, asset: string, fromNode: FlowNode, toNode: FlowNode): number {
    const known = this.byTx.get(t.tx);
    if (known !== undefined) {
      const m = this.match(known, t);
      if (m >= 0) return m;
    }
    const held = this.inTables(t);
    if (held >= 0) return held;
    const m = this.table.push(t, fromNode.id, toNode.id, this.assetIndexOf(asset));
    if (known === undefined) this.byTx.set(t.tx, m);
    else if (typeof known === 'number') this.byTx.set(t.tx, [known, m]);
    else known.push(m);
    this.noteInTables(t, m);
    this.attached(fromNode.id, toNode.id, m);
    return m;
  }

  private assetIndexOf(asset: string): number {
    let index = this.assetIndex.get(asset);
    if (index === undefined) {
      this.assetIndex.set(asset, (index = this.table.addAsset(asset)));
    }
    return index;
  }

  private attached(from: number, to: number, m: number): void {
    this.attach(from, m);
    if (to !== from) this.attach(to, m);
    this.added++;
  }

  /** The row of the table movement `t` describes, if the flow holds one (-1: none). */
  private inTables(t: AccountTransfer): number {
    for (const space of this.spaces.values()) {
      const id = space.table.find(t);
      if (id >= 0 && space.rows[id]! >= 0) return space.rows[id]!;
    }
    return -1;
  }

  /** Notes row `m` under its movement's id in every table that holds the movement. */
  private noteInTables(t: AccountTransfer, m: number): void {
    for (const space of this.spaces.values()) {
      const id = space.table.find(t);
      if (id >= 0 && space.rows[id]! < 0) space.rows[id] = m;
    }
  }

  /** The movement already in the flow that `t` describes, if any. */
  find(t: AccountTransfer): FlowTransfer | undefined {
    const known = this.byTx.get(t.tx);
    let m = known === undefined ? -1 : this.match(known, t);
    if (m < 0) m = this.inTables(t);
    return m >= 0 ? this.table.view(m) : undefined;
  }

  private match(known: number | number[], t: AccountTransfer): number {
    if (typeof known === 'number') return sameMovement(this.table.t.get(known)!, t) ? known : -1;
    for (const m of known) if (sameMovement(this.table.t.get(m)!, t)) return m;
    return -1;
  }

  private attach(id: number, m: number): void {
    const { table } = this;
    const last = this.events.last(id);
    if ((table.flags[id]! & NodeBit.Unsorted) === 0 && last >= 0 && table.compare(last, m) > 0) table.flags[id]! |= NodeBit.Unsorted;
    this.events.add(id, m);
    if ((table.flags[id]! & NodeBit.Expanded) !== 0) this.markDirty(id);
  }

  /**
   * Marks a payment as a seed: its recipient holds `taint` of it (the whole amount unless given) at hop `hop` (0 for
   * a victim payment; a bridge continuation carries the count on from the source chain).
   */
  seed(tr: FlowTransfer, taint: bigint = tr.t.amount, hop = 0): void {
    const { table } = this;
    const m = tr.m;
    const before = table.seed[m];
    const seed = (before ?? 0n) > taint ? before! : taint;
    table.seed[m] = seed;
    const to = table.to[m]!;
    if (table.rootHop[to]! < 0 || hop < table.rootHop[to]!) {
      table.rootHop[to] = hop;
      this.hopsStale = true;
    }
    const from = table.from[m]!;
    if ((table.flags[from]! & NodeBit.Expanded) !== 0) this.markDirty(from);
    else this.setOutflow(m, seed, 0n, 0n);
  }

  /** The source says `node` holds code: taint goes through it per transaction, never by a ledger (it is never expanded). */
  markContract(node: FlowNode): void {
    if (node.expanded) throw new Error(`internal: ${node.key} was expanded as an account before it was known as a contract`);
    this.table.flags[node.id]! |= NodeBit.Contract;
  }

  /**
   * Reads a transaction as one box: `movements` are all its value movements (already added to the flow), `contracts`
   * the addresses that form the box. Its outputs' taint follows its inputs' from now on.
   */
  addBox(chain: string, tx: string, movements: readonly FlowTransfer[], contracts: ReadonlySet<string>): Box {
    const nodes = new Set<FlowNode>();
    for (const m of movements) for (const n of [m.fromNode, m.toNode]) if (contracts.has(n.address)) nodes.add(n);
    const box: BoxState = { chain, tx, movements, contracts, contractNodes: [...nodes], result: undefined };
    for (const m of movements) this.table.box[m.m] = box;
    for (const n of nodes) (this.table.boxesOf[n.id] ??= []).push(box);
    this.boxList.push(box);
    this.dirtyBoxes.add(box);
    return box;
  }

  /** Every box read so far. */
  boxes(): readonly Box[] {
    return this.boxList;
  }

  expand(node: FlowNode): void {
    if (node.expanded) return;
    this.table.flags[node.id]! |= NodeBit.Expanded;
    this.expanded.add(node);
    this.markDirty(node.id);
  }

  /** Marks `node` as fetched in the source answer stamped `batch` (stamps increase), its movements not yet counted. */
  markFetched(node: FlowNode, batch: number): void {
    this.table.fetchedIn[node.id] = batch;
    this.table.payees[node.id] = 0;
  }

  /** Whether node `id` (-1: none) was fetched in the answer stamped `batch`: its movements there are its own list. */
  fetchedInBatch(id: number, batch: number): boolean {
    return id >= 0 && this.table.fetchedIn[id] === batch;
  }

  /** How many different addresses node `id` paid in its answer (counted by the round to spot hubs). */
  setPayees(id: number, count: number): void {
    this.table.payees[id] = count;
  }

  /** Whether node `id` (-1: none) was fetched in the answer stamped `batch` or a later one. */
  fetchedSince(id: number, batch: number): boolean {
    return id >= 0 && this.table.fetchedIn[id]! >= batch;
  }

  /** The source cut the node's list short: it has more movements than any limit. */
  markHub(node: FlowNode): void {
    this.table.payees[node.id] = Number.POSITIVE_INFINITY;
  }

  /** Takes back a hub's fetch stamp: its movements are not kept. */
  unmarkFetched(node: FlowNode): void {
    this.table.fetchedIn[node.id] = 0;
  }

  /**
   * Replays what changed until every ledger agrees with its inflows; `pace` gives the event loop its turns (nothing
   * else changes the flow meanwhile: the trace awaits this).
   */
  async settle(pace: Pacer = noPacing): Promise<void> {
    // In batches: a node flagged again while its batch is replayed is replayed again in the next one.
    while (this.dirty.length > 0 || this.dirtyBoxes.size > 0) {
      const { flags, nodes } = this.table;
      const batch = this.dirty;
      this.dirty = [];
      for (const id of batch) flags[id]! &= ~NodeBit.Dirty;
      for (let i = 0; i < batch.length; i++) {
        if ((i & 1023) === 1023) await pace();
        this.replay(nodes[batch[i]!]!);
      }
      const boxes = [...this.dirtyBoxes];
      this.dirtyBoxes.clear();
      for (const box of boxes) this.replayBox(box);
    }
    if (this.hopsStale) this.recomputeHops();
  }

  /** Nodes whose received taint or hop count changed since the last call. */
  takeTouched(): FlowNode[] {
    const { flags, nodes } = this.table;
    const list = this.touched.map((id) => {
      flags[id]! &= ~NodeBit.Touched;
      return nodes[id]!;
    });
    this.touched = [];
    return list;
  }

  private replay(node: FlowNode): void {
    this.sortEvents(node);
    if (this.model === 'fifo' && this.replayInDoubles(node.id)) return;
    const { table } = this;
    // Only the final taint is kept: ledgers (FIFO lots) are rebuilt by the next replay, not held in between. One
    // ledger per asset serves every replay (reset first), so a replay allocates no ledger.
    const ledgers = this.ledgers;
    for (const l of ledgers) l?.reset();
    const used = this.usedAssets();
    const id = node.id;
    const events = this.events;
    for (let c = events.first(id); c >= 0; c = events.after(c)) {
      const m = events.at(c);
      const a = table.asset[m]!;
      let ledger = ledgers[a];
      if (!ledger) ledger = ledgers[a] = createLedger(this.model);
      used[a] = 1;
      const amount = table.amount.get(m);
      if (table.from[m] === id) {
        let taint = ledger.withdraw(amount);
        const fee = table.nativeFee[m];
        const feeTaint = fee ? ledger.withdraw(fee) : 0n;
        let overlap = 0n;
        const seed = table.seed[m];
        if (seed !== undefined) {
          overlap = taint;
          taint = seed;
        }
        this.setOutflow(m, taint, feeTaint, overlap);
      }
      if (table.to[m] === id) ledger.deposit(amount, table.taint.zero(m) ? ZERO : table.taint.get(m));
    }
    this.keepHeld(id, used, ledgers);
  }

  /**
   * `replay` by FIFO in doubles (SafeFifoLedger): the same taint, exactly, without a bigint made per movement. False,
   * and the replay left to the bigint ledgers, at the first movement it cannot take: an amount, fee or taint from
   * 2^53 up, a seed or a payment to itself (whose taint a replay sets and reads back). What it set before then is what
   * the bigint replay sets too (every value so far exact), so that replay starts over from the first movement.
   */
  private replayInDoubles(id: number): boolean {
    const { table, events } = this;
    const ledgers = this.safeLedgers;
    const used = this.usedAssets();
    for (let c = events.first(id); c >= 0; c = events.after(c)) {
      const m = events.at(c);
      if (!table.amount.safe(m)) return false;
      const a = table.asset[m]!;
      let ledger = ledgers[a];
      if (!ledger) ledger = ledgers[a] = new SafeFifoLedger();
      if (used[a] === 0) {
        ledger.reset();
        used[a] = 1;
      }
      const amount = table.amount.number(m);
      if (table.from[m] === id) {
        const fee = table.nativeFee[m];
        if (table.to[m] === id || table.seed[m] !== undefined || (fee !== undefined && fee > SAFE)) return false;
        const taint = ledger.withdraw(amount);
        const feeTaint = fee ? ledger.withdraw(Number(fee)) : 0;
        this.setSafeOutflow(m, taint, feeTaint);
      } else if (table.taint.zero(m)) ledger.deposit(amount, 0);
      else if (table.taint.safe(m)) ledger.deposit(amount, table.taint.number(m));
      else return false;
    }
    this.keepHeld(id, used, ledgers);
    return true;
  }

  /** Which assets' ledgers a replay used, all 0 to start with (one array for every replay). */
  private usedAssets(): Uint8Array {
    const n = this.table.assets.length;
    if (this.usedLedgers.length < n) this.usedLedgers = new Uint8Array(2 * n);
    return this.usedLedgers.fill(0);
  }

  /** What node `id` holds after its replay, per asset: its ledger's taint where one was used, else nothing. */
  private keepHeld(id: number, used: Uint8Array, ledgers: readonly { readonly taint: bigint }[]): void {
    const { held } = this.table;
    for (let a = 0; a < held.length; a++) held[a]!.set(id, used[a] === 1 ? ledgers[a]!.taint : ZERO);
  }

  /** The box rule over the transaction's movements, with its inputs' taint as their senders' ledgers gave it. */
  private replayBox(box: BoxState): void {
    const taintedIn = new Map<string, bigint>();
    const movements = box.movements.map((m, i) => {
      const id = String(i);
      if (m.taint > 0n && isBoxInput(box, m)) taintedIn.set(id, m.taint);
      return { id, from: m.t.from, to: m.t.to, assetKey: m.asset, amount: m.t.amount, logIndex: m.t.logIndex };
    });
    const wasActive = box.result?.share != null;
    box.result = flowThroughTransaction({ movements, contracts: box.contracts, taintedIn });
    box.movements.forEach((m, i) => {
      if (box.contracts.has(m.t.from) && !box.contracts.has(m.t.to)) this.setOutflow(m.m, box.result!.tainted.get(String(i)) ?? 0n, 0n, 0n);
    });
    // Contracts of an active box share its hop count: the hop counts are worked out again.
    if (wasActive !== (box.result.share != null)) this.hopsStale = true;
  }

  private setOutflow(m: number, taint: bigint, feeTaint: bigint, overlap: bigint): void {
    const { table } = this;
    const feeBefore = table.feeTaint[m] ?? 0n;
    if (feeTaint !== feeBefore) {
      const assetKey = table.assets[table.asset[m]!]!;
      this.fees.set(assetKey, (this.fees.get(assetKey) ?? 0n) + feeTaint - feeBefore);
      table.feeTaint[m] = feeTaint;
    }
    const overlapBefore = table.overlap[m] ?? 0n;
    if (overlap !== overlapBefore) {
      const assetKey = table.assets[table.asset[m]!]!;
      this.overlap.set(assetKey, (this.overlap.get(assetKey) ?? 0n) + overlap - overlapBefore);
      table.overlap[m] = overlap;
    }
    // (A clean row that stays clean, the most common outflow, is decided without reading its taint as a bigint.)
    if (taint === ZERO && table.taint.zero(m)) return;
    const old = table.taint.get(m);
    if (taint === old) return;
    table.taint.set(m, taint);
    // (A row tainted for the first time makes no bigint for the change.)
    table.addReceived(table.asset[m]!, table.to[m]!, old === ZERO ? taint : taint - old);
    this.taintChanged(m, old === 0n, taint === 0n);
  }

  /**
   * `setOutflow` from a replay in doubles: taint and fee taint integers below 2^53, no overlap. The row's taint and its
   * recipient's received sum are written as numbers while they stay below 2^53 (no bigint made for either).
   */
  private setSafeOutflow(m: number, taint: number, feeTaint: number): void {
    const { table } = this;
    const column = table.taint;
    // (The row's own taint, at most its amount, is below 2^53 too: `number` reads it exactly.)
    if (feeTaint !== 0 || table.feeTaint[m] !== undefined || table.overlap[m] !== undefined) {
      this.setOutflow(m, taint === 0 ? ZERO : BigInt(taint), feeTaint === 0 ? ZERO : BigInt(feeTaint), ZERO);
      return;
    }
    const old = column.number(m);
    if (taint === old) return;
    column.setNumber(m, taint);
    table.addReceivedNumber(table.asset[m]!, table.to[m]!, taint - old);
    this.taintChanged(m, old === 0, taint === 0);
  }

  /** What follows from a row's taint changing (`was`/`now`: whether it was / is zero): counts, dirty marks, hops. */
  private taintChanged(m: number, was: boolean, now: boolean): void {
    const { table } = this;
    if (was) this.taintedCount++;
    else if (now) this.taintedCount--;
    // The recipient by id: its node object is read only when it must be replayed (most rows are read once).
    const to = table.to[m]!;
    this.touch(to);
    const flags = table.flags[to]!;
    if ((flags & NodeBit.Expanded) !== 0 && to !== table.from[m]) this.markDirty(to);
    const box = table.box[m];
    if ((flags & NodeBit.Contract) !== 0 && box) this.dirtyBoxes.add(box);
    if (was) this.relax(m);
    else if (now && table.via[to] === m) this.hopsStale = true;
  }

  private markDirty(id: number): void {
    this.flagOnce(NodeBit.Dirty, this.dirty, id);
  }

  private touch(id: number): void {
    this.flagOnce(NodeBit.Touched, this.touched, id);
  }

  /** Flags node `id` with `bit` and lists it in `list`, unless it has the flag already (a set of ids, in flag order). */
  private flagOnce(bit: number, list: number[], id: number): void {
    const { flags } = this.table;
    if ((flags[id]! & bit) !== 0) return;
    flags[id]! |= bit;
    list.push(id);
  }

  /** A newly tainted edge can shorten its recipient's hop count, and from there its recipients'. */
  private relax(first: number): void {
    if (this.hopsStale) return;
    const { table } = this;
    // One queue for every call (a call per newly tainted row: most queues hold that row alone), counted here and
    // never cut: an array cut to length 0 gives up its store, and the next push makes a new one.
    const queue = this.relaxQueue;
    let n = 0;
    queue[n++] = first;
    for (let i = 0; i < n; i++) {
      const m = queue[i]!;
      const from = table.from[m]!;
      const to = table.to[m]!;
      if (table.hop[from]! < 0) continue;
      // A contract's box siblings share its hop count: the full breadth-first pass handles them.
      if ((table.flags[to]! & NodeBit.Contract) !== 0) {
        this.hopsStale = true;
        return;
      }
      const hop = table.hop[from]! + 1;
      const was = table.hop[to]!;
      if (was < 0 || hop < was) {
        table.hop[to] = hop;
        table.via[to] = m;
        this.touch(to);
        for (let c = this.events.first(to); c >= 0; c = this.events.after(c)) {
          const e = this.events.at(c);
          if (table.from[e] === to && table.taint.positive(e) && table.to[e] !== to) queue[n++] = e;
        }
      } else if (hop === was && table.via[to]! >= 0 && table.compare(m, table.via[to]!) < 0) {
        // (A seed's recipient at its own hop count keeps no edge: its path starts at the seed.)
        table.via[to] = m;
      }
    }
  }

  /**
   * Breadth-first from the seed recipients (each starting at its own hop count) over tainted edges; ties go to the
   * earliest edge, and a seed recipient at its own count keeps no edge.
   */
  private recomputeHops(): void {
    this.hopsStale = false;
    const { table } = this;
    const n = this.nodeList.length;
    const before = table.hop.slice(0, n);
    const roots: FlowNode[] = [];
    table.hop.fill(-1, 0, n);
    table.via.fill(-1, 0, n);
    for (const node of this.nodeList) if (node.rootHop >= 0) roots.push(node);
    roots.sort((a, b) => a.rootHop - b.rootHop);
    let frontier: FlowNode[] = [];
    let r = 0;
    for (let hop = roots[0]?.rootHop ?? 0; frontier.length > 0 || r < roots.length; hop++) {
      for (; r < roots.length && roots[r]!.rootHop === hop; r++) {
        const root = roots[r]!;
        if (root.hop === hop) table.via[root.id] = -1;
        else if (root.hop < 0) this.reach(root, hop, -1, frontier);
      }
      const next: FlowNode[] = [];
      for (const node of frontier) {
        for (let c = this.events.first(node.id); c >= 0; c = this.events.after(c)) {
          const e = this.events.at(c);
          if (table.from[e] !== node.id || table.taint.zero(e)) continue;
          const to = table.to[e]!;
          if (table.hop[to]! < 0) this.reach(table.nodes[to]!, hop + 1, e, next);
          else if (table.hop[to] === hop + 1 && table.via[to]! >= 0 && table.compare(e, table.via[to]!) < 0) {
            table.via[to] = e;
          }
        }
      }
      frontier = next;
    }
    for (let i = 0; i < n; i++) if (table.hop[i] !== before[i]) this.touch(i);
  }

  /** Gives `node` its hop count and edge, and the same to the other contracts of the boxes taint entered it through. */
  private reach(node: FlowNode, hop: number, via: number, list: FlowNode[]): void {
    this.table.hop[node.id] = hop;
    this.table.via[node.id] = via;
    list.push(node);
    if (!node.boxes) return;
    for (const box of node.boxes) {
      if (!box.result?.share) continue;
      for (const other of box.contractNodes) if (other.hop < 0) this.reach(other, hop, via, list);
    }
  }

  /**
   * The allocation as the endpoint and report builders read it. Its edges are views of the flow's own rows (made
   * once per row): read it before the flow changes again.
   */
  async snapshot(pace: Pacer = noPacing): Promise<Allocation> {
    const { table } = this;
    const tainted: number[] = [];
    for (let m = 0; m < table.size; m++) {
      if ((m & 65535) === 65535) await pace();
      if (table.taint.positive(m)) tainted.push(m);
    }
    // The list of edges (sorted, a view per row) is made when first read: the graph and per-payment attribution read
    // it, a report does not. (After release(), too: a row added as an object has had its view since it was added.)
    let edges: TaintedEdge[] | undefined;
    const edgeList = () => (edges ??= table.sortRows(tainted).map((m) => table.view(m)));
    // Hop counts, edges and holdings by node id as they are now, behind one index of keys: no map per node.
    const nodes = this.nodeList;
    const keyOf: (string | undefined)[] = new Array(nodes.length);
    const hop = new Int32Array(nodes.length).fill(-1);
    const via = new Int32Array(nodes.length).fill(-1);
    // What each node holds, by asset index: an expanded node's ledgers, a contract's share, else what it received
    // (the columns themselves: nothing changes the flow after its snapshot; `holds` says which a node reads, 0: none).
    const contractHeld = this.contractHoldings();
    const holds = new Uint8Array(nodes.length);
    const amountOf = (id: number, a: number): bigint | undefined =>
      holds[id] === HELD ? table.held[a]!.at(id) : holds[id] === RECEIVED ? table.receivedAt(a, id) : contractHeld.get(nodes[id]!)?.[a];
    // `amountOf` above zero, asked of every node, with no bigint made for a cell.
    const holdsSome = (id: number, a: number): boolean =>
      holds[id] === HELD
        ? !table.held[a]!.zeroAt(id)
        : holds[id] === RECEIVED
          ? table.wasReached(a, id) && !table.received[a]!.zero(id)
          : (contractHeld.get(nodes[id]!)?.[a] ?? 0n) !== 0n;
    let hops = 0;
    let vias = 0;
    let holders = 0;
    await pace();
    for (let i = 0; i < nodes.length; i++) {
      if ((i & 4095) === 4095) await pace();
      const node = nodes[i]!;
      const id = node.id;
      if (node.hop >= 0) {
        hop[id] = node.hop;
        hops++;
        if (node.via >= 0) {
          via[id] = node.via;
          vias++;
        }
      }
      // (Read as they are: the flow does not change after the snapshot, which settle takes once the rounds are over.)
      holds[id] = node.expanded ? HELD : node.contract ? CONTRACT : RECEIVED;
      let any = false;
      for (let a = 0; a < table.assets.length && !any; a++) any = holdsSome(id, a);
      if (any) holders++;
      else holds[id] = 0;
      if (hop[id]! >= 0 || any) keyOf[id] = node.key;
    }
    // The flow's own index by key serves the maps (no second map of millions of keys); it stays with them after
    // release(). Asked, not filled here: readers that walk the snapshot by id (the endpoints) look up no key, and a
    // trace whose settle asks none never enters its last rounds' nodes.
    const index = {
      get: (key: string) => {
        const id = this.lookup(key)?.id;
        return id !== undefined && keyOf[id] !== undefined ? id : undefined;
      },
    };
    const heldOf = (id: number): Map<string, bigint> | undefined => {
      if (holds[id] === 0) return undefined;
      const m = new Map<string, bigint>();
      for (let a = 0; a < table.assets.length; a++) if (holdsSome(id, a)) m.set(table.assets[a]!, amountOf(id, a)!);
      return m;
    };
    return {
      get edges() {
        return edgeList();
      },
      edgeCount: tainted.length,
      held: new NodeColumnMap(index, keyOf, heldOf, holders),
      fees: nonZero(this.fees),
      overlap: nonZero(this.overlap),
      hops: new NodeColumnMap(index, keyOf, (id) => (hop[id]! >= 0 ? hop[id] : undefined), hops),
      via: new NodeColumnMap(index, keyOf, (id) => (via[id]! >= 0 ? table.view(via[id]!) : undefined), vias),
    };
  }

  /**
   * What each contract holds, by asset index: taint that entered it in transactions not read as boxes, and its part
   * of what the boxes kept (split over the box's contracts by what each took in net of that asset, largest remainder).
   */
  private contractHoldings(): Map<FlowNode, bigint[]> {
    const { table } = this;
    const out = new Map<FlowNode, bigint[]>();
    const add = (node: FlowNode, i: number, v: bigint) => {
      let a = out.get(node);
      if (!a) out.set(node, (a = []));
      a[i] = (a[i] ?? 0n) + v;
    };
    for (const node of this.nodeList) {
      if (!node.contract) continue;
      for (const e of this.events.rows(node.id))
        if (table.to[e] === node.id && table.taint.positive(e) && !table.box[e]?.result) add(node, table.asset[e]!, table.taint.get(e));
    }
    for (const box of this.boxList) {
      for (const [asset, kept] of box.result?.kept ?? []) {
        const i = this.assetIndex.get(asset)!;
        for (const [node, v] of splitProRata(keepers(box, asset), kept)) add(node, i, v);
      }
    }
    return out;
  }

  /** The tainted movements into `node`, chronologically. */
  taintedInflows(node: FlowNode): FlowTransfer[] {
    this.sortEvents(node);
    const { table, events } = this;
    const into = (m: number) => table.to[m] === node.id && table.taint.positive(m);
    // Counted first: the lists are kept (endpoints), and one grown by push() would hold room for 16 or more.
    let n = 0;
    for (let c = events.first(node.id); c >= 0; c = events.after(c)) if (into(events.at(c))) n++;
    const out = new Array<FlowTransfer>(n);
    n = 0;
    for (let c = events.first(node.id); c >= 0; c = events.after(c)) {
      const m = events.at(c);
      if (into(m)) out[n++] = table.view(m);
    }
    return out;
  }

  /**
   * The tainted movements into each node that received taint, by node key, chronologically: made when asked (the
   * endpoint builder asks for the nodes that hold taint, not for every node taint passed through), so read it before
   * release(). A node with none reads as undefined.
   */
  inflows(): NodeInflows {
    const of = (node: FlowNode | undefined) => {
      const list = !node ? [] : node.contract ? this.contractInflows(node) : this.receivedAny(node) ? this.taintedInflows(node) : [];
      return list.length > 0 ? list : undefined;
    };
    return { get: (key) => of(this.lookup(key)), byId: (id) => of(this.table.nodes[id]) };
  }

  /**
   * What a contract's endpoint rests on: the tainted movements into it, and the tainted inputs of the boxes it is part
   * of (a pool keeps what entered the box through the router), chronologically.
   */
  private contractInflows(node: FlowNode): FlowTransfer[] {
    const list = new Set(this.taintedInflows(node));
    for (const box of node.boxes ?? []) if (box.result?.share) for (const m of box.movements) if (m.taint > 0n && isBoxInput(box, m)) list.add(m);
    return [...list].sort((a, b) => compareTransfers(a.t, b.t));
  }

  /** Taint a node received so far, per asset key. */
  receivedBy(node: FlowNode): [string, bigint][] {
    const out: [string, bigint][] = [];
    const { table } = this;
    for (let a = 0; a < table.assets.length; a++) {
      const v = table.receivedAt(a, node.id);
      if (v !== undefined) out.push([table.assets[a]!, v]);
    }
    return out;
  }

  /** Whether a tainted movement ever reached `node`. */
  private receivedAny(node: FlowNode): boolean {
    const { table } = this;
    for (let a = 0; a < table.assets.length; a++) if (table.wasReached(a, node.id)) return true;
    return false;
  }

  /** The movement object of row `m` (a table row's made on first ask and kept). */
  movementOf(m: number): AccountTransfer {
    return this.table.tOf(m);
  }

  /** The columns of every row, for a builder that reads them all once (settle: which addresses paid a service). */
  get columns(): FlowColumns {
    return this.table;
  }

  /**
   * Read access for the builders after the rounds (settle: the deposit rule): `node`'s rows in chronological order
   * and the columns that describe them, without a view per row (a view keeps its row's source movement past
   * `release()`).
   */
  rowsOf(node: FlowNode): { rows: readonly number[]; columns: FlowColumns } {
    this.sortEvents(node);
    return { rows: this.events.rows(node.id), columns: this.table };
  }

  private sortEvents(node: FlowNode): void {
    const { table } = this;
    if ((table.flags[node.id]! & NodeBit.Unsorted) === 0) return;
    this.events.sort(node.id, (a, b) => table.compare(a, b));
    table.flags[node.id]! &= ~NodeBit.Unsorted;
  }

  /**
   * Drops the indexes and movement lists once the outcome is built: the views made so far (the allocation's edges,
   * inflows, boxes) still read their rows; every other movement read is let go. The index of nodes by key stays: the
   * snapshot's maps and `expanded` read it.
   */
  release(): void {
    this.byTx.clear();
    this.events.clear();
    this.table.release();
    this.spaces.clear();
  }

  /**
   * The node of a key (`chain|address`) if the flow has seen it. The last node found is kept: the builders ask for one
   * key several times in a row (expanded, then its inflows), and a node once found stays.
   */
  lookup(key: string): FlowNode | undefined {
    if (key === this.lastFound?.key) return this.lastFound;
    const { chain, address } = splitNodeKey(key);
    return this.peek(chain, address);
  }

  private index(): Map<string, Map<string, FlowNode>> {
    const nodes = this.nodeList;
    for (; this.indexed < nodes.length; this.indexed++) {
      const node = nodes[this.indexed]!;
      let byAddress = this.byChain.get(node.chain);
      if (!byAddress) this.byChain.set(node.chain, (byAddress = new Map()));
      byAddress.set(node.address, node);
    }
    return this.byChain;
  }
}

const ZERO = 0n;
/** The largest safe integer, as a bigint (fees compared without making a number). */
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Enters node `node` for address id `address` in `space`, both ways. */
function pair(space: IdSpace, address: number, node: number): void {
  space.nodes[address] = node;
  if (node >= space.addressOf.length) space.addressOf = grow(space.addressOf, node + 1, (n) => new Int32Array(n), -1);
  space.addressOf[node] = address;
}
/** Which of its amounts a node of a snapshot holds (`TaintFlow.snapshot`). */
const HELD = 1;
const CONTRACT = 2;
const RECEIVED = 3;

/**
 * The contracts that keep a box's taint in `asset`, weighted by what each took in net of it in the transaction; when
 * none took in more than it paid out (the taint kept is rounding), the contracts its tainted inputs went to.
 */
function keepers(box: Box, asset: string): [FlowNode, bigint][] {
  const net = new Map<FlowNode, bigint>();
  for (const m of box.movements) {
    if (m.asset !== asset) continue;
    if (box.contracts.has(m.t.to)) net.set(m.toNode, (net.get(m.toNode) ?? 0n) + m.t.amount);
    if (box.contracts.has(m.t.from)) net.set(m.fromNode, (net.get(m.fromNode) ?? 0n) - m.t.amount);
  }
  const gained = [...net].filter(([, v]) => v > 0n).sort(([a], [b]) => (a.key < b.key ? -1 : 1));
  if (gained.length > 0) return gained;
  const inputs = box.movements.filter((m) => m.asset === asset && m.taint > 0n && isBoxInput(box, m)).map((m) => m.toNode);
  return [...new Set(inputs)].sort((a, b) => (a.key < b.key ? -1 : 1)).map((n) => [n, 1n]);
}

/** The flow's identity of a movement: chain, tx, type and log index. */
function sameMovement(a: AccountTransfer, b: AccountTransfer): boolean {
  return a.tx === b.tx && a.logIndex === b.logIndex && a.type === b.type && a.chain === b.chain;
}

function nonZero(map: Map<string, bigint>): Map<string, bigint> {
  return new Map([...map].filter(([, v]) => v !== 0n));
}
