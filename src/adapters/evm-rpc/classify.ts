import type { Classify, Verdict } from '../http/index.js';
import { classifyRpcError, isLagging } from './errors.js';

/**
 * JSON-RPC errors arrive inside HTTP 200 answers, alone or at any position of a batch. Each is classified once
 * (errors.ts); a rate-limited or transient one has the whole request asked again through the HTTP client's backoff
 * (a batch is re-sent whole, its answers matched by id, so none is lost or reordered; each call's answer is then
 * stored and listed as evidence on its own). Everything else goes to the caller. `methods[i]` is the method of id i + 1.
 */
export function classifyRpc(methods: readonly string[]): Classify {
  return (answer) => {
    if (answer.status !== 200 || answer.json === undefined) return undefined;
    const items = Array.isArray(answer.json) ? answer.json : [answer.json];
    let transient: Verdict | undefined;
    for (const item of items) {
      const { id, error } = (item ?? {}) as { id?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } };
      if (typeof error?.code !== 'number' || typeof error.message !== 'string') continue;
      const method = methods[typeof id === 'number' ? id - 1 : 0] ?? methods[0]!;
      const kind = classifyRpcError(method, error.code, error.message);
      const reason = `${method} failed: ${error.message} (code ${error.code})`;
      if (kind === 'rate-limit') {
        // Infura says how long to back off in data.backoff_seconds.
        const seconds = (error.data as { backoff_seconds?: unknown } | undefined)?.backoff_seconds;
        return { kind: 'retry', reason, rateLimited: true, ...(typeof seconds === 'number' && seconds >= 0 ? { afterMs: Math.ceil(seconds * 1000) } : {}) };
      }
      if (kind === 'transient') {
        transient ??= {
          kind: 'retry',
          reason,
          ...(isLagging(error.message) ? { hint: 'the node kept missing that block: it lags behind, or lacks old history (use an archive node)' } : {}),
        };
      }
    }
    return transient;
  };
}
