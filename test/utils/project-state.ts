import { eventually } from './events';
import { TestApp } from './test-app';

/**
 * Everything a refused write must leave untouched in a project, read once the worker has categorised
 * its memories and indexed their vectors (so the worker's late work cannot pass for a change).
 */
export async function projectState(t: TestApp, projectId: string) {
  await eventually(async () => {
    const [{ pending }] = await t.prisma.$queryRaw<{ pending: number }[]>`
      SELECT count(*)::int AS pending FROM memories
      WHERE project_id = ${projectId}::uuid
        AND (coalesce(cardinality(categories), 0) = 0 OR pending_embedding IS NOT NULL)`;
    return pending === 0 ? true : undefined;
  });
  return {
    memories: await t.prisma.memory.findMany({ where: { projectId }, orderBy: { id: 'asc' } }),
    embeddings: await t.prisma.$queryRaw`
      SELECT id, embedding::text FROM memories WHERE project_id = ${projectId}::uuid ORDER BY id`,
    links: await t.prisma.memoryEntityLink.count({ where: { memory: { projectId } } }),
    history: await t.prisma.memoryHistory.count({ where: { projectId } }),
    outbox: await t.prisma.webhookOutbox.count({ where: { projectId } }),
  };
}
