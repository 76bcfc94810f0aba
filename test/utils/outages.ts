import request from 'supertest';
import { PrismaService } from '@app/core';
import {
  PrivatePostgres,
  PrivateRedis,
  startPrivatePostgres,
  startPrivateRedis,
} from '../../scripts/lib/private-services';
import { createTestApp, Tenant, TestApp } from './test-app';

export interface OutageRig {
  pg: PrivatePostgres;
  redis: PrivateRedis;
  t: TestApp;
  tenant: Tenant;
  close(): Promise<void>;
}

/** The API with the real worker in process, on a Postgres cluster and a Redis of its own that a test may stop. */
export async function outageRig(env: Record<string, string>): Promise<OutageRig> {
  const [pg, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
  const release = () => Promise.all([pg.destroy(), redis.stop()]).then(() => undefined);
  try {
    const t = await createTestApp({
      worker: true,
      databaseUrl: pg.url(),
      env: { REDIS_URL: redis.url, DATABASE_CONNECT_TIMEOUT_MS: '3000', ...env },
    });
    return { pg, redis, t, tenant: await t.newTenant('outage'), close: () => t.close().then(release) };
  } catch (error) {
    // Nothing would stop them otherwise: the suite's afterAll has no rig to close.
    await release();
    throw error;
  }
}

/** One add as a client saw it. */
export interface AddSample {
  startedAt: number;
  ms: number;
  status: number;
  body: Record<string, unknown>;
  retryAfter?: string;
  eventId?: string;
}

/** A queued v3 add of a fact of its own (its own user, so no add is a duplicate of another). */
export async function timedAdd(t: TestApp, tenant: Tenant, n: number): Promise<AddSample> {
  const startedAt = Date.now();
  const response = await request(t.http)
    .post('/v3/memories/add/')
    .set('Authorization', `Token ${tenant.key}`)
    .send({ messages: [{ role: 'user', content: `I love hiking in the Alps, trip ${n}` }], user_id: `load-${n}` });
  const body = (response.body ?? {}) as Record<string, unknown>;
  return {
    startedAt,
    ms: Date.now() - startedAt,
    status: response.status,
    body,
    retryAfter: response.headers['retry-after'],
    eventId: response.status === 200 && body.status === 'PENDING' ? String(body.event_id) : undefined,
  };
}

/** Adds one after another (`parallel` loops) until stopped; every answer is kept. */
export function addLoad(t: TestApp, tenant: Tenant, parallel = 2, pauseMs = 40) {
  const samples: AddSample[] = [];
  let running = true;
  let next = 0;
  const loops = Array.from({ length: parallel }, async () => {
    while (running) {
      samples.push(await timedAdd(t, tenant, next++));
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  });
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return samples;
    },
  };
}

/** Waits until no event of the project is PENDING or RUNNING; answers them all by id. */
export async function settledEvents(prisma: PrismaService, projectId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await prisma.event.count({ where: { projectId, status: { in: ['PENDING', 'RUNNING'] } } });
    if (open === 0) {
      const events = await prisma.event.findMany({ where: { projectId } });
      return new Map(events.map((event) => [event.id, event]));
    }
    if (Date.now() > deadline) {
      throw new Error(`${open} events still unfinished after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** How many memories each event stored. */
export async function memoriesByEvent(prisma: PrismaService, projectId: string): Promise<Map<string, number>> {
  const groups = await prisma.memory.groupBy({ by: ['sourceEventId'], where: { projectId }, _count: { _all: true } });
  return new Map(groups.map((group) => [group.sourceEventId ?? '', group._count._all]));
}
