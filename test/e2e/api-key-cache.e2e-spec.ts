import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Role } from '@app/core';
import { eventually } from '../utils/events';
import { createTestApp, TestApp, TEST_BOOTSTRAP_KEY } from '../utils/test-app';

const LISTENER = "SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN tenancy_changed' AND datname = current_database()";

describe('API key identities cached under database change notifications', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { API_KEY_CACHE_TTL_MS: '60000' } });
  });
  afterAll(() => t.close());

  const ping = (key: string) => request(t.http).get('/v1/ping/').set('Authorization', `Token ${key}`);
  /** Refused within two seconds, and from then on. */
  const refusedSoon = async (send: () => request.Test, status: number) => {
    await eventually(async () => ((await send()).status === status ? true : undefined), 2000);
    expect((await send()).status).toBe(status);
  };
  /** The first authentication opens the listening connection. */
  const listening = async () => {
    await ping(TEST_BOOTSTRAP_KEY).expect(200);
    await eventually(async () => ((await t.prisma.$queryRawUnsafe<unknown[]>(LISTENER)).length > 0 ? true : undefined));
  };

  it('serves a cached identity until a change is notified, then reads the database again', async () => {
    const tenant = await t.newTenant('cached');
    await listening();
    await ping(tenant.key).expect(200);
    // With the trigger off nothing is notified: the revoked key is still served from the cache.
    await t.prisma.$transaction([
      t.prisma.$executeRawUnsafe('ALTER TABLE api_keys DISABLE TRIGGER api_keys_tenancy_changed'),
      t.prisma.apiKey.updateMany({ where: { userId: tenant.userId }, data: { revokedAt: new Date() } }),
      t.prisma.$executeRawUnsafe('ALTER TABLE api_keys ENABLE TRIGGER api_keys_tenancy_changed'),
    ]);
    await ping(tenant.key).expect(200);
    await t.prisma.$executeRawUnsafe("NOTIFY tenancy_changed, 'api_keys'");
    await refusedSoon(() => ping(tenant.key), 401);
  });

  it('refuses a revoked key at once', async () => {
    const tenant = await t.newTenant('revoked');
    await ping(tenant.key).expect(200);
    await ping(tenant.key).expect(200);
    await t.prisma.apiKey.updateMany({ where: { userId: tenant.userId }, data: { revokedAt: new Date() } });
    await refusedSoon(() => ping(tenant.key), 401);
  });

  it('applies a role change and a removal from the project at once', async () => {
    const owner = await t.newTenant('roles');
    const member = await t.newMember(owner.projectId, Role.OWNER, 'demoted');
    const write = () => request(t.http).delete(`/v1/memories/${randomUUID()}/`).set('Authorization', `Token ${member.key}`);
    await write().expect(404);
    await t.prisma.projectMember.updateMany({
      where: { projectId: owner.projectId, userId: member.userId },
      data: { role: Role.READER },
    });
    await refusedSoon(write, 403);
    await t.prisma.projectMember.deleteMany({ where: { projectId: owner.projectId, userId: member.userId } });
    await refusedSoon(() => ping(member.key), 401);
  });

  it('reads the database while the notifications are lost, and caches again once they are back', async () => {
    const tenant = await t.newTenant('lost');
    await listening();
    await ping(tenant.key).expect(200);
    const [{ pid }] = await t.prisma.$queryRawUnsafe<{ pid: number }[]>(LISTENER);
    await t.prisma.$queryRawUnsafe('SELECT pg_terminate_backend($1)', pid);
    await t.prisma.apiKey.updateMany({ where: { userId: tenant.userId }, data: { revokedAt: new Date() } });
    await refusedSoon(() => ping(tenant.key), 401);
    await listening();
    const other = await t.newTenant('back');
    await ping(other.key).expect(200);
  });
});
