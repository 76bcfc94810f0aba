import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { surfaceOf } from '../../apps/api/src/surfaces';
import { SurfaceName } from '../../apps/api/src/surfaces/surface';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

interface Route {
  method: string;
  path: string;
  style: ErrorStyle;
  scheme: 'Token' | 'Bearer';
}

type ErrorStyle = 'platform' | 'fastapi' | 'envelope';

/** How each surface renders errors: the platform's shapes, FastAPI's, or the Memory System envelope. */
const STYLES: Record<SurfaceName, ErrorStyle> = {
  platform: 'platform',
  oss: 'fastapi',
  'memory-service': 'fastapi',
  'memory-system': 'envelope',
};
const errorStyleOf = (path: string) => STYLES[surfaceOf(path).name];

const MUTATING = new Set(['post', 'put', 'patch', 'delete']);
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
const DEEP = nested(10_000);

/** The error body of each surface: the platform's shapes, FastAPI's `{detail}`, the Memory System's envelope. */
function expectSurfaceShape(style: ErrorStyle, body: unknown): void {
  switch (style) {
    case 'platform': {
      const record = body as Record<string, unknown>;
      // The MCP endpoint answers as its JSON-RPC transport does.
      const rpc = record?.jsonrpc === '2.0' && typeof (record.error as { message?: unknown })?.message === 'string';
      const sentence = ['detail', 'error', 'message'].some((key) => typeof record[key] === 'string');
      const fields = Object.values(record).every((value) => Array.isArray(value));
      const errors = typeof record.errors === 'object' && record.errors !== null;
      expect(typeof body === 'object' && body !== null && (sentence || fields || errors || rpc)).toBe(true);
      return;
    }
    case 'fastapi':
      expect(Object.keys(body as object)).toEqual(['detail']);
      return;
    case 'envelope':
      expect(body).toEqual({
        success: false,
        error: { code: expect.any(String), message: expect.any(String), details: (body as Envelope).error.details },
        timestamp: expect.any(String),
      });
  }
}

interface Envelope {
  error: { code: string; details: unknown };
}

interface Operation {
  tags?: string[];
  security?: Record<string, unknown>[];
}

/** The routes of the committed OpenAPI document (openapi.e2e-spec keeps it equal to the generated one). */
function documentedRoutes(): Route[] {
  const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
    paths: Record<string, Record<string, Operation>>;
  };
  const routes = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): Route => {
      const style = errorStyleOf(path);
      const scheme = operation.security?.some((entry) => 'bearer' in entry) ? 'Bearer' : 'Token';
      return { method, path, style, scheme };
    }),
  );
  // The Memory System is also served at its own paths, chosen by the Bearer scheme.
  const rootForms = routes
    .filter((route) => route.style === 'envelope' && route.path !== '/memory-system/health')
    .map((route) => ({ ...route, path: route.path.replace(/^\/memory-system/, '') }));
  return [...routes, ...rootForms];
}

const ROUTES = documentedRoutes();
const described = ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const);

/**
 * Every route of the OpenAPI document (the self-hosted servers' included), plus the Memory System's
 * Bearer-routed root paths, gets NUL bytes, unpaired surrogates and too deep JSON in its path, query
 * and body: each answers a 4xx in its surface's error shape naming the field or the cap, never a 5xx.
 */
describe('hostile input on every route', () => {
  let t: TestApp;
  let tenant: Tenant;
  let maxDepth: number;

  beforeAll(async () => {
    // Agent sign-up keeps its own per-IP limit whatever RATE_LIMIT_ENABLED says; these probes are many.
    t = await createTestApp({ env: { RATE_LIMIT_ENABLED: 'false', AGENT_SIGNUP_RATE_LIMIT: '100000' } });
    tenant = await t.newTenant('hostile');
    maxDepth = t.config.env.JSON_MAX_DEPTH;
  });
  afterAll(() => t.close());

  /**
   * Path parameters filled with the tenant's org and project, except `poisoned`, which gets `raw`. Probes
   * that may be served (a surrogate's bytes decode to U+FFFD) get unknown ids, so they change nothing.
   */
  function pathOf(route: Route, poisoned?: string, raw?: string, known = true): string {
    return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (name === poisoned) {
        return raw!;
      }
      const values: Record<string, string> = { orgId: tenant.orgId, projectId: tenant.projectId, entityType: 'user' };
      return (known ? values[name] : undefined) ?? randomUUID();
    });
  }

  const call = (route: Route, path: string) =>
    request(t.http)
      [route.method as 'get'](path)
      .set({ Authorization: `${route.scheme} ${tenant.key}` });

  /** FastAPI answers its validation errors with 422; the body parser's refusals are 400 everywhere. */
  function expectRefused(route: Route, response: request.Response, mentions: string, byParser = false): void {
    const status = route.style === 'fastapi' && !byParser ? 422 : 400;
    expect({ route: `${route.method} ${route.path}`, status: response.status }).toEqual({
      route: `${route.method} ${route.path}`,
      status,
    });
    expectSurfaceShape(route.style, response.body);
    if (route.style === 'envelope') {
      expect((response.body as Envelope).error.code).toBe('INVALID_REQUEST');
    }
    expect(JSON.stringify(response.body)).toContain(mentions);
  }

  /**
   * Input that may be served as it decodes (a surrogate's UTF-8 bytes become U+FFFD), else refused in
   * shape; a hosted-only route's 501 (not offered here) is its answer, not a failure.
   */
  function expectNoServerError(route: Route, response: request.Response): void {
    const failed = response.status >= 500 && response.status !== 501;
    expect({ route: `${route.method} ${route.path}`, failed }).toEqual({
      route: `${route.method} ${route.path}`,
      failed: false,
    });
    if (response.status >= 400) {
      expectSurfaceShape(route.style, response.body);
    }
  }

  it('walks the whole document', () => {
    expect(ROUTES.length).toBeGreaterThan(100);
  });

  it.each(described)('%s: path and query', async (_name, route) => {
    for (const name of route.path.match(/\{(\w+)\}/g)?.map((param) => param.slice(1, -1)) ?? []) {
      expectRefused(route, await call(route, pathOf(route, name, 'a%00b')), name);
      // A surrogate cannot be encoded in UTF-8: its bytes must still not reach the database.
      expectNoServerError(route, await call(route, pathOf(route, name, '%ED%A0%80', false)));
      expectNoServerError(route, await call(route, pathOf(route, name, 'x'.repeat(1001), false)));
    }
    const path = pathOf(route);
    expectRefused(route, await call(route, `${path}?user_id=a%00b`), 'user_id');
    const surrogate = encodeURIComponent('{"user_id": "\\ud800"}');
    expectRefused(route, await call(route, `${path}?filters=${surrogate}`), 'filters');
    expectRefused(
      route,
      await call(route, `${path}?filters=${encodeURIComponent(nested(maxDepth + 1))}`),
      'JSON_MAX_DEPTH',
    );
    expectNoServerError(route, await call(route, `${pathOf(route, undefined, undefined, false)}?user_id=%ED%A0%80`));
  });

  it.each(described.filter(([, route]) => MUTATING.has(route.method)))('%s: body', async (_name, route) => {
    const path = pathOf(route);
    const send = (body: string | object) => call(route, path).set('Content-Type', 'application/json').send(body);
    expectRefused(route, await send({ user_id: 'a\u0000b', messages: [{ role: 'user', content: 'hi' }] }), 'user_id');
    expectRefused(route, await send({ user_id: 'u', text: 'x', memory: 'x', metadata: { 'k\ud800': 1 } }), 'metadata');
    expectRefused(route, await send({ user_id: 'u', text: 'x', metadata: { topic: 'a\ud800' } }), 'metadata');
    expectRefused(route, await send(DEEP), 'JSON_MAX_DEPTH', true);
    const inMetadata = `{"user_id": "u", "text": "x", "metadata": {"k": ${DEEP}}}`;
    expectRefused(route, await send(inMetadata), 'JSON_MAX_DEPTH', true);
    expectRefused(route, await send(`{"filters": {"AND": ${DEEP}}, "query": "q"}`), 'JSON_MAX_DEPTH', true);
  });

  describe('the cases the reliability probe found, with their exact bodies', () => {
    const as = () => ({ Authorization: `Token ${tenant.key}` });
    const unstorable = (field: string) => `${field} must not contain NUL characters or unpaired surrogates`;

    it("names the field in each route's own shape", async () => {
      const add = await request(t.http)
        .post('/v3/memories/add/')
        .set(as())
        .send({ messages: [{ role: 'user', content: 'a\u0000' }], user_id: 'u' })
        .expect(400);
      expect(add.body).toEqual({
        error: '400 Bad Request',
        details: expect.objectContaining({
          reason: unstorable('messages.0.content'),
          errors: { 'messages.0.content': [unstorable('messages.0.content')] },
        }),
      });
      const key = await request(t.http)
        .post('/v1/memories/')
        .set(as())
        .send({ messages: 'x', user_id: 'u', metadata: { 'k\u0000': 1 } })
        .expect(400);
      expect(key.body.details.reason).toBe('metadata keys must not contain NUL characters or unpaired surrogates');
      const error = { error: unstorable('user_id') };
      await request(t.http).delete('/v1/memories/?user_id=%00').set(as()).expect(400, error);
      await request(t.http).get('/v1/memories/?user_id=%00').set(as()).expect(400, error);
      const bodies: [method: 'put' | 'post', path: string, body: object, expected: object][] = [
        ['put', `/v1/memories/${randomUUID()}/`, { text: 'a\ud800' }, { error: unstorable('text') }],
        ['post', '/api/v1/orgs/organizations/', { name: 'a\u0000' }, { errors: { name: [unstorable('name')] } }],
        [
          'post',
          `/api/v1/orgs/organizations/${tenant.orgId}/projects/`,
          { name: 'a\u0000' },
          { message: unstorable('name') },
        ],
        ['post', '/v1/users/', { user_id: 'a\u0000' }, { message: unstorable('user_id') }],
      ];
      for (const [method, path, body, expected] of bodies) {
        await request(t.http)[method](path).set(as()).send(body).expect(400, expected);
      }
      const system = await request(t.http).get('/memory-system/v1/memories/user/%00').set(as()).expect(400);
      expect(system.body.error).toEqual({
        code: 'INVALID_REQUEST',
        message: 'Request validation failed',
        details: [
          {
            type: 'value_error',
            loc: ['path', 'userId'],
            msg: 'Value error, text must not contain NUL characters or unpaired surrogates',
            input: '\u0000',
          },
        ],
      });
      // A JSON string inside a body hides its escapes from the guard; the filter compiler still refuses them.
      await request(t.http)
        .post('/v1/exports/')
        .set(as())
        .send({ schema: { type: 'object' }, filters: '{"user_id": "\\u0000"}' })
        .expect(400, { error: unstorable('filters') });
    });

    it('caps JSON nesting at JSON_MAX_DEPTH in bodies and query values, and serves what stays within it', async () => {
      const tooDeep = `JSON nested deeper than ${maxDepth} levels (JSON_MAX_DEPTH)`;
      await request(t.http)
        .post('/v3/memories/add/')
        .set({ ...as(), 'Content-Type': 'application/json' })
        .send(`{"messages": "x", "user_id": "u", "metadata": {"k": ${DEEP}}}`)
        .expect(400, { detail: `Request body: ${tooDeep}.` });
      const filters = encodeURIComponent(`${'{"AND": ['.repeat(maxDepth)}{}${']}'.repeat(maxDepth)}`);
      await request(t.http)
        .delete(`/v1/memories/?filters=${filters}`)
        .set(as())
        .expect(400, { error: `filters: ${tooDeep}` });
      const oss = await request(t.http).get(`/memories?filters=${filters}`).set(as()).expect(422);
      expect(oss.body.detail).toEqual([
        { type: 'value_error', loc: ['query', 'filters'], msg: `Value error, ${tooDeep}` },
      ]);

      const metadata = JSON.parse(`${'{"k": '.repeat(maxDepth - 1)}1${'}'.repeat(maxDepth - 1)}`) as unknown;
      const stored = await request(t.http)
        .post('/v3/memories/add/')
        .set(as())
        .send({ messages: 'I like green tea', user_id: 'deep', infer: false, metadata })
        .expect(200);
      const read = await request(t.http).get(`/v1/memories/${stored.body.results[0].id}/`).set(as()).expect(200);
      expect(read.body.metadata).toEqual(metadata);
    });

    it("answers a path that is not UTF-8, or a parameter over the length limit, in the surface's shape", async () => {
      await request(t.http)
        .get('/v1/memories/%ED%A0%80/')
        .set(as())
        .expect(400, { detail: "'/v1/memories/%ED%A0%80/' is not a valid url component" });
      const system = await request(t.http)
        .get(`/memory-system/v1/memories/${'x'.repeat(1001)}`)
        .set(as())
        .expect(414);
      expect(system.body).toMatchObject({ success: false, error: { code: 'INVALID_REQUEST' } });
    });
  });
});
