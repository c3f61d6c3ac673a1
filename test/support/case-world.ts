import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { id } from 'ethers';
import { tronHexToBase58 } from '../../src/core/address.js';
import type { FixtureDatasetInput } from '../../src/adapters/fixture/schema.js';
import type { ComplaintRow } from '../../src/cases/schema.js';
import { mulberry32 } from './random.js';

/**
 * Many synthetic cases on top of the bundled demo world (fixtures/demo): a copy of its dataset with extra transfers,
 * and the demo's labeled exchanges (Northwind, Rheinwerk, Harborline, Kestrel) as where the money lands.
 *
 * Every payment is forwarded in full, one step a minute, and payments are an hour apart, so every address passes on
 * exactly what it received before the next payment arrives: whatever the taint model, the tainted amount a case
 * brings to an address is the sum of its payments routed there. `routes` records that routing, so tests compute
 * expected convergence and packets from it, independently of the engine.
 *
 * Case kinds:
 * - G0, G1: 6 cases each share a collector, a layering hub and a Northwind deposit address (swept to Northwind's wallet)
 * - G2: 6 cases share a collector and a hub that pays Rheinwerk Boerse's labeled wallet (the hub is inferred as the deposit)
 * - G3: 6 cases share a collector and a hub; the money sits in a shared holding wallet (USDT: freezable by Tether)
 * - X: 10 cases, each with its own collector, join only at a shared Harborline deposit address
 * - Y: 4 cases, each with its own collector and own Northwind deposit address: they join only at the exchange
 * - T: 6 TRON cases share a collector and a Kestrel Markets deposit address
 * - I: 4 isolated cases (own collector, own holding wallet): they must converge with nothing
 */
const here = dirname(fileURLToPath(import.meta.url));
export const DEMO_DATASET = join(here, '..', '..', 'fixtures', 'demo', 'dataset.json');
export const DEMO_LABELS = join(here, '..', '..', 'fixtures', 'demo', 'labels.csv');

const hex20 = (name: string) => id(`chaintrail-cases:${name}`).slice(26);
export const ethAddr = (name: string) => `0x${hex20(name)}`;
export const tronAddr = (name: string) => tronHexToBase58(`41${hex20(name)}`);
const ethTx = (name: string) => id(`chaintrail-cases-tx:${name}`);
const tronTx = (name: string) => ethTx(name).slice(2);

/** The demo's labeled exchange wallets (fixtures/demo/labels.csv). */
export const EXCHANGES = {
  northwindHot: '0xa8d67b83c404ad1e3665a904f8259e46a57d198f',
  rheinwerk: '0x72b93dd7ff0173549c9f60d311d50def98ee6012',
  harborlineHot: '0x714b787dd6c3afd22654fd4251ea15025ec3848a',
  kestrelHot: 'TNbZ9eKc3wySACMFxn8L84hGjE6ftHnpra',
} as const;

export type CaseKind = 'G0' | 'G1' | 'G2' | 'G3' | 'X' | 'Y' | 'T' | 'I';

export interface RouteStep {
  /** `chain|normalized address` that received the payment's money. */
  node: string;
  time: number;
}

export interface PaymentRoute {
  caseRef: string;
  kind: CaseKind;
  victim: string;
  chain: 'ethereum' | 'tron';
  tx: string;
  /** Base units (USDT, 6 decimals). */
  amount: bigint;
  time: number;
  /** Every address the money went through, collector first. */
  steps: RouteStep[];
}

export interface CaseWorld {
  dataset: FixtureDatasetInput;
  rows: ComplaintRow[];
  /** Rows that repeat an earlier row (the same payment reported twice). */
  duplicateRows: number;
  routes: PaymentRoute[];
  cases: { reference: string; kind: CaseKind; jurisdiction: string }[];
  /** The recipient a case's money ends with, for packets. */
  recipientOf: (kind: CaseKind) => { type: 'exchange' | 'issuer'; entity: string };
}

const BASE = Date.parse('2026-04-01T00:00:00Z') / 1000;
const USDT_ETH = 'usdt-eth';
const USDT_TRON = 'usdt-tron';

export function buildCaseWorld(seed = 17): CaseWorld {
  const rnd = mulberry32(seed);
  const demo = JSON.parse(readFileSync(DEMO_DATASET, 'utf8')) as FixtureDatasetInput;
  const transfers = [...(demo.transfers ?? [])];
  const plan: { kind: CaseKind; count: number }[] = [
    { kind: 'G0', count: 6 },
    { kind: 'G1', count: 6 },
    { kind: 'G2', count: 6 },
    { kind: 'G3', count: 6 },
    { kind: 'X', count: 10 },
    { kind: 'Y', count: 4 },
    { kind: 'T', count: 6 },
    { kind: 'I', count: 4 },
  ];
  const jurisdictions = ['DE', 'AT', 'FR', 'NL'];
  const cases: CaseWorld['cases'] = [];
  const pending: Omit<PaymentRoute, 'time' | 'steps' | 'tx'>[] = [];
  for (const { kind, count } of plan) {
    for (let i = 1; i <= count; i++) {
      const reference = `SYN-${kind}-${String(i).padStart(2, '0')}`;
      cases.push({ reference, kind, jurisdiction: jurisdictions[cases.length % jurisdictions.length]! });
      const victims = 1 + Math.floor(rnd() * 3);
      for (let v = 1; v <= victims; v++) {
        const payments = 1 + Math.floor(rnd() * 2);
        for (let p = 0; p < payments; p++) {
          // 50.00 .. 25,049.99 USDT, whole cents.
          const cents = 5_000 + Math.floor(rnd() * 2_500_000);
          pending.push({ caseRef: reference, kind, victim: `V-${kind}${i}-${v}`, chain: kind === 'T' ? 'tron' : 'ethereum', amount: BigInt(cents) * 10_000n });
        }
      }
    }
  }
  // Interleave the cases' payments in time (deterministic shuffle), one an hour.
  for (let i = pending.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [pending[i], pending[j]] = [pending[j]!, pending[i]!];
  }
  const routes: PaymentRoute[] = [];
  pending.forEach((p, k) => {
    const t = BASE + k * 3600;
    const n = p.caseRef.slice(-2);
    const eth = (name: string) => `ethereum|${ethAddr(name)}`;
    let path: string[];
    switch (p.kind) {
      case 'G0':
      case 'G1':
        path = [eth(`collector-${p.kind}`), eth(`hub-${p.kind}`), eth(`deposit-${p.kind}`), `ethereum|${EXCHANGES.northwindHot}`];
        break;
      case 'G2':
        path = [eth('collector-G2'), eth('hub-G2'), `ethereum|${EXCHANGES.rheinwerk}`];
        break;
      case 'G3':
        path = [eth('collector-G3'), eth('hub-G3'), eth('holding-G3')];
        break;
      case 'X':
        path = [eth(`collector-X-${n}`), eth('deposit-X'), `ethereum|${EXCHANGES.harborlineHot}`];
        break;
      case 'Y':
        path = [eth(`collector-Y-${n}`), eth(`deposit-Y-${n}`), `ethereum|${EXCHANGES.northwindHot}`];
        break;
      case 'T':
        path = [`tron|${tronAddr('collector-T')}`, `tron|${tronAddr('deposit-T')}`, `tron|${EXCHANGES.kestrelHot}`];
        break;
      case 'I':
        path = [eth(`collector-I-${n}`), eth(`holding-I-${n}`)];
        break;
    }
    const victimNode = p.chain === 'tron' ? `tron|${tronAddr(`victim-${p.victim}`)}` : eth(`victim-${p.victim}`);
    const hops = [victimNode, ...path];
    let tx = '';
    const steps: RouteStep[] = [];
    for (let s = 1; s < hops.length; s++) {
      const time = t + (s - 1) * 60;
      const name = `${p.caseRef}:${k}:${s}`;
      const hash = p.chain === 'tron' ? tronTx(name) : ethTx(name);
      if (s === 1) tx = hash;
      transfers.push({
        chain: p.chain,
        tx: hash,
        type: 'token',
        logIndex: 0,
        block: (p.chain === 'tron' ? 61_000_000 : 20_000_000) + k * 10 + s,
        time,
        from: hops[s - 1]!.split('|')[1]!,
        to: hops[s]!.split('|')[1]!,
        asset: p.chain === 'tron' ? USDT_TRON : USDT_ETH,
        amount: p.amount.toString(),
      });
      steps.push({ node: hops[s]!, time });
    }
    routes.push({ ...p, tx, time: t, steps });
  });

  const juris = new Map(cases.map((c) => [c.reference, c.jurisdiction]));
  const rows: ComplaintRow[] = [];
  let duplicateRows = 0;
  routes.forEach((r, i) => {
    const whole = r.amount / 1_000_000n;
    const cents = (r.amount % 1_000_000n) / 10_000n;
    const row: ComplaintRow = {
      case_ref: r.caseRef,
      victim_id: r.victim,
      chain: r.chain,
      tx_hash: r.tx,
      // Half the rows give display units, half base units; times alternate between ISO and unix seconds.
      ...(i % 2 === 0 ? { amount: `${whole}.${String(cents).padStart(2, '0')}` } : { amount_base: r.amount.toString() }),
      asset: 'USDT',
      time: i % 3 === 0 ? String(r.time) : new Date(r.time * 1000).toISOString(),
      ...(i % 4 === 0 ? { jurisdiction: juris.get(r.caseRef)! } : {}),
    };
    rows.push(row);
    if (i % 7 === 3) {
      rows.push({ ...row });
      duplicateRows++;
    }
  });

  return {
    dataset: { ...demo, description: 'demo world + synthetic cases (test/support/case-world.ts)', transfers },
    rows,
    duplicateRows,
    routes,
    cases,
    recipientOf: (kind) =>
      kind === 'G0' || kind === 'G1' || kind === 'Y'
        ? { type: 'exchange', entity: 'Northwind Exchange' }
        : kind === 'G2'
          ? { type: 'exchange', entity: 'Rheinwerk Boerse' }
          : kind === 'X'
            ? { type: 'exchange', entity: 'Harborline' }
            : kind === 'T'
              ? { type: 'exchange', entity: 'Kestrel Markets' }
              : { type: 'issuer', entity: 'Tether Operations Limited' },
  };
}

export interface ExpectedShared {
  node: string;
  cases: Map<string, { amount: bigint; first: number; last: number; victims: Set<string> }>;
  victims: number;
  total: bigint;
}

/** Addresses reached by two or more cases, computed from the routes alone. */
export function expectedConvergence(routes: readonly PaymentRoute[]): Map<string, ExpectedShared> {
  const byNode = new Map<string, ExpectedShared>();
  for (const r of routes) {
    for (const s of r.steps) {
      let e = byNode.get(s.node);
      if (!e) byNode.set(s.node, (e = { node: s.node, cases: new Map(), victims: 0, total: 0n }));
      const c = e.cases.get(r.caseRef) ?? { amount: 0n, first: Infinity, last: -Infinity, victims: new Set<string>() };
      c.amount += r.amount;
      c.first = Math.min(c.first, s.time);
      c.last = Math.max(c.last, s.time);
      c.victims.add(r.victim);
      e.cases.set(r.caseRef, c);
    }
  }
  for (const [node, e] of byNode) {
    if (e.cases.size < 2) byNode.delete(node);
    else {
      e.victims = [...e.cases.values()].reduce((n, c) => n + c.victims.size, 0);
      e.total = [...e.cases.values()].reduce((n, c) => n + c.amount, 0n);
    }
  }
  return byNode;
}

/** A complaint CSV of many rows: `cases` cases of `perCase` payments each (for the crash and bench runs). */
export function bulkComplaintCsv(cases: number, perCase: number, prefix = 'BULK'): string {
  const lines = ['case_ref,victim_id,chain,tx_hash,amount_base,asset,time'];
  for (let c = 0; c < cases; c++) {
    for (let p = 0; p < perCase; p++) {
      const n = c * perCase + p;
      lines.push(`${prefix}-${c},V-${c}-${p % 5},ethereum,${ethTx(`${prefix}:${n}`)},${1_000_000 + n},USDT,${BASE + n}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
