import { z } from 'zod';
import { isJurisdiction } from './jurisdiction.js';
import { SERVICE_CATEGORIES } from './service.js';

/** Unix seconds, an ISO 8601 date/time or a Date; always becomes unix seconds. */
export const TimeInputSchema = z.union([z.number().int().nonnegative(), z.string().min(1), z.date()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  const ms = value instanceof Date ? value.getTime() : /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `not a date/time: ${String(value)}` });
    return z.NEVER;
  }
  return Math.floor(ms / 1000);
});

/** Schema of a jurisdiction: ISO 3166-1 alpha-2 code or `unknown`. */
export const JurisdictionSchema = z
  .string()
  .transform((v) => v.trim().toUpperCase())
  .refine(isJurisdiction, { message: 'not an ISO 3166-1 alpha-2 country code' });

/** Schema of a label category. */
export const CategorySchema = z.enum([...SERVICE_CATEGORIES, 'bridge', 'mixer', 'sanctioned', 'scam', 'service', 'defi', 'other']);

/** Schema of an asset reference (chain, kind, contract, symbol, decimals). */
export const AssetRefSchema = z.object({
  chain: z.string(),
  kind: z.enum(['native', 'token']),
  contract: z.string().optional(),
  symbol: z.string(),
  decimals: z.number().int().min(0).max(77),
});
/** An asset: chain, native or token (contract), symbol and decimals. */
export type AssetRef = z.infer<typeof AssetRefSchema>;

/** Schema of a label. */
export const LabelSchema = z.object({
  chain: z.string(),
  address: z.string(),
  entity: z.string().min(1),
  category: CategorySchema,
  /** ISO 3166-1 alpha-2; empty means unknown. */
  jurisdictions: z.array(JurisdictionSchema),
  confidence: z.number().min(0).max(1),
  source: z.string(),
  /** The licence of the source's data (e.g. "MIT"), when the source states one. */
  licence: z.string().min(1).optional(),
});
/** What is known about an address: entity, category, jurisdiction, confidence and source. */
export type Label = z.infer<typeof LabelSchema>;
/**
 * Category of a labeled address: exchange, instant-exchange (swap services paying out elsewhere), payment (gift-card
 * and merchant processors), gambling, custody, bridge, mixer, sanctioned, scam, service, defi, other.
 */
export type Category = z.infer<typeof CategorySchema>;

const hexHash = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, 'expected a 32-byte transaction hash in hex');

/**
 * Which movement of a seed transaction: on Bitcoin the output index (vout); on EVM and TRON the log index of a token
 * transfer (EVM: the chain's log index, as explorers show it; TRON: the event's position in the transaction's log),
 * an internal transfer's index as chaintrail lists it, or -1 for the transaction's own native value. Absent: every
 * movement of the transaction. `logIndex` is the older name of `index` and means the same.
 */
const seedIndex = z.number().int().min(-1);

/** Schema of a trace seed. */
export const SeedSchema = z.union([
  z
    .object({ chain: z.string(), tx: hexHash, index: seedIndex.optional(), logIndex: seedIndex.optional() })
    .strict()
    .transform(({ logIndex, index, ...rest }, ctx): { chain: string; tx: string; index?: number } => {
      if (index !== undefined && logIndex !== undefined && index !== logIndex) {
        ctx.addIssue({ code: 'custom', path: ['index'], message: `index ${index} and logIndex ${logIndex} disagree: give one` });
        return z.NEVER;
      }
      const n = index ?? logIndex;
      return n === undefined ? rest : { ...rest, index: n };
    }),
  z.object({ chain: z.string(), address: z.string().min(1), from: TimeInputSchema.optional(), to: TimeInputSchema.optional() }).strict(),
]);
/** A trace seed as given: `{ chain, tx }` or `{ chain, address, from?, to? }`. */
export type SeedInput = z.input<typeof SeedSchema>;
/** A trace seed, validated: a victim's payment `{ chain, tx }` or an address `{ chain, address, from?, to? }`. */
export type Seed = z.infer<typeof SeedSchema>;

const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 20-byte EVM address in 0x hex');
/** Numberings of destination chains in bridge events (src/heuristics/bridge-chains.ts maps them). */
export const BRIDGE_CHAIN_NUMBERINGS = ['evm', 'layerzero-v1', 'layerzero-v2', 'wormhole', 'debridge', 'lifi'] as const;
/** An event field: a parameter name, or a dotted path into a struct parameter ('relayExecutionInfo.updatedRecipient'). */
const eventField = z.string().regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/, 'expected an event field name');

/** A bridge contract's deposit event: where funds enter on the source chain and what it says about their destination. */
export const BridgeEventSchema = z
  .object({
    /** Human-readable ABI of the event, as ethers reads it ('event V3FundsDeposited(address inputToken, ...)'). */
    abi: z.string().min(1).max(2_000),
    /** Destination chain when the contract serves one chain only (OP Mainnet, Base, Arbitrum One, Polygon PoS). */
    destinationChain: z.string().optional(),
    /** Event field with the destination's EIP-155 chain id (multi-destination bridges such as Across). */
    destinationChainIdField: eventField.optional(),
    /**
     * Event field with the recipient on the destination chain (address, bytes32 or bytes); absent when the event
     * does not name it (Stargate: the recipient travels in the LayerZero message).
     */
    recipientField: eventField.optional(),
    /** Event field with the amount that left the source chain. */
    amountField: eventField,
    /** Event field with the amount to be delivered on the destination chain, when it differs (fees). */
    outputAmountField: eventField.optional(),
    /** Event field with the source token; absent = the chain's native asset (or `token`). The zero address is native. */
    tokenField: eventField.optional(),
    /** The source token of a single-token contract whose event does not name it (a Stargate pool's token). */
    token: evmAddress.optional(),
    /** Event field with the token delivered on the destination chain, when the event names it. */
    destinationTokenField: eventField.optional(),
    /** Event field with the protocol's deposit id / sequence number, to match the arrival on the destination. */
    idField: eventField.optional(),
    /**
     * How destinationChainIdField numbers chains: EIP-155 ids (`evm`, the default) or the protocol's own numbering
     * (LayerZero v1 chain ids, LayerZero v2 endpoint ids, Wormhole chain ids, deBridge and LI.FI ids for non-EVM chains).
     */
    chainIds: z.enum(BRIDGE_CHAIN_NUMBERINGS).optional(),
    /** The contract that emits the event, when not the bridge itself (Wormhole: the Token Bridge publishes through the core). */
    emitter: evmAddress.optional(),
    /** The event carries a protocol payload whose fields the other *Field names may refer to (Wormhole token transfers). */
    payload: z.enum(['wormhole-token-transfer']).optional(),
    /** Event field with a THORChain memo (`=:BTC.BTC:bc1…`): destination chain, asset and recipient come from it. */
    memoField: eventField.optional(),
  })
  .strict();

/** A bridge contract's fill event on the destination chain: funds delivered to a recipient for a deposit elsewhere. */
export const BridgeFillEventSchema = z
  .object({
    abi: z.string().min(1).max(2_000),
    /** Event field with the origin chain's EIP-155 id. */
    originChainIdField: eventField.optional(),
    /** Event field with the deposit id the fill answers (same numbering as the deposit event's idField). */
    idField: eventField.optional(),
    /** Event field with who received the funds (address or bytes32). */
    recipientField: eventField,
    /** Event field with the amount delivered. */
    amountField: eventField,
    /** Event field with the delivered token; absent = native. */
    tokenField: eventField.optional(),
  })
  .strict();

/** Bridge protocols whose event shapes chaintrail knows: a definition naming one needs no `events`. */
export const BRIDGE_TEMPLATES = [
  'across',
  'optimism',
  'base',
  'op-stack',
  'arbitrum',
  'polygon-pos',
  'lifi',
  'cbridge',
  'stargate',
  'hop',
  'synapse',
  'symbiosis',
  'debridge',
  'zksync',
  'orbiter',
  'avalanche-bridge',
  'thorchain',
] as const;

/**
 * A bridge contract to recognise in a trace besides the built-in registry (a deployment the registry does not
 * hold: another chain, a fork, a test network). Either `protocol` is one of BRIDGE_TEMPLATES and the events come
 * from it, or `events` (and for arrivals `fills`) are given.
 */
export const BridgeDefinitionSchema = z
  .object({
    chain: z.string().min(1),
    address: evmAddress,
    protocol: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'expected a lower-case protocol id such as "across"'),
    name: z.string().min(1).max(200).optional(),
    /** Single-destination bridges: the chain the deposits go to (overrides the template's). */
    destinationChain: z.string().optional(),
    events: z.array(BridgeEventSchema).optional(),
    fills: z.array(BridgeFillEventSchema).optional(),
    reference: z.string().max(500).optional(),
  })
  .strict();
/** A bridge contract definition as given (`bridges` option, `--bridges` file). */
export type BridgeDefinitionInput = z.input<typeof BridgeDefinitionSchema>;
/** A bridge contract definition, validated. */
export type BridgeDefinition = z.infer<typeof BridgeDefinitionSchema>;

const decimalString = z.string().regex(/^\d+(\.\d+)?$/, 'expected a non-negative decimal number');

/** The read bound per address when none is given (reports name it only when another was). */
export const DEFAULT_MAX_MOVEMENTS = 10_000;

/** Everything `trace()` takes besides the adapters, label store and callbacks; defaults live here and nowhere else. */
export const TraceSettingsSchema = z
  .object({
    seeds: z.array(SeedSchema).min(1, 'at least one seed is needed'),
    maxHops: z.number().int().min(0).max(256).default(8),
    /** Smallest tainted amount worth following, in display units of each traced asset ("1" = 1 USDT / 1 ETH). */
    minValue: decimalString.default('0'),
    from: TimeInputSchema.optional(),
    to: TimeInputSchema.optional(),
    maxNodes: z.number().int().min(1).default(10_000),
    /**
     * An address that paid more different addresses than this in the window is a service-like hub (an exchange's or a
     * payment processor's wallet pays its customers): reported, not expanded. Payments in do not count, nor repeated
     * payments to the same wallet: a scam's collector gathers from thousands of victims and forwards to a few wallets,
     * as often as it likes, and is followed.
     */
    maxDegree: z.number().int().min(1).default(1_000),
    /**
     * The most movements read per address in the window (sources stop there; at least `maxDegree` are read): an
     * address with more is not read whole and stops as a hub, the cut reported.
     */
    maxMovements: z.number().int().min(1).default(DEFAULT_MAX_MOVEMENTS),
    /** 'tiho' (taint in, highest out) is a UTXO model; on account ledgers it reads as taint-first like poison. */
    taint: z.enum(['poison', 'haircut', 'fifo', 'tiho']).default('fifo'),
    caseJurisdiction: JurisdictionSchema.optional(),
    caseReference: z.string().max(200).optional(),
    /**
     * An unlabeled address whose outflows all go to one exchange's wallets is its deposit address, whenever the sweeps
     * came; payments to anyone else may together be at most this share of what it received in that asset (dust;
     * 0.001 = 0.1 %; payments below `minValue` are dust too).
     */
    depositTolerance: z.number().min(0).max(0.5).default(0.001),
    /**
     * UTXO chains: 'all-outputs' follows every tainted output; 'follow-change' follows only the change of a
     * recognized peel-chain link and reports each peeled payment as its own `peeled` endpoint.
     */
    peelMode: z.enum(['all-outputs', 'follow-change']).default('all-outputs'),
    /** Bridge contracts to recognise besides the built-in registry (src/heuristics/bridges.ts). */
    bridges: z.array(BridgeDefinitionSchema).max(10_000).default([]),
    /**
     * Cross-chain continuation: an arrival on the destination chain matched by amount (no protocol id) must come
     * within this many hours after the deposit, and within `bridgeTolerance` (relative) of the expected amount.
     */
    /**
     * Splitting what reaches each exchange deposit address and freeze candidate by victim payment costs payments x
     * those addresses; above this many pairs the split is skipped (a note says so; amounts stay, reported unattributed).
     */
    maxAttribution: z.number().int().min(0).default(1_000_000),
    bridgeWindowHours: z
      .number()
      .positive()
      .max(24 * 30)
      .default(6),
    bridgeTolerance: z.number().min(0).max(0.5).default(0.05),
  })
  .strict();
/** Trace settings as given to `trace()` (hops, minimum value, window, budget, taint model, …). */
export type TraceSettingsInput = z.input<typeof TraceSettingsSchema>;
/** Trace settings with their defaults filled in. */
export type TraceSettings = z.infer<typeof TraceSettingsSchema>;

/** Schema of an endpoint kind. */
export const EndpointKindSchema = z.enum([
  ...SERVICE_CATEGORIES,
  'bridge',
  'mixer',
  'sanctioned',
  'unspent',
  'hop-limit',
  'budget',
  'below-min-value',
  'high-degree',
  'incomplete',
  'peeled',
  'contract',
]);
/** Why a branch stopped: exchange, bridge, mixer, sanctioned, unspent, hop-limit, budget, … */
export type EndpointKind = z.infer<typeof EndpointKindSchema>;

const amountString = z.string().regex(/^-?\d+$/);
const isoTime = z.string();

/** Schema of an asset as a report prints it. */
export const ReportAssetSchema = AssetRefSchema;

/** One tainted deposit into a bridge, as its event says, and its continuation on the destination chain. */
export const BridgeDepositReportSchema = z.object({
  tx: z.string(),
  event: z.string().optional(),
  depositId: z.string().optional(),
  destinationChain: z.string().optional(),
  destinationChainId: z.string().optional(),
  /** A destination chaintrail has no chain id for ('solana', 'sui', 'aptos', 'starknet', …), as the event names it. */
  destinationNetwork: z.string().optional(),
  /** EVM: lower-case hex (checksummed in reports); Solana: base58; Bitcoin: the address string; else 0x hex as given. */
  recipient: z.string().optional(),
  /** THORChain: the memo as sent, and the asset it swaps to (THORChain notation, 'BTC.BTC'). */
  memo: z.string().optional(),
  destinationAsset: z.string().optional(),
  /** What the event says left the source chain (source asset, base units), and what the destination should receive. */
  amount: amountString.optional(),
  outputAmount: amountString.optional(),
  /** Tainted part of the deposit (source asset). */
  tainted: amountString,
  continuation: z
    .object({
      chain: z.string(),
      /** The destination transaction that delivered the funds (an Across fill). */
      tx: z.string(),
      recipient: z.string(),
      asset: ReportAssetSchema,
      /** What arrived, and the taint handed over with it (destination asset, base units). */
      amount: amountString,
      amountDisplay: z.string(),
      tainted: amountString,
      taintedDisplay: z.string(),
      match: z.enum(['protocol-id', 'amount-time']),
      confidence: z.number().min(0).max(1),
      reason: z.string(),
    })
    .optional(),
  /** Why the deposit was not continued on its destination chain. */
  note: z.string().optional(),
});

/** One movement with the taint it carried (base units). */
export const TaintedTransferSchema = z.object({ tx: z.string(), logIndex: z.number().int(), time: isoTime, amount: amountString, taint: amountString });

/** Schema of a report endpoint. */
export const EndpointSchema = z.object({
  kind: EndpointKindSchema,
  reason: z.string(),
  chain: z.string(),
  address: z.string(),
  entity: z.string().optional(),
  category: CategorySchema.optional(),
  jurisdictions: z.array(z.string()).optional(),
  crossBorder: z.boolean().nullable().optional(),
  /** The deciding label's source and the licence of its data, when that source states a licence (the built-in pack's do). */
  labelSource: z.string().optional(),
  labelLicence: z.string().optional(),
  depositAddress: z.string().optional(),
  depositInferred: z.boolean().optional(),
  /** The labeled wallet an inferred deposit address swept to. */
  sweptTo: z.array(z.string()).optional(),
  /**
   * What decided an inferred deposit address, in this endpoint's asset: the movements into it (`deposits`) and its
   * sweeps to the service's wallets, what it received and swept (base units) and the share swept, dust it paid
   * anyone else, the time from each deposit to the next sweep (smallest, largest) and the sweep transactions; the
   * service's own acts on it (gas top-ups before token sweeps, the TRON activation), `forwarder` when it is a
   * contract that flushed to the service, and `confidence` (README "Deposit addresses": 1 - 2^-acts times the
   * wallet label's confidence; not stated for an exchange's deposit address that rests on its sweeps alone).
   */
  depositEvidence: z
    .object({
      deposits: z.number().int(),
      sweeps: z.number().int(),
      received: amountString,
      swept: amountString,
      shareSwept: z.number(),
      paidElsewhere: amountString.optional(),
      sweepDelaySeconds: z.object({ min: z.number(), max: z.number() }).optional(),
      sweepTxs: z.array(z.string()),
      gasTopUps: z.object({ count: z.number().int(), txs: z.array(z.string()) }).optional(),
      activation: z.object({ tx: z.string(), from: z.string() }).optional(),
      forwarder: z.boolean().optional(),
      confidence: z.number().min(0).max(1).optional(),
    })
    .optional(),
  freezable: z.object({ issuer: z.string() }).optional(),
  /**
   * A registered bridge: its protocol; the destination chain where the bridge only leads to one chain or the deposit
   * events say; the recipient there when the deposit events name one; and per tainted deposit what its event said
   * and, when the destination chain was traced too, where the trace continued.
   */
  bridge: z
    .object({
      protocol: z.string(),
      name: z.string(),
      destinationChain: z.string().optional(),
      destinationNetwork: z.string().optional(),
      recipient: z.string().optional(),
      deposits: z.array(BridgeDepositReportSchema).optional(),
    })
    .optional(),
  asset: ReportAssetSchema,
  amount: amountString,
  amountDisplay: z.string(),
  hops: z.number().int(),
  firstSeen: isoTime,
  lastSeen: isoTime,
  /** Tainted transactions into this endpoint. */
  txs: z.array(z.string()),
  /** Transaction hashes from the seed to this endpoint along the shortest tainted path. */
  path: z.array(z.string()),
  /** Endpoints a request names (exchange, freezable): the tainted transfers into the address, in time order. */
  inflows: z.array(TaintedTransferSchema.extend({ from: z.string() })).optional(),
  /** An inferred deposit address: its tainted sweeps out into the exchange's wallets (with what it still holds: `amount`). */
  outflows: z.array(TaintedTransferSchema.extend({ to: z.string() })).optional(),
  /**
   * Endpoints a request names: `amount` split by the victim payment (seed movement) it came from, under the taint
   * model's own allocation; the parts add up to `amount` exactly (with `unattributed`, when present).
   */
  victims: z
    .array(
      z.object({
        chain: z.string(),
        tx: z.string(),
        logIndex: z.number().int(),
        recipient: z.string(),
        time: isoTime,
        paid: amountString,
        amount: amountString,
      }),
    )
    .optional(),
  /** Part of `amount` the attribution could not place on one payment (never given to one). */
  unattributed: amountString.optional(),
});
/** Where a branch of the trace stopped: kind, reason, address, asset, amount, hops, times and the path's transactions. */
export type Endpoint = z.infer<typeof EndpointSchema>;

const assetTotal = z.object({ asset: ReportAssetSchema, amount: amountString, amountDisplay: z.string() });

/**
 * One conversion inside a transaction that tainted value entered through contracts (a swap, a wrap or an unwrap):
 * the contracts that formed the box, the tainted asset that went in and the share of its input that was tainted, the
 * asset that came out and the tainted part of it, and who received it (issue #20).
 */
export const ConversionReportSchema = z.object({
  chain: z.string(),
  tx: z.string(),
  block: z.number().int(),
  time: isoTime,
  /** Every contract the transaction touched; `entity`/`category` where a label names it (e.g. a `defi` protocol). */
  contracts: z.array(z.object({ address: z.string(), entity: z.string().optional(), category: CategorySchema.optional() })),
  assetIn: ReportAssetSchema,
  /** Tainted part and total of the input asset's movements into the contracts (base units). */
  taintedIn: amountString,
  taintedInDisplay: z.string(),
  totalIn: amountString,
  totalInDisplay: z.string(),
  /** taintedIn / totalIn exactly, and as a percentage rounded down to two decimals (never more than the fraction). */
  share: z.object({ tainted: amountString, total: amountString, percent: z.number() }),
  assetOut: ReportAssetSchema,
  /** What the contracts paid out in assetOut to non-contracts, and the tainted part of it (share of it, rounded down). */
  amountOut: amountString,
  amountOutDisplay: z.string(),
  taintedOut: amountString,
  taintedOutDisplay: z.string(),
  /** The outputs in assetOut that carry taint: the movement, the contract that paid (`from`), the recipient (`to`), what it moved and its tainted part. */
  recipients: z.array(TaintedTransferSchema.extend({ from: z.string(), to: z.string(), amountDisplay: z.string(), taintDisplay: z.string() })),
  /** What the rule could not say simply in this transaction (several tainted assets, clean inputs in other assets). */
  notes: z.array(z.string()).optional(),
});
/** One conversion row of the report. */
export type ConversionReport = z.infer<typeof ConversionReportSchema>;

/** Schema of the JSON report (what `reportToJson` writes and `readReportFile` reads back). */
export const TraceReportSchema = z.object({
  format: z.literal('chaintrail-trace'),
  version: z.literal(1),
  case: z.object({ reference: z.string().optional(), jurisdiction: z.string().optional() }),
  settings: z.object({
    taint: z.string(),
    maxHops: z.number(),
    minValue: z.string(),
    maxNodes: z.number(),
    maxDegree: z.number(),
    /** Only when not the default (10,000); a cut address's reason names the bound either way. */
    maxMovements: z.number().optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    depositTolerance: z.number(),
    peelMode: z.string(),
    /** The trace's own bridge definitions (when given). */
    bridges: z.array(z.object({ chain: z.string(), address: z.string(), protocol: z.string(), name: z.string() })).optional(),
    /** Continuation rules, when a tainted deposit into a bridge was examined. */
    bridgeWindowHours: z.number().optional(),
    bridgeTolerance: z.number().optional(),
  }),
  sources: z.array(z.object({ chain: z.string(), kind: z.string(), endpoint: z.string().optional() })),
  seeds: z.array(
    z.object({
      chain: z.string(),
      kind: z.enum(['tx', 'address']),
      tx: z.string().optional(),
      address: z.string(),
      asset: ReportAssetSchema,
      amount: amountString,
      amountDisplay: z.string(),
      time: isoTime,
    }),
  ),
  /** Conversions inside transactions (swaps, wraps, unwraps) in time order; absent when the trace met none. */
  conversions: z.array(ConversionReportSchema).optional(),
  endpoints: z.array(EndpointSchema),
  /**
   * Per service entity reached (exchanges and every other service category): `category` is written only when it is
   * not `exchange`, so traces that reach only exchanges read as before.
   */
  exchanges: z.array(
    z.object({
      entity: z.string(),
      category: CategorySchema.optional(),
      jurisdictions: z.array(z.string()),
      crossBorder: z.boolean().nullable(),
      crossBorderReason: z.string(),
      totals: z.array(assetTotal),
      depositAddresses: z.array(
        z.object({
          chain: z.string(),
          address: z.string(),
          inferred: z.boolean(),
          asset: ReportAssetSchema,
          amount: amountString,
          amountDisplay: z.string(),
          firstSeen: isoTime,
          lastSeen: isoTime,
          txs: z.array(z.string()),
        }),
      ),
    }),
  ),
  jurisdictions: z.array(
    z.object({
      jurisdiction: z.string(),
      crossBorder: z.boolean().nullable(),
      entities: z.array(z.string()),
      totals: z.array(assetTotal),
    }),
  ),
  conservation: z.array(
    z.object({
      asset: ReportAssetSchema,
      seeded: amountString,
      /** Taint handed over from another chain through a bridge (continuations), when any. */
      bridgedIn: amountString.optional(),
      /** Taint this asset received from conversions (what swaps, wraps and unwraps produced in it), when any. */
      convertedIn: amountString.optional(),
      endpoints: amountString,
      fees: amountString,
      difference: amountString,
      balanced: z.boolean(),
      explanation: z.string(),
    }),
  ),
  stops: z.array(z.object({ kind: EndpointKindSchema, count: z.number().int(), totals: z.array(assetTotal) })),
  ignored: z.object({
    zeroValue: z.number().int(),
    lookalikeToken: z.number().int(),
    untracedAsset: z.number().int(),
  }),
  notes: z.array(z.string()),
  /** Every answer the trace relied on (request with secrets removed, SHA-256 of the body): `chaintrail verify` checks them. */
  evidence: z.array(z.object({ source: z.string(), request: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
  stats: z.object({
    rounds: z.number().int(),
    addressesExpanded: z.number().int(),
    transfersSeen: z.number().int(),
    taintedTransfers: z.number().int(),
  }),
  complete: z.boolean(),
});
/** The finished trace as evidence: endpoints, per-exchange and per-jurisdiction summaries, freeze candidates, cuts. */
export type TraceReport = z.infer<typeof TraceReportSchema>;
