/** What every UTXO heuristic returns: a decision, one sentence saying why, and a confidence in [0, 1]. */
export interface HeuristicResult<D extends string> {
  decision: D;
  reason: string;
  confidence: number;
}

/** Satoshis as BTC for reasons people read ("0.05 BTC"). */
export function btc(sats: bigint): string {
  const whole = sats / 100_000_000n;
  const fraction = (sats % 100_000_000n).toString().padStart(8, '0').replace(/0+$/, '');
  return `${whole}${fraction ? `.${fraction}` : ''} BTC`;
}
