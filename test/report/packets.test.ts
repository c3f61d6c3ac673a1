import { constants } from 'node:buffer';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, ReportTooLargeError } from '../../src/core/errors.js';
import { escapeMarkdown, slug } from '../../src/report/escape.js';
import { freezeCandidates } from '../../src/report/freeze.js';
import { reportToJson } from '../../src/report/json.js';
import { buildRequestPackets, packetFiles, packetToMarkdown, readReportFile, RequestPacketSchema } from '../../src/report/packets.js';
import { HOSTILE_ENTITY, traceDemo } from '../support/demo-trace.js';
import fc from 'fast-check';
import { trace } from '../../src/trace/trace.js';
import { createFixtureAdapter } from '../../src/adapters/fixture/adapter.js';
import { labels, txOf } from '../support/world.js';
import { build, labelRows, planArb } from '../support/shared-deposit-world.js';
import { formatAddress } from '../../src/core/address.js';
import { swapDataset, traceSwapWorld } from '../support/swap-dataset.js';
import { writerWorlds } from '../support/bench-world.js';
import { PassThrough } from 'node:stream';
import { writePackets } from '../../src/cli/output.js';
import { cli } from '../support/cli.js';

describe('request packets', () => {
  it('makes one packet per exchange and per freezable-token issuer, with deposit addresses, times, txs and the path from the victim payment', async () => {
    const { report } = await traceDemo();
    const packets = buildRequestPackets(report);
    expect(packets.map((p) => `${p.type}:${p.recipient.entity}`)).toEqual([
      'exchange:Harborline',
      'exchange:Kestrel Markets',
      'exchange:Northwind Exchange',
      'exchange:Rheinwerk Boerse',
      'issuer:Tether Operations Limited',
    ]);
    for (const p of packets) expect(RequestPacketSchema.parse(p)).toEqual(p);
    const northwind = packets.find((p) => p.recipient.entity === 'Northwind Exchange')!;
    expect(northwind).toMatchObject({ case: { reference: 'DEMO-2026-0417', jurisdiction: 'DE' }, recipient: { jurisdictions: ['SC'], crossBorder: true } });
    const exchange = report.exchanges.find((x) => x.entity === 'Northwind Exchange')!;
    expect(northwind.addresses.map((a) => a.address)).toEqual(exchange.depositAddresses.map((d) => d.address));
    for (const a of northwind.addresses) {
      const endpoint = report.endpoints.find((e) => e.kind === 'exchange' && e.address === a.address)!;
      expect(a.path.map((s) => s.tx)).toEqual(endpoint.path);
      expect(a.path[0]).toMatchObject({ step: 0, victimPayment: true });
      expect(a.firstSeen).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(a.txs.length).toBeGreaterThan(0);
      // A deposit address's sweep into the exchange is outgoing, never one of the transactions into it.
      if (a.inferred) expect(a.outgoing.length).toBeGreaterThan(0);
      for (const m of a.outgoing) expect(a.txs).not.toContain(m.tx);
    }
    expect(northwind.addresses.some((a) => a.inferred)).toBe(true);
    expect(northwind.victimPayments.map((v) => v.tx)).toEqual(expect.arrayContaining(northwind.addresses.map((a) => a.path[0]!.tx)));
    const tether = packets.find((p) => p.type === 'issuer')!;
    const candidates = freezeCandidates(report);
    expect(candidates.map((c) => c.issuer)).toEqual(['Tether Operations Limited']);
    expect(tether.addresses).toHaveLength(candidates[0]!.endpoints.length);
    expect(
      tether.addresses.every((a) => report.endpoints.some((e) => e.kind === 'unspent' && e.freezable && e.address === a.address && e.amount === a.amount)),
    ).toBe(true);
    // Totals are exact sums of the addresses.
    for (const t of tether.totals) {
      const own = tether.addresses.filter((a) => a.asset.chain === t.asset.chain);
      expect(own.reduce((s, a) => s + BigInt(a.amount), 0n).toString()).toBe(t.amount);
    }
  });

  it('never requests more than the tainted transfers into an address, lists incoming and outgoing apart, and names every contributing payment', async () => {
    await fc.assert(
      fc.asyncProperty(planArb, fc.constantFrom('fifo' as const, 'haircut' as const, 'poison' as const), async (plan, taint) => {
        const w = build(plan);
        const seeds = w.payments.map((p) => ({ chain: 'ethereum', tx: txOf(p.tx) }));
        const result = await trace({
          seeds,
          adapters: [createFixtureAdapter({ dataset: w.dataset })],
          labels: labels(labelRows()),
          builtinLabels: false,
          taint,
        });
        // From the trace, before the report object exists: the same packets.
        const fromTrace = result.requestPackets();
        const { report } = result;
        expect(fromTrace).toEqual(buildRequestPackets(report));
        for (const p of buildRequestPackets(report)) {
          expect(RequestPacketSchema.parse(p)).toEqual(p);
          const contributed = new Map<string, bigint>();
          for (const a of p.addresses) {
            const address = a.address.toLowerCase();
            const amount = BigInt(a.amount);
            expect(amount).toBeLessThanOrEqual(a.incoming.reduce((s, m) => s + BigInt(m.taint), 0n));
            expect([...new Set(a.incoming.map((m) => m.tx))].sort()).toEqual(a.txs);
            for (const m of a.incoming) expect(w.transfers.get(`${m.tx}|${m.logIndex}`)!.to).toBe(address);
            for (const m of a.outgoing) expect(w.transfers.get(`${m.tx}|${m.logIndex}`)!.from).toBe(address);
            // An inferred deposit address's amount is what it swept out plus what it still holds (its exchange's too).
            if (a.inferred) expect(a.outgoing.reduce((s, m) => s + BigInt(m.taint), 0n)).toBeLessThanOrEqual(amount);
            expect(a.unattributed).toBeUndefined();
            expect(a.victims.reduce((s, v) => s + BigInt(v.amount), 0n)).toBe(amount);
            for (const v of a.victims) contributed.set(v.tx, (contributed.get(v.tx) ?? 0n) + BigInt(v.amount));
          }
          // Every contributing payment is named once, with what it contributed (one asset here).
          for (const [tx, sum] of contributed) expect(p.victimPayments.find((v) => v.tx === tx)!.contributed.map((c) => BigInt(c.amount))).toEqual([sum]);
          expect(p.victimPayments.filter((v) => v.contributed.length > 0)).toHaveLength(contributed.size);
          expect(p.totals.map((t) => BigInt(t.amount))).toEqual([p.addresses.reduce((s, a) => s + BigInt(a.amount), 0n)]);
        }
      }),
      { numRuns: 40 },
    );
  }, 240_000);

  it('writes Markdown and JSON files with sanitized names, and Markdown that cannot carry markup from labels', async () => {
    const { report } = await traceDemo({ hostile: true });
    report.exchanges[0]!.entity = `../../${HOSTILE_ENTITY}`;
    const files = packetFiles(report);
    expect(files).toHaveLength(2 * buildRequestPackets(report).length);
    for (const f of files) expect(f.name).toMatch(/^(exchange|issuer)-[a-z0-9-]+\.(md|json)$/);
    const md = files.find((f) => f.name.endsWith('.md') && f.content.includes('Evil'))!.content;
    expect(md).not.toContain('<img');
    expect(md).toContain('&lt;img src=x onerror="window.\\_\\_pwned=1"&gt;Evil, &amp; "Co"');
    expect(md).toMatch(/^# Disclosure and freeze request: /m);
    const json = JSON.parse(files.find((f) => f.name.endsWith('.json') && f.content.includes('Evil'))!.content);
    expect(json.recipient.entity).toBe(`../../${HOSTILE_ENTITY}`);
  });

  it('reads a saved JSON report and rejects anything that is not one', async () => {
    const { report } = await traceDemo();
    const dir = mkdtempSync(join(tmpdir(), 'packets-'));
    writeFileSync(join(dir, 'r.json'), reportToJson(report));
    expect(readReportFile(join(dir, 'r.json'))).toEqual(report);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...report, endpoints: [{ kind: 'exchange' }] }));
    expect(() => readReportFile(join(dir, 'bad.json'))).toThrow(InvalidInputError);
    expect(() => readReportFile(join(dir, 'bad.json'))).toThrow(/Invalid report .*endpoints\.0/);
    writeFileSync(join(dir, 'text.json'), 'not json');
    expect(() => readReportFile(join(dir, 'text.json'))).toThrow(/Cannot read report/);
  });

  it('reads a report file of any size in pieces; one value past what a string holds is a one-line ReportTooLargeError', () => {
    // Sparse files just past V8's string limit: no disk is used.
    const dir = mkdtempSync(join(tmpdir(), 'packets-'));
    const sparse = (name: string, head: string, tail: string) => {
      const file = join(dir, name);
      const fd = openSync(file, 'w');
      writeSync(fd, head);
      const size = constants.MAX_STRING_LENGTH + head.length + 1;
      ftruncateSync(fd, size);
      writeSync(fd, tail, size);
      closeSync(fd);
      return file;
    };
    const caught = (file: string) => {
      try {
        readReportFile(file);
      } catch (e) {
        return e as Error;
      }
      throw new Error('read');
    };
    try {
      // Zero bytes are no JSON: said at the first byte, without reading on.
      const zeros = caught(sparse('zeros.json', '', ''));
      expect(zeros).toBeInstanceOf(InvalidInputError);
      expect(zeros.message).toMatch(/^Cannot read report .*zeros\.json: Unexpected byte 0x00 where a JSON value should start at byte 0$/);
      // One string value longer than a string can be.
      const huge = caught(sparse('huge.json', '{"endpoints": ["', '"]}'));
      expect(huge).toBeInstanceOf(ReportTooLargeError);
      expect(huge.message).toMatch(
        /^Cannot read report .*huge\.json: one value in it .*is larger than one JavaScript string can be .*--packets DIR.*narrow the trace$/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('escaping helpers', () => {
  it('slug keeps only a-z, 0-9 and dashes', () => {
    expect(slug('../../etc/passwd')).toBe('etc-passwd');
    expect(slug('Börse AG')).toBe('borse-ag');
    expect(slug('<>')).toBe('unnamed');
  });

  it('escapeMarkdown neutralizes links, images, emphasis, tables and autolinks', () => {
    expect(escapeMarkdown('[x](http://a) ![i](y) *b* | c')).toBe('\\[x\\](http\\://a) \\!\\[i\\](y) \\*b\\* \\| c');
    expect(escapeMarkdown('www.example.org\nnext')).toBe('www\\.example.org next');
  });
});

describe('request packets after swaps', () => {
  it('name each conversion on the path to an exchange, with its share, and never ask for what a contract kept (generated worlds)', async () => {
    let named = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (seed) => {
        const world = swapDataset(seed);
        const { report } = await traceSwapWorld(world);
        const byTx = new Map((report.conversions ?? []).map((c) => [c.tx, c]));
        const contracts = new Set(world.contracts.map((a) => formatAddress('ethereum', a)));
        for (const packet of buildRequestPackets(report)) {
          RequestPacketSchema.parse(packet);
          const markdown = packetToMarkdown(packet);
          for (const a of packet.addresses) {
            expect(contracts.has(a.address)).toBe(false);
            for (const step of a.path) {
              const c = byTx.get(step.tx);
              expect(step.conversions).toEqual(c ? [{ assetIn: c.assetIn.symbol, assetOut: c.assetOut.symbol, sharePercent: c.share.percent }] : undefined);
              if (!c) continue;
              expect(markdown).toContain(`(conversion: USDT → WETH, ${c.share.percent.toFixed(2)} % of the input tainted)`);
              named++;
            }
          }
        }
      }),
      { numRuns: 12 },
    );
    expect(named).toBeGreaterThan(0);
  }, 120_000);
});

describe('request packets from the trace (TraceResult.requestPackets)', () => {
  it('are the packets of the whole report, made before the report is read, on traced worlds', { timeout: 120_000 }, async () => {
    const results = await writerWorlds(2500, 600, 90);
    let issuers = 0;
    let services = 0;
    for (const result of results) {
      const fromTrace = result.requestPackets();
      const whole = buildRequestPackets(result.report);
      expect(fromTrace).toEqual(whole);
      expect(result.requestPackets()).toEqual(whole);
      issuers += whole.filter((p) => p.type === 'issuer').length;
      services += whole.filter((p) => p.type !== 'issuer').length;
    }
    expect(issuers).toBeGreaterThan(2);
    expect(services).toBeGreaterThan(2);
  });

  it('are written one at a time, addresses made as read, with the bytes of the packets built whole (Markdown lines, JSON chunks)', async () => {
    const results = await writerWorlds(2000, 500, 120);
    for (const result of results) {
      const dir = mkdtempSync(join(tmpdir(), 'chaintrail-packet-files-'));
      const listed: string[] = [];
      // Streamed from the trace (no report object read yet), against packets built whole from the report object.
      const streamed = result.eachRequestPacket();
      writePackets(streamed, dir, (path) => listed.push(path), new PassThrough());
      const whole = buildRequestPackets(result.report);
      const expected = packetFiles(result.report);
      expect(expected.map((f) => f.content)).toEqual(whole.flatMap((p) => [packetToMarkdown(p), `${JSON.stringify(p, null, 2)}\n`]));
      expect(listed).toEqual(expected.map((f) => join(dir, f.name)));
      for (const f of expected) expect(readFileSync(join(dir, f.name), 'utf8')).toBe(f.content);
      // Each streamed packet's addresses are a list made as read, the same records as the whole packet's.
      const again = [...result.eachRequestPacket()];
      expect(again.map((p) => p.addresses.length)).toEqual(whole.map((p) => p.addresses.length));
      expect(again.map((p) => ({ ...p, addresses: p.addresses.all() }))).toEqual(whole);
    }
    // The largest has far more than one piece of text (64 KiB).
    expect(Math.max(...results.flatMap((r) => packetFiles(r.report).map((f) => f.content.length)))).toBeGreaterThan(4 * 64 * 1024);
  });

  it('chaintrail writes them beside the output with --packets DIR: the files report packets writes from the JSON', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chaintrail-packets-'));
    const traced = await cli(['demo', '--format', 'json', '--out', join(dir, 'report.json'), '--packets', join(dir, 'at-trace')]);
    expect(traced.code).toBe(0);
    const written = readdirSync(join(dir, 'at-trace')).sort();
    expect(written.length).toBeGreaterThan(1);
    for (const f of written) expect(traced.stderr).toContain(`wrote ${join(dir, 'at-trace', f)}\n`);
    const later = await cli(['report', 'packets', '--in', join(dir, 'report.json'), '--out', join(dir, 'from-json')]);
    expect(later.code).toBe(0);
    expect(readdirSync(join(dir, 'from-json')).sort()).toEqual(written);
    for (const f of written) expect(readFileSync(join(dir, 'at-trace', f), 'utf8')).toBe(readFileSync(join(dir, 'from-json', f), 'utf8'));
    expect(later.stdout.trim().split('\n').sort()).toEqual(written.map((f) => join(dir, 'from-json', f)));
  });
});
