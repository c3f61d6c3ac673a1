import { z } from 'zod';
import { isJurisdiction } from './jurisdiction.js';

/** Unix seconds, an ISO 8601 date/time or a Date; always becomes unix seconds. */
export const TimeInputSchema = z
  .union([z.number().int().nonnegative(), z.string().min(1), z.date()])
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const ms = value instanceof Date ? value.getTime() : /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: `not a date/time: ${String(value)}` });
      return z.NEVER;
    }
    return Math.floor(ms / 1000);
  });

export const JurisdictionSchema = z
  .string()
  .transform((v) => v.trim().toUpperCase())
  .refine(isJurisdiction, { message: 'not an ISO 3166-1 alpha-2 country code' });

export const CategorySchema = z.enum(['exchange', 'bridge', 'mixer', 'sanctioned', 'scam', 'service', 'defi', 'other']);

export const AssetRefSchema = z.object({
  chain: z.string(),
  kind: z.enum(['native', 'token']),
  contract: z.string().optional(),
  symbol: z.string(),
  decimals: z.number().int().min(0).max(77),
});
export type AssetRef = z.infer<typeof AssetRefSchema>;

export const LabelSchema = z.object({
  chain: z.string(),
  address: z.string(),
  entity: z.string().min(1),
  category: CategorySchema,
  /** ISO 3166-1 alpha-2; empty means unknown. */
  jurisdictions: z.array(JurisdictionSchema),
  confidence: z.number().min(0).max(1),
  source: z.string(),
});
export type Label = z.infer<typeof LabelSchema>;
export type Category = z.infer<typeof CategorySchema>;

const hexHash = z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, 'expected a 32-byte transaction hash in hex');

export const SeedSchema = z.union([
  z.object({ chain: z.string(), tx: hexHash, logIndex: z.number().int().optional() }).strict(),
  z
    .object({ chain: z.string(), address: z.string().min(1), from: TimeInputSchema.optional(), to: TimeInputSchema.optional() })
    .strict(),
]);
export type SeedInput = z.input<typeof SeedSchema>;
export type Seed = z.infer<typeof SeedSchema>;

const decimalString = z.string().regex(/^\d+(\.\d+)?$/, 'expected a non-negative decimal number');

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
    /** An address with more movements than this in the window is a service-like hub: reported, not expanded. */
    maxDegree: z.number().int().min(1).default(1_000),
    /** 'tiho' (taint in, highest out) is a UTXO model; on account ledgers it reads as taint-first like poison. */
    taint: z.enum(['poison', 'haircut', 'fifo', 'tiho']).default('fifo'),
    caseJurisdiction: JurisdictionSchema.optional(),
    caseReference: z.string().max(200).optional(),
    /** A forward to an exchange within this many hours of receipt marks a deposit address. */
    depositWindowHours: z.number().positive().max(24 * 365).default(12),
    /** Relative tolerance for "forwards what it received" (0.01 = 1 %). */
    depositTolerance: z.number().min(0).max(0.5).default(0.01),
    /**
     * UTXO chains: 'all-outputs' follows every tainted output; 'follow-change' follows only the change of a
     * recognized peel-chain link and reports each peeled payment as its own `peeled` endpoint.
     */
    peelMode: z.enum(['all-outputs', 'follow-change']).default('all-outputs'),
  })
  .strict();
export type TraceSettingsInput = z.input<typeof TraceSettingsSchema>;
export type TraceSettings = z.infer<typeof TraceSettingsSchema>;

export const EndpointKindSchema = z.enum([
  'exchange',
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
]);
export type EndpointKind = z.infer<typeof EndpointKindSchema>;

const amountString = z.string().regex(/^-?\d+$/);
const isoTime = z.string();

export const ReportAssetSchema = AssetRefSchema;

export const EndpointSchema = z.object({
  kind: EndpointKindSchema,
  reason: z.string(),
  chain: z.string(),
  address: z.string(),
  entity: z.string().optional(),
  category: CategorySchema.optional(),
  jurisdictions: z.array(z.string()).optional(),
  crossBorder: z.boolean().nullable().optional(),
  depositAddress: z.string().optional(),
  depositInferred: z.boolean().optional(),
  /** The labeled wallet an inferred deposit address swept to. */
  sweptTo: z.array(z.string()).optional(),
  freezable: z.object({ issuer: z.string() }).optional(),
  /** A registered bridge: its protocol and, where the bridge only leads to one chain, the destination chain. */
  bridge: z.object({ protocol: z.string(), name: z.string(), destinationChain: z.string().optional() }).optional(),
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
});
export type Endpoint = z.infer<typeof EndpointSchema>;

const assetTotal = z.object({ asset: ReportAssetSchema, amount: amountString, amountDisplay: z.string() });

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
    from: isoTime.optional(),
    to: isoTime.optional(),
    depositWindowHours: z.number(),
    depositTolerance: z.number(),
    peelMode: z.string(),
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
  endpoints: z.array(EndpointSchema),
  exchanges: z.array(
    z.object({
      entity: z.string(),
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
export type TraceReport = z.infer<typeof TraceReportSchema>;
