import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, ENDPOINTS_CSV_HEADER, graphToTransfersCsv, reportToEndpointsCsv, TRANSFERS_CSV_HEADER } from '../../src/report/csv.js';
import { FORMULA_ENTITY, HOSTILE_ENTITY, traceDemo } from '../support/demo-trace.js';

describe('csvCell', () => {
  it('neutralizes cells a spreadsheet would evaluate as a formula', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+49 30 1234')).toBe("'+49 30 1234");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('\r=cmd')).toBe(`"'\r=cmd"`);
    expect(csvCell('Northwind Exchange')).toBe('Northwind Exchange');
    expect(csvCell('12500.5')).toBe('12500.5');
  });

  it('quotes per RFC 4180: commas, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=A1,"x"')).toBe(`"'=A1,""x"""`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('true');
  });
});

describe('endpoints.csv and transfers.csv', () => {
  it('have one row per endpoint and per tainted transfer, parse back as RFC 4180 with CRLF line ends', async () => {
    const { report, graph } = await traceDemo();
    const endpoints = reportToEndpointsCsv(report);
    expect(endpoints.endsWith('\r\n')).toBe(true);
    const rows = parse(endpoints, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...ENDPOINTS_CSV_HEADER]);
    expect(rows).toHaveLength(report.endpoints.length);
    expect(rows.map((r) => r.amount)).toEqual(report.endpoints.map((e) => e.amount));
    expect(rows.map((r) => r.path)).toEqual(report.endpoints.map((e) => e.path.join(' ')));
    const transfers = parse(graphToTransfersCsv(graph, report), { columns: true }) as Record<string, string>[];
    expect(Object.keys(transfers[0]!)).toEqual([...TRANSFERS_CSV_HEADER]);
    expect(transfers).toHaveLength(graph.size);
    const times = transfers.map((t) => t.block_timestamp!);
    expect([...times].sort()).toEqual(times);
    // Exact amounts: the tainted base units of the CSV add up to what the graph carries.
    let graphTaint = 0n;
    graph.forEachEdge((_e, a) => (graphTaint += BigInt(String(a.taint))));
    expect(transfers.reduce((s, t) => s + BigInt(t.tainted_amount!), 0n)).toBe(graphTaint);
    const seed = transfers.find((t) => t.tx === report.seeds[0]!.tx)!;
    expect(seed.tainted_display).toBe(report.seeds[0]!.amountDisplay);
  });

  it('neutralizes formula and markup labels from an untrusted label file', async () => {
    const { report, graph } = await traceDemo({ hostile: true });
    const endpoints = reportToEndpointsCsv(report);
    const rows = parse(endpoints, { columns: true }) as Record<string, string>[];
    const entities = new Set(rows.map((r) => r.entity));
    expect(entities).toContain(`'${FORMULA_ENTITY}`);
    expect(entities).toContain(HOSTILE_ENTITY);
    expect(entities).not.toContain(FORMULA_ENTITY);
    for (const r of rows) for (const cell of Object.values(r)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const transfers = parse(graphToTransfersCsv(graph, report), { columns: true }) as Record<string, string>[];
    expect(transfers.some((t) => t.to_entity === `'${FORMULA_ENTITY}`)).toBe(true);
    for (const t of transfers) for (const cell of Object.values(t)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
