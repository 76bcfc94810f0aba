import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { migrate } from './database';

const run = promisify(execFile);
const PG_BIN = '/usr/lib/postgresql/15/bin';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) {
      throw new Error(`${what} did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A PostgreSQL cluster of its own (same binaries and pgvector as the machine's) that a test may stop. */
export interface PrivatePostgres {
  port: number;
  /** A URL to `database` on this cluster. */
  url(database?: string): string;
  start(): Promise<void>;
  /** `fast` ends sessions as an operator's restart does; `immediate` is a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * initdb refuses root, so the cluster belongs to the `postgres` user (the tests and benchmarks run as
 * root); durability settings are off, as a throwaway cluster needs none.
 */
export async function startPrivatePostgres(database = 'mem0'): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'mem0-pg-'));
  const { stdout } = await run('id', ['-u', 'postgres']);
  const [uid, gid] = [Number(stdout.trim()), Number((await run('id', ['-g', 'postgres'])).stdout.trim())];
  chownSync(dir, uid, gid);
  const asPostgres = (command: string, args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', join(PG_BIN, command), ...args]);
  await asPostgres('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const cluster: PrivatePostgres = {
    port,
    url: (name = database) => `postgresql://postgres@127.0.0.1:${port}/${name}`,
    start: async () => {
      await asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
      await waitForPort(port, 'PostgreSQL');
    },
    stop: async (mode = 'fast') => {
      await asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-m', mode, '-w', 'stop']);
    },
    destroy: async () => {
      await cluster.stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await cluster.start();
    await run('runuser', ['-u', 'postgres', '--', join(PG_BIN, 'createdb'), '-h', dir, '-p', String(port), database]);
    await migrate(cluster.url());
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  return cluster;
}

/** A redis-server of its own, without persistence (a restart loses every key, as a crashed cache would). */
export interface PrivateRedis {
  port: number;
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const redis: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    start: async () => {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        {
          stdio: 'ignore',
        },
      );
      await waitForPort(port, 'redis-server');
    },
    stop: async () => {
      const running = child;
      child = undefined;
      if (running && running.exitCode === null) {
        const exited = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGKILL');
        await exited;
      }
    },
  };
  await redis.start();
  return redis;
}
