import type { z } from 'zod';
import type { BridgeEventSchema, BridgeFillEventSchema } from '../core/schema.js';

/** A deposit event (shape in src/core/schema.ts, BridgeEventSchema). */
export type BridgeEvent = z.infer<typeof BridgeEventSchema>;
/** A fill (arrival) event on the destination chain (BridgeFillEventSchema). */
export type BridgeFillEvent = z.infer<typeof BridgeFillEventSchema>;

/** A known bridge contract: chain, address, protocol and the events that record deposits and fills. */
export interface BridgeContract {
  /** Source chain of the contract (canonical chaintrail id). */
  chain: string;
  /** Lower-case hex address. */
  address: string;
  /** Stable protocol id: 'optimism', 'base', 'arbitrum', 'polygon-pos', 'across', 'lifi', 'cbridge', … (README table). */
  protocol: string;
  /** What the contract is, for people. */
  name: string;
  events: BridgeEvent[];
  /** Events this contract emits when it delivers funds on its own chain for a deposit made elsewhere (Across fills). */
  fills?: BridgeFillEvent[];
  /** Public reference for the address and the events. */
  reference: string;
  /**
   * A bridge without a deposit event (Orbiter makers, the Avalanche Bridge): a transfer into the address is the
   * deposit and the recipient on the destination is its sender. The destination is fixed, or coded in the amount.
   */
  transferDeposit?: { destinationChain?: string; amountCode?: 'orbiter' };
}
