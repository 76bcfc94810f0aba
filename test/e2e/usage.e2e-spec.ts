import request from 'supertest';
// test-app first: it loads Nest (and reflect-metadata) before @app/core's decorated config classes.
import { createTestApp, Tenant, TestApp } from '../utils/test-app';
import { eventually } from '../utils/events';

interface UsageDay {
  date: string;
  memories_added: number;
  adds: number;
  searches: number;
}

const DAY_MS = 86_400_000;
const dayOf = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().slice(0, 10);

describe('GET /v1/stats/usage/', () => {
  let t: TestApp;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });
  const usage = async (tenant: Tenant, query = '') =>
    (await request(t.http).get(`/v1/stats/usage/${query}`).set(as(tenant)).expect(200)).body.days as UsageDay[];
  const addVerbatim = (tenant: Tenant, contents: string[]) =>
    request(t.http)
      .post('/v3/memories/add/')
      .set(as(tenant))
      .send({ messages: contents.map((content) => ({ role: 'user', content })), user_id: 'alice', infer: false })
      .expect(200);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it("counts today's memories added, add requests and searches, and nothing of another project", async () => {
    const tenant = await t.newTenant('usage');
    const other = await t.newTenant('usage-other');
    await addVerbatim(tenant, ['Likes green tea.', 'Lives in Lyon.']);
    await addVerbatim(tenant, ['Plays the cello.']);
    await addVerbatim(other, ['Owns a boat.']);
    await request(t.http)
      .post('/v3/memories/search/')
      .set(as(tenant))
      .send({ query: 'tea', filters: { user_id: 'alice' } })
      .expect(200);

    // Searches are recorded off the request path.
    const days = await eventually(async () => {
      const found = await usage(tenant);
      return found.at(-1)!.searches === 1 ? found : undefined;
    });
    expect(days).toHaveLength(30);
    expect(days[0].date).toBe(dayOf(29 * DAY_MS));
    expect(days.at(-1)).toEqual({ date: dayOf(0), memories_added: 3, adds: 2, searches: 1 });
    expect(days.slice(0, -1).every((day) => day.memories_added + day.adds + day.searches === 0)).toBe(true);
    expect((await usage(other)).at(-1)).toEqual({ date: dayOf(0), memories_added: 1, adds: 1, searches: 0 });
  });

  it('puts older activity on its own day and leaves out what is before the window', async () => {
    const tenant = await t.newTenant('usage-days');
    const seed = (eventType: string, daysAgo: number) =>
      t.prisma.event.create({
        data: {
          projectId: tenant.projectId,
          eventType,
          status: 'SUCCEEDED',
          createdAt: new Date(Date.now() - daysAgo * DAY_MS),
        },
      });
    await seed('SEARCH', 2);
    await seed('SEARCH', 2);
    await seed('ADD', 5);
    await seed('DELETE_ALL', 2);
    await seed('SEARCH', 9);

    const days = await usage(tenant, '?days=7');
    expect(days.map((day) => day.date)).toEqual([6, 5, 4, 3, 2, 1, 0].map((n) => dayOf(n * DAY_MS)));
    const byDate = Object.fromEntries(days.map((day) => [day.date, day]));
    expect(byDate[dayOf(2 * DAY_MS)]).toMatchObject({ adds: 0, searches: 2 });
    expect(byDate[dayOf(5 * DAY_MS)]).toMatchObject({ adds: 1, searches: 0 });
    expect(days.reduce((sum, day) => sum + day.searches, 0)).toBe(2);
    expect(await usage(tenant, '?days=1')).toEqual([{ date: dayOf(0), memories_added: 0, adds: 0, searches: 0 }]);
  });

  it('refuses a bad window with a 400', async () => {
    const tenant = await t.newTenant('usage-bad');
    for (const days of ['0', '366', '2.5', 'abc', '-3']) {
      await request(t.http)
        .get(`/v1/stats/usage/?days=${days}`)
        .set(as(tenant))
        .expect(400, { detail: 'days must be an integer from 1 to 365.' });
    }
    await request(t.http).get('/v1/stats/usage/').expect(401);
  });
});
