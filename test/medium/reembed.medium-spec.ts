import { randomUUID } from 'node:crypto';
import { createOfflineEmbedder, defaultTablePath, HashEmbedder } from '@app/ai';
import { ReembedRepository, ReembedService, VectorIndexRepository } from '@app/memories';
import { createTestApp, TestApp } from '../utils/test-app';

describe('reembed (npm run admin -- reembed)', () => {
  let t: TestApp;
  const target = createOfflineEmbedder('static-hash', defaultTablePath(process.cwd()));
  const old = new HashEmbedder();
  const texts = Array.from({ length: 7 }, (_, i) => `Memory number ${i} about hiking and coffee`);

  beforeAll(async () => {
    t = await createTestApp({ env: { OFFLINE_EMBEDDER: 'hash' } });
  });
  afterAll(() => t.close());

  async function insert(projectId: string, text: string, withVector: boolean): Promise<string> {
    const id = randomUUID();
    const vector = `[${(await old.embed([text]))[0].join(',')}]`;
    await t.prisma.$executeRaw`
      INSERT INTO memories (id, project_id, memory, hash, embedder, embedding)
      VALUES (${id}::uuid, ${projectId}::uuid, ${text}, 'h', ${withVector ? old.id : null},
              ${withVector ? vector : null}::vector)`;
    return id;
  }

  const rows = () =>
    t.prisma.$queryRaw<{ id: string; memory: string; embedder: string | null; embedding: string | null }[]>`
      SELECT id, memory, embedder, embedding::text AS embedding FROM memories ORDER BY id`;

  it('moves every memory to the configured embedder in id-ordered batches, resumes after a stop, and indexes it', async () => {
    const a = await t.newTenant('a');
    const b = await t.newTenant('b');
    for (const [i, text] of texts.entries()) await insert(i % 2 ? a.projectId : b.projectId, text, true);
    await insert(a.projectId, 'Was never embedded', false);
    const repository = new ReembedRepository(t.prisma);
    const service = new ReembedService(repository, new VectorIndexRepository(t.prisma), target);

    const seen: [number, number][] = [];
    await expect(
      service.reembed({
        batchSize: 3,
        onProgress: (done, total) => {
          seen.push([done, total]);
          if (done >= 3) throw new Error('stopped');
        },
      }),
    ).rejects.toThrow('stopped');
    expect(seen).toEqual([[3, 8]]);
    expect((await rows()).filter((row) => row.embedder === target.id)).toHaveLength(3);

    const progress: [number, number][] = [];
    const summary = await service.reembed({ batchSize: 3, onProgress: (done, total) => progress.push([done, total]) });
    expect(summary).toEqual({ embedder: target.id, embedded: 5, skipped: 0 });
    expect(progress).toEqual([
      [3, 5],
      [5, 5],
    ]);
    for (const row of await rows()) {
      expect(row.embedder).toBe(target.id);
      const expected = (await target.embed([row.memory]))[0];
      JSON.parse(row.embedding!).forEach((value: number, i: number) => expect(value).toBeCloseTo(expected[i], 5));
    }
    expect(await service.reembed()).toEqual({ embedder: target.id, embedded: 0, skipped: 0 });

    const [index] = await t.prisma.$queryRaw<{ indexdef: string }[]>`
      SELECT indexdef FROM pg_indexes WHERE indexname = ${VectorIndexRepository.indexName(target.id)}`;
    expect(index.indexdef).toContain('vector(640)');
    expect(index.indexdef).toContain(`embedder = '${target.id}'`);
  });

  it('only touches the given project, and leaves a memory whose text changed meanwhile to its newer writer', async () => {
    const c = await t.newTenant('c');
    const d = await t.newTenant('d');
    const mine = await insert(c.projectId, 'Plays the cello', true);
    await insert(d.projectId, 'Plays the drums', true);
    const repository = new ReembedRepository(t.prisma);
    expect(await repository.countStale(target.id, c.projectId)).toBe(1);
    const [stale] = await repository.staleAfter(target.id, null, 10, c.projectId);
    expect(stale).toEqual({ id: mine, projectId: c.projectId, memory: 'Plays the cello' });

    await t.prisma.$executeRaw`UPDATE memories SET memory = 'Plays the viola' WHERE id = ${mine}::uuid`;
    const vector = (await target.embed([stale.memory]))[0];
    expect(await repository.write(target.id, [{ memory: stale, vector }])).toBe(0);
    expect(await repository.countStale(target.id)).toBe(2);
  });
});
