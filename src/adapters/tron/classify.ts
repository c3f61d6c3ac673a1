import { AdapterError } from '../../core/errors.js';
import type { Classify } from '../http/index.js';
import { TronErrorSchema } from './schema.js';

const SUSPENDED = /suspended for (\d+(?:\.\d+)?) ?s/i;

/** TronGrid's 429 body names the suspension; key errors and v1 `success:false` bodies fail at once. */
export const classifyTronGrid: Classify = (answer) => {
  const body = TronErrorSchema.safeParse(answer.json);
  const text = body.success ? (body.data.Error ?? body.data.error ?? '') : '';
  const suspended = SUSPENDED.exec(text);
  if (answer.status === 429 || suspended) {
    return { kind: 'retry', reason: text || 'HTTP 429', rateLimited: true, ...(suspended ? { afterMs: Math.ceil(Number(suspended[1]) * 1000) } : {}) };
  }
  if (/api ?-?key/i.test(text) || answer.status === 401) {
    return {
      kind: 'fail',
      error: new AdapterError(`TronGrid rejected the API key (${text || `HTTP ${answer.status}`}): set TRONGRID_API_KEY to a valid key from trongrid.io`, {
        details: { source: 'TronGrid', url: answer.url, status: answer.status, reason: 'invalid-api-key' },
      }),
    };
  }
  if (body.success && body.data.success === false && answer.status < 500) {
    return {
      kind: 'fail',
      error: new AdapterError(`TronGrid refused the request: ${text || 'success=false'}`, {
        details: { source: 'TronGrid', url: answer.url, status: answer.status, message: text },
      }),
    };
  }
  return undefined;
};
