import { describe, expect, it } from 'vitest';
import { MadeList } from '../../src/report/made-list.js';

describe('MadeList', () => {
  it('makes every item once in the order given and places each at its index', () => {
    const madeOrder: number[] = [];
    const list = new MadeList(5, (i) => {
      madeOrder.push(i);
      return `item ${i}`;
    });
    expect(list.all([3, 0, 4, 1, 2])).toEqual(['item 0', 'item 1', 'item 2', 'item 3', 'item 4']);
    expect(madeOrder).toEqual([3, 0, 4, 1, 2]);
  });

  it('makes them in index order without an order, and JSON.stringify sees the whole array', () => {
    const madeOrder: number[] = [];
    const list = new MadeList(3, (i) => {
      madeOrder.push(i);
      return { i };
    });
    expect(JSON.stringify({ list })).toBe('{"list":[{"i":0},{"i":1},{"i":2}]}');
    expect(madeOrder).toEqual([0, 1, 2]);
  });
});
