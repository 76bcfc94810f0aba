import { mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import request from 'supertest';
// test-app first: it loads Nest (and reflect-metadata) before @app/core's decorated config classes.
import { createTestApp, Tenant, TestApp } from '../utils/test-app';
import { Role } from '@app/core';
import { ensureChromium, ensureDashboardBuilt, launchChromium } from '../utils/browser';
import { WebhookReceiver } from '../utils/webhook-receiver';

const ARTIFACTS = join('.artifacts', 'dashboard');
/** Each browser step's limit: generous, the machine may be busy with other suites. */
const STEP_MS = 30_000;

/** The dashboard in headless Chromium against the real API and worker, as an admin would use it. */
describe('dashboard in a browser', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let base: string;
  let owner: Tenant;

  beforeAll(async () => {
    ensureChromium();
    ensureDashboardBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    receiver = await WebhookReceiver.start();
    t = await createTestApp({
      worker: true,
      env: {
        WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_DISPATCH_INTERVAL_MS: '100',
        WEBHOOK_RETRY_BASE_MS: '50',
        API_KEY_CACHE_TTL_MS: '60000',
      },
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    owner = await t.newTenant('dash');
    browser = await launchChromium();
  }, 25 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await receiver?.close();
  });

  async function openSignedIn(key: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    page.setDefaultTimeout(STEP_MS);
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${base}/dashboard/`);
    await page.fill('input[name="api-key"]', key);
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('nav.sidebar');
    return page;
  }
  const nav = (page: Page, label: string) => page.click(`nav.sidebar a:has-text("${label}")`);
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  it('serves the app publicly at /dashboard, client routes included, and 404s a missing asset', async () => {
    const index = await request(t.http).get('/dashboard').expect(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.text).toContain('<div id="root">');
    const script = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(index.text)![1];
    const asset = await request(t.http).get(script).expect(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await request(t.http).get('/dashboard/memories/some-id').expect(200)).text).toBe(index.text);
    await request(t.http).get('/dashboard/assets/missing.js').expect(404);
    await request(t.http).get('/dashboard/../package.json').expect(404);
  });

  it('signs in, adds, finds, edits a memory and reads its history; a webhook sees the add', async () => {
    const page = await openSignedIn(owner.key);
    await expect(page.textContent('.project')).resolves.toContain('OWNER');

    await nav(page, 'Webhooks');
    await page.fill('form[aria-label="Create webhook"] input[name="webhook-name"]', 'receiver');
    await page.fill('form[aria-label="Create webhook"] input[name="webhook-url"]', receiver.url('/dash'));
    await page.click('button:has-text("Create webhook")');
    await page.waitForSelector('code.secret');
    await page.waitForSelector('table.webhooks td:has-text("receiver")');

    await nav(page, 'Memories');
    await page.fill('textarea[name="add-text"]', 'Loves hiking in the Alps every summer.');
    await page.fill('input[name="add-user"]', 'alice');
    await page.click('form[aria-label="Add a memory"] button:has-text("Add")');
    await page.waitForSelector('text=Added 1 memory');
    await page.waitForSelector('table.memories a:has-text("Loves hiking in the Alps")');
    await shot(page, 'memories');

    await nav(page, 'Search');
    await page.fill('input[name="search-query"]', 'hiking in the mountains');
    await page.fill('input[name="filter-user_id"]', 'alice');
    await page.click('button:has-text("Search")');
    const hit = page.locator('table.results tbody tr', { hasText: 'Loves hiking in the Alps' });
    await hit.waitFor();
    expect(Number(await hit.locator('td.score').textContent())).toBeGreaterThan(0);
    await shot(page, 'search');

    await hit.locator('a').click();
    await page.waitForSelector('p.memory-text:has-text("Loves hiking in the Alps")');
    await page.click('button:has-text("Edit")');
    await page.fill('textarea[name="edit-text"]', 'Loves hiking in the Dolomites every summer.');
    await page.click('button:has-text("Save")');
    await page.waitForSelector('p.memory-text:has-text("Dolomites")');
    await page.waitForSelector('table.history td:has-text("UPDATE")');
    const history = await page.locator('table.history tbody tr').allTextContents();
    expect(history.some((row) => row.includes('ADD') && row.includes('Alps'))).toBe(true);
    expect(history.some((row) => row.includes('UPDATE') && row.includes('Dolomites'))).toBe(true);
    await shot(page, 'memory');

    await nav(page, 'Webhooks');
    await page.click('table.webhooks button:has-text("Deliveries")');
    const delivered = page.locator('.deliveries td:has-text("succeeded")');
    for (let tries = 0; (await delivered.count()) === 0 && tries < 50; tries++) {
      await page.waitForTimeout(200);
      await page.click('.deliveries button:has-text("Refresh")');
    }
    await delivered.first().waitFor();
    expect(receiver.at('/dash').length).toBeGreaterThanOrEqual(1);
    const [first] = receiver.at('/dash');
    expect(first.headers['x-mem0-event']).toBe('memory_add');
    expect(JSON.parse(first.body).event_details.data).toEqual({ memory: 'Loves hiking in the Alps every summer.' });
    await shot(page, 'webhooks');

    await nav(page, 'Settings');
    await page.fill('textarea[name="custom_instructions"]', 'Remember outdoor hobbies.');
    await page.fill('textarea[name="custom_categories"]', 'hobbies: Things done for fun');
    await page.check('input[name="decay"]');
    await page.click('button:has-text("Save settings")');
    await page.waitForSelector('text=Saved.');
    const project = await request(t.http)
      .get(`/api/v1/orgs/organizations/${owner.orgId}/projects/${owner.projectId}/`)
      .set('Authorization', `Token ${owner.key}`)
      .expect(200);
    expect(project.body).toMatchObject({
      custom_instructions: 'Remember outdoor hobbies.',
      custom_categories: [{ hobbies: 'Things done for fun' }],
      decay: true,
    });

    for (const [label, name] of [
      ['Usage', 'usage'],
      ['Entities', 'entities'],
      ['Events', 'events'],
      ['Settings', 'settings'],
      ['Members', 'members'],
    ]) {
      await nav(page, label);
      await page.waitForSelector('.page h1');
      await page.waitForFunction(() => !document.body.textContent?.includes('Loading…'));
      await shot(page, name);
      if (name === 'usage') {
        expect(await page.locator('.chart rect.bar').count()).toBe(3 * 30);
      }
    }
    await page.close();
  }, 120_000);

  it('batch deletes memories, polls a queued add until it finishes and deletes an entity', async () => {
    for (const content of ['Drinks oolong tea.', 'Collects vinyl records.']) {
      await request(t.http)
        .post('/v3/memories/add/')
        .set('Authorization', `Token ${owner.key}`)
        .send({ messages: [{ role: 'user', content }], user_id: 'bob', infer: false })
        .expect(200);
    }
    const page = await openSignedIn(owner.key);
    await page.fill('input[name="filter-user_id"]', 'bob');
    await page.click('button:has-text("Apply filters")');
    // The unfiltered list stays on screen until the filtered one arrives.
    await page.waitForSelector('.pager:has-text("(2 in all)")');
    expect(await page.locator('table.memories tbody tr').allTextContents()).toEqual([
      expect.stringContaining('vinyl'),
      expect.stringContaining('oolong'),
    ]);
    for (const box of await page.locator('table.memories tbody input[type="checkbox"]').all()) {
      await box.check();
    }
    await page.click('button:has-text("Delete selected (2)")');
    await page.waitForSelector('text=No memories match.');
    expect(await t.prisma.memory.count({ where: { projectId: owner.projectId, userId: 'bob' } })).toBe(0);

    await page.fill('textarea[name="add-text"]', 'I love sushi and I live in Osaka.');
    await page.fill('input[name="add-user"]', 'carol');
    await page.check('form[aria-label="Add a memory"] input[type="checkbox"]');
    await page.click('form[aria-label="Add a memory"] button:has-text("Add")');
    const queued = (await page.textContent('.notice:has-text("Queued as event")'))!;
    const eventId = /event (\S+) /.exec(queued)![1];
    await nav(page, 'Events');
    await page.click(`table tr:has-text("${eventId}")`);
    await page.waitForSelector('.detail .tag:has-text("SUCCEEDED")');
    await shot(page, 'event');

    await nav(page, 'Entities');
    await page.click('table tr:has-text("carol") button:has-text("Delete")');
    await page.waitForSelector('.notice:has-text("Deleting user")');
    await page.close();
  }, 60_000);

  it('creates a key shown once and revokes it: the API refuses it from then on', async () => {
    const page = await openSignedIn(owner.key);
    await nav(page, 'API keys');
    await page.fill('input[name="key-name"]', 'temporary');
    await page.click('button:has-text("Create key")');
    const key = (await page.textContent('.new-key code.secret'))!.trim();
    expect(key).toMatch(/^m0-/);
    await request(t.http).get('/v1/ping/').set('Authorization', `Token ${key}`).expect(200);
    await shot(page, 'api-keys');

    await page.click('button[aria-label="revoke temporary"]');
    await page.waitForSelector('table.keys tr.revoked td:has-text("temporary")');
    await request(t.http).get('/v1/ping/').set('Authorization', `Token ${key}`).expect(401);
    await request(t.http).get('/v1/ping/').set('Authorization', `Token ${owner.key}`).expect(200);
    await page.close();
  }, 60_000);

  it('gives a READER key read-only pages', async () => {
    const reader = await t.newMember(owner.projectId, Role.READER, 'dash-reader');
    const page = await openSignedIn(reader.key);
    await expect(page.textContent('.project')).resolves.toContain('READER');
    await page.waitForSelector('table.memories a:has-text("Dolomites")');
    expect(await page.locator('form[aria-label="Add a memory"]').count()).toBe(0);
    expect(await page.locator('button:has-text("Delete")').count()).toBe(0);
    await nav(page, 'Webhooks');
    await page.waitForSelector('table.webhooks td:has-text("receiver")');
    expect(await page.locator('button:has-text("Create webhook"), button:has-text("Edit")').count()).toBe(0);
    await nav(page, 'API keys');
    await page.waitForSelector('table.keys');
    expect(await page.locator('button:has-text("Create key"), button:has-text("Revoke")').count()).toBe(0);
    await shot(page, 'reader-keys');
    await page.close();
  }, 60_000);
});
