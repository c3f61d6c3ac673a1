import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSpanState, scanRange, suggestedRange } from '../../../src/adapters/evm-rpc/block-range.js';
import { RpcError } from '../../../src/adapters/evm-rpc/errors.js';
import { AdapterError } from '../../../src/core/errors.js';

/** A fake node: one log per (block, address) pair listed, refusing spans or result counts over its caps. */
function fakeNode(logs: { block: number; address: string }[], caps: { span?: number | undefined; results?: number | undefined; suggest?: boolean }) {
  const requests: [number, number, number][] = [];
  const fetch = async (from: number, to: number, addresses: readonly string[]) => {
    requests.push([from, to, addresses.length]);
    const hits = logs.filter((l) => l.block >= from && l.block <= to && addresses.includes(l.address));
    if (caps.span !== undefined && to - from + 1 > caps.span) {
      const hint = caps.suggest ? ` Try with this block range [0x${from.toString(16)}, 0x${(from + caps.span - 1).toString(16)}].` : '';
      throw new RpcError('eth_getLogs', -32005, `block range limit exceeded.${hint}`, 'test');
    }
    if (caps.results !== undefined && hits.length > caps.results) {
      throw new RpcError('eth_getLogs', -32005, `query returned more than ${caps.results} results`, 'test');
    }
    return hits;
  };
  return { fetch, requests };
}

describe('scanRange', () => {
  it('reads a suggested range from provider errors', () => {
    expect(suggestedRange('query returned more than 10000 results. Try with this block range [0x1e8480, 0x1e84cf].')).toEqual({ from: 0x1e8480, to: 0x1e84cf });
    expect(suggestedRange('block range limit exceeded')).toBeUndefined();
    expect(suggestedRange('this block range should work: [0x20, 0x10]')).toBeUndefined();
  });

  it('never loses or duplicates a log, whatever the caps (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ block: fc.integer({ min: 0, max: 200 }), address: fc.constantFrom('a', 'b', 'c', 'd') }), { maxLength: 120 }),
        fc.record({
          span: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
          results: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
          suggest: fc.boolean(),
        }),
        async (rows, caps) => {
          // A block cannot hold more logs for one address than the result cap: that is the node's hard limit.
          const perKey = new Map<string, number>();
          const logs = rows.filter((l) => {
            const k = `${l.block}|${l.address}`;
            perKey.set(k, (perKey.get(k) ?? 0) + 1);
            return caps.results === undefined || perKey.get(k)! <= caps.results;
          });
          const node = fakeNode(logs, caps);
          const got = await scanRange({
            range: { from: 0, to: 200 },
            addresses: ['a', 'b', 'c', 'd'],
            span: createSpanState(undefined),
            fetch: node.fetch,
            what: 'test',
          });
          const key = (l: { block: number; address: string }) => `${l.block}|${l.address}`;
          expect(got.map(key).sort()).toEqual(logs.map(key).sort());
        },
      ),
      { numRuns: 150 },
    );
  });

  it('uses the suggested range instead of blind halving', async () => {
    const node = fakeNode([{ block: 5, address: 'a' }], { span: 10, suggest: true });
    await scanRange({ range: { from: 0, to: 99 }, addresses: ['a'], span: createSpanState(undefined), fetch: node.fetch, what: 'test' });
    expect(node.requests[1]).toEqual([0, 9, 1]);
  });

  it('remembers the span that worked for later queries', async () => {
    const span = createSpanState(undefined);
    const first = fakeNode([], { span: 16 });
    await scanRange({ range: { from: 0, to: 999 }, addresses: ['a'], span, fetch: first.fetch, what: 'test' });
    const second = fakeNode([], { span: 16 });
    await scanRange({ range: { from: 0, to: 999 }, addresses: ['a'], span, fetch: second.fetch, what: 'test' });
    const refusals = (r: [number, number, number][]) => r.filter(([f, t]) => t - f + 1 > 16).length;
    expect(refusals(second.requests)).toBeLessThan(refusals(first.requests));
  });

  it('splits the address list when a single block is still too large, and fails clearly for one address', async () => {
    const logs = ['a', 'b', 'c', 'd'].flatMap((address) => [
      { block: 7, address },
      { block: 7, address },
    ]);
    const node = fakeNode(logs, { results: 3 });
    const got = await scanRange({
      range: { from: 7, to: 7 },
      addresses: ['a', 'b', 'c', 'd'],
      span: createSpanState(undefined),
      fetch: node.fetch,
      what: 'test',
    });
    expect(got).toHaveLength(8);
    const dense = fakeNode(
      [1, 2, 3, 4].map(() => ({ block: 7, address: 'a' })),
      { results: 3 },
    );
    await expect(
      scanRange({ range: { from: 7, to: 7 }, addresses: ['a'], span: createSpanState(undefined), fetch: dense.fetch, what: 'eth_getLogs' }),
    ).rejects.toThrow(/refuses block 7 even for one address/);
  });

  it('propagates errors that are not about size, and stops asking for dropped addresses', async () => {
    const failing = async () => {
      throw new RpcError('eth_getLogs', -32602, 'invalid argument 0: hex string without 0x prefix', 'test');
    };
    await expect(
      scanRange({ range: { from: 0, to: 9 }, addresses: ['a'], span: createSpanState(undefined), fetch: failing, what: 'test' }),
    ).rejects.toBeInstanceOf(AdapterError);
    const node = fakeNode(
      [
        { block: 0, address: 'a' },
        { block: 5, address: 'a' },
        { block: 5, address: 'b' },
      ],
      {},
    );
    const got = await scanRange({
      range: { from: 0, to: 9 },
      addresses: ['a', 'b'],
      span: createSpanState(2),
      fetch: node.fetch,
      onChunk: (items) => items.map((i) => i.address), // drop whoever showed up
      what: 'test',
    });
    expect(got).toEqual([
      { block: 0, address: 'a' },
      { block: 5, address: 'b' },
    ]);
  });
});
