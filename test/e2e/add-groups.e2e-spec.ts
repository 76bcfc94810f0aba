import request from 'supertest';
import { waitForEvent } from '../utils/events';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

const FACTS = [
  'I keep bees on the roof of my building',
  'My brother Tomas teaches chemistry in Vilnius',
  'I am allergic to penicillin',
  'We adopted a grey greyhound called Pixel',
  'I run the Berlin marathon every September',
  'My favourite composer is Arvo Part',
];
const USERS = ['group-u0', 'group-u1', 'group-u2'];

/** Every fact twice for every user, interleaved: concurrent adds of one scope repeat each other. */
const ADDS = [0, 1].flatMap(() =>
  FACTS.flatMap((fact) => USERS.map((user) => ({ messages: [{ role: 'user', content: fact }], user_id: user }))),
);

describe('v3 adds written in groups by the worker', () => {
  let t: TestApp;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
  });
  afterAll(() => t.close());

  const add = async (tenant: Tenant, body: Record<string, unknown>) => {
    const response = await request(t.http).post('/v3/memories/add/').set(as(tenant)).send(body).expect(200);
    return response.body.event_id as string;
  };

  const textsByUser = async (tenant: Tenant) => {
    const rows = await t.prisma.memory.findMany({ where: { projectId: tenant.projectId } });
    return Object.fromEntries(
      USERS.map((user) => [
        user,
        rows
          .filter((row) => row.userId === user)
          .map((row) => row.memory)
          .sort(),
      ]),
    );
  };

  it('stores what the same adds one after another store, each memory credited to the add that wrote it', async () => {
    const one = await t.newTenant('group-sequential');
    for (const body of ADDS) {
      await waitForEvent(t, one.key, await add(one, body), 30_000);
    }
    const expected = await textsByUser(one);
    expect(Object.values(expected).every((texts) => texts.length >= FACTS.length)).toBe(true);

    const many = await t.newTenant('group-parallel');
    const eventIds = await Promise.all(ADDS.map((body) => add(many, body)));
    const events = await Promise.all(eventIds.map((id) => waitForEvent(t, many.key, id, 60_000)));
    expect(events.map((event) => event.status)).toEqual(ADDS.map(() => 'SUCCEEDED'));
    expect(await textsByUser(many)).toEqual(expected);

    const stored = await t.prisma.memory.findMany({ where: { projectId: many.projectId } });
    // Each event reports exactly the memories it wrote; each memory's history and webhook name its own add.
    for (const [index, event] of events.entries()) {
      const own = stored.filter((row) => row.sourceEventId === eventIds[index]).map((row) => row.id);
      expect(event.results.map((item) => item.id).sort()).toEqual(own.sort());
    }
    const history = await t.prisma.memoryHistory.findMany({ where: { projectId: many.projectId, event: 'ADD' } });
    const webhooks = await t.prisma.webhookOutbox.findMany({
      where: { projectId: many.projectId, eventType: 'memory_add' },
    });
    expect(history).toHaveLength(stored.length);
    expect(webhooks).toHaveLength(stored.length);
    for (const row of stored) {
      const body = ADDS[eventIds.indexOf(row.sourceEventId!)];
      expect(history.find((entry) => entry.memoryId === row.id)?.input).toEqual(body.messages);
      const webhook = webhooks.find(
        (entry) => (entry.payload as { event_details: { id: string } }).event_details.id === row.id,
      );
      expect((webhook?.payload as { event_details: { event_id: string } }).event_details.event_id).toBe(
        row.sourceEventId,
      );
    }
  });
});
