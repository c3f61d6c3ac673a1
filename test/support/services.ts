import { deployedAt, type ChainClient, type Deployed } from './chain-client.js';
import type { LocalChain } from './ganache.js';
import { startTestServer, type TestServer } from './http-test-server.js';
import type { TestPostgres } from './postgres.js';

/**
 * The local services a test run shares, started in vitest's main process by the global setup
 * (test/support/setup.global.ts) and reached by the test files over 127.0.0.1 (test/support/shared.ts):
 *
 *   GET  /world/<name>           builds the ganache world on first request, then answers its description
 *   POST /postgres/<database>    starts PostgreSQL on first request, creates a fresh database, answers its URL
 *
 * Each service starts at most once per run, and only when a test file asks for it. The worlds are read-only by
 * contract: a test that sends transactions builds a chain of its own.
 */
export const WORLDS = {
  small: async () => (await import('./ganache-world.js')).buildSmallWorld(),
  scam: async () => (await import('./ganache-scam.js')).buildScamCase(),
  bridge: async () => (await import('./ganache-bridge.js')).buildBridgeWorld(),
};
export type WorldName = keyof typeof WORLDS;
type Built<N extends WorldName> = Awaited<ReturnType<(typeof WORLDS)[N]>>;

/** A world as a test file sees it: its chains are read over JSON-RPC, its own functions (close) stay with the hub. */
export type Shared<W> = {
  [K in keyof W as W[K] extends (...args: never[]) => unknown ? never : K]: W[K] extends LocalChain ? ChainClient : W[K];
};
export type SharedWorld<N extends WorldName> = Shared<Built<N>>;

const isChain = (v: unknown): v is LocalChain => typeof v === 'object' && v !== null && 'request' in v && 'chainId' in v && 'url' in v;
const isContract = (v: unknown): v is Deployed => typeof v === 'object' && v !== null && 'iface' in v && 'contract' in v;

/** A world as JSON: chains become their URL and chain id, contracts their artifact name and address, functions go. */
export function worldToJson(world: object): string {
  return JSON.stringify(world, (_key, value: unknown) => {
    if (isChain(value)) return { $chain: { url: value.url, chainId: value.chainId } };
    if (isContract(value)) return { $contract: { contract: value.contract, address: value.address } };
    if (typeof value === 'bigint') return { $bigint: value.toString() };
    return typeof value === 'function' ? undefined : value;
  });
}

export function worldFromJson<W>(text: string, connect: (url: string, chainId: number) => ChainClient): W {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null) return value;
    if ('$chain' in value) {
      const c = value.$chain as { url: string; chainId: number };
      return connect(c.url, c.chainId);
    }
    if ('$contract' in value) {
      const c = value.$contract as { contract: string; address: string };
      return deployedAt(c.contract, c.address);
    }
    if ('$bigint' in value) return BigInt(value.$bigint as string);
    return value;
  }) as W;
}

export interface ServiceHub {
  url: string;
  /** What was started, for the run's summary: world names and 'postgres'. */
  started(): string[];
  close(): Promise<void>;
}

export async function startServiceHub(): Promise<ServiceHub> {
  const worlds = new Map<WorldName, Promise<{ json: string; close(): Promise<void> }>>();
  let postgres: Promise<TestPostgres> | undefined;
  // CREATE DATABASE one at a time: concurrent copies of template1 can fail.
  let creating: Promise<unknown> = Promise.resolve();

  const world = (name: WorldName) => {
    let built = worlds.get(name);
    if (!built) {
      built = WORLDS[name]().then((w) => ({
        json: worldToJson(w),
        close: async () => {
          if ('close' in w) await w.close();
          else await (w as { chain: LocalChain }).chain.close();
        },
      }));
      worlds.set(name, built);
    }
    return built;
  };

  const database = (name: string) => {
    postgres ??= import('./postgres.js').then((m) => m.startPostgres());
    const created = creating.then(async () => {
      const server = await postgres!;
      await server.dropDatabase(name);
      return server.createDatabase(name);
    });
    creating = created.catch(() => undefined);
    return created;
  };

  const server: TestServer = await startTestServer(async (req, res) => {
    const [, kind, name = ''] = req.path.split('/');
    try {
      let body: string;
      if (req.method === 'GET' && kind === 'world' && name in WORLDS) body = (await world(name as WorldName)).json;
      else if (req.method === 'POST' && kind === 'postgres') body = JSON.stringify({ url: await database(name) });
      else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`no service ${req.method} ${req.path}`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
  });

  return {
    url: server.url,
    started: () => [...worlds.keys(), ...(postgres ? ['postgres'] : [])],
    async close() {
      await server.close();
      const closing = [...worlds.values()].map(async (w) => (await w).close());
      if (postgres) closing.push(postgres.then((p) => p.stop()));
      await Promise.allSettled(closing);
    },
  };
}
