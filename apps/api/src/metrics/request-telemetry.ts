import { IncomingMessage } from 'node:http';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Context, context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { FastifyRequest } from 'fastify';
import { AppConfig, MetricsService, scrapeAuthorized, tracer } from '@app/core';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Requests that matched no route share one label: raw URLs would make the series unbounded. */
const UNMATCHED = 'unmatched';

/**
 * A Prometheus scrape of /metrics carrying the metrics token. A `GET /metrics` with any other Bearer
 * credential is still the Mem0 Memory System's (the surfaces' rewrite), as before metrics existed.
 */
export function isMetricsScrape(request: IncomingMessage, config: AppConfig): boolean {
  const { METRICS_ENABLED, METRICS_TOKEN } = config.env;
  const path = (request.url ?? '').split('?')[0];
  return (
    METRICS_ENABLED &&
    !!METRICS_TOKEN &&
    request.method === 'GET' &&
    /^\/metrics\/?$/.test(path) &&
    scrapeAuthorized(METRICS_TOKEN, request.headers.authorization)
  );
}

/**
 * Every request is a sample of `mem0_http_request_duration_seconds` (by route pattern) and a server
 * span, continuing the caller's `traceparent` if sent. The span is made active around the handler,
 * so what the handler does (enqueueing a job) joins the request's trace.
 */
export function registerRequestTelemetry(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  const contexts = new WeakMap<FastifyRequest, Context>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer().startSpan(
      request.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method } },
      parent,
    );
    contexts.set(request, trace.setSpan(parent, span));
    done();
  });
  // The route's handler (guards, interceptors, controller) runs synchronously from the last preHandler's done.
  fastify.addHook('preHandler', (request, _reply, done) => {
    const active = contexts.get(request);
    return active ? context.with(active, done) : done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED;
    const method = METHODS.has(request.method) ? request.method : 'OTHER';
    const status = reply.statusCode;
    metrics.httpDuration.observe({ method, route, status: String(status) }, reply.elapsedTime / 1000);
    const span = trace.getSpan(contexts.get(request) ?? ROOT_CONTEXT);
    if (span) {
      span.updateName(`${method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
      if (status >= 500) {
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    }
    done();
  });
}
