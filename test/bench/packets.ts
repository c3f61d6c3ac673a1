import { pathToFileURL } from 'node:url';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import type { FixtureDatasetInput } from '../../src/adapters/fixture/schema.js';
import { createLabelStore } from '../../src/labels/store.js';
import { buildRequestPackets, packetToMarkdown } from '../../src/report/packets.js';
import { trace } from '../../src/trace/trace.js';
import { addr, T0, txOf, USDT } from '../support/world.js';

/**
 * Request packets of a trace seeded by many victim payments (BENCH_VICTIMS, default 19,000: a call-centre fraud's
 * payments into one collector), which forwards every tenth payment's worth to one of 50 deposit addresses swept into
 * a labeled exchange: the exchange's packet lists every payment with its part. Prints the trace, the packets and their
 * Markdown; 19,000 payments × 50 addresses stays under the default `maxAttribution` (1 M).
 */
export async function run(): Promise<void> {
  const victims = Number(process.env.BENCH_VICTIMS ?? 19_000);
  const transfers: NonNullable<FixtureDatasetInput['transfers']> = [];
  const seeds: { chain: string; tx: string }[] = [];
  const usdt = (n: number) => String(BigInt(n) * 1_000_000n);
  for (let i = 0; i < victims; i++) {
    const tx = txOf(`bench-pay-${i}`);
    const at = T0 + i * 60;
    transfers.push({
      chain: 'ethereum',
      tx,
      logIndex: 0,
      block: 1_000 + i,
      time: at,
      from: addr(`bench-victim-${i}`),
      to: addr('bench-collector'),
      asset: 'usdt',
      amount: usdt(1_000 + (i % 97)),
    });
    seeds.push({ chain: 'ethereum', tx });
    if (i % 10 === 9) {
      const deposit = addr(`bench-deposit-${Math.floor(i / 10) % 50}`);
      transfers.push({
        chain: 'ethereum',
        tx: txOf(`bench-fwd-${i}`),
        logIndex: 0,
        block: 1_000 + i,
        time: at + 30,
        from: addr('bench-collector'),
        to: deposit,
        asset: 'usdt',
        amount: usdt(10_000),
      });
      transfers.push({
        chain: 'ethereum',
        tx: txOf(`bench-sweep-${i}`),
        logIndex: 0,
        block: 1_000 + i,
        time: at + 45,
        from: deposit,
        to: addr('bench-hot'),
        asset: 'usdt',
        amount: usdt(10_000),
      });
    }
  }
  const dataset: FixtureDatasetInput = {
    format: 'chaintrail-fixture',
    version: 1,
    assets: [{ id: 'usdt', chain: 'ethereum', kind: 'token', contract: USDT, symbol: 'USDT', decimals: 6 }],
    transfers,
  };
  const labels = createLabelStore([
    { chain: 'ethereum', address: addr('bench-hot'), entity: 'Bench Exchange', category: 'exchange', jurisdictions: ['SC'], confidence: 1, source: 'bench' },
  ]);
  let start = performance.now();
  // The collector has a movement per payment, more than are read of an address by default: the read bound is raised.
  const { report } = await trace({ seeds, adapters: [createFixtureAdapter({ dataset })], labels, builtinLabels: false, maxMovements: 10 * victims });
  const traceMs = performance.now() - start;
  start = performance.now();
  const packets = buildRequestPackets(report);
  const packetsMs = performance.now() - start;
  start = performance.now();
  const bytes = packets.reduce((n, p) => n + Buffer.byteLength(packetToMarkdown(p)), 0);
  const markdownMs = performance.now() - start;
  const listed = packets.map((p) => p.victimPayments.length).join(' + ');
  console.log(
    `packets: ${victims.toLocaleString('en')} victim payments, trace and report ${(traceMs / 1000).toFixed(2)} s (${report.endpoints.length} endpoints)`,
  );
  console.log(
    `packets: ${packets.length} request packets listing ${listed} victim payments in ${(packetsMs / 1000).toFixed(2)} s; Markdown ${(bytes / 1e6).toFixed(1)} MB in ${(markdownMs / 1000).toFixed(2)} s`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
