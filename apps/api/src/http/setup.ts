import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { INestApplication } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@app/core';
import { registerDashboard } from '../dashboard/dashboard';
import { isMetricsScrape, registerRequestTelemetry } from '../metrics/request-telemetry';
import { rewriteSurfaceUrl } from '../surfaces';
import { ExceptionsFilter } from './exception.filter';
import { registerIdempotencyHook } from './idempotency.interceptor';
import { registerJsonParser } from './json-body';

/** Nest's own JSON parser is off: ours accepts empty bodies (see registerJsonParser). */
export const API_APP_OPTIONS = { bodyParser: false, bufferLogs: true } as const;

export function createFastifyAdapter(config: AppConfig): FastifyAdapter {
  const frameworkErrors = new ExceptionsFilter();
  return new FastifyAdapter({
    // Every route answers with and without its trailing slash, no redirect.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    bodyLimit: config.env.BODY_LIMIT_BYTES,
    trustProxy: config.env.TRUST_PROXY,
    logger: false,
    // Request ids: the caller's X-Request-Id when sane, else a UUID; echoed back and logged.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // The self-hosted servers' surfaces chosen by header or Bearer auth (README, "Coming from another mem0 server").
    rewriteUrl: (request: IncomingMessage) =>
      isMetricsScrape(request, config) ? (request.url ?? '/') : rewriteSurfaceUrl(request),
    // A path that is not percent-encoded UTF-8, or a parameter over maxParamLength, in the surface's shape.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      frameworkErrors.send(error, request, reply),
  });
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Mem0 Platform API (self-hosted)')
    .setDescription(
      'Wire-compatible Mem0 Platform API. Authenticate with `Authorization: Token <api key>`.\n\n' +
        'Mutating routes (POST/PUT/PATCH/DELETE but the searches, the summary and the v2 list) accept an optional ' +
        '`Idempotency-Key` header (1-255 visible ASCII characters, scoped to the API key and route): a repeat of ' +
        'the same request within 24 h answers the first response with `Idempotent-Replayed: true` and runs ' +
        'nothing; a repeat while the first is in flight waits for it (409 after 30 s); the same key with a ' +
        'different request answers 422.',
    )
    .setVersion('1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Authorization', description: 'Token <api key>' }, 'token')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'The Mem0 Memory System surface' }, 'bearer')
    .build();
  return SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey: string, methodKey: string) => methodKey,
  });
}

/** Everything main.ts and the e2e tests share, so tests run the real HTTP stack. */
export function configureApp(app: NestFastifyApplication): OpenAPIObject {
  const fastify = app.getHttpAdapter().getInstance();
  registerJsonParser(fastify, app.get(AppConfig).env.JSON_MAX_DEPTH);
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!/^[\w.:-]{1,128}$/.test(request.id)) {
      request.id = randomUUID();
      (request.raw as { id?: string }).id = request.id;
    }
    void reply.header('X-Request-Id', request.id);
    done();
  });
  registerIdempotencyHook(app);
  registerRequestTelemetry(app);
  registerDashboard(fastify);
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  return document;
}
