import { formatAddress, formatAddressOnce } from '../core/address.js';
import type { AssetRef } from '../core/schema.js';
import { grow } from '../core/typed-arrays.js';
import { reportAsset } from './figures.js';
import { FlowTransfer, type FlowTable } from '../engine/flow-table.js';
import type { TracedTransfer } from '../engine/state.js';

/**
 * The shown forms of the addresses and assets one report prints. Addresses (formatAddress) by flow node id: an
 * account movement's ends are nodes of the flow, whose ids index one array, so each node's address is formatted once
 * per report and found again from the movement's row alone (neither its node object nor its string is read: over a
 * report's million movement rows, each read is a wait for memory). Movements that are no rows of that flow (UTXO
 * chains, another flow) go through formatAddress. Assets (reportAsset): one shown object per asset object.
 * Made per report and dropped with it.
 */
export class AddressNames {
  /** The flow whose node ids `names` is indexed by: the first one met (a report's movements come from one flow). */
  private table: FlowTable | undefined = undefined;
  /** By node id; '' for a node not named yet. */
  private readonly names: string[] = [];
  /** By node id, 1 once named: whether a name is there is read from this small array, not from the string's own memory. */
  private named = new Uint8Array(0);

  /** The shown form of each asset object (reportAsset), one per asset: every endpoint record of an asset names the same. */
  private readonly assets = new Map<AssetRef, AssetRef>();

  asset(a: AssetRef): AssetRef {
    let shown = this.assets.get(a);
    if (!shown) this.assets.set(a, (shown = reportAsset(a)));
    return shown;
  }

  /** The sender of `tr` as the report shows it. */
  from(tr: TracedTransfer): string {
    return tr instanceof FlowTransfer ? this.of(tr.table, tr.fromId) : formatAddress(tr.t.chain, tr.t.from);
  }

  /** The recipient of `tr` as the report shows it. */
  to(tr: TracedTransfer): string {
    return tr instanceof FlowTransfer ? this.of(tr.table, tr.toId) : formatAddress(tr.t.chain, tr.t.to);
  }

  /**
   * `address` on `chain` as the report shows it; `into` is a movement into that address when the caller has one (an
   * endpoint's first inflow), whose flow node then holds the name.
   */
  address(chain: string, address: string, into: TracedTransfer | undefined): string {
    if (into instanceof FlowTransfer) {
      const node = into.toNode;
      if (node.address === address && node.chain === chain) return this.of(into.table, into.toId);
    }
    return formatAddress(chain, address);
  }

  private of(table: FlowTable, id: number): string {
    if (table !== (this.table ??= table)) {
      const node = table.nodes[id]!;
      return formatAddress(node.chain, node.address);
    }
    if (id < this.named.length && this.named[id] === 1) return this.names[id]!;
    const node = table.nodes[id]!;
    const name = formatAddressOnce(node.chain, node.address);
    // Grown densely: ids come in no order, and an array written far past its end turns into a slow dictionary.
    while (this.names.length <= id) this.names.push('');
    if (id >= this.named.length) this.named = grow(this.named, id + 1, (n) => new Uint8Array(n));
    this.names[id] = name;
    this.named[id] = 1;
    return name;
  }
}
