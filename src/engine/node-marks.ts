import { grow } from '../core/typed-arrays.js';
import type { FlowNode } from './flow-table.js';

/**
 * What the engine notes per flow node beyond the flow's own state, in arrays indexed by node id: a flag is a bit of
 * one byte, a count one Int32 cell. A Set or Map of nodes costs tens of bytes an entry and a hash lookup each time;
 * a trace of millions of addresses asks these for every one of them.
 */
export class NodeMarks {
  private bits = new Uint8Array(1024);

  has(node: FlowNode, flag: NodeFlag): boolean {
    return node.id < this.bits.length && (this.bits[node.id]! & flag) !== 0;
  }

  add(node: FlowNode, flag: NodeFlag): void {
    this.bits = grow(this.bits, node.id + 1, (n) => new Uint8Array(n));
    this.bits[node.id]! |= flag;
  }
}

export enum NodeFlag {
  /** Classified by label and found to have none (terminalOf asks once). */
  Unlabeled = 1,
  /** The sources were asked whether it holds code (checkContracts asks once). */
  ContractAsked = 2,
  /** Classified by label and found to be a terminal (terminalOf keeps it by key). */
  Labeled = 4,
  /** Given a stop in `RunState.stops` at some point (it may have been taken back since). */
  Stopped = 8,
}

/** A whole number per node id, undefined until set. */
export class NodeNumbers {
  private cells = new Int32Array(1024).fill(-1);

  get(node: FlowNode): number | undefined {
    const v = node.id < this.cells.length ? this.cells[node.id]! : -1;
    return v < 0 ? undefined : v;
  }

  /** Sets a value >= 0. */
  set(node: FlowNode, value: number): void {
    this.cells = grow(this.cells, node.id + 1, (n) => new Int32Array(n), -1);
    this.cells[node.id] = value;
  }
}
