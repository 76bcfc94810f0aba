import request from 'supertest';
import { Role } from '@app/core';
import { AdminService } from '@app/tenancy';
import { createTestApp, TestApp } from '../utils/test-app';

/** Concurrent membership changes must never leave an org or a project without an owner. */
describe('the last owner survives concurrent membership changes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('serialises org member changes: demoting one owner while removing the other keeps one', async () => {
    for (let round = 0; round < 8; round++) {
      const a = await t.newTenant(`race-a${round}`);
      const b = await t.newTenant(`race-b${round}`);
      await request(t.http)
        .post(`/api/v1/orgs/organizations/${a.orgId}/members/`)
        .set('Authorization', `Token ${a.key}`)
        .send({ email: b.email, role: 'OWNER' })
        .expect(201);
      const base = `/api/v1/orgs/organizations/${a.orgId}/members/`;
      const [demote, remove] = await Promise.all([
        request(t.http).put(base).set('Authorization', `Token ${a.key}`).send({ email: a.email, role: 'READER' }),
        request(t.http).delete(base).set('Authorization', `Token ${b.key}`).send({ email: b.email }),
      ]);
      expect([demote.status, remove.status]).toContain(200);
      expect(await t.prisma.orgMember.count({ where: { orgId: a.orgId, role: Role.OWNER } })).toBeGreaterThanOrEqual(1);
    }
  });

  it('serialises project member changes the same way', async () => {
    for (let round = 0; round < 8; round++) {
      const a = await t.newTenant(`prace-a${round}`);
      const b = await t.newTenant(`prace-b${round}`);
      await t.app.get(AdminService).addToProject(b.email, a.projectId, Role.OWNER);
      const base = `/api/v1/orgs/organizations/${a.orgId}/projects/${a.projectId}/members/`;
      await Promise.all([
        request(t.http).put(base).set('Authorization', `Token ${a.key}`).send({ email: a.email, role: 'READER' }),
        request(t.http).put(base).set('Authorization', `Token ${a.key}`).send({ email: b.email, role: 'READER' }),
      ]);
      expect(await t.prisma.projectMember.count({ where: { projectId: a.projectId, role: Role.OWNER } })).toBe(1);
    }
  });
});
