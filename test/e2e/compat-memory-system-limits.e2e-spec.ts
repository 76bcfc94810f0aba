import request from 'supertest';
import { Role } from '@app/core';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** Who may call the Mem0 Memory System  and how often: keys, roles, 100/min and a burst cap. */
describe('Mem0 Memory System surface: keys, roles and rate limits', () => {
  let t: TestApp;
  let owner: Tenant;
  let reader: Tenant;
  let other: Tenant;
  const bearer = (tenant: Tenant) => ({ Authorization: `Bearer ${tenant.key}` });

  beforeAll(async () => {
    // A burst cap of 3 per 10 s; the per-minute limit keeps its default (100).
    t = await createTestApp({ env: { MEMORY_SYSTEM_RATE_LIMIT_BURST: '3' } });
    owner = await t.newTenant('memsys-limits');
    reader = await t.newMember(owner.projectId, Role.READER, 'memsys-limits-reader');
    other = await t.newTenant('memsys-limits-other');
  });
  afterAll(() => t.close());

  function expectError(body: Record<string, unknown>, code: string, message: string | RegExp) {
    expect(body).toEqual({
      success: false,
      error: { code, message: typeof message === 'string' ? message : expect.stringMatching(message), details: null },
      timestamp: expect.stringMatching(ISO),
    });
  }

  it('answers 401 UNAUTHORIZED without a key or with a bad one', async () => {
    const none = await request(t.http).get('/memory-system/v1/memories/user/alice').expect(401);
    expectError(none.body, 'UNAUTHORIZED', 'Authentication credentials were not provided.');
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const status = await request(t.http).get('/memory-system/status').expect(401);
    expectError(status.body, 'UNAUTHORIZED', 'Authentication credentials were not provided.');
    const bad = await request(t.http)
      .get('/v1/memories/user/alice')
      .set('Authorization', 'Bearer m0-not-a-key')
      .expect(401);
    expectError(bad.body, 'UNAUTHORIZED', /^Invalid API key\./);
  });

  it('lets READER keys read but answers 403 FORBIDDEN on writes and on /metrics', async () => {
    const read = await request(t.http).get('/v1/memories/user/alice').set(bearer(reader)).expect(200);
    expect(read.body).toMatchObject({ success: true, data: [] });
    const refused = [
      request(t.http).post('/v1/memories').set(bearer(reader)).send({ messages: 'hello', user_id: 'alice' }),
      request(t.http).put(`/v1/memories/${UNKNOWN_ID}`).set(bearer(reader)).send({ content: 'x' }),
      request(t.http).delete(`/v1/memories/${UNKNOWN_ID}`).set(bearer(reader)),
      request(t.http).get('/metrics').set(bearer(reader)),
    ];
    for (const call of refused) {
      const response = await call.expect(403);
      expectError(response.body, 'FORBIDDEN', 'You do not have permission to perform this action.');
    }
    const asOwner = await request(t.http).get('/metrics').set(bearer(owner)).expect(200);
    expect(asOwner.body.data.rate_limits).toEqual({ enabled: true, per_minute: 100, burst_per_10_seconds: 3 });
  });

  it('counts every route of the surface in one bucket per key: 100 a minute, 3 per 10 s, then 429', async () => {
    const before = Math.floor(Date.now() / 1000);
    const calls = [
      request(t.http).get('/status').set(bearer(other)),
      request(t.http).get('/v1/memories/search?query=x&user_id=alice').set(bearer(other)),
      request(t.http).get('/memory-system/v1/memories/user/alice').set(bearer(other)),
    ];
    for (const [index, call] of calls.entries()) {
      const response = await call.expect(200);
      // The per-minute counter sets the headers while the burst cap lets requests through.
      expect(response.headers['x-ratelimit-limit']).toBe('100');
      expect(response.headers['x-ratelimit-remaining']).toBe(String(99 - index));
      const reset = Number(response.headers['x-ratelimit-reset']);
      expect(reset).toBeGreaterThanOrEqual(before);
      expect(reset).toBeLessThanOrEqual(before + 61);
    }
    const throttled = await request(t.http).get('/status').set(bearer(other)).expect(429);
    const retryAfter = Number(throttled.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expectError(
      throttled.body,
      'RATE_LIMIT_EXCEEDED',
      `Request was throttled. Expected available in ${retryAfter} seconds.`,
    );
    expect(throttled.headers['x-ratelimit-limit']).toBe('3');
    expect(throttled.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(throttled.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 10);
  });

  it('leaves other keys, the platform routes of the same key and health out of that bucket', async () => {
    const ownerCall = await request(t.http).get('/status').set(bearer(owner)).expect(200);
    expect(ownerCall.headers['x-ratelimit-limit']).toBe('100');
    const platform = await request(t.http).get('/v1/ping/').set('Authorization', `Token ${other.key}`).expect(200);
    expect(platform.headers['x-ratelimit-limit']).toBe(String(t.config.env.RATE_LIMIT_DEFAULT));
    for (let i = 0; i < 5; i++) {
      const health = await request(t.http).get('/memory-system/health').expect(200);
      expect(health.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });
});
