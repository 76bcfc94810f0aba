import { randomBytes } from 'node:crypto';
import { Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { AppConfig, loadConfig, PrismaService, Role } from '@app/core';
import { AdminService } from '@app/tenancy';
import { ApiModule } from '../../apps/api/src/app.module';
import { ProcessorsModule } from '../../apps/worker/src/processors/processors.module';
import { API_APP_OPTIONS, configureApp, createFastifyAdapter } from '../../apps/api/src/http/setup';
import { createTestDatabase } from './databases';

export const TEST_BOOTSTRAP_KEY = 'm0-test-bootstrap-key-000000000000000000';

export interface Tenant {
  key: string;
  email: string;
  userId: string;
  orgId: string;
  projectId: string;
}

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<NestFastifyApplication['getHttpServer']>;
  config: AppConfig;
  prisma: PrismaService;
  databaseUrl: string;
  /** A new user owning a new org (with its default project) and a key for that project. */
  newTenant(label?: string): Promise<Tenant>;
  /** Another user with a key on an existing project, at the given role. */
  newMember(projectId: string, role: Role, label?: string): Promise<Tenant>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string | undefined>;
  /** Reuse this database (restart scenarios) instead of a fresh copy of the template. */
  databaseUrl?: string;
  keepDatabase?: boolean;
  /** Also run the BullMQ processors in this process (the real worker code on the real queue). */
  worker?: boolean;
  /** Controllers of the test's own, served beside the API's (behind the same guards). */
  controllers?: Type[];
}

class TestControllersModule {}

/** The real API (Fastify, guards, filters, Postgres, Redis) on a private database and Redis prefix. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.databaseUrl
    ? { url: options.databaseUrl, drop: () => Promise.resolve() }
    : await createTestDatabase();
  const redisPrefix = `${process.env.REDIS_PREFIX ?? 'mem0test'}-${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '4',
    REDIS_PREFIX: redisPrefix,
    BOOTSTRAP_API_KEY: TEST_BOOTSTRAP_KEY,
    OPENAI_API_KEY: '',
    LLM_PROVIDER: 'offline',
    EMBEDDER_PROVIDER: 'offline',
    JOB_ATTEMPTS: '2',
    JOB_BACKOFF_MS: '50',
    WORKER_CONCURRENCY: '2',
    // Tests change keys and roles in the database and check the very next request; the identity
    // cache and its change notifications have a test of their own.
    API_KEY_CACHE_TTL_MS: '0',
    ...options.env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ApiModule,
      ...(options.worker ? [ProcessorsModule] : []),
      ...(options.controllers ? [{ module: TestControllersModule, controllers: options.controllers }] : []),
    ],
  })
    .overrideProvider(AppConfig)
    .useValue(config)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(config), API_APP_OPTIONS);
  configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();

  const admin = app.get(AdminService);
  let counter = 0;
  const newMember = async (projectId: string, role: Role, label = 'member'): Promise<Tenant> => {
    const email = `${label}-${++counter}-${randomBytes(3).toString('hex')}@example.com`;
    const user = await admin.createUser(email);
    await admin.addToProject(email, projectId, role);
    const { key, project } = await admin.issueKey(email, projectId, 'test');
    return { key, email, userId: user.id, orgId: project.orgId, projectId };
  };
  const newTenant = async (label = 'tenant'): Promise<Tenant> => {
    const email = `${label}-${++counter}-${randomBytes(3).toString('hex')}@example.com`;
    const user = await admin.createUser(email);
    const { org, project } = await admin.createOrganization(`${label}-org-${counter}`, email);
    const { key } = await admin.issueKey(email, project.id, 'test');
    return { key, email, userId: user.id, orgId: org.id, projectId: project.id };
  };

  return {
    app,
    http: app.getHttpServer(),
    config,
    prisma: app.get(PrismaService),
    databaseUrl: database.url,
    newTenant,
    newMember,
    close: async () => {
      await app.close();
      await deleteRedisKeys(config.env.REDIS_URL, redisPrefix);
      if (!options.keepDatabase) {
        await database.drop();
      }
    },
  };
}

async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) {
        await redis.del(...keys);
      }
    } while (cursor !== '0');
  } catch {
    // Redis may be deliberately unreachable in a test; nothing to clean then.
  } finally {
    redis.disconnect();
  }
}
