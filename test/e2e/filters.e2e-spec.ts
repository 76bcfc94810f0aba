import request from 'supertest';
import { FILTER_CASES, FILTER_ERROR_CASES, FILTER_ROWS, seedFilterRows, withSeededIds } from '../fixtures/filter-cases';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

/**
 * The filter matrix through `POST /v3/memories/`: exactly which ids come back for each filter,
 * and each documented 400. The list route requires an entity scope, so every case is ANDed with
 * "has some entity id" (rows with none are out of reach of that route, and of the add routes).
 */
describe('filters over HTTP (v3 list)', () => {
  let t: TestApp;
  let tenant: Tenant;
  let ids: Record<string, string>;
  const labelOf = new Map<string, string>();
  const hasEntity = new Set(
    FILTER_ROWS.filter((row) => row.userId || row.agentId || row.appId || row.runId).map((row) => row.label),
  );
  const ANY_ENTITY = { OR: [{ user_id: '*' }, { agent_id: '*' }, { app_id: '*' }, { run_id: '*' }] };

  beforeAll(async () => {
    t = await createTestApp();
    tenant = await t.newTenant('filters');
    ids = await seedFilterRows(t.prisma, tenant.projectId);
    Object.entries(ids).forEach(([label, id]) => labelOf.set(id, label));
    // Another project with the same entity ids must never leak in.
    const other = await t.newTenant('filters-other');
    await seedFilterRows(t.prisma, other.projectId);
  });
  afterAll(() => t.close());

  const list = (filters: unknown) =>
    request(t.http)
      .post('/v3/memories/?page_size=200')
      .set({ Authorization: `Token ${tenant.key}` })
      .send({ filters, show_expired: true });

  it.each(FILTER_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const response = await list({ AND: [ANY_ENTITY, withSeededIds(c.filters, ids)] }).expect(200);
    const labels = (response.body.results as { id: string }[]).map((item) => labelOf.get(item.id));
    expect(labels.sort()).toEqual(c.expect.filter((label) => hasEntity.has(label)).sort());
  });

  const objectErrors = FILTER_ERROR_CASES.filter(
    (c) => typeof c.filters === 'object' && c.filters !== null && !Array.isArray(c.filters),
  );
  it.each(objectErrors.map((c) => [c.name, c] as const))('400: %s', async (_name, c) => {
    const response = await list(c.filters).expect(400);
    expect(Object.keys(response.body)).toEqual(['error']);
    if (typeof c.message === 'string') {
      expect(response.body.error).toBe(c.message);
    } else {
      expect(response.body.error).toMatch(c.message);
    }
  });

  it('hides expired memories unless show_expired', async () => {
    const response = await request(t.http)
      .post('/v3/memories/?page_size=200')
      .set({ Authorization: `Token ${tenant.key}` })
      .send({ filters: { user_id: 'alice' } })
      .expect(200);
    expect((response.body.results as { id: string }[]).map((item) => labelOf.get(item.id)).sort()).toEqual([
      'alice_food',
      'alice_work',
    ]);
  });
});
