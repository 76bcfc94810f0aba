import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo, connect, createServer } from 'node:net';
import request from 'supertest';
import { createTestApp, TestApp } from '../utils/test-app';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  for (let attempt = 0; attempt < 50; attempt++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) {
      return child;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('redis-server did not start');
}

describe('health and readiness', () => {
  let t: TestApp;
  let redis: ChildProcess;

  beforeAll(async () => {
    // A private Redis the test can stop, so the shared one keeps serving the other suites.
    const port = await freePort();
    redis = await startRedis(port);
    t = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    redis.kill('SIGKILL');
    await t.close();
  });

  it('reports liveness without touching dependencies', async () => {
    await request(t.http).get('/healthz').expect(200, { status: 'ok' });
  });

  it('is ready while Postgres and Redis answer', async () => {
    const response = await request(t.http).get('/readyz').expect(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      info: { postgres: { status: 'up' }, redis: { status: 'up' } },
    });
  });

  it('turns not-ready (503) with the failing dependency named when Redis goes down', async () => {
    redis.kill('SIGKILL');
    await new Promise((resolve) => redis.once('exit', resolve));
    const response = await request(t.http).get('/readyz').expect(503);
    expect(response.body).toMatchObject({
      status: 'error',
      info: { postgres: { status: 'up' } },
      error: { redis: { status: 'down' } },
    });
    expect(typeof response.body.error.redis.message).toBe('string');
    await request(t.http).get('/healthz').expect(200);
  });
});
