import request from 'supertest';
import { createTestDatabase } from '../utils/databases';
import { createTestApp, TEST_BOOTSTRAP_KEY } from '../utils/test-app';

async function counts(app: Awaited<ReturnType<typeof createTestApp>>) {
  const [orgs, projects, users, keys] = await Promise.all([
    app.prisma.organization.count(),
    app.prisma.project.count(),
    app.prisma.user.count(),
    app.prisma.apiKey.count(),
  ]);
  return { orgs, projects, users, keys };
}

describe('bootstrap on first start', () => {
  it('creates the default org, project, owner and BOOTSTRAP_API_KEY once, idempotently across restarts', async () => {
    const database = await createTestDatabase();
    try {
      const first = await createTestApp({ databaseUrl: database.url, keepDatabase: true });
      const ping = await request(first.http).get('/v1/ping/').set('Authorization', `Token ${TEST_BOOTSTRAP_KEY}`);
      expect(ping.status).toBe(200);
      expect(ping.body.user_email).toBe('owner@localhost');
      const org = await first.prisma.organization.findFirstOrThrow();
      expect(org).toMatchObject({ name: 'default-org', isDefault: true });
      const project = await first.prisma.project.findFirstOrThrow();
      expect(project).toMatchObject({
        name: 'default-project',
        isDefault: true,
        orgId: org.id,
        id: ping.body.project_id,
      });
      const owner = await first.prisma.projectMember.findFirstOrThrow({ where: { projectId: project.id } });
      expect(owner.role).toBe('OWNER');
      const before = await counts(first);
      await first.close();

      const second = await createTestApp({ databaseUrl: database.url, keepDatabase: true });
      expect(await counts(second)).toEqual(before);
      await second.close();

      // A new BOOTSTRAP_API_KEY on a later start is added to the default project; the old one keeps working.
      const rotated = 'm0-rotated-bootstrap-key-1111111111111111';
      const third = await createTestApp({
        databaseUrl: database.url,
        keepDatabase: true,
        env: { BOOTSTRAP_API_KEY: rotated },
      });
      for (const key of [TEST_BOOTSTRAP_KEY, rotated]) {
        const response = await request(third.http).get('/v1/ping/').set('Authorization', `Token ${key}`).expect(200);
        expect(response.body.project_id).toBe(project.id);
      }
      expect(await counts(third)).toEqual({ ...before, keys: before.keys + 1 });
      await third.close();
    } finally {
      await database.drop();
    }
  });

  it('generates a key when none is configured and prints it exactly once', async () => {
    const database = await createTestDatabase();
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const first = await createTestApp({
        databaseUrl: database.url,
        keepDatabase: true,
        env: { BOOTSTRAP_API_KEY: '' },
      });
      const printed = written.join('').match(/m0-[A-Za-z0-9_-]{40}/g) ?? [];
      expect(printed).toHaveLength(1);
      await request(first.http).get('/v1/ping/').set('Authorization', `Token ${printed[0]}`).expect(200);
      await first.close();

      written.length = 0;
      const second = await createTestApp({
        databaseUrl: database.url,
        keepDatabase: true,
        env: { BOOTSTRAP_API_KEY: '' },
      });
      expect(written.join('')).not.toMatch(/m0-/);
      expect(await second.prisma.apiKey.count()).toBe(1);
      await second.close();
    } finally {
      spy.mockRestore();
      await database.drop();
    }
  });
});
