import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { TracingService } from '@app/core';
import { eventually } from '../utils/events';
import { queuesIdle } from '../utils/queues';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';
import { WebhookReceiver } from '../utils/webhook-receiver';

/** A span as OTLP/HTTP JSON carries it (ids in hex, kind as the protocol's number). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

interface ExportRequest {
  resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
}

const SPAN_KIND = { server: 2, producer: 4, consumer: 5 } as const;

/** Traces exported over OTLP/HTTP to a real HTTP receiver on loopback, from the API and the in-process worker. */
describe('traces: API -> queue -> worker', () => {
  let t: TestApp;
  let collector: WebhookReceiver;
  let tenant: Tenant;

  beforeAll(async () => {
    collector = await WebhookReceiver.start();
    t = await createTestApp({ worker: true, env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url('') } });
    tenant = await t.newTenant('traced');
  });
  afterAll(async () => {
    await t.close();
    await collector.close();
  });

  const exported = () =>
    collector
      .at('/v1/traces')
      .flatMap((post) => (JSON.parse(post.body) as ExportRequest).resourceSpans)
      .flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));

  /** The spans of one trace once `names` have all arrived. */
  async function traceWith(traceId: string, names: string[]): Promise<OtlpSpan[]> {
    await t.app.get(TracingService).flush();
    return eventually(async () => {
      const spans = exported().filter((span) => span.traceId === traceId);
      return names.every((name) => spans.some((span) => span.name === name)) ? spans : undefined;
    });
  }

  it("spans an add from the request through the queue into the worker's job, in one trace", async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    await request(t.http)
      .post('/v3/memories/add/')
      .set('Authorization', `Token ${tenant.key}`)
      .set('traceparent', `00-${traceId}-${callerSpanId}-01`)
      .send({ messages: 'I play the cello in an orchestra.', user_id: 'carol' })
      .expect(200);
    await queuesIdle(t);

    const spans = await traceWith(traceId, [
      'POST /v3/memories/add',
      'publish memory-ingestion',
      'process memory-ingestion',
    ]);
    const byName = (name: string) => spans.find((span) => span.name === name)!;
    const server = byName('POST /v3/memories/add');
    const publish = byName('publish memory-ingestion');
    const processed = byName('process memory-ingestion');
    expect(server).toMatchObject({ kind: SPAN_KIND.server, parentSpanId: callerSpanId });
    expect(server.attributes).toEqual(
      expect.arrayContaining([
        { key: 'http.route', value: { stringValue: '/v3/memories/add' } },
        { key: 'http.response.status_code', value: { intValue: 200 } },
      ]),
    );
    expect(publish).toMatchObject({ kind: SPAN_KIND.producer, parentSpanId: server.spanId });
    expect(processed).toMatchObject({ kind: SPAN_KIND.consumer, parentSpanId: publish.spanId });
    expect(processed.attributes).toEqual(
      expect.arrayContaining([{ key: 'mem0.job', value: { stringValue: 'add-memories' } }]),
    );
    expect(collector.at('/v1/traces').every((post) => post.headers['content-type'] === 'application/json')).toBe(true);
  });

  it('starts a trace of its own for a request without traceparent', async () => {
    await request(t.http)
      .post('/v3/memories/add/')
      .set('Authorization', `Token ${tenant.key}`)
      .send({ messages: 'My sister lives in Lisbon.', user_id: 'dave' })
      .expect(200);
    await queuesIdle(t);
    await t.app.get(TracingService).flush();
    const processed = await eventually(async () => {
      const spans = exported().filter((span) => span.name === 'process memory-ingestion');
      return spans.length >= 2 ? spans : undefined;
    });
    const { traceId } = processed[1];
    expect(traceId).not.toBe(processed[0].traceId);
    const server = exported().find((span) => span.traceId === traceId && span.kind === SPAN_KIND.server);
    expect(server?.name).toBe('POST /v3/memories/add');
    expect(server?.parentSpanId ?? '').toBe('');
  });
});
