import { describe, expect, it } from 'vitest';
import { MovementRowSchema } from '../../../src/adapters/warehouse/schema.js';

const row = (over: Record<string, unknown>) => ({
  kind: 'token',
  contract: '0xdac17f958d2ee523a2206206994597c13d831ec7',
  from_address: `0x${'11'.repeat(20)}`,
  to_address: `0x${'22'.repeat(20)}`,
  value: '7056176614974947328',
  transaction_hash: `0x${'ab'.repeat(32)}`,
  log_index: '3',
  block_number: '17173049',
  block_time: '1683029000',
  ...over,
});

describe('movement rows from a warehouse', () => {
  it('reads positions, blocks and times from -1 to 2^53 - 1, as text, numbers or bigints, and amounts exactly', () => {
    const ok = MovementRowSchema.parse(row({ log_index: '-1', block_number: String(Number.MAX_SAFE_INTEGER), block_time: 1683029000n }));
    expect(ok).toMatchObject({ log_index: -1, block_number: Number.MAX_SAFE_INTEGER, block_time: 1683029000, value: 7056176614974947328n });
    expect(MovementRowSchema.parse(row({ transaction_index: null }))).toMatchObject({ transaction_index: null });
    // A token-only query returns no transaction_index column at all.
    expect((MovementRowSchema.parse(row({})) as { transaction_index?: number | null }).transaction_index).toBeUndefined();
  });

  it('refuses integers it cannot hold exactly or that are no position', () => {
    for (const bad of ['-2', '9007199254740993', '1.5', '1e3', '', 2 ** 53, 2n ** 53n, -2n, 0.5]) {
      expect(MovementRowSchema.safeParse(row({ block_number: bad })).success, String(bad)).toBe(false);
    }
    expect(MovementRowSchema.safeParse(row({ value: '-5' })).success).toBe(false);
    expect(MovementRowSchema.safeParse(row({ transaction_hash: '0x12' })).success).toBe(false);
  });
});
