import { formatAddress, formatAddressOnce } from '../core/address.js';
import type { AssetRef } from '../core/schema.js';
import { reportAsset } from './figures.js';
import { FlowTransfer, type FlowNode } from '../engine/flow-table.js';
import type { TracedTransfer } from '../engine/state.js';

/**
 * The shown forms of the addresses and assets one report prints. Addresses (formatAddress) by flow node: an account
 * movement's ends are nodes of the flow, whose ids index one array, so each node's address is formatted once per
 * report and found again without hashing its string (and without formatAddress's memo). Movements that are no flow
 * rows (UTXO chains) go through formatAddress alone. Assets (reportAsset): one shown object per asset object.
 * Made per report and dropped with it.
 */
export class AddressNames {
  private readonly names: string[] = [];
  /** The node each name was made for (a report's movements come from one flow; a node of another gets its own). */
  private readonly nodes: (FlowNode | undefined)[] = [];

  /** The shown form of each asset object (reportAsset), one per asset: every endpoint record of an asset names the same. */
  private readonly assets = new Map<AssetRef, AssetRef>();

  asset(a: AssetRef): AssetRef {
    let shown = this.assets.get(a);
    if (!shown) this.assets.set(a, (shown = reportAsset(a)));
    return shown;
  }

  /** The sender of `tr` as the report shows it. */
  from(tr: TracedTransfer): string {
    return tr instanceof FlowTransfer ? this.of(tr.fromNode) : formatAddress(tr.t.chain, tr.t.from);
  }

  /** The recipient of `tr` as the report shows it. */
  to(tr: TracedTransfer): string {
    return tr instanceof FlowTransfer ? this.of(tr.toNode) : formatAddress(tr.t.chain, tr.t.to);
  }

  /**
   * `address` on `chain` as the report shows it; `into` is a movement into that address when the caller has one (an
   * endpoint's first inflow), whose flow node then holds the name.
   */
  address(chain: string, address: string, into: TracedTransfer | undefined): string {
    if (into instanceof FlowTransfer) {
      const node = into.toNode;
      if (node.address === address && node.chain === chain) return this.of(node);
    }
    return formatAddress(chain, address);
  }

  private of(node: FlowNode): string {
    const id = node.id;
    if (this.nodes[id] === node) return this.names[id]!;
    const name = formatAddressOnce(node.chain, node.address);
    // Grown densely: ids come in no order, and an array written far past its end turns into a slow dictionary.
    while (this.names.length <= id) {
      this.names.push('');
      this.nodes.push(undefined);
    }
    this.nodes[id] = node;
    this.names[id] = name;
    return name;
  }
}
