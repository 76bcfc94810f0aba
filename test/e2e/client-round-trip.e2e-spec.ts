import request from 'supertest';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

/** What `mem0 import` does with an exported list: one add per memory, through extraction. */
describe('an exported list imported again', () => {
  let t: TestApp;
  let a: Tenant;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    t = await createTestApp();
    a = await t.newTenant('round-trip');
  });
  afterAll(() => t.close());

  const add = (user: string, content: string) =>
    request(t.http)
      .post('/v1/memories/')
      .set(as(a))
      .send({ messages: [{ role: 'user', content }], user_id: user, async_mode: false, source: 'CLI' })
      .expect(200);
  const memoriesOf = async (user: string) => {
    const listed = await request(t.http).post('/v2/memories/').set(as(a)).send({ filters: { user_id: user } });
    return (listed.body as { memory: string }[]).map((row) => row.memory).sort();
  };

  it('keeps every memory, first-person or already written as a fact', async () => {
    for (const content of ['I love hiking.', 'My sister Emma lives in Oslo.']) {
      await add('source', content);
    }
    await add('source', 'Prefers trains over planes.');
    await add('source', 'Speaks Norwegian.');
    const exported = await memoriesOf('source');
    expect(exported).toHaveLength(4);
    for (const memory of exported) {
      await add('copy', memory);
    }
    expect(await memoriesOf('copy')).toEqual(exported);
  });
});
