import request from 'supertest';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

describe('cross-cutting HTTP behaviour ', () => {
  let t: TestApp;
  let tenant: Tenant;
  const auth = () => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    t = await createTestApp();
    tenant = await t.newTenant('http');
  });
  afterAll(() => t.close());

  it('answers every route with and without its trailing slash, without redirecting', async () => {
    for (const path of [
      '/v1/ping',
      '/v1/ping/',
      `/api/v1/orgs/organizations/${tenant.orgId}`,
      `/api/v1/orgs/organizations/${tenant.orgId}/`,
    ]) {
      const response = await request(t.http).get(path).set(auth());
      expect(response.status).toBe(200);
    }
    const created = await request(t.http)
      .post(`/api/v1/orgs/organizations/${tenant.orgId}/projects`)
      .set(auth())
      .send({ name: 'no-slash' })
      .expect(200);
    expect(created.body.project_id).toBeDefined();
  });

  it('decodes percent-encoded path segments once and keeps %2F inside one segment', async () => {
    const encoded = tenant.orgId.replace(/-/g, '%2D');
    const org = await request(t.http).get(`/api/v1/orgs/organizations/${encoded}/`).set(auth()).expect(200);
    expect(org.body.org_id).toBe(tenant.orgId);
    const slashed = await request(t.http)
      .get(`/api/v1/orgs/organizations/${tenant.orgId}/projects/a%2Fb%3Fc/`)
      .set(auth())
      .expect(404);
    // The project route matched (its own 404 body), not the router's "Not found.".
    expect(slashed.body).toEqual({ message: 'Organization or project not found' });
  });

  it('parses JSON bodies on DELETE and accepts an empty body sent with a JSON content type', async () => {
    await request(t.http)
      .post(`/api/v1/orgs/organizations/${tenant.orgId}/members/`)
      .set(auth())
      .send({ email: 'someone-new@example.com', role: 'READER' })
      .expect(201);
    await request(t.http)
      .delete(`/api/v1/orgs/organizations/${tenant.orgId}/members/`)
      .set(auth())
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ email: 'someone-new@example.com' }))
      .expect(200, { message: 'User removed from organization.' });
    const bodiless = await request(t.http)
      .get('/v1/ping/')
      .set(auth())
      .set('Content-Type', 'application/json')
      .expect(200);
    expect(bodiless.body.status).toBe('ok');
  });

  it('ignores unknown body keys', async () => {
    const response = await request(t.http)
      .post('/api/v1/orgs/organizations/')
      .set(auth())
      .send({ name: 'extra-keys', output_format: 'v1.1', enable_graph: true, org_name: 'x', nested: { a: 1 } })
      .expect(201);
    expect(Object.keys(response.body).sort()).toEqual(['message', 'org_id']);
  });

  it('answers malformed JSON and unknown routes with JSON errors, never HTML or a stack', async () => {
    const malformed = await request(t.http)
      .post('/api/v1/orgs/organizations/')
      .set(auth())
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(malformed.headers['content-type']).toMatch(/application\/json/);
    expect(malformed.body.detail).toMatch(/^JSON parse error/);
    const listBody = await request(t.http).post('/api/v1/orgs/organizations/').set(auth()).send([1, 2]).expect(400);
    expect(listBody.body).toEqual({
      errors: { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] },
    });
    for (const path of ['/nope', '/v9/anything/', '/api/v1/orgs/organizations/x/y/z/w/v/']) {
      const response = await request(t.http).get(path).set(auth()).expect(404);
      expect(response.body).toEqual({ detail: 'Not found.' });
    }
    const wrongMethod = await request(t.http).patch('/v1/ping/').set(auth()).expect(404);
    expect(wrongMethod.text).not.toMatch(/<html|at \w+ \(/i);
  });

  it('refuses an oversized body with 413 in the detail shape', async () => {
    const response = await request(t.http)
      .post('/api/v1/orgs/organizations/')
      .set(auth())
      .send({ name: 'x'.repeat(t.config.env.BODY_LIMIT_BYTES + 10) })
      .expect(413);
    expect(typeof response.body.detail).toBe('string');
  });

  it('gives every success a JSON body (no 204) and echoes or creates a request id', async () => {
    const projectName = `deletable-${Date.now()}`;
    const created = await request(t.http)
      .post(`/api/v1/orgs/organizations/${tenant.orgId}/projects/`)
      .set(auth())
      .send({ name: projectName })
      .expect(200);
    const deleted = await request(t.http)
      .delete(`/api/v1/orgs/organizations/${tenant.orgId}/projects/${created.body.project_id}/`)
      .set(auth())
      .set('X-Request-Id', 'trace-42')
      .expect(200);
    expect(deleted.body).toEqual({ message: 'Project and related data deleted successfully.' });
    expect(deleted.headers['x-request-id']).toBe('trace-42');
    const generated = await request(t.http).get('/healthz').set('X-Request-Id', 'bad id with spaces').expect(200);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
