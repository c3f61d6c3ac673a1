import { describe, expect, it } from 'vitest';
import { classifyEtherscan, ResultWindowError, unwrapList } from '../../../src/adapters/etherscan/envelope.js';
import { NormalTxListSchema } from '../../../src/adapters/etherscan/schema.js';
import { AdapterError, RateLimitError, ResponseShapeError } from '../../../src/core/errors.js';
import type { HttpAnswer } from '../../../src/adapters/http/index.js';

const answer = (json: unknown, status = 200): HttpAnswer => ({
  status,
  headers: new Headers(),
  text: JSON.stringify(json),
  json,
  url: 'http://127.0.0.1/v2/api?apikey=***',
});
const notok = (result: string) => answer({ status: '0', message: 'NOTOK', result });
const classify = classifyEtherscan('Etherscan', 'Ethereum (chainid 1)');
const where = { source: 'Etherscan', what: 'txlist of 0xabc', url: 'http://127.0.0.1/v2/api' };

describe('Etherscan envelopes', () => {
  it.each(['Max rate limit reached', 'Max calls per sec rate limit reached (3/sec)', 'Max rate limit reached, please use API Key for higher rate limit'])(
    'waits and retries on "%s"',
    (text) => {
      expect(classify(notok(text))).toMatchObject({ kind: 'retry', rateLimited: true, afterMs: 1_100 });
    },
  );

  it('fails at once on key errors and unsupported chains, and on a used-up daily quota', () => {
    for (const text of ['Invalid API Key', 'Missing/Invalid API Key', 'Invalid API Key (#err2)|1']) {
      const v = classify(notok(text));
      expect(v?.kind).toBe('fail');
      expect(v?.kind === 'fail' && v.error).toBeInstanceOf(AdapterError);
      expect(v?.kind === 'fail' && v.error.shortMessage).toMatch(/rejected the API key/);
    }
    const chain = classify(notok('Missing or unsupported chainid parameter (required for v2 api)'));
    expect(chain?.kind === 'fail' && chain.error.shortMessage).toMatch(/does not serve Ethereum \(chainid 1\)/);
    const daily = classify(notok('Max daily rate limit reached. 100000 (100k) per day'));
    expect(daily?.kind === 'fail' && daily.error).toBeInstanceOf(RateLimitError);
  });

  it('leaves ordinary and "nothing found" answers to the reader', () => {
    expect(classify(answer({ status: '1', message: 'OK', result: [] }))).toBeUndefined();
    expect(classify(answer({ status: '0', message: 'No transactions found', result: [] }))).toBeUndefined();
    expect(classify(notok('Result window is too large, PageNo x Offset size must be less than or equal to 10000'))).toBeUndefined();
  });

  it('reads every "nothing here" form as an empty list', () => {
    for (const body of [
      { status: '0', message: 'No transactions found', result: [] },
      { status: '0', message: 'No token transfers found', result: [] },
      { status: '0', message: 'No internal transactions found', result: [] },
      { status: '0', message: 'No token transfers found', result: null },
      { status: '0', message: 'No records found', result: [] },
    ]) {
      expect(unwrapList(body, NormalTxListSchema, where)).toEqual([]);
    }
  });

  it('names the window error, other errors and bad shapes', () => {
    expect(() =>
      unwrapList(
        { status: '0', message: 'NOTOK', result: 'Result window is too large, PageNo x Offset size must be less than or equal to 10000' },
        NormalTxListSchema,
        where,
      ),
    ).toThrow(ResultWindowError);
    expect(() => unwrapList({ message: 'Invalid address format', result: null, status: '0' }, NormalTxListSchema, where)).toThrow(
      /answered an error for txlist of 0xabc: Invalid address format/,
    );
    expect(() => unwrapList({ status: '1', message: 'OK', result: [{ blockNumber: 'x' }] }, NormalTxListSchema, where)).toThrow(ResponseShapeError);
    expect(() => unwrapList('<html>', NormalTxListSchema, where)).toThrow(ResponseShapeError);
  });
});
