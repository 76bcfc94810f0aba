import request from 'supertest';
import { DEFAULT_CATEGORIES } from '@app/ai';
import { waitForEvent } from '../utils/events';
import { queuesIdle } from '../utils/queues';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

const MESSAGE = "I'm allergic to peanuts, I love jazz, I work as a nurse and I have two cats.";
const DEFAULT_NAMES = DEFAULT_CATEGORIES.map((category) => category.name);

interface Stored {
  id: string;
  memory: string;
  categories: string[];
}

/** PATCHed project settings reach the pipeline: extraction rules and the category catalog. */
describe('project settings take effect on adds (offline providers, real worker)', () => {
  let t: TestApp;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
  });
  afterAll(() => t.close());

  async function patchProject(tenant: Tenant, settings: Record<string, unknown>): Promise<void> {
    await request(t.http)
      .patch(`/api/v1/orgs/organizations/${tenant.orgId}/projects/${tenant.projectId}/`)
      .set(as(tenant))
      .send(settings)
      .expect(200);
  }

  /** Adds MESSAGE (plus per-call options) and returns the memories once categorisation has run. */
  async function addAndCategorise(tenant: Tenant, userId: string, options: Record<string, unknown> = {}) {
    const queued = await request(t.http)
      .post('/v3/memories/add/')
      .set(as(tenant))
      .send({ messages: MESSAGE, user_id: userId, ...options })
      .expect(200);
    const event = await waitForEvent(t, tenant.key, queued.body.event_id);
    expect(event.status).toBe('SUCCEEDED');
    const ids = event.results.map((item) => item.id as string);
    await queuesIdle(t);
    const rows = await t.prisma.memory.findMany({ where: { projectId: tenant.projectId, id: { in: ids } } });
    expect(rows).toHaveLength(ids.length);
    return new Map<string, Stored>(rows.map((row) => [row.memory, { ...row, categories: row.categories ?? [] }]));
  }

  async function categorizeOutbox(tenant: Tenant): Promise<Map<string, string[]>> {
    const rows = await t.prisma.webhookOutbox.findMany({
      where: { projectId: tenant.projectId, eventType: 'memory_categorize' },
    });
    const payloads = rows.map(
      (row) => (row.payload as { event_details: { memory_id: string; categories: string[] } }).event_details,
    );
    expect(new Set(payloads.map((payload) => payload.memory_id)).size).toBe(payloads.length);
    return new Map(payloads.map((payload) => [payload.memory_id, payload.categories]));
  }

  it('uses the default 15 categories when none are set; one memory_categorize outbox row per memory', async () => {
    const a = await t.newTenant('settings-default');
    const memories = await addAndCategorise(a, 'u');
    expect([...memories.keys()].sort()).toEqual(
      ['Has two cats', 'Is allergic to peanuts', 'Loves jazz', 'Works as a nurse'].sort(),
    );
    for (const memory of memories.values()) {
      expect(DEFAULT_NAMES).toEqual(expect.arrayContaining(memory.categories));
    }
    expect(memories.get('Works as a nurse')!.categories).toContain('professional_details');
    expect(memories.get('Is allergic to peanuts')!.categories).toContain('health');
    const outbox = await categorizeOutbox(a);
    expect(outbox).toEqual(new Map([...memories.values()].map((memory) => [memory.id, memory.categories])));
  });

  it('custom_categories replace the default catalog; [] restores it', async () => {
    const a = await t.newTenant('settings-categories');
    await patchProject(a, {
      custom_categories: [
        { pets: 'Animals the user owns' },
        { cuisine: 'Food and cooking' },
        { career: 'Jobs and work' },
      ],
    });
    const custom = await addAndCategorise(a, 'custom');
    for (const memory of custom.values()) {
      expect(['pets', 'cuisine', 'career']).toEqual(expect.arrayContaining(memory.categories));
    }
    expect(custom.get('Has two cats')!.categories).toEqual(['pets']);
    expect(custom.get('Works as a nurse')!.categories).toEqual(['career']);
    // Like none of the three: no category rather than the least unlike one.
    expect(custom.get('Loves jazz')!.categories).toEqual([]);
    const outbox = await categorizeOutbox(a);
    for (const memory of custom.values()) {
      expect(outbox.get(memory.id)).toEqual(memory.categories.length ? memory.categories : undefined);
    }

    // Bare names are a catalog too.
    await patchProject(a, { custom_categories: ['pets', 'health'] });
    const bare = await addAndCategorise(a, 'bare');
    expect(bare.get('Has two cats')!.categories).toEqual(['pets']);
    expect(bare.get('Is allergic to peanuts')!.categories).toEqual(['health']);

    await patchProject(a, { custom_categories: [] });
    const reset = await addAndCategorise(a, 'reset');
    for (const memory of reset.values()) {
      expect(DEFAULT_NAMES).toEqual(expect.arrayContaining(memory.categories));
    }
    expect(reset.get('Works as a nurse')!.categories).toContain('professional_details');
  });

  it("a call's custom_categories win over the project's", async () => {
    const a = await t.newTenant('settings-call-categories');
    await patchProject(a, { custom_categories: [{ pets: 'Animals the user owns' }] });
    const memories = await addAndCategorise(a, 'u', { custom_categories: [{ job: 'Work and employment' }] });
    for (const [text, memory] of memories) {
      expect(memory.categories).toEqual(text === 'Works as a nurse' ? ['job'] : []);
    }
  });

  it('custom_instructions drop the facts they exclude', async () => {
    const a = await t.newTenant('settings-instructions');
    await patchProject(a, { custom_instructions: "Don't store health information." });
    const memories = await addAndCategorise(a, 'u');
    expect([...memories.keys()].sort()).toEqual(['Has two cats', 'Loves jazz', 'Works as a nurse']);

    await patchProject(a, { custom_instructions: ['Only remember music and pets.'] });
    const only = await addAndCategorise(a, 'only');
    expect([...only.keys()].sort()).toEqual(['Has two cats', 'Loves jazz']);
  });

  it('exclusion_prompt and inclusion_prompt filter facts by topic', async () => {
    const a = await t.newTenant('settings-excludes');
    await patchProject(a, { exclusion_prompt: 'work' });
    const excluded = await addAndCategorise(a, 'excluded');
    expect([...excluded.keys()].sort()).toEqual(['Has two cats', 'Is allergic to peanuts', 'Loves jazz']);

    await patchProject(a, { exclusion_prompt: null, inclusion_prompt: 'pets' });
    const included = await addAndCategorise(a, 'included');
    expect([...included.keys()]).toEqual(['Has two cats']);
  });

  it('agent_custom_instructions govern assistant-stated facts, custom_instructions the user-stated ones', async () => {
    const a = await t.newTenant('settings-agent');
    await patchProject(a, {
      custom_instructions: "Don't store music.",
      agent_custom_instructions: "Don't store pets.",
    });
    const memories = await addAndCategorise(a, 'u', {
      messages: [
        { role: 'user', content: 'I love jazz and I have two cats.' },
        { role: 'assistant', content: 'I love jazz too and I have a dog.' },
      ],
      agent_id: 'bot',
    });
    expect([...memories.keys()].sort()).toEqual(['Has two cats', 'Loves jazz too']);
    expect(memories.get('Has two cats')).toMatchObject({ userId: 'u', agentId: null });
    expect(memories.get('Loves jazz too')).toMatchObject({ userId: null, agentId: 'bot' });
  });

  it("a call's custom_instructions replace the project's", async () => {
    const a = await t.newTenant('settings-call-instructions');
    await patchProject(a, { custom_instructions: "Don't store health information." });
    const memories = await addAndCategorise(a, 'u', { custom_instructions: 'Only remember music.' });
    expect([...memories.keys()]).toEqual(['Loves jazz']);
  });
});
