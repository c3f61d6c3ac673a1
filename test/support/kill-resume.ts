/**
 * Kill -9 and resume of a CLI trace over JSON-RPC, for the resume tests: the CLI runs as its own process (ganache
 * runs in the test's, so it is spawned, not run synchronously) against a counting proxy (rpc-proxy.ts), is killed
 * with SIGKILL once the proxy has counted a share of the calls a whole trace makes, and runs again on the same answer
 * cache.
 *   const cli = cliTraceRunner(() => ['--chain', …, '--source', `rpc:${proxy.url}`, '--seed', …]);
 *   const proxy = await startRpcProxy({ target, onCall: cli.onCall });
 *   const { report, total } = await cli.reference(proxy, dir);
 *   const figures = await cli.killAndResume(proxy, dir, report, total);
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ProxyCall, startRpcProxy } from './rpc-proxy.js';

type Proxy = Awaited<ReturnType<typeof startRpcProxy>>;
type Exit = { code: number | null; signal: NodeJS.Signals | null; stderr: string };

/** The chain id and the head are asked live by every run: they are not answers a cache could give. */
const LIVE = new Set(['eth_chainId', 'eth_blockNumber']);
const callKey = (c: ProxyCall) => `${c.method} ${JSON.stringify(c.params)}`;
export const dataCalls = (calls: ProxyCall[]) => calls.filter((c) => !LIVE.has(c.method)).map(callKey);

export function cliTraceRunner(traceArgs: () => string[]) {
  let killAt: number | undefined;
  let kill = () => {};
  /** `chaintrail trace …` writing a JSON report to `out` on the answer cache `cache`; killed at the `killAt`-th call. */
  const run = (cache: string, out: string, at?: number): Promise<Exit> => {
    const args = ['--import', 'tsx', 'src/cli/bin.ts', 'trace', ...traceArgs(), '--format', 'json', '--out', out, '--quiet'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CHAINTRAIL_CACHE: cache } });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    killAt = at;
    kill = () => child.kill('SIGKILL');
    return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  };
  return {
    run,
    /** For the proxy's `onCall`: the kill switch. */
    onCall: (_call: ProxyCall, count: number) => {
      if (killAt !== undefined && count >= killAt) kill();
    },
    /** The whole trace on a fresh cache: its report and how many calls it made. */
    async reference(proxy: Proxy, dir: string): Promise<{ report: string; total: number; whole: Set<string> }> {
      proxy.reset();
      const done = await run(join(dir, 'reference.log'), join(dir, 'reference.json'));
      expect(done.stderr).toBe('');
      expect(done.code).toBe(0);
      return { report: readFileSync(join(dir, 'reference.json'), 'utf8'), total: proxy.calls.length, whole: new Set(dataCalls(proxy.calls)) };
    },
    /**
     * Killed at 10 %, 50 % and 90 % of `total` calls, then run again on the same cache: the report must be `report`,
     * the two runs together must ask exactly `whole`, and only what was in flight at the kill may be asked again
     * (one call, or 5 % of those made). Returns a line of figures per kill.
     */
    async killAndResume(proxy: Proxy, dir: string, reference: { report: string; total: number; whole: Set<string> }): Promise<string[]> {
      const figures: string[] = [];
      for (const fraction of [0.1, 0.5, 0.9]) {
        const cache = join(dir, `cache-${fraction}.log`);
        proxy.reset();
        const killed = await run(cache, join(dir, `killed-${fraction}.json`), Math.ceil(reference.total * fraction));
        expect(killed.signal).toBe('SIGKILL');
        const before = dataCalls(proxy.calls);
        proxy.reset();
        const resumed = await run(cache, join(dir, `resumed-${fraction}.json`));
        expect(resumed.stderr).toBe('');
        expect(resumed.code).toBe(0);
        const asked = new Set(before);
        const repeated = dataCalls(proxy.calls).filter((k) => asked.has(k)).length;
        figures.push(
          `kill at ${fraction * 100} % (${before.length} data calls made): ${repeated} repeated (${((100 * repeated) / before.length).toFixed(1)} %)`,
        );
        expect(repeated).toBeLessThanOrEqual(Math.max(1, Math.floor(0.05 * before.length)));
        expect(new Set([...before, ...dataCalls(proxy.calls)])).toEqual(reference.whole);
        expect(readFileSync(join(dir, `resumed-${fraction}.json`), 'utf8')).toBe(reference.report);
      }
      return figures;
    },
  };
}
