import { createWriteStream, createReadStream, statSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { PortabilityService } from '@app/memories';
import { PortabilityRepository } from '../../libs/memories/src/repositories/portability.repository';
import { createTestApp } from '../utils/test-app';

jest.setTimeout(900_000);
it('exports and imports 100k memories in bounded memory', async () => {
  const src = await createTestApp();
  const tenant = await src.newTenant('perf');
  const N = Number(process.env.PERF_ROWS ?? 100000);
  let t0 = Date.now();
  await src.prisma.$executeRawUnsafe(`
    INSERT INTO memories (id, project_id, memory, hash, user_id, metadata, categories, embedder, embedding, created_at, updated_at)
    SELECT gen_random_uuid(), '${tenant.projectId}'::uuid, 'memory number ' || g, md5(g::text), 'u' || (g % 100),
      jsonb_build_object('n', g), ARRAY['misc'], 'hash-v1-384',
      ARRAY(SELECT random() FROM generate_series(1, 384) WHERE g > 0)::vector, clock_timestamp(), clock_timestamp()
    FROM generate_series(1, ${N}) g`);
  await src.prisma.$executeRawUnsafe(`
    INSERT INTO memory_history (project_id, memory_id, event, new_memory, created_at, updated_at)
    SELECT project_id, id, 'ADD', memory, created_at, updated_at FROM memories WHERE project_id = '${tenant.projectId}'::uuid`);
  console.log('seeded', N, 'in', Date.now() - t0, 'ms');
  if (process.env.EXPLAIN) {
    const [{ id }] = await src.prisma.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM memories ORDER BY id OFFSET ${Math.floor(N / 2)} LIMIT 1`);
    for (const q of [
      `EXPLAIN ANALYZE SELECT m.id, m.embedding::text FROM memories m WHERE m.project_id = '${tenant.projectId}'::uuid AND m.id > '${id}'::uuid ORDER BY m.id LIMIT 500`,
    ]) {
      const [, rows] = await src.prisma.$transaction([src.prisma.$executeRawUnsafe('SET LOCAL enable_sort = off'), src.prisma.$queryRawUnsafe<Record<string, string>[]>(q)]);
      console.log(rows.map((r) => Object.values(r)[0]).join('\n'));
    }
    await src.close();
    return;
  }
  let peak = 0; let heapAfterGc = 0;
  let heap = 0; const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); heap = Math.max(heap, process.memoryUsage().heapUsed); }, 50);
  const file = '/tmp/perf-export.jsonl';
  t0 = Date.now();
  const out = createWriteStream(file);
  let lastP = '';
  await new PortabilityService(new PortabilityRepository(src.prisma)).export({
    projectId: tenant.projectId, out, onProgress: (d, tot) => { (global as any).gc?.(); heapAfterGc = Math.max(heapAfterGc, process.memoryUsage().heapUsed); if (d % 20000 === 0) lastP = `${d}/${tot}`; },
  });
  out.end(); await once(out, 'finish');
  console.log('export', Date.now() - t0, 'ms', statSync(file).size / 1e6, 'MB', 'peak rss MB', peak / 1e6, 'heap', heap/1e6, lastP, 'heap after gc', heapAfterGc / 1e6); heapAfterGc = 0;
  const dst = await createTestApp();
  const tenant2 = await dst.newTenant('perf2');
  peak = 0; heap = 0;
  t0 = Date.now();
  const summary = await new PortabilityService(new PortabilityRepository(dst.prisma)).import({
    projectId: tenant2.projectId, input: createReadStream(file), onProgress: () => { (global as any).gc?.(); heapAfterGc = Math.max(heapAfterGc, process.memoryUsage().heapUsed); },
  });
  console.log('import', Date.now() - t0, 'ms', 'peak rss MB', peak / 1e6, 'heap', heap/1e6, summary.inserted, summary.history, 'heap after gc', heapAfterGc / 1e6);
  clearInterval(timer);
  rmSync(file);
  await src.close(); await dst.close();
});
