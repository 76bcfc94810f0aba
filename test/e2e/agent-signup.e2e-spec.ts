import request from 'supertest';
import { createTestApp, TestApp } from '../utils/test-app';

describe('agent sign-up (POST /api/v1/auth/agent_mode/)', () => {
  describe('when enabled', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({
        env: { AGENT_SIGNUP_ENABLED: 'true', AGENT_SIGNUP_RATE_LIMIT: '2', RATE_LIMIT_ENABLED: 'false' },
      });
    });
    afterAll(() => t.close());

    it('creates an org, project and key of their own; the key works and names its agent', async () => {
      const created = await request(t.http)
        .post('/api/v1/auth/agent_mode/')
        .send({ agent_caller: 'Claude Code', source: 'docs' })
        .expect(201);
      expect(created.body).toEqual({
        api_key: expect.stringMatching(/^m0-/),
        default_user_id: expect.stringMatching(/^[a-z]+-[a-z]+-\d{4}$/),
        org_id: expect.any(String),
        project_id: expect.any(String),
        claim_command: expect.stringContaining(created.body.project_id),
        mem0_notice: expect.stringContaining('No person owns this Agent Mode account yet'),
      });
      const key = { Authorization: `Token ${created.body.api_key}` };
      const ping = await request(t.http).get('/v1/ping/').set(key).expect(200);
      expect(ping.body).toMatchObject({ org_id: created.body.org_id, project_id: created.body.project_id });
      expect(ping.body.user_email).toBe(`${created.body.default_user_id}@agent-mode.invalid`);

      const account = await t.prisma.agentAccount.findFirstOrThrow({
        where: { user: { email: ping.body.user_email } },
      });
      expect(account).toMatchObject({ agentCaller: 'claude-code', source: 'docs' });
      const orgs = await request(t.http).get('/api/v1/orgs/organizations/').set(key).expect(200);
      expect(orgs.body.map((org: { org_id: string }) => org.org_id)).toEqual([created.body.org_id]);

      await request(t.http)
        .patch('/api/v1/auth/agent_mode/caller/')
        .set(key)
        .send({ agent_caller: 'cursor' })
        .expect(200, { agent_caller: 'cursor' });
      expect((await t.prisma.agentAccount.findUniqueOrThrow({ where: { userId: account.userId } })).agentCaller).toBe(
        'cursor',
      );
      const bad = await request(t.http)
        .patch('/api/v1/auth/agent_mode/caller/')
        .set(key)
        .send({ agent_caller: 'not a <name>' })
        .expect(400);
      expect(bad.body.error).toMatch(/agent_caller must be a short name/);
    });

    it('refuses identify for a key that no agent created', async () => {
      const person = await t.newTenant('person');
      const refused = await request(t.http)
        .patch('/api/v1/auth/agent_mode/caller/')
        .set('Authorization', `Token ${person.key}`)
        .send({ agent_caller: 'cursor' })
        .expect(400);
      expect(refused.body.error).toMatch(/not created by agent sign-up/);
    });

    it('answers 403 like the platform past the per-IP limit, even with the other limits off', async () => {
      // The first test used one of the two sign-ups of this address.
      await request(t.http).post('/api/v1/auth/agent_mode/').send({}).expect(201);
      const refused = await request(t.http).post('/api/v1/auth/agent_mode/').send({}).expect(403);
      expect(refused.body).toEqual({ detail: 'You do not have permission to perform this action.' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe('when off (the default)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('answers 403 saying the operator turned it off, and creates nothing', async () => {
      const users = await t.prisma.user.count();
      const refused = await request(t.http).post('/api/v1/auth/agent_mode/').send({}).expect(403);
      expect(refused.body.detail).toMatch(/Agent sign-up is turned off on this self-hosted server/);
      expect(refused.body.detail).toContain('AGENT_SIGNUP_ENABLED=true');
      expect(await t.prisma.user.count()).toBe(users);
    });

    it('answers 501 with a clear body for the hosted-only CLI routes', async () => {
      for (const path of ['/api/v1/auth/email_code/', '/api/v1/auth/email_code/verify/']) {
        const response = await request(t.http).post(path).send({ email: 'a@example.com', code: '123456' }).expect(501);
        expect(response.body.error).toMatch(/does not offer e-mail code login/);
      }
      for (const path of ['/v1/agent-rush/memories/', '/v1/agent-rush/memories/search/']) {
        const response = await request(t.http).post(path).send({ query: 'x' }).expect(501);
        expect(response.body.error).toEqual({
          code: 'agentrush_not_provisioned',
          message: expect.stringMatching(/does not offer it/),
        });
      }
    });
  });
});
