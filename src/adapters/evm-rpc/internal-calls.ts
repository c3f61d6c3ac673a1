import { z } from 'zod';
import { QuantitySchema } from './schema.js';

/** A value-carrying internal call that took effect: `path` is its place in the call tree (parity traceAddress). */
export interface InternalCall {
  from: string;
  to: string;
  amount: bigint;
  path: number[];
}

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 20-byte 0x address');

/** geth's callTracer frame (debug_traceTransaction with {tracer: 'callTracer'}). */
export interface CallFrame {
  type: string;
  from: string;
  to?: string | undefined;
  value?: string | undefined;
  error?: string | undefined;
  calls?: CallFrame[] | undefined;
}
const CallFrameSchema: z.ZodType<CallFrame> = z.lazy(() =>
  z.object({
    type: z.string(),
    from: address,
    to: address.optional(),
    value: QuantitySchema.optional(),
    error: z.string().optional(),
    calls: z.array(CallFrameSchema).optional(),
  }),
);

/** Nodes that ignore the tracer (ganache) answer with the default struct-log trace instead. */
const StructLogSchema = z.object({
  depth: z.number().int().min(1),
  op: z.string(),
  stack: z.array(z.string()).optional(),
});
export const DebugTraceSchema = z.union([z.object({ structLogs: z.array(StructLogSchema) }), CallFrameSchema]);
export type DebugTrace = z.infer<typeof DebugTraceSchema>;
type StructLog = z.infer<typeof StructLogSchema>;

/** The internal value calls of one traced transaction, whichever form the node answered in. */
export function internalCalls(trace: DebugTrace, txTo: string): { calls: InternalCall[]; unread: string[] } {
  if ('structLogs' in trace) return fromStructLogs(trace.structLogs, txTo);
  const calls: InternalCall[] = [];
  const walk = (frame: CallFrame, path: number[]): void => {
    if (frame.error !== undefined) return; // a failed frame and everything under it was undone
    const amount = frame.value === undefined ? 0n : BigInt(frame.value);
    const moves = frame.type === 'CALL' || frame.type === 'CREATE' || frame.type === 'CREATE2' || frame.type === 'SELFDESTRUCT';
    if (path.length > 0 && moves && amount > 0n && frame.to) calls.push({ from: frame.from.toLowerCase(), to: frame.to.toLowerCase(), amount, path });
    (frame.calls ?? []).forEach((child, i) => walk(child, [...path, i]));
  };
  walk(trace, []);
  return { calls, unread: [] };
}

interface Frame {
  address: string;
  path: number[];
  children: number;
  /** The call that opened this frame; its value counts only if the frame succeeds. */
  opened?: Pending;
  /** Calls made inside, kept when their frames succeeded. */
  done: InternalCall[];
}

interface Pending {
  op: string;
  address: string;
  path: number[];
  amount: bigint;
}

const word = (hex: string | undefined): bigint => (hex ? BigInt(hex.startsWith('0x') ? hex : `0x${hex}`) : 0n);
const addressOf = (hex: string): string => `0x${word(hex).toString(16).padStart(40, '0').slice(-40)}`;
const CALL_OPS = new Set(['CALL', 'CALLCODE', 'DELEGATECALL', 'STATICCALL', 'CREATE', 'CREATE2']);

/** The call an opcode is about to make, read from the stack (top last), or undefined for any other opcode. */
function pendingOf(step: StructLog, here: Frame): Pending | undefined {
  if (!CALL_OPS.has(step.op)) return undefined;
  const s = step.stack ?? [];
  const path = [...here.path, here.children++];
  if (step.op === 'CALL') return { op: step.op, address: addressOf(s.at(-2) ?? '0'), path, amount: word(s.at(-3)) };
  if (step.op === 'STATICCALL') return { op: step.op, address: addressOf(s.at(-2) ?? '0'), path, amount: 0n };
  if (step.op === 'CREATE' || step.op === 'CREATE2') return { op: step.op, address: '', path, amount: word(s.at(-1)) };
  return { op: step.op, address: here.address, path, amount: 0n }; // DELEGATECALL / CALLCODE run in the caller's account
}

/**
 * Replays the call tree of a struct-log trace: a call's value counts when the call succeeded (the caller's next
 * step finds a non-zero word on top of the stack: 1, or a created contract's address), and so does what was moved
 * inside it. A self-destruct's payout is not in struct logs: it is named in `unread`.
 */
function fromStructLogs(steps: readonly StructLog[], txTo: string): { calls: InternalCall[]; unread: string[] } {
  const frames: Frame[] = [{ address: txTo, path: [], children: 0, done: [] }];
  const unread: string[] = [];
  let pending: Pending | undefined;
  for (const step of steps) {
    if (step.depth > frames.length && pending) {
      frames.push({ address: pending.address, path: pending.path, children: 0, done: [], opened: pending });
      pending = undefined;
    } else if (step.depth < frames.length) {
      const result = word(step.stack?.at(-1));
      while (frames.length > step.depth) closeFrame(frames, result);
    } else if (pending) {
      // The call ran no code (an account without code, or a create without init code): it is over already.
      const result = word(step.stack?.at(-1));
      if (result !== 0n && pending.amount > 0n) frames.at(-1)!.done.push(moveOf(frames.at(-1)!, pending, result));
      pending = undefined;
    }
    if (step.op === 'SELFDESTRUCT') unread.push(`a self-destruct of ${frames.at(-1)!.address}`);
    pending = pendingOf(step, frames.at(-1)!) ?? pending;
  }
  return { calls: frames[0]!.done, unread };
}

function moveOf(caller: Frame, p: Pending, result?: bigint): InternalCall {
  const to = p.op === 'CREATE' || p.op === 'CREATE2' ? addressOf((result ?? 0n).toString(16)) : p.address;
  return { from: caller.address, to, amount: p.amount, path: p.path };
}

/** A frame ends: if it succeeded, its call and what it moved become its caller's. */
function closeFrame(frames: Frame[], result: bigint): void {
  const child = frames.pop()!;
  if (result === 0n) return;
  const parent = frames.at(-1)!;
  const call = child.opened && child.opened.amount > 0n ? moveOf(parent, child.opened, result) : undefined;
  parent.done.push(...(call ? [call] : []), ...child.done);
}
