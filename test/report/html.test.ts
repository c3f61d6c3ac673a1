import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceReport } from '../../src/core/schema.js';
import type { TraceGraph } from '../../src/engine/graph.js';
import { formatAddress } from '../../src/core/address.js';
import { escapeHtml, jsonForScript } from '../../src/report/escape.js';
import { reportToHtml } from '../../src/report/html.js';
import { EDGE_STYLES } from '../../src/report/graph-view.js';
import { HOSTILE_ENTITY, traceDemo } from '../support/demo-trace.js';
import { swapDataset, traceSwapWorld } from '../support/swap-dataset.js';

/** The browser globals these tests touch (the project compiles without the DOM lib). */
interface PageGlobals {
  __pwned?: unknown;
  chaintrail: {
    ready?: boolean;
    selected: { node: string; txs: string[] } | null;
    graph: { getNodeAttributes(k: string): { x: number; y: number } };
    renderer: { graphToViewport(p: { x: number; y: number }): { x: number; y: number } };
  };
  document: { getElementById(id: string): { getBoundingClientRect(): { left: number; top: number } } | null };
  createImageBitmap(b: Blob): Promise<{ width: number; height: number }>;
  OffscreenCanvas: new (
    w: number,
    h: number,
  ) => {
    getContext(
      kind: '2d',
    ): { drawImage(i: unknown, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
  };
}

/** The part of graphology's graph the swap test reads in the page. */
interface MultiGraphLike {
  edges(): string[];
  target(e: string): string;
  getEdgeAttribute(e: string, name: 'tx'): string;
  getNodeAttribute(n: string, name: 'info'): { address: string };
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SLOW = { timeout: 60_000 };

describe('reportToHtml (no browser)', () => {
  it('embeds JSON that cannot end the script element and escapes every label in the markup', async () => {
    expect(jsonForScript({ a: '</script><!--\u2028&' })).toBe('{"a":"\\u003c/script\\u003e\\u003c!--\\u2028\\u0026"}');
    expect(JSON.parse(jsonForScript({ a: '</script>\u2029' }))).toEqual({ a: '</script>\u2029' });
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe('&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;');
    const { report, graph } = await traceDemo({ hostile: true });
    const html = reportToHtml(report, graph);
    expect(html).not.toContain('<img');
    expect(html).toContain(escapeHtml(HOSTILE_ENTITY));
    // Offline: nothing is loaded from anywhere, and the policy forbids it.
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-/);
    // Explorer links are link targets only (defaults per chain, configurable, validated).
    expect(html).toContain(`href="https://etherscan.io/tx/${report.seeds[0]!.tx}"`);
    expect(html).toContain('href="https://tronscan.org/#/transaction/');
    const custom = reportToHtml(report, graph, { explorers: { ethereum: { tx: 'http://127.0.0.1:8080/tx/{tx}' } } });
    expect(custom).toContain(`href="http://127.0.0.1:8080/tx/${report.seeds[0]!.tx}"`);
    expect(() => reportToHtml(report, graph, { explorers: { ethereum: { tx: 'javascript:alert(1)//{tx}' } } })).toThrow(/Invalid explorer URL/);
    expect(() => reportToHtml(report, graph, { explorers: { ethereum: { tx: 'https://example.org/tx/' } } })).toThrow(/must contain \{tx\}/);
  });
});

describe('the HTML report in headless Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let report: TraceReport;
  let graph: TraceGraph;
  let profile: string;
  const errors: string[] = [];

  beforeAll(async () => {
    ({ report, graph } = await traceDemo({ hostile: true }));
    ({ context, page, profile } = await openInChromium(reportToHtml(report, graph), errors));
  }, 90_000);

  afterAll(() => closeChromium(context, profile));

  it('draws the graph on a canvas: coloured nodes, not a blank area', SLOW, async () => {
    await page.waitForTimeout(500);
    const png = await page.locator('#graph').screenshot();
    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: 'test/artifacts/html-report.png' });
    const decoder = await context.newPage();
    const stats = await decoder.evaluate(async (b64) => {
      const { createImageBitmap, OffscreenCanvas } = globalThis as unknown as PageGlobals;
      const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      let exchangeBlue = 0;
      let victimOrange = 0;
      let nonWhite = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
        if (r < 240 || g < 240 || b < 240) nonWhite++;
        if (Math.abs(r - 0x19) < 12 && Math.abs(g - 0x71) < 12 && Math.abs(b - 0xc2) < 12) exchangeBlue++;
        if (Math.abs(r - 0xf5) < 12 && Math.abs(g - 0x9f) < 12 && Math.abs(b - 0x00) < 12) victimOrange++;
      }
      return { exchangeBlue, victimOrange, nonWhite };
    }, png.toString('base64'));
    await decoder.close();
    expect(await page.locator('#graph canvas').count()).toBeGreaterThanOrEqual(1);
    expect(stats.exchangeBlue).toBeGreaterThan(50);
    expect(stats.victimOrange).toBeGreaterThan(50);
    expect(stats.nonWhite).toBeGreaterThan(2000);
    expect(errors).toEqual([]);
  });

  it('shows the node count and table rows of the report', SLOW, async () => {
    expect(await page.textContent('#node-count')).toBe(String(graph.order));
    expect(await page.textContent('#edge-count')).toBe(String(graph.size));
    expect(await page.locator('#endpoints-table tbody tr.row').count()).toBe(report.endpoints.length);
    expect(await page.locator('#exchanges-table tbody tr.row').count()).toBe(report.exchanges.reduce((s, x) => s + x.depositAddresses.length, 0));
    expect(await page.locator('#jurisdictions-table tbody tr.row').count()).toBe(report.jurisdictions.length);
    expect(await page.locator('#stops-table tbody tr.row').count()).toBe(report.stops.length);
    expect(await page.locator('#seeds-table tbody tr.row').count()).toBe(report.seeds.length);
    const freezable = report.endpoints.filter((e) => e.kind === 'unspent' && e.freezable).length;
    expect(freezable).toBeGreaterThan(0);
    expect(await page.locator('#freeze-table tbody tr.row').count()).toBe(freezable);
    expect(await page.locator('#conservation li.ok').count()).toBe(report.conservation.length);
    const first = report.endpoints.find((e) => e.chain === 'ethereum')!;
    expect(await page.locator(`#endpoints-table a[href="https://etherscan.io/tx/${first.txs[0]}"]`).count()).toBeGreaterThan(0);
  });

  it('shows a tooltip with address, entity and amounts when hovering a node', SLOW, async () => {
    const node = graph.findNode((_n, a) => a.entity === 'Rheinwerk Boerse')!;
    const point = await viewportPoint(page, node);
    await page.mouse.move(point.x, point.y);
    await page.waitForSelector('#tooltip:not([hidden])', { timeout: 10_000 });
    const text = await page.textContent('#tooltip');
    expect(text).toContain(String(graph.getNodeAttribute(node, 'address')));
    expect(text).toContain('Rheinwerk Boerse');
    expect(text).toContain('DE');
    const endpoint = report.endpoints.find((e) => e.entity === 'Rheinwerk Boerse')!;
    expect(text).toContain(`${endpoint.amountDisplay} USDT`);
    await page.mouse.move(2, 2);
    await page.waitForSelector('#tooltip[hidden]', { state: 'attached', timeout: 10_000 });
  });

  it("shows an inferred deposit address with its exchange's jurisdiction in the tooltip", SLOW, async () => {
    const node = graph.findNode((_n, a) => a.deposit === true && !!a.jurisdictions)!;
    expect(node).toBeDefined();
    const point = await viewportPoint(page, node);
    await page.mouse.move(point.x, point.y);
    await page.waitForSelector('#tooltip:not([hidden])', { timeout: 10_000 });
    const text = await page.textContent('#tooltip');
    expect(text).toContain(String(graph.getNodeAttribute(node, 'address')));
    expect(text).toContain(`jurisdiction${String(graph.getNodeAttribute(node, 'jurisdictions'))}`);
    expect(text).toContain('inferred deposit address');
    await page.mouse.move(2, 2);
    await page.waitForSelector('#tooltip[hidden]', { state: 'attached', timeout: 10_000 });
  });

  it('runs nothing from a hostile label: shown as text in tables and tooltip', SLOW, async () => {
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__pwned)).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#exchanges-table').textContent()).toContain(HOSTILE_ENTITY);
    const node = graph.findNode((_n, a) => a.entity === HOSTILE_ENTITY && a.endpoint === 'exchange')!;
    const point = await viewportPoint(page, node);
    await page.mouse.move(point.x, point.y);
    await page.waitForSelector('#tooltip:not([hidden])', { timeout: 10_000 });
    expect(await page.textContent('#tooltip')).toContain(HOSTILE_ENTITY);
    expect(await page.locator('#tooltip img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).__pwned)).toBeUndefined();
  });

  it('highlights the path from the victim payment when a node is clicked', SLOW, async () => {
    const endpoint = report.endpoints.find((e) => e.kind === 'sanctioned' && e.chain === 'tron')!;
    const node = graph.findNode((_n, a) => a.address === endpoint.address)!;
    const point = await viewportPoint(page, node);
    await page.mouse.click(point.x, point.y);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).chaintrail.selected !== null, null, { timeout: 10_000 });
    const selected = await page.evaluate(() => (globalThis as unknown as PageGlobals).chaintrail.selected!);
    expect(selected.node).toBe(node);
    expect(selected.txs).toEqual(endpoint.path);
    expect(await page.locator('#path-panel li').count()).toBe(endpoint.path.length);
    expect(await page.locator('#path-panel a').first().getAttribute('href')).toBe(`https://tronscan.org/#/transaction/${endpoint.path[0]}`);
    await page.screenshot({ path: 'test/artifacts/html-report-path.png' });
    await page.click('#clear-path');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).chaintrail.selected)).toBeNull();
  });
});

describe('the HTML report of a trace through swaps, in headless Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let report: TraceReport;
  let graph: TraceGraph;
  let profile: string;
  const errors: string[] = [];

  beforeAll(async () => {
    // A world with clean money mixed in whose case swaps into WETH paid to a mule by the contract it paid into.
    for (let seed = 1; !report; seed++) {
      const world = swapDataset(seed);
      if (world.params.clean === 0n) continue;
      const traced = await traceSwapWorld(world);
      const scammer = formatAddress('ethereum', world.actors.scammer);
      const paidOn = (r: { tx: string; from: string; to: string }) =>
        r.to !== scammer && traced.graph.someEdge((_e, a, _s, target) => a.tx === r.tx && traced.graph.getNodeAttribute(target, 'address') === r.from);
      if ((traced.report.conversions ?? []).some((c) => c.recipients.some(paidOn))) ({ report, graph } = traced);
    }
    ({ context, page, profile } = await openInChromium(reportToHtml(report, graph), errors));
  }, 90_000);

  afterAll(() => closeChromium(context, profile));

  it('lists every conversion in its table, names the edge kind in the legend and draws conversion outputs in their style', SLOW, async () => {
    const conversions = report.conversions!;
    expect(conversions.length).toBeGreaterThan(0);
    expect(await page.locator('#conversions-table tbody tr.row').count()).toBe(conversions.length);
    const rowText = await page.locator('#conversions-table tbody tr.row').first().textContent();
    expect(rowText).toContain(`${conversions[0]!.share.percent.toFixed(2)} %`);
    expect(rowText).toContain(`${conversions[0]!.taintedOutDisplay} WETH`);
    expect(await page.locator('#legend-conversion').isVisible()).toBe(true);
    expect(await page.locator('#endpoints-table tbody tr.row').count()).toBe(report.endpoints.length);
    expect(await page.locator('#conservation li.ok').count()).toBe(report.conservation.length);
    // What sigma draws: the recipients' edges in the conversion style, every other edge as a transfer.
    const recipients = new Set(conversions.flatMap((c) => c.recipients.map((r) => `${r.tx}|${r.to}`)));
    const drawn = await page.evaluate(() => {
      const ct = (
        globalThis as unknown as { chaintrail: { graph: MultiGraphLike; renderer: { getEdgeDisplayData(e: string): { color: string; size: number } } } }
      ).chaintrail;
      return ct.graph.edges().map((e) => {
        const d = ct.renderer.getEdgeDisplayData(e);
        return { tx: ct.graph.getEdgeAttribute(e, 'tx'), to: ct.graph.getNodeAttribute(ct.graph.target(e), 'info').address, color: d.color, size: d.size };
      });
    });
    expect(drawn.length).toBe(graph.size);
    const styled = drawn.filter((d) => d.color === EDGE_STYLES.conversion.color && d.size === EDGE_STYLES.conversion.size);
    expect(new Set(styled.map((d) => `${d.tx}|${d.to}`))).toEqual(recipients);
    expect(drawn.filter((d) => !recipients.has(`${d.tx}|${d.to}`)).every((d) => d.color === EDGE_STYLES.transfer.color)).toBe(true);
    await page.screenshot({ path: 'test/artifacts/html-report-swaps.png' });
    expect(errors).toEqual([]);
  });

  it('marks the conversion output on the path from the victim payment to a mule paid by a swap', SLOW, async () => {
    const scammer = report.seeds[0]!.address;
    const mule = report
      .conversions!.flatMap((c) => c.recipients)
      .find((r) => r.to !== scammer && graph.someEdge((_e, a, _s, t) => a.tx === r.tx && graph.getNodeAttribute(t, 'address') === r.from))!;
    expect(mule).toBeDefined();
    const node = graph.findNode((_n, a) => a.address === mule.to)!;
    const point = await viewportPoint(page, node);
    await page.mouse.click(point.x, point.y);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).chaintrail.selected !== null, null, { timeout: 10_000 });
    const selected = await page.evaluate(() => (globalThis as unknown as PageGlobals).chaintrail.selected!);
    expect(selected.txs[0]).toBe(report.seeds[0]!.tx);
    expect(selected.txs.at(-1)).toBe(mule.tx);
    expect(await page.locator('#path-panel li').last().textContent()).toContain('(conversion output)');
    await page.click('#clear-path');
  });
});

/** Writes the page to a file and opens it offline in headless Chromium; page errors and any request go to `errors`. */
async function openInChromium(html: string, errors: string[]): Promise<{ context: BrowserContext; page: Page; profile: string }> {
  const file = join(mkdtempSync(join(tmpdir(), 'chaintrail-html-')), 'report.html');
  writeFileSync(file, html);
  const profile = mkdtempSync(join(tmpdir(), 'chaintrail-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
    offline: true,
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) errors.push(`request to ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => (globalThis as unknown as Partial<PageGlobals>).chaintrail?.ready === true, null, { timeout: 30_000 });
  return { context, page, profile };
}

async function closeChromium(context: BrowserContext | undefined, profile: string | undefined): Promise<void> {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
}

async function viewportPoint(page: Page, node: string): Promise<{ x: number; y: number }> {
  return page.evaluate((key) => {
    const { chaintrail: ct, document } = globalThis as unknown as PageGlobals;
    const a = ct.graph.getNodeAttributes(key);
    const p = ct.renderer.graphToViewport({ x: a.x, y: a.y });
    const rect = document.getElementById('graph')!.getBoundingClientRect();
    return { x: rect.left + p.x, y: rect.top + p.y };
  }, node);
}
