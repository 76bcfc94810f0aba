import { PrismaService } from '@app/core';
import { DeliveriesRepository } from '@app/webhooks';
import { createTestApp, TestApp } from '../utils/test-app';

/** The outbox claim on real Postgres: several dispatchers at once, and again, create each delivery once. */
describe('webhook outbox dispatch', () => {
  let t: TestApp;
  const clients: PrismaService[] = [];

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.$disconnect()));
    await t.close();
  });

  it('fans each event out to the active, subscribed webhooks of its project, once, under concurrency', async () => {
    const a = await t.newTenant('dispatch-a');
    const b = await t.newTenant('dispatch-b');
    const hook = (projectId: string, name: string, eventTypes: string[], isActive = true) =>
      t.prisma.webhook.create({
        data: { projectId, name, url: 'https://example.invalid/', eventTypes, isActive, secret: 'whsec_AAAA' },
      });
    const adds = await hook(a.projectId, 'adds', ['memory_add']);
    const both = await hook(a.projectId, 'both', ['memory_add', 'memory_delete']);
    await hook(a.projectId, 'off', ['memory_add'], false);
    const other = await hook(b.projectId, 'other', ['memory_add']);
    const rows = Array.from({ length: 150 }, (_, i) => ({
      projectId: i % 3 === 2 ? b.projectId : a.projectId,
      eventType: i % 2 === 0 ? 'memory_add' : 'memory_delete',
      payload: { event_details: { id: `m${i}`, event: i % 2 === 0 ? 'ADD' : 'DELETE' } },
    }));
    await t.prisma.webhookOutbox.createMany({ data: rows });

    // Four "workers", each with its own connection pool, claiming 20 rows at a time until empty.
    const workers = Array.from({ length: 4 }, () => {
      const client = new PrismaService(t.config);
      clients.push(client);
      return new DeliveriesRepository(client);
    });
    const created = await Promise.all(
      workers.map(async (repository) => {
        const mine: string[] = [];
        for (;;) {
          const { claimed, deliveries } = await repository.dispatchOutbox(20);
          mine.push(...deliveries.map((delivery) => delivery.id));
          if (claimed === 0) {
            return mine;
          }
        }
      }),
    );
    const ids = created.flat();
    expect(new Set(ids).size).toBe(ids.length);

    const inA = rows.filter((row) => row.projectId === a.projectId);
    const expected =
      inA.filter((row) => row.eventType === 'memory_add').length * 2 +
      inA.filter((row) => row.eventType === 'memory_delete').length +
      rows.filter((row) => row.projectId === b.projectId && row.eventType === 'memory_add').length;
    expect(ids).toHaveLength(expected);
    const count = (webhookId: string) => t.prisma.webhookDelivery.count({ where: { webhookId } });
    expect(await count(adds.id)).toBe(inA.filter((row) => row.eventType === 'memory_add').length);
    expect(await count(both.id)).toBe(inA.length);
    expect(await count(other.id)).toBe(
      rows.filter((row) => row.projectId === b.projectId && row.eventType === 'memory_add').length,
    );
    expect(await t.prisma.webhookOutbox.count({ where: { dispatchedAt: null } })).toBe(0);

    const delivery = await t.prisma.webhookDelivery.findFirstOrThrow({ where: { webhookId: other.id } });
    expect(delivery.payload).toMatchObject({ event_details: { project_id: b.projectId } });

    // A second pass over already dispatched rows (e.g. a row re-opened by hand) creates nothing new.
    await t.prisma.webhookOutbox.updateMany({ data: { dispatchedAt: null } });
    expect((await workers[0].dispatchOutbox(500)).deliveries).toEqual([]);
  });
});
