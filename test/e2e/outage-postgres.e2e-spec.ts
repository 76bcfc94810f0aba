import request from 'supertest';
import { addLoad, memoriesByEvent, OutageRig, outageRig, settledEvents } from '../utils/outages';
import { Tenant, TestApp } from '../utils/test-app';

const OUTAGE_MS = 30_000;
const UNAVAILABLE = 'Database unavailable, retry later.';

/**
 * Postgres stopped for 30 s under a steady add load, with the real worker in process: nothing
 * accepted is lost, every request during the outage answers 503 fast in its surface's shape, and
 * everything recovers without a restart.
 */
describe('a 30 s Postgres outage under load', () => {
  let rig: OutageRig;
  let t: TestApp;
  let tenant: Tenant;

  beforeAll(async () => {
    // Retries alone must carry the adds through the outage: the sweep is out of reach here.
    rig = await outageRig({
      JOB_ATTEMPTS: '40',
      JOB_BACKOFF_MS: '200',
      JOB_BACKOFF_MAX_MS: '2000',
      JOB_SWEEP_AFTER_MS: '600000',
    });
    ({ t, tenant } = rig);
  }, 60_000);
  afterAll(() => rig?.close());

  /** Requests to each surface while the database is down. */
  async function duringOutage() {
    const token = { Authorization: `Token ${tenant.key}` };
    const timed = async (test: request.Test) => {
      const started = Date.now();
      const response = await test;
      return { response, ms: Date.now() - started };
    };
    return {
      ready: await timed(request(t.http).get('/readyz')),
      live: await timed(request(t.http).get('/healthz')),
      platform: await timed(request(t.http).get('/v1/memories/?user_id=load-1').set(token)),
      search: await timed(
        request(t.http)
          .post('/v3/memories/search/')
          .set(token)
          .send({ query: 'hiking', filters: { user_id: 'load-1' } }),
      ),
      oss: await timed(request(t.http).get('/oss/memories?user_id=load-1').set('X-API-Key', tenant.key)),
      memorySystem: await timed(
        request(t.http)
          .get('/memory-system/v1/memories/search?query=hiking&user_id=load-1')
          .set('Authorization', `Bearer ${tenant.key}`),
      ),
    };
  }

  it('loses no accepted add and answers 503 with a reason meanwhile', async () => {
    const load = addLoad(t, tenant);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const stoppedAt = Date.now();
    await rig.pg.stop('fast');
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS / 3));
    const probes = await duringOutage();
    await new Promise((resolve) => setTimeout(resolve, stoppedAt + OUTAGE_MS - Date.now()));
    await rig.pg.start();
    const restartedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const samples = await load.stop();

    // Every answer is a success or a clear 503; none is a 500.
    expect(samples.filter((sample) => sample.status !== 200 && sample.status !== 503)).toEqual([]);
    const refused = samples.filter((sample) => sample.status === 503);
    expect(refused.length).toBeGreaterThan(50);
    for (const sample of refused) {
      expect(sample.body).toEqual({ detail: UNAVAILABLE });
      expect(sample.retryAfter).toBe('5');
      expect(sample.ms).toBeLessThan(2000);
    }
    const accepted = samples.filter((sample) => sample.eventId);
    expect(accepted.filter((sample) => sample.startedAt < stoppedAt).length).toBeGreaterThan(10);
    // Served again without a restart.
    expect(accepted.filter((sample) => sample.startedAt > restartedAt).length).toBeGreaterThan(3);

    // Every accepted add ends SUCCEEDED with its memory stored; no event is left unfinished.
    const events = await settledEvents(t.prisma, tenant.projectId, 30_000);
    const stored = await memoriesByEvent(t.prisma, tenant.projectId);
    const lost = accepted.filter(
      (sample) => events.get(sample.eventId!)?.status !== 'SUCCEEDED' || !stored.get(sample.eventId!),
    );
    expect(lost).toEqual([]);

    const { ready, live, platform, search, oss, memorySystem } = probes;
    expect(ready.response.status).toBe(503);
    expect(ready.response.body).toMatchObject({ status: 'error', error: { postgres: { status: 'down' } } });
    expect(live.response.status).toBe(200);
    for (const { response } of [platform, search, oss]) {
      expect(response.status).toBe(503);
      expect(response.body).toEqual({ detail: UNAVAILABLE });
      expect(response.headers['retry-after']).toBe('5');
    }
    expect(memorySystem.response.status).toBe(503);
    expect(memorySystem.response.body).toMatchObject({
      success: false,
      error: { code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE },
    });
    for (const probe of Object.values(probes)) {
      expect(probe.ms).toBeLessThan(2000);
    }
  }, 120_000);
});
