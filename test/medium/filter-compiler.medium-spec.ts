import { Prisma } from '@app/core';
import { compileFilter, FilterError, parseFilter } from '@app/filters';
import { FILTER_CASES, FILTER_ERROR_CASES, FILTER_ROWS, seedFilterRows, withSeededIds } from '../fixtures/filter-cases';
import { createTestApp, TestApp } from '../utils/test-app';

describe('filter compiler on Postgres', () => {
  let t: TestApp;
  let projectId: string;
  let ids: Record<string, string>;
  let labels: Map<string, string>;

  const matching = async (filters: unknown): Promise<string[]> => {
    const rows = await t.prisma.$queryRaw<{ id: string }[]>(
      Prisma.sql`SELECT m.id FROM memories m WHERE m.project_id = ${projectId}::uuid AND ${compileFilter(parseFilter(filters))}`,
    );
    return rows.map((row) => labels.get(row.id) ?? row.id).sort();
  };

  beforeAll(async () => {
    t = await createTestApp();
    projectId = (await t.newTenant('filters')).projectId;
    ids = await seedFilterRows(t.prisma, projectId);
    labels = new Map(Object.entries(ids).map(([label, id]) => [id, label]));
    // Same user in another project: never visible through the project predicate.
    const other = await t.newTenant('filters-other');
    await t.prisma.memory.create({
      data: {
        projectId: other.projectId,
        memory: 'Alice elsewhere',
        hash: 'other',
        userId: 'alice',
        categories: ['food'],
      },
    });
  });
  afterAll(() => t.close());

  it('seeds every fixture row', async () => {
    expect(await matching({})).toEqual(FILTER_ROWS.map((row) => row.label).sort());
  });

  it.each(FILTER_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await matching(withSeededIds(c.filters, ids))).toEqual([...c.expect].sort());
  });

  it.each(FILTER_ERROR_CASES.map((c) => [c.name, c] as const))('rejects %s', (_name, c) => {
    const parse = () => parseFilter(c.filters);
    expect(parse).toThrow(FilterError);
    // A string is the exact message (jest would otherwise accept a substring).
    expect(parse).toThrow(typeof c.message === 'string' ? new FilterError(c.message) : c.message);
  });
});
