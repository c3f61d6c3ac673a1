/**
 * An independent reference for issue #20 (transaction-level flow): what is tainted at each address per asset once
 * value has passed through swaps, wrapping, routers and splitters. It shares no code with src/ and is kept simple on
 * purpose; tests of the engine compare against it.
 *
 * THE RULE (one transaction at a time, in chain order):
 * 1. The transaction's value movements are read from the chain: native value of the transaction, value-carrying
 *    internal calls (from debug_traceTransaction; a reverted call frame moves nothing), ERC-20 `Transfer` logs, and
 *    the wrapper's `Deposit(dst, wad)` / `Withdrawal(src, wad)` logs. The wrapped native token counts as the native
 *    asset 1:1 (asset 'ETH'): a Deposit is the wrapper paying `wad` ETH to dst, a Withdrawal is src paying `wad` ETH
 *    to the wrapper; the native value that goes with them is a movement of its own.
 * 2. The gas fee is spent first, by the sender, from its ETH.
 * 3. Every movement sent by an account that is not a contract is spent from that account's holdings with the
 *    account model (fifo: oldest lots first; haircut: the tainted share of the holding, floor), which gives the
 *    tainted part of that movement (fifo puts a received movement's tainted part before its clean part). A seed
 *    is tainted in full: a whole transaction `hash` seeds its movements between non-contracts (a victim's payment);
 *    `hash:logIndex` seeds that one log's movement, also when it goes into a contract (a swapper's payment into a
 *    pool: then only what the box pays out for it is tainted).
 *    Movements between non-contracts move their tainted part to the recipient.
 * 4. All contracts touched in the transaction are one box. Its inputs are the movements from non-contracts into it,
 *    its outputs the movements from it to non-contracts; movements between contracts are internal and ignored.
 *    - share = tainted input / total input. Taint entering in more than one asset has no single share: the oracle
 *      refuses such a transaction (the worlds never build one).
 *    - for each output asset, tainted out = floor(total out of that asset * share); it is spread over that asset's
 *      outputs in proportion to their amounts, floor, the units left go one each to the largest remainders (ties:
 *      lower recipient, then smaller amount), so the order of the logs does not matter. The fraction below one
 *      base unit that floor dropped is recorded per asset as `roundedAway` (numerator / total input).
 *    - per asset, tainted in minus tainted out is what the contracts keep (the pool's new reserves): positive is
 *      kept and never followed again; negative is what the conversion produced in that asset.
 * 5. Nothing a contract holds is ever tainted, so a pool's payouts in other transactions are clean.
 */

export type Asset = string; // 'ETH' (native and wrapped) or a lower-case token address
export type Model = 'fifo' | 'haircut';

export interface Movement {
  /** Taint stream: 'ETH' for native value and the wrapped token, else the token address. */
  asset: Asset;
  /** Balance it changes: 'native' or the token address (the wrapper's token for Deposit/Withdrawal and WETH transfers). */
  raw: string;
  from: string;
  to: string;
  amount: bigint;
  kind: 'value' | 'internal' | 'transfer' | 'deposit' | 'withdrawal';
  /** Log index of a Transfer/Deposit/Withdrawal movement. */
  log?: number;
}

export interface TxMovements {
  hash: string;
  sender: string;
  fee: bigint;
  /** False when the transaction reverted: only the fee moved. */
  ok: boolean;
  movements: Movement[];
}

export interface Conversion {
  tx: string;
  contracts: string[];
  /** Box input per asset: total and tainted. */
  in: Map<Asset, { total: bigint; tainted: bigint }>;
  out: Map<Asset, { total: bigint; tainted: bigint }>;
  share: { tainted: bigint; total: bigint };
  /** Per output asset, floor's dropped fraction: numerator over share.total (always < one base unit). */
  roundedAway: Map<Asset, bigint>;
}

export interface BoxOutput {
  asset: Asset;
  to: string;
  amount: bigint;
}

/**
 * Step 4 of the rule, alone: which part of each output is tainted, given the box's inputs. Outputs come back in the
 * order given.
 */
export function throughContracts(
  inputs: { asset: Asset; amount: bigint; tainted: bigint }[],
  outputs: BoxOutput[],
): { tainted: bigint[]; share: { tainted: bigint; total: bigint }; roundedAway: Map<Asset, bigint> } {
  const taintedAssets = new Set(inputs.filter((i) => i.tainted > 0n).map((i) => i.asset));
  const roundedAway = new Map<Asset, bigint>();
  if (taintedAssets.size === 0) return { tainted: outputs.map(() => 0n), share: { tainted: 0n, total: 1n }, roundedAway };
  const inputAssets = new Set(inputs.filter((i) => i.amount > 0n).map((i) => i.asset));
  if (inputAssets.size > 1) {
    throw new Error(`oracle: tainted value enters in ${inputAssets.size} assets (${[...inputAssets].join(', ')}); the rule gives no single share`);
  }
  const share = { tainted: inputs.reduce((s, i) => s + i.tainted, 0n), total: inputs.reduce((s, i) => s + i.amount, 0n) };
  const tainted = outputs.map(() => 0n);
  for (const asset of new Set(outputs.map((o) => o.asset))) {
    const indexes = outputs.map((o, i) => (o.asset === asset ? i : -1)).filter((i) => i >= 0);
    const totalOut = indexes.reduce((s, i) => s + outputs[i]!.amount, 0n);
    if (totalOut === 0n) continue;
    const exact = totalOut * share.tainted;
    const target = exact / share.total;
    roundedAway.set(asset, exact % share.total);
    const remainders = new Map<number, bigint>();
    let given = 0n;
    for (const i of indexes) {
      const part = target * outputs[i]!.amount;
      tainted[i] = part / totalOut;
      remainders.set(i, part % totalOut);
      given += tainted[i]!;
    }
    const byRemainder = [...indexes].sort((a, b) => {
      const [ra, rb] = [remainders.get(a)!, remainders.get(b)!];
      if (ra !== rb) return ra > rb ? -1 : 1;
      const [oa, ob] = [outputs[a]!, outputs[b]!];
      if (oa.to !== ob.to) return oa.to < ob.to ? -1 : 1;
      return oa.amount === ob.amount ? 0 : oa.amount < ob.amount ? -1 : 1;
    });
    for (let k = 0; given < target; k++, given++) tainted[byRemainder[k]!]! += 1n;
  }
  return { tainted, share, roundedAway };
}

/** One account's holding of one asset under the account model. */
class Holding {
  /**
   * fifo: lots oldest first, one per receipt (a partly tainted lot gives taint in proportion, rounded down, as
   * src/taint/ledger.ts defines the model); haircut uses only the sums (the share rounded to the nearest unit).
   */
  private lots: { amount: bigint; tainted: bigint }[] = [];
  total = 0n;
  tainted = 0n;

  constructor(private readonly model: Model) {}

  receive(amount: bigint, tainted: bigint): void {
    this.total += amount;
    this.tainted += tainted;
    if (this.model !== 'fifo') return;
    if (amount > 0n) this.lots.push({ amount, tainted });
  }

  /** Spends `amount`; returns its tainted part. */
  spend(amount: bigint, where: string): bigint {
    if (amount > this.total) throw new Error(`oracle: ${where} spends ${amount} but holds ${this.total}: a movement was missed`);
    let tainted = 0n;
    if (this.model === 'haircut') {
      // Rounded to the nearest unit, all of it when the whole holding is spent.
      tainted = this.total === 0n ? 0n : amount === this.total ? this.tainted : (2n * amount * this.tainted + this.total) / (2n * this.total);
      if (tainted > this.tainted) tainted = this.tainted;
    } else {
      let left = amount;
      while (left > 0n) {
        const lot = this.lots[0]!;
        const take = lot.amount < left ? lot.amount : left;
        const part = take === lot.amount ? lot.tainted : (lot.tainted * take) / lot.amount;
        tainted += part;
        lot.tainted -= part;
        lot.amount -= take;
        left -= take;
        if (lot.amount === 0n) this.lots.shift();
      }
    }
    this.total -= amount;
    this.tainted -= tainted;
    return tainted;
  }
}

export interface ReplayOptions {
  /** Lower-case addresses that hold code. */
  contracts: ReadonlySet<string>;
  /** `hash`: the transaction's movements between non-contracts are the case's money (victims' payments);
   *  `hash:logIndex`: that log's movement is, whoever receives it. */
  seeds: ReadonlySet<string>;
  /** ETH each account held before the first transaction (genesis allocations). */
  genesis: ReadonlyMap<string, bigint>;
  model?: Model;
  /**
   * Which transactions' fees the sender's ETH pays (default all). A source that lists only value-carrying
   * transactions (the JSON-RPC source: zero-value calls and reverted transactions are not movements) sees only theirs.
   */
  charged?: (tx: TxMovements) => boolean;
  /**
   * When the fee leaves the sender's ETH: 'first' (before anything moves, as the chain charges gas; default) or
   * 'after-value' (right after the transaction's own value, as the engine's ledger takes the fee of the movement
   * that carries it: src/engine/flow.ts). The two differ only in which lot a fifo fee takes.
   */
  feeOrder?: 'first' | 'after-value';
}

export interface TaintState {
  /** Tainted amount held per address (non-contracts only) per asset. */
  held: Map<string, Map<Asset, bigint>>;
  /** Balance per address per raw asset ('native' or token), as the movements left it: checks the oracle saw everything. */
  balances: Map<string, Map<string, bigint>>;
  /** Per asset: seeded, produced by conversions, kept by contracts, spent on gas. */
  ledger: Map<Asset, { seeded: bigint; produced: bigint; kept: bigint; fees: bigint }>;
  conversions: Conversion[];
}

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

function entry<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** Steps 2 to 5 of the rule over transactions in chain order. */
export function replayTaint(txs: readonly TxMovements[], options: ReplayOptions): TaintState {
  const model = options.model ?? 'fifo';
  const holdings = new Map<string, Holding>();
  const balances = new Map<string, Map<string, bigint>>();
  const ledger = new Map<Asset, { seeded: bigint; produced: bigint; kept: bigint; fees: bigint }>();
  const conversions: Conversion[] = [];
  const isContract = (a: string) => options.contracts.has(a);
  const holding = (address: string, asset: Asset) => entry(holdings, `${address} ${asset}`, () => new Holding(model));
  const book = (asset: Asset) => entry(ledger, asset, () => ({ seeded: 0n, produced: 0n, kept: 0n, fees: 0n }));
  const move = (address: string, raw: string, delta: bigint) => {
    const m = entry(balances, address, () => new Map<string, bigint>());
    m.set(raw, (m.get(raw) ?? 0n) + delta);
  };
  for (const [address, amount] of options.genesis) {
    holding(address, 'ETH').receive(amount, 0n);
    move(address, 'native', amount);
  }

  for (const tx of txs) {
    const charged = options.charged?.(tx) ?? true;
    const payFee = () => (book('ETH').fees += holding(tx.sender, 'ETH').spend(tx.fee, `${tx.hash} fee`));
    const feeAfterValue = charged && options.feeOrder === 'after-value' && tx.ok && tx.movements.some((m) => m.kind === 'value');
    if (charged && !feeAfterValue) payFee();
    move(tx.sender, 'native', -tx.fee);
    if (!tx.ok) continue;
    const wholeTx = options.seeds.has(tx.hash);
    const inputs: { asset: Asset; amount: bigint; tainted: bigint }[] = [];
    const outputs: BoxOutput[] = [];
    const touched = new Set<string>();
    for (const m of tx.movements) {
      if (m.from !== ZERO_ADDRESS || m.kind !== 'transfer') move(m.from, m.raw, -m.amount);
      move(m.to, m.raw, m.amount);
      for (const a of [m.from, m.to]) if (isContract(a)) touched.add(a);
      if (isContract(m.from)) {
        if (!isContract(m.to)) outputs.push({ asset: m.asset, to: m.to, amount: m.amount });
        continue;
      }
      // A mint (Transfer from the zero address) is new, clean money.
      let tainted = m.from === ZERO_ADDRESS ? 0n : holding(m.from, m.asset).spend(m.amount, `${tx.hash} ${m.from}`);
      if (feeAfterValue && m.kind === 'value') payFee();
      if ((wholeTx && !isContract(m.to)) || (m.log !== undefined && options.seeds.has(`${tx.hash}:${m.log}`))) {
        book(m.asset).seeded += m.amount - tainted;
        tainted = m.amount;
      }
      if (isContract(m.to)) {
        inputs.push({ asset: m.asset, amount: m.amount, tainted });
      } else {
        holding(m.to, m.asset).receive(m.amount, tainted);
      }
    }
    if (inputs.length === 0 && outputs.length === 0) continue;
    const box = throughContracts(inputs, outputs);
    for (const [i, o] of outputs.entries()) holding(o.to, o.asset).receive(o.amount, box.tainted[i]!);
    const sums = (rows: { asset: Asset; amount: bigint; tainted: bigint }[]) => {
      const out = new Map<Asset, { total: bigint; tainted: bigint }>();
      for (const r of rows) {
        const s = out.get(r.asset) ?? { total: 0n, tainted: 0n };
        out.set(r.asset, { total: s.total + r.amount, tainted: s.tainted + r.tainted });
      }
      return out;
    };
    const inSums = sums(inputs);
    const outSums = sums(outputs.map((o, i) => ({ ...o, tainted: box.tainted[i]! })));
    for (const asset of new Set([...inSums.keys(), ...outSums.keys()])) {
      const net = (inSums.get(asset)?.tainted ?? 0n) - (outSums.get(asset)?.tainted ?? 0n);
      if (net > 0n) book(asset).kept += net;
      else if (net < 0n) book(asset).produced -= net;
    }
    if (box.share.tainted > 0n) {
      conversions.push({ tx: tx.hash, contracts: [...touched].sort(), in: inSums, out: outSums, share: box.share, roundedAway: box.roundedAway });
    }
  }

  const held = new Map<string, Map<Asset, bigint>>();
  for (const [key, h] of holdings) {
    if (h.tainted === 0n) continue;
    const [address, asset] = key.split(' ') as [string, Asset];
    if (!held.has(address)) held.set(address, new Map());
    held.get(address)!.set(asset, h.tainted);
  }
  return { held, balances, ledger, conversions };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a transaction's movements from a node (receipts, transactions, debug_traceTransaction).

type Request = (method: string, params?: unknown[]) => Promise<unknown>;

const TOPIC_TRANSFER = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const TOPIC_DEPOSIT = '0xe1fffcc4923d04b559f4d29a8bfc6cda04eb5b0d3c460751c2402c5c5cc9109c';
const TOPIC_WITHDRAWAL = '0x7fcf532c15f0a6db0bd6d0e038bea71d30d808c7d98cb3bf7268a95bf5081b65';

const word = (hex: string) => BigInt(hex.startsWith('0x') ? hex : `0x${hex}`);
const addressOf = (hex: string) => `0x${hex.replace(/^0x/, '').slice(-40)}`.toLowerCase();

interface StructLog {
  depth: number;
  op: string;
  stack: string[];
}

/**
 * Value-carrying internal calls from a struct-log trace (ganache 7 answers debug_traceTransaction with struct logs,
 * depth starting at 1, stack top last). A call's value counts only if the call succeeded (the first step back in the
 * caller has 1 on top of the stack) and so do the moves made inside it.
 */
export function internalValueCalls(structLogs: readonly StructLog[], txTo: string): { from: string; to: string; amount: bigint }[] {
  interface Frame {
    address: string;
    call?: { from: string; to: string; amount: bigint };
    moves: { from: string; to: string; amount: bigint }[];
  }
  const frames: Frame[] = [{ address: txTo, moves: [] }];
  let pending: { address: string; call?: { from: string; to: string; amount: bigint } } | undefined;
  for (const step of structLogs) {
    const current = frames.at(-1)!;
    if (step.depth > frames.length) {
      if (!pending) throw new Error('oracle: trace enters a frame without a call');
      frames.push({ address: pending.address, ...(pending.call ? { call: pending.call } : {}), moves: [] });
      pending = undefined;
    } else if (step.depth < frames.length) {
      const ok = word(step.stack.at(-1) ?? '0') !== 0n;
      while (frames.length > step.depth) {
        const child = frames.pop()!;
        if (ok) frames.at(-1)!.moves.push(...(child.call ? [child.call] : []), ...child.moves);
      }
    } else if (pending) {
      // The call ran no code (an account without code): it is over already.
      if (pending.call && word(step.stack.at(-1) ?? '0') !== 0n) current.moves.push(pending.call);
      pending = undefined;
    }
    const here = frames.at(-1)!;
    const s = step.stack;
    switch (step.op) {
      case 'CALL': {
        const to = addressOf(s.at(-2)!);
        const amount = word(s.at(-3)!);
        pending = { address: to, ...(amount > 0n ? { call: { from: here.address, to, amount } } : {}) };
        break;
      }
      case 'STATICCALL':
        pending = { address: addressOf(s.at(-2)!) };
        break;
      case 'DELEGATECALL':
      case 'CALLCODE':
        pending = { address: here.address };
        break;
      case 'CREATE':
      case 'CREATE2':
      case 'SELFDESTRUCT':
        throw new Error(`oracle: ${step.op} inside a transaction is not modelled`);
      default:
        break;
    }
  }
  return frames[0]!.moves;
}

/**
 * The movements of one transaction, read from the node. `weth` is the wrapper whose token counts as ETH, unless
 * `wrappedApart`: then the wrapper's token is an asset of its own (its address), and wrapping converts between them.
 */
export async function readTxMovements(
  request: Request,
  hash: string,
  weth: string,
  isContract: (a: string) => boolean,
  wrappedApart = false,
): Promise<TxMovements> {
  const wrapAsset = wrappedApart ? weth : 'ETH';
  const tx = (await request('eth_getTransactionByHash', [hash])) as { from: string; to: string | null; value: string };
  const receipt = (await request('eth_getTransactionReceipt', [hash])) as {
    status: string;
    gasUsed: string;
    effectiveGasPrice: string;
    logs: { address: string; topics: string[]; data: string; logIndex: string }[];
  };
  const sender = tx.from.toLowerCase();
  const result: TxMovements = { hash, sender, fee: word(receipt.gasUsed) * word(receipt.effectiveGasPrice), ok: word(receipt.status) === 1n, movements: [] };
  if (!result.ok) return result;
  const to = tx.to?.toLowerCase();
  const value = word(tx.value);
  if (to && value > 0n) result.movements.push({ asset: 'ETH', raw: 'native', from: sender, to, amount: value, kind: 'value' });
  if (to && isContract(to)) {
    const trace = (await request('debug_traceTransaction', [hash, { disableMemory: true, disableStorage: true }])) as { structLogs: StructLog[] };
    for (const call of internalValueCalls(trace.structLogs, to)) result.movements.push({ asset: 'ETH', raw: 'native', ...call, kind: 'internal' });
  }
  for (const log of receipt.logs) {
    const token = log.address.toLowerCase();
    const topic = log.topics[0]?.toLowerCase();
    const asset = token === weth ? wrapAsset : token;
    const index = Number(log.logIndex);
    if (topic === TOPIC_TRANSFER && log.topics.length === 3) {
      result.movements.push({
        asset,
        raw: token,
        from: addressOf(log.topics[1]!),
        to: addressOf(log.topics[2]!),
        amount: word(log.data),
        kind: 'transfer',
        log: index,
      });
    } else if (token === weth && topic === TOPIC_DEPOSIT) {
      result.movements.push({ asset: wrapAsset, raw: token, from: weth, to: addressOf(log.topics[1]!), amount: word(log.data), kind: 'deposit', log: index });
    } else if (token === weth && topic === TOPIC_WITHDRAWAL) {
      result.movements.push({
        asset: wrapAsset,
        raw: token,
        from: addressOf(log.topics[1]!),
        to: weth,
        amount: word(log.data),
        kind: 'withdrawal',
        log: index,
      });
    }
  }
  return result;
}

/**
 * Every transaction of the chain, block by block, with its movements, and which of the addresses seen hold code
 * (eth_getCode, cached). Reads nothing from a world's description.
 */
export async function readChain(request: Request, weth: string, wrappedApart = false): Promise<{ txs: TxMovements[]; contracts: Set<string> }> {
  const code = new Map<string, boolean>();
  const isContractNow = async (address: string) => {
    if (!code.has(address)) code.set(address, ((await request('eth_getCode', [address, 'latest'])) as string) !== '0x');
    return code.get(address)!;
  };
  const head = Number((await request('eth_blockNumber')) as string);
  const txs: TxMovements[] = [];
  for (let n = 0; n <= head; n++) {
    const block = (await request('eth_getBlockByNumber', [`0x${n.toString(16)}`, true])) as { transactions: { hash: string; to: string | null }[] };
    for (const t of block.transactions) {
      if (t.to) await isContractNow(t.to.toLowerCase());
      const movements = await readTxMovements(request, t.hash, weth, (a) => code.get(a) === true, wrappedApart);
      for (const m of movements.movements) for (const a of [m.from, m.to]) await isContractNow(a);
      txs.push(movements);
    }
  }
  return { txs, contracts: new Set([...code].filter(([, c]) => c).map(([a]) => a)) };
}
