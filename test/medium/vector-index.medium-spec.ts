import { VectorIndexService } from '@app/memories';
import { createTestApp, TestApp } from '../utils/test-app';

describe('per-embedder HNSW index', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ worker: true });
  });
  afterAll(() => t.close());

  it('is created at worker start for the configured embedder, idempotently, and usable by the planner', async () => {
    await t.app.get(VectorIndexService).ensureForEmbedder();
    const indexes = await t.prisma.$queryRaw<{ indexname: string; indexdef: string }[]>`
      SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'memories' AND indexdef LIKE '%hnsw%'`;
    expect(indexes).toHaveLength(1);
    expect(indexes[0].indexdef).toContain('vector(640)');
    expect(indexes[0].indexdef).toContain("embedder = 'static-use-v1-256+hash-v1-384'");

    const vector = `[${Array.from({ length: 640 }, (_, i) => (i === 0 ? 1 : 0)).join(',')}]`;
    const plan = await t.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      return tx.$queryRaw<{ 'QUERY PLAN': string }[]>`
        EXPLAIN SELECT id FROM memories WHERE embedder = 'static-use-v1-256+hash-v1-384'
        ORDER BY (embedding::vector(640)) <=> ${vector}::vector(640) LIMIT 5`;
    });
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain(indexes[0].indexname);
  });
});
