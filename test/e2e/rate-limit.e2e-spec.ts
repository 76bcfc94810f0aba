import { Redis } from 'ioredis';
import request from 'supertest';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

describe('rate limits per API key', () => {
  let t: TestApp;
  let first: Tenant;
  let second: Tenant;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_DEFAULT: '3', RATE_LIMIT_WINDOW_SECONDS: '30' } });
    first = await t.newTenant('rl-a');
    second = await t.newTenant('rl-b');
  });
  afterAll(() => t.close());

  it('sends X-RateLimit-* and the IETF RateLimit fields on every authenticated response', async () => {
    const before = Math.floor(Date.now() / 1000);
    for (const remaining of [2, 1, 0]) {
      const response = await request(t.http).get('/v1/ping/').set('Authorization', `Token ${first.key}`).expect(200);
      expect(response.headers['x-ratelimit-limit']).toBe('3');
      expect(response.headers['x-ratelimit-remaining']).toBe(String(remaining));
      const reset = Number(response.headers['x-ratelimit-reset']);
      expect(reset).toBeGreaterThanOrEqual(before);
      expect(reset).toBeLessThanOrEqual(before + 31);
      expect(response.headers['ratelimit-policy']).toBe('"default";q=3;w=30');
      expect(response.headers['ratelimit']).toMatch(new RegExp(`^"default";r=${remaining};t=\\d+$`));
    }
  });

  it('answers 429 with Retry-After and the DRF throttle body once the bucket is empty', async () => {
    const response = await request(t.http).get('/v1/ping/').set('Authorization', `Token ${first.key}`).expect(429);
    const retryAfter = Number(response.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(response.body).toEqual({ detail: `Request was throttled. Expected available in ${retryAfter} seconds.` });
    expect(response.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('counts each key separately and never throttles public routes', async () => {
    const response = await request(t.http).get('/v1/ping/').set('Authorization', `Token ${second.key}`).expect(200);
    expect(response.headers['x-ratelimit-remaining']).toBe('2');
    for (let i = 0; i < 5; i++) {
      const health = await request(t.http).get('/healthz').expect(200);
      expect(health.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });

  it('keeps its counters in Redis under the server prefix (shared by replicas)', async () => {
    const redis = new Redis(t.config.env.REDIS_URL);
    try {
      const keys = await redis.keys(`${t.config.env.REDIS_PREFIX}:*`);
      expect(keys.some((key) => key.includes(`rl:`))).toBe(true);
    } finally {
      redis.disconnect();
    }
  });
});
