import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addressTopic, decodeTransferLog, dropReverted, tracePosition, traceToTransfer, TRANSFER_TOPIC } from '../../../src/adapters/evm-rpc/map.js';
import { TracesSchema, type RpcLog } from '../../../src/adapters/evm-rpc/schema.js';

// Real mainnet trace_block answers (ethereum-etl test data, see fixtures/README.md).
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
function referenceTraces(name: string) {
  const raw = JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8')) as { result: unknown };
  return TracesSchema.parse(raw.result);
}

const A = '0x1111111111111111111111111111111111111111';
const B = '0x2222222222222222222222222222222222222222';
const log = (over: Partial<RpcLog> = {}): RpcLog => ({
  address: '0x3333333333333333333333333333333333333333',
  topics: [TRANSFER_TOPIC, addressTopic(A), addressTopic(B)],
  data: `0x${1234n.toString(16).padStart(64, '0')}`,
  blockNumber: '0x10',
  transactionHash: `0x${'aa'.repeat(32)}`,
  transactionIndex: '0x2',
  logIndex: '0x5',
  ...over,
});

describe('Transfer log decoding', () => {
  it('decodes the ERC-20 shape', () => {
    expect(decodeTransferLog(log())).toEqual({ from: A, to: B, amount: 1234n });
  });

  it('rejects ERC-721 transfers (token id as a 4th topic), removed logs and malformed topics', () => {
    expect(decodeTransferLog(log({ topics: [TRANSFER_TOPIC, addressTopic(A), addressTopic(B), `0x${'00'.repeat(31)}07`], data: '0x' }))).toBeUndefined();
    expect(decodeTransferLog(log({ removed: true }))).toBeUndefined();
    expect(decodeTransferLog(log({ topics: [TRANSFER_TOPIC, `0x${'ff'.repeat(32)}`, addressTopic(B)] }))).toBeUndefined();
    expect(decodeTransferLog(log({ data: '0x01' }))).toBeUndefined();
  });
});

describe('parity traces from real mainnet blocks (ethereum-etl samples)', () => {
  it('maps a top-level call to the native value and skips the block reward and callcode to itself', () => {
    const traces = referenceTraces('block_with_subtraces');
    const moved = traces.flatMap((t) => traceToTransfer('ethereum', t, 1_455_404_053, undefined) ?? []);
    expect(moved.map((m) => [m.type, m.from, m.to, m.amount, m.logIndex, m.txIndex])).toEqual([
      ['native', '0x39fa8c5f2793459d6622857e7d9fbb4bd91766d3', '0xc083e9947cf02b8ffc7d3090ae9aea72df98fd47', 0x56bc75e2d63100000n, -1, 0],
      ['native', '0x32be343b94f860124dc4fee278fdcbd38c102d88', '0xdf190dc7190dfba737d7777a163445b7fff16133', 0x6113a84987be800n, -1, 1],
    ]);
  });

  it('maps a self-destruct to an internal transfer of the balance to the refund address', () => {
    const traces = referenceTraces('block_with_suicide');
    const moved = traces.flatMap((t) => traceToTransfer('ethereum', t, 0, undefined) ?? []);
    expect(moved.map((m) => [m.type, m.from, m.to, m.amount, m.logIndex])).toEqual([
      ['internal', '0x474faa5018639791952fae334e2911700ac7fe9b', '0x83973747eec131bf9a08ac64fb1a518e891bdf4b', 0xb1a2bc2ec50000n, tracePosition([0])],
    ]);
  });

  it('drops failed frames: an out-of-gas call moved nothing', () => {
    const traces = referenceTraces('block_with_error');
    const failed = traces.filter((t) => t.error);
    expect(failed.length).toBeGreaterThan(0);
    const moved = dropReverted(traces).flatMap((t) => traceToTransfer('ethereum', t, 0, undefined) ?? []);
    expect(moved.some((m) => failed.some((f) => f.transactionHash === m.tx))).toBe(false);
    expect(moved.length).toBe(1);
  });

  it('a zero-value contract creation moves nothing', () => {
    const traces = referenceTraces('block_with_create');
    const moved = traces.flatMap((t) => traceToTransfer('ethereum', t, 0, undefined) ?? []);
    expect(moved.map((m) => m.txIndex)).toEqual([0]);
  });

  it('orders nested calls depth-first and keeps positions unique', () => {
    const paths = [[0], [0, 0], [0, 1], [0, 1, 5], [1], [2, 0, 0, 0, 0], [1022]];
    const positions = paths.map(tracePosition);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
    expect(positions.every((p) => Number.isSafeInteger(p) && p > -1)).toBe(true);
    const deep = tracePosition([0, 0, 0, 0, 0, 0]);
    expect(deep).toBeGreaterThanOrEqual(2 ** 50);
    expect(deep).not.toBe(tracePosition([0, 0, 0, 0, 0, 1]));
  });
});
