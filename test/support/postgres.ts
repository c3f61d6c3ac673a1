import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway PostgreSQL server for tests and benchmarks: Debian's binaries (/usr/lib/postgresql/<ver>/bin), a fresh
 * data directory under the system temp folder, listening on 127.0.0.1 only, on a free port, trust auth, fsync off.
 * initdb refuses to run as root, so as root the server runs as the `postgres` OS user (runuser).
 * `stop()` stops it (immediate mode) and deletes the directory; a process exit handler does the same if a test forgot.
 */
export interface TestPostgres {
  port: number;
  /** URL of a database on this server (created by createDatabase). */
  url(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** Drops the database if it exists (a re-run in watch mode gets a fresh one). */
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (see .ci/run)');
  const isRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'chaintrail-pg-'));
  const data = join(dir, 'data');
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
    return execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, timeout: 60_000 });
  };
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  let port = 0;
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
    if (isRoot) spawnSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore', timeout: 30_000 });
    else spawnSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore', timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  // Stop the server whatever ends this process: normal exit, Ctrl-C or a SIGTERM from a test runner.
  const onSignal = (signal: NodeJS.Signals) => {
    stopSync();
    process.kill(process.pid, signal);
  };
  process.once('exit', stopSync);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      try {
        run('pg_ctl', [
          '-D',
          data,
          '-l',
          join(dir, 'server.log'),
          '-w',
          '-t',
          '60',
          '-o',
          `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
          'start',
        ]);
        break;
      } catch (error) {
        if (attempt >= 2) throw error;
      }
    }
  } catch (error) {
    stopSync();
    const e = error as { stderr?: Buffer; message: string };
    throw new Error(`Cannot start the test PostgreSQL server: ${e.stderr?.toString() || e.message}`);
  }
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const checkName = (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
    return name;
  };
  const admin = async (sql: string) => {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: url('postgres') });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    port,
    url,
    async createDatabase(name: string) {
      await admin(`CREATE DATABASE ${checkName(name)}`);
      return url(name);
    },
    async dropDatabase(name: string) {
      await admin(`DROP DATABASE IF EXISTS ${checkName(name)}`);
    },
    async stop() {
      process.removeListener('exit', stopSync);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      stopSync();
    },
  };
}
