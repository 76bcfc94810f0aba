import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { buildOpenApiDocument } from '../../apps/api/src/http/setup';
import { createTestApp, TestApp } from '../utils/test-app';

const COMMITTED = join(__dirname, '..', '..', 'openapi.json');

/** `npm run openapi` runs this file with UPDATE_OPENAPI=1 to rewrite the committed document. */
describe('OpenAPI document and Swagger UI', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('matches the committed openapi.json (run `npm run openapi` after changing routes or DTOs)', () => {
    const generated = `${JSON.stringify(buildOpenApiDocument(t.app), null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') {
      writeFileSync(COMMITTED, generated);
    }
    expect(JSON.parse(generated)).toEqual(JSON.parse(readFileSync(COMMITTED, 'utf8')));
  });

  it('serves the document and the UI without a key', async () => {
    const json = await request(t.http).get('/openapi.json').expect(200);
    expect(json.body.paths['/v1/ping']).toBeDefined();
    expect(json.body.components.securitySchemes.token).toMatchObject({ type: 'apiKey', name: 'Authorization' });
    const ui = await request(t.http).get('/docs').redirects(1).expect(200);
    expect(ui.text).toMatch(/swagger/i);
  });

  it('names every operation uniquely', () => {
    const document = buildOpenApiDocument(t.app);
    const ids = Object.values(document.paths).flatMap((item) =>
      Object.values(item as Record<string, { operationId?: string }>).map((operation) => operation.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });
});
