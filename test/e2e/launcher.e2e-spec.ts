import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../scripts/lib/private-services';
import { childPid } from '../../scripts/lib/processes';
import { eventually } from '../utils/events';
import { createTestDatabase } from '../utils/databases';

const ROOT = join(__dirname, '..', '..');

interface Launched {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `node scripts/launch.mjs` as `npm start` runs it, on the built dist/. */
function launch(env: Record<string, string>): Launched {
  const child = spawn(process.execPath, ['scripts/launch.mjs'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      LLM_PROVIDER: 'offline',
      EMBEDDER_PROVIDER: 'offline',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The launcher's child running `entry` (its pid), if any. */
const childRunning = (launcher: ChildProcess, entry: string) => childPid(launcher.pid!, entry);

async function ready(baseUrl: string): Promise<boolean | undefined> {
  try {
    return (await fetch(`${baseUrl}/readyz`)).ok || undefined;
  } catch {
    return undefined;
  }
}

describe('the launcher (npm start)', () => {
  beforeAll(() => {
    if (
      !existsSync(join(ROOT, 'dist/apps/api/src/main.js')) ||
      !existsSync(join(ROOT, 'dist/apps/worker/src/main.js'))
    ) {
      throw new Error('dist/ is missing: run `npm run build` first');
    }
  });

  it('restarts a killed API or worker and stops both on SIGTERM', async () => {
    const database = await createTestDatabase();
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const server = launch({
      DATABASE_URL: database.url,
      REDIS_PREFIX: `${process.env.REDIS_PREFIX ?? 'mem0test'}-launch-${randomBytes(3).toString('hex')}`,
      PORT: String(port),
      BOOTSTRAP_API_KEY: 'm0-launcher-test-key-0000000000000000000',
      RESTART_BACKOFF_MS: '200',
    });
    try {
      await eventually(() => ready(baseUrl), 30_000);
      const api = childRunning(server.child, 'apps/api')!;
      const worker = childRunning(server.child, 'apps/worker')!;
      process.kill(api, 'SIGKILL');
      process.kill(worker, 'SIGKILL');
      const restarted = await eventually(async () => {
        const pid = childRunning(server.child, 'apps/api');
        return pid && pid !== api && (await ready(baseUrl)) ? pid : undefined;
      }, 30_000);
      expect(restarted).not.toBe(api);
      expect(childRunning(server.child, 'apps/worker')).not.toBe(worker);
      expect(server.output()).toMatch(/api stopped \(SIGKILL\) after \d+ s; restarting it in 200 ms/);
      expect(server.output()).toMatch(/worker stopped \(SIGKILL\)/);

      server.child.kill('SIGTERM');
      await server.exited;
      expect(childRunning(server.child, 'apps/')).toBeUndefined();
      await expect(ready(baseUrl)).resolves.toBeUndefined();
    } finally {
      server.child.kill('SIGKILL');
      await database.drop();
    }
  }, 90_000);

  it('gives up on a process that cannot start instead of restarting it forever', async () => {
    const server = launch({ PORT: 'not-a-port', RESTART_BACKOFF_MS: '50', RESTART_MAX_RAPID_CRASHES: '1' });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/(api|worker) stopped \(exit code 1\) 2 times in a row within 30 s of starting/);
  }, 30_000);
});
