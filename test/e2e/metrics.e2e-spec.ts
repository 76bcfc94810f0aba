import { createServer } from 'node:net';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppConfig } from '@app/core';
import { VectorIndexService } from '@app/memories';
import { WorkerMetricsServer } from '../../apps/worker/src/metrics-server';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { eventually } from '../utils/events';
import { parsePrometheus, PromSample, sampleValue } from '../utils/prometheus';
import { queuesIdle } from '../utils/queues';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';
import { leavePending } from '../utils/vectors';
import { WebhookReceiver } from '../utils/webhook-receiver';

const TOKEN = 'metrics-scrape-token-0123456789';
const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

describe('metrics: off by default', () => {
  it('serves no /metrics unless METRICS_ENABLED', async () => {
    const t = await createTestApp();
    try {
      const response = await request(t.http).get('/metrics').expect(404);
      expect(response.body).toEqual({ detail: 'Not found.' });
    } finally {
      await t.close();
    }
  });
});

describe('metrics: Prometheus scrape of the API and the in-process worker', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    t = await createTestApp({
      worker: true,
      env: {
        METRICS_ENABLED: 'true',
        METRICS_TOKEN: TOKEN,
        RATE_LIMIT_SEARCH: '3',
        WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_DISPATCH_INTERVAL_MS: '100',
        // Retries stay queued for the length of the test: the retry backlog can be seen.
        WEBHOOK_RETRY_BASE_MS: '600000',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  async function scrape(): Promise<PromSample[]> {
    const response = await request(t.http).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheus(response.text);
  }

  it('answers 401 without the token or with another one, and 200 with it', async () => {
    const missing = await request(t.http).get('/metrics').expect(401);
    expect(missing.body).toEqual({ detail: 'Invalid or missing metrics token.' });
    await request(t.http).get('/metrics').set('Authorization', `Token ${TOKEN}`).expect(401);
    await request(t.http).get('/metrics').set('Authorization', 'Bearer not-the-metrics-token').expect(401);
    const samples = await scrape();
    expect(sampleValue(samples, 'mem0_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it("leaves the Memory System's GET /metrics (Bearer API key) as it was", async () => {
    const owner = await t.newTenant('msys');
    const response = await request(t.http).get('/metrics').set('Authorization', `Bearer ${owner.key}`).expect(200);
    expect(response.body).toMatchObject({ success: true, data: { project_id: owner.projectId } });
  });

  it('shows requests by route pattern, queue depths, job runs, search plans, AI calls and the pool', async () => {
    const tenant = await t.newTenant('metrics');
    await request(t.http)
      .post('/v3/memories/add/')
      .set(as(tenant))
      .send({ messages: 'I love hiking in the Alps on weekends.', user_id: 'alice' })
      .expect(200);
    await queuesIdle(t);
    const search = await request(t.http)
      .post('/v2/memories/search/')
      .set(as(tenant))
      .send({ query: 'hiking', filters: { user_id: 'alice' } })
      .expect(200);
    const memoryId = (search.body as { id: string }[])[0].id;
    await request(t.http).get(`/v1/memories/${memoryId}/`).set(as(tenant)).expect(200);
    await request(t.http).get(`/no-such-route/${memoryId}`).set(as(tenant)).expect(404);

    const samples = await scrape();
    const requests = (labels: Record<string, string>) =>
      sampleValue(samples, 'mem0_http_request_duration_seconds_count', labels);
    expect(requests({ method: 'POST', route: '/v3/memories/add', status: '200' })).toBe(1);
    expect(requests({ method: 'POST', route: '/v2/memories/search', status: '200' })).toBe(1);
    expect(requests({ method: 'GET', route: '/v1/memories/:memoryId', status: '200' })).toBe(1);
    expect(requests({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(samples.some((sample) => Object.values(sample.labels).some((value) => value.includes(memoryId)))).toBe(
      false,
    );

    for (const queue of ['memory-ingestion', 'categorization', 'memory-deletion', 'webhook-delivery', 'exports']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(sampleValue(samples, 'mem0_queue_jobs', { queue, state })).toBe(0);
      }
    }
    const addRuns = { queue: 'memory-ingestion', job: 'add-memories', outcome: 'success' };
    expect(sampleValue(samples, 'mem0_job_duration_seconds_count', addRuns)).toBe(1);
    expect(sampleValue(samples, 'mem0_job_duration_seconds_sum', addRuns)).toBeGreaterThan(0);
    expect(sampleValue(samples, 'mem0_search_plans_total', { plan: 'exact' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, 'mem0_embedding_duration_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(sampleValue(samples, 'mem0_embedding_errors_total')).toBeUndefined();
    const extraction = { provider: 'offline', operation: 'extractFacts' };
    expect(sampleValue(samples, 'mem0_llm_duration_seconds_count', extraction)).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, 'mem0_db_pool_connections', { state: 'max' })).toBe(4);
    expect(sampleValue(samples, 'mem0_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(sampleValue(samples, 'mem0_db_pool_connections', { state: 'waiting' })).toBe(0);
  });

  it('counts rate-limit rejections by class', async () => {
    const tenant = await t.newTenant('limited');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await request(t.http)
        .post('/v2/memories/search/')
        .set(as(tenant))
        .send({ query: 'x', filters: { user_id: 'u' } });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const samples = await scrape();
    expect(sampleValue(samples, 'mem0_rate_limit_rejections_total', { class: 'search' })).toBe(1);
    expect(sampleValue(samples, 'mem0_http_request_duration_seconds_count', { status: '429' })).toBe(1);
  });

  it('counts a failing webhook receiver as a failure and its retry as backlog', async () => {
    const tenant = await t.newTenant('hooks');
    receiver.script('/down', 500);
    await request(t.http)
      .post(`/api/v1/webhooks/projects/${tenant.projectId}/`)
      .set(as(tenant))
      .send({ name: 'down', url: receiver.url('/down'), event_types: ['memory_add'] })
      .expect(201);
    await request(t.http)
      .post('/v3/memories/add/')
      .set(as(tenant))
      .send({ messages: [{ role: 'user', content: 'My favourite colour is teal.' }], user_id: 'u', infer: false })
      .expect(200);
    const samples = await eventually(async () => {
      const current = await scrape();
      return sampleValue(current, 'mem0_webhook_retry_backlog') === 1 ? current : undefined;
    });
    expect(receiver.at('/down')).toHaveLength(1);
    const failures = { outcome: 'failure', status_class: '5xx' };
    expect(sampleValue(samples, 'mem0_webhook_attempts_total', failures)).toBe(1);
    expect(sampleValue(samples, 'mem0_webhook_attempts_total', { outcome: 'success' })).toBeUndefined();
    expect(sampleValue(samples, 'mem0_queue_jobs', { queue: 'webhook-delivery', state: 'delayed' })).toBe(1);
    const retries = { queue: 'webhook-delivery', job: 'deliver-webhook' };
    expect(sampleValue(samples, 'mem0_job_failures_total', retries)).toBe(1);
  });

  it('shows the vectors waiting for the worker to index them', async () => {
    const tenant = await t.newTenant('metrics-vectors');
    const added = await request(t.http)
      .post('/v3/memories/add/')
      .set(as(tenant))
      .send({ messages: 'Keeps a sourdough starter alive.', user_id: 'v', infer: false })
      .expect(200);
    const id = (added.body as { results: { id: string }[] }).results[0].id;
    // The worker indexes the add's vector.
    await eventually(async () => (sampleValue(await scrape(), 'mem0_pending_vectors') === 0 ? true : undefined));
    // As a batch update leaves it, before its indexing job runs.
    await leavePending(t, [id]);
    expect(sampleValue(await scrape(), 'mem0_pending_vectors')).toBe(1);
    await t.app.get(VectorIndexService).handleIndexPending({ projectId: tenant.projectId });
    expect(sampleValue(await scrape(), 'mem0_pending_vectors')).toBe(0);
  });

  it('serves the worker process its own registry on WORKER_METRICS_PORT, with the same token', async () => {
    const port = await freePort();
    const config = new AppConfig({ ...t.config.env, HOST: '127.0.0.1', WORKER_METRICS_PORT: port });
    const worker = await Test.createTestingModule({ imports: [WorkerModule] })
      .overrideProvider(AppConfig)
      .useValue(config)
      .compile();
    await worker.init();
    try {
      expect(worker.get(WorkerMetricsServer).port).toBe(port);
      const url = `http://127.0.0.1:${port}/metrics`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
      const response = await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      const samples = parsePrometheus(await response.text());
      expect(sampleValue(samples, 'mem0_db_pool_connections', { state: 'max' })).toBe(4);
      expect(samples.some((sample) => sample.name === 'mem0_queue_jobs')).toBe(false);
    } finally {
      await worker.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
