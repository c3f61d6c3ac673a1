/**
 * Engine floor: how fast the least work a trace of the engine benchmark's world must do can go on this machine, with
 * the data already in the layout that suits it best. It answers "what would a redesign reach here?", for the goal of
 * the `engine` benchmark (>= 1 M transfers/s).
 *
 * It is NOT chaintrail's engine, and nothing in src/ uses it. Before the clock starts, the world is turned into
 * columns: addresses interned to integer ids in sorted order, each movement's ends, time, amount and the rank of its
 * tx hash in typed arrays, each address's movements as one chronological run of ids. Then, timed: the rounds (expand
 * the frontier, read each movement once, FIFO taint in exact integer arithmetic, hop counts), and one endpoint per
 * address that holds taint with what an investigator needs (checksummed address, amount, hops, first and last tainted
 * inflow, its tx hashes, the path from the victim's payment), formatted by chaintrail's own functions. It leaves out
 * everything else the engine does: labels beyond a flag per exchange wallet, stop reasons, fees, overlapping seeds,
 * deposit inference, bridges, summaries, conservation lines, assets other than one 6-decimal token (so every amount
 * fits a float).
 */
import { pathToFileURL } from 'node:url';
import { formatAddress } from '../../src/core/address.js';
import { formatUnits } from '../../src/core/asset.js';
import { isoTime } from '../../src/report/assets.js';
import { mulDiv } from '../../src/taint/ledger.js';
import { faultFigures, generateWorld, pageFaultMicros, pageFaults } from './engine.js';

const MAX_HOPS = 10;
const MAX_DEGREE = 1_000;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export async function run(): Promise<void> {
  const total = Number(process.env.BENCH_TRANSFERS ?? 1_000_000);
  const faultMicros = pageFaultMicros();
  let world: ReturnType<typeof generateWorld> | undefined = generateWorld(total);

  // ---- Layout (not timed).
  let t = performance.now();
  let rows = world.dataset.transfers!;
  const names = [...new Set(rows.flatMap((r) => [r.from, r.to]))].sort();
  const idOf = new Map(names.map((a, i) => [a, i]));
  const N = names.length;
  const M = rows.length;
  const from = new Int32Array(M);
  const to = new Int32Array(M);
  const time = new Float64Array(M);
  const amount = new Float64Array(M);
  const tx: string[] = new Array<string>(M);
  const byTx = new Map<string, number>();
  rows.forEach((r, m) => {
    from[m] = idOf.get(r.from)!;
    to[m] = idOf.get(r.to)!;
    time[m] = Number(r.time);
    amount[m] = Number(r.amount);
    if (!Number.isSafeInteger(amount[m])) throw new Error('engine-floor: an amount does not fit a float exactly');
    tx[m] = r.tx;
    byTx.set(r.tx, m);
  });
  // Each hash's place in sorted order: endpoints list their tx hashes sorted, and integers sort faster than strings.
  const txRank = new Int32Array(M);
  Array.from({ length: M }, (_, m) => m)
    .sort((a, b) => (tx[a]! < tx[b]! ? -1 : tx[a]! > tx[b]! ? 1 : 0))
    .forEach((m, rank) => (txRank[m] = rank));
  // Chronological as the engine orders movements (time, then tx hash: the world's blocks follow its times).
  const order = Array.from({ length: M }, (_, m) => m).sort((a, b) => time[a]! - time[b]! || txRank[a]! - txRank[b]!);
  const layoutMs = performance.now() - t;

  // ---- Runs (timed apart): each address's movements as one chronological run, from the order above. The engine
  // must lay out what it meets as it meets it; its source hands over rows in an order it ranked when it loaded (the
  // fixture store's ranks), as `order` stands for here.
  t = performance.now();
  const start = new Int32Array(N + 1);
  for (let m = 0; m < M; m++) {
    start[from[m]! + 1]!++;
    if (to[m] !== from[m]) start[to[m]! + 1]!++;
  }
  for (let i = 0; i < N; i++) start[i + 1]! += start[i]!;
  const runs = new Int32Array(start[N]!);
  const fill = start.slice(0, N);
  for (let k = 0; k < M; k++) {
    const m = order[k]!;
    runs[fill[from[m]!]!++] = m;
    if (to[m] !== from[m]) runs[fill[to[m]!]!++] = m;
  }
  const runsMs = performance.now() - t;
  const exchange = new Uint8Array(N);
  for (const l of world.labels) exchange[idOf.get(l.address)!] = 1;
  const seedTxs = world.seeds.map((s) => s.tx);
  const asset = world.dataset.assets![0]!;
  world = undefined;
  rows = [];

  // ---- Rounds (timed).
  const faultsBefore = pageFaults();
  t = performance.now();
  const hop = new Int32Array(N).fill(-1);
  const via = new Int32Array(N).fill(-1);
  const expanded = new Uint8Array(N);
  const queued = new Uint8Array(N);
  const dirtyFlag = new Uint8Array(N);
  const received = new Float64Array(N);
  const held = new Float64Array(N);
  const read = new Uint8Array(M);
  const taint = new Float64Array(M);
  const seed = new Float64Array(M).fill(-1);
  let dirty: number[] = [];
  let touched: number[] = [];
  let transfersRead = 0;
  let seeded = 0n;

  const setOutflow = (m: number, v: number) => {
    const old = taint[m]!;
    if (v === old) return;
    taint[m] = v;
    const r = to[m]!;
    received[r] = received[r]! + v - old;
    touched.push(r);
    if (expanded[r] && !dirtyFlag[r]) {
      dirtyFlag[r] = 1;
      dirty.push(r);
    }
    if (old === 0 && hop[from[m]!]! >= 0) {
      const h = hop[from[m]!]! + 1;
      if (hop[r]! < 0 || h < hop[r]!) {
        hop[r] = h;
        via[r] = m;
      }
    }
  };
  for (const hash of seedTxs) {
    const m = byTx.get(hash)!;
    if (!read[m]) transfersRead++;
    read[m] = 1;
    seed[m] = amount[m]!;
    seeded += BigInt(amount[m]!);
    hop[to[m]!] = 0;
    setOutflow(m, amount[m]!);
  }
  // FIFO lots of the address being replayed.
  let lotAmount = new Float64Array(1024);
  let lotTaint = new Float64Array(1024);
  const replay = (node: number) => {
    const end = start[node + 1]!;
    if (end - start[node]! > lotAmount.length) {
      lotAmount = new Float64Array(2 * (end - start[node]!));
      lotTaint = new Float64Array(lotAmount.length);
    }
    let head = 0;
    let lots = 0;
    let holding = 0;
    for (let k = start[node]!; k < end; k++) {
      const m = runs[k]!;
      if (from[m] === node) {
        let left = amount[m]!;
        let taken = 0;
        while (left > 0 && head < lots) {
          const lot = lotAmount[head]!;
          const lt = lotTaint[head]!;
          if (lot <= left) {
            left -= lot;
            taken += lt;
            head++;
          } else {
            const part = lt === 0 ? 0 : lt === lot ? left : mulDiv(lt, left, lot);
            lotAmount[head] = lot - left;
            lotTaint[head] = lt - part;
            taken += part;
            left = 0;
          }
        }
        holding -= taken;
        setOutflow(m, seed[m]! >= 0 ? seed[m]! : taken);
      }
      if (to[m] === node && amount[m]! > 0) {
        lotAmount[lots] = amount[m]!;
        lotTaint[lots++] = taint[m]!;
        holding += taint[m]!;
      }
    }
    held[node] = holding;
  };
  let rounds = 0;
  let expandedCount = 0;
  for (;;) {
    while (dirty.length > 0) {
      const batch = dirty;
      dirty = [];
      for (const node of batch) {
        dirtyFlag[node] = 0;
        replay(node);
      }
    }
    const frontier: number[] = [];
    for (const node of touched) {
      if (queued[node] || expanded[node] || exchange[node] || hop[node]! < 0 || hop[node]! >= MAX_HOPS) continue;
      queued[node] = 1;
      if (start[node + 1]! - start[node]! <= MAX_DEGREE) frontier.push(node);
    }
    touched = [];
    if (frontier.length === 0) break;
    rounds++;
    frontier.sort((a, b) => hop[a]! - hop[b]! || a - b);
    for (const node of frontier) {
      for (let k = start[node]!; k < start[node + 1]!; k++) {
        const m = runs[k]!;
        if (!read[m]) {
          read[m] = 1;
          transfersRead++;
        }
      }
      expanded[node] = 1;
      expandedCount++;
      dirtyFlag[node] = 1;
      dirty.push(node);
    }
  }
  const roundsMs = performance.now() - t;

  // ---- Endpoints (timed): checksummed addresses first, on their own clock.
  t = performance.now();
  const holders: number[] = [];
  for (let node = 0; node < N; node++) if ((expanded[node] ? held[node]! : received[node]!) > 0) holders.push(node);
  const shown = holders.map((node) => formatAddress('ethereum', names[node]!));
  const checksumMs = performance.now() - t;
  const paths: (string[] | undefined)[] = new Array<string[] | undefined>(N);
  const pathOf = (node: number): string[] => {
    let p = paths[node];
    if (p) return p;
    const m = via[node]!;
    p = m < 0 ? [] : [...pathOf(from[m]!), tx[m]!];
    paths[node] = p;
    return p;
  };
  for (const hash of seedTxs) paths[to[byTx.get(hash)!]!] = [hash];
  let endpointSum = 0n;
  const endpoints = holders.map((node, i) => {
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    const inflows: number[] = [];
    for (let k = start[node]!; k < start[node + 1]!; k++) {
      const m = runs[k]!;
      if (to[m] !== node || taint[m] === 0) continue;
      if (time[m]! < first) first = time[m]!;
      if (time[m]! > last) last = time[m]!;
      inflows.push(m);
    }
    if (inflows.length > 1) inflows.sort((a, b) => txRank[a]! - txRank[b]!);
    const txs: string[] = [];
    for (const m of inflows) if (txs.length === 0 || txs[txs.length - 1] !== tx[m]) txs.push(tx[m]!);
    const value = BigInt(expanded[node] ? held[node]! : received[node]!);
    endpointSum += value;
    return {
      kind: expanded[node] ? 'unspent' : exchange[node] ? 'exchange' : 'hop-limit',
      chain: 'ethereum',
      address: shown[i]!,
      asset,
      amount: value.toString(),
      amountDisplay: formatUnits(value, asset.decimals),
      hops: hop[node]!,
      firstSeen: isoTime(first),
      lastSeen: isoTime(last),
      txs,
      path: pathOf(node),
    };
  });
  const endpointsMs = performance.now() - t;

  // ---- Request rows (timed apart): what the report's records of these endpoints hold beyond the above, all of them
  // requestable (a freezable token): the reason, the issuer, each tainted movement in (tx, time, amount, taint and
  // its sender's checksummed address, each sender's made once) and the part not split by victim payment. Left out:
  // the split by victim payment itself (a second pass of the ledgers with a vector per payment).
  t = performance.now();
  const senders: (string | undefined)[] = new Array<string | undefined>(N).fill(undefined);
  const issuer = { issuer: 'Tether' };
  let requestRows = 0;
  holders.forEach((node, i) => {
    const rec = endpoints[i]! as Record<string, unknown>;
    const inflows: Record<string, unknown>[] = [];
    for (let k = start[node]!; k < start[node + 1]!; k++) {
      const m = runs[k]!;
      if (to[m] !== node || taint[m] === 0) continue;
      const f = from[m]!;
      const sender = (senders[f] ??= formatAddress('ethereum', names[f]!));
      inflows.push({ tx: tx[m], logIndex: 0, time: isoTime(time[m]!), amount: String(amount[m]), taint: String(taint[m]), from: sender });
    }
    requestRows += inflows.length;
    rec.reason = expanded[node] ? 'funds still at this address at the end of the window' : 'not expanded';
    rec.freezable = issuer;
    rec.inflows = inflows;
    rec.victims = [];
    rec.unattributed = rec.amount;
  });
  const requestMs = performance.now() - t;
  const faults = pageFaults() - faultsBefore;

  const traceMs = roundsMs + endpointsMs;
  const rate = transfersRead / (traceMs / 1000);
  const fullRate = transfersRead / ((runsMs + traceMs + requestMs) / 1000);
  console.log(
    `world          ${fmt(M)} transfers, ${fmt(N)} addresses, ${fmt(seedTxs.length)} tx seeds, FIFO (the floor of the engine benchmark's trace, not chaintrail's engine)`,
  );
  console.log(`layout         ${secs(layoutMs)} not timed (ids, columns, tx hash ranks, chronological order)`);
  console.log(`runs           ${secs(runsMs)} timed apart: each address's movements as one chronological run`);
  console.log(`rounds         ${secs(roundsMs)}: ${rounds} rounds, ${fmt(expandedCount)} addresses expanded, ${fmt(transfersRead)} transfers read`);
  console.log(`endpoints      ${secs(endpointsMs)}: ${fmt(endpoints.length)} endpoints, of which ${secs(checksumMs)} for their EIP-55 checksums`);
  console.log(`conservation   ${endpointSum === seeded ? 'balanced' : 'NOT BALANCED'} (seeded ${seeded}, endpoints ${endpointSum})`);
  console.log(`memory touched ${faultFigures(faults, faultMicros)} (rounds and endpoints)`);
  console.log(`request rows   ${secs(requestMs)} timed apart: ${fmt(requestRows)} tainted movements in, with reason, issuer and what is not split`);
  console.log(`throughput     ${fmt(rate)} transfers/s (${fmt(transfersRead / (roundsMs / 1000))} for the rounds alone)`);
  console.log(
    `with the rest  ${fmt(fullRate)} transfers/s with the runs and the request rows: the least work to the engine's records, but for the split by victim payment, deposits, stops, labels and conservation`,
  );
  // #22's goal reads "the engine within 1.5x of the floor"; the engine must also make the request rows, so the goal
  // can only be met where the floor with them is faster than the goal's figure.
  const goal = rate / 1.5;
  const spare = (transfersRead / goal - transfersRead / fullRate) * 1000;
  const verdict =
    fullRate > goal
      ? `the engine's own work beyond it has ${secs(spare)}`
      : `${(goal / fullRate).toFixed(2)}x more than the least work to the same records reaches here`;
  console.log(`goal bound     within 1.5x of the floor is ${fmt(goal)} transfers/s; the floor with the rest reaches ${fmt(fullRate)}: ${verdict}`);
  console.log(`peak RSS       ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (the generated world included)`);
  if (endpointSum !== seeded) throw new Error('engine-floor: conservation not balanced');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
