import type { FlowNode } from './flow-table.js';

/**
 * The keys of the addresses the rounds expanded, in the order they were expanded, read from the flow's own nodes: the
 * flow marks a node expanded, so a set of every expanded key beside it (a quarter of a million at 1 M transfers) would
 * say the same twice. `has` asks the flow's index of keys, which the builders after the rounds use too.
 */
export class ExpandedKeys implements ReadonlySet<string> {
  private readonly list: FlowNode[] = [];

  constructor(
    private readonly lookup: (key: string) => FlowNode | undefined,
    private readonly nodeAt: (id: number) => FlowNode | undefined,
  ) {}

  /** Notes a node the flow has just expanded (once per node). */
  add(node: FlowNode): void {
    this.list.push(node);
  }

  /** The expanded nodes, in the order they were expanded. */
  get nodes(): readonly FlowNode[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  has(key: string): boolean {
    return this.lookup(key)?.expanded === true;
  }

  /** `has` by the node's id (a reader that walks the flow's nodes by id looks up no key). */
  hasId(id: number): boolean {
    return this.nodeAt(id)?.expanded === true;
  }

  *keys(): SetIterator<string> {
    for (const node of this.list) yield node.key;
  }

  values(): SetIterator<string> {
    return this.keys();
  }

  *entries(): SetIterator<[string, string]> {
    for (const node of this.list) yield [node.key, node.key];
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.keys();
  }

  forEach(fn: (value: string, key: string, set: ReadonlySet<string>) => void): void {
    for (const node of this.list) fn(node.key, node.key, this);
  }
}
