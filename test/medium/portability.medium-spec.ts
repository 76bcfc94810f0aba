import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import request from 'supertest';
import { Embedder, EMBEDDER } from '@app/ai';
import { PortabilityRepository, PortabilityService } from '@app/memories';
import { AdminService, BootstrapService } from '@app/tenancy';
import { registerCommands } from '../../apps/admin/src/commands';
import { createTestApp, Tenant, TestApp } from '../utils/test-app';

/** Export from one database, import into a project of a second one, and compare row by row. */
describe('lossless project export and import (npm run admin -- export / import)', () => {
  let source: TestApp;
  let target: TestApp;
  let a: Tenant;
  let b: Tenant;
  let dir: string;
  let file: string;
  const as = (tenant: Tenant) => ({ Authorization: `Token ${tenant.key}` });

  const portability = (t: TestApp) =>
    new PortabilityService(new PortabilityRepository(t.prisma), t.app.get<Embedder>(EMBEDDER));

  /** Runs the CLI in-process; returns what it printed on stdout and stderr. */
  async function cli(t: TestApp, ...args: string[]): Promise<{ out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => out.push(parts.join(' ')));
    const error = jest.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => err.push(parts.join(' ')));
    try {
      const program = new Command('admin').exitOverride();
      registerCommands(program, t.app.get(AdminService), t.app.get(BootstrapService), portability(t));
      await program.parseAsync(args, { from: 'user' });
      return { out, err };
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  }

  /**
   * Every column but project_id and the arrival sequence (each database numbers its own), the vector as
   * text wherever it is (indexed or still pending); history and entities likewise (entity ids are serials).
   */
  async function dump(t: TestApp, projectId: string) {
    const memories = await t.prisma.$queryRaw<unknown[]>`
      SELECT to_jsonb(m) - 'project_id' - 'embedding' - 'pending_embedding' - 'seq' AS row,
        coalesce(m.embedding, m.pending_embedding)::text AS embedding
      FROM memories m WHERE m.project_id = ${projectId}::uuid ORDER BY m.id`;
    const history = await t.prisma.$queryRaw<unknown[]>`
      SELECT to_jsonb(h) - 'project_id' AS row FROM memory_history h WHERE h.project_id = ${projectId}::uuid
      ORDER BY h.id`;
    const entities = await t.prisma.$queryRaw<unknown[]>`
      SELECT to_jsonb(e) - 'project_id' - 'id' AS row FROM entities e WHERE e.project_id = ${projectId}::uuid
      ORDER BY e.type, e.name`;
    return { memories, history, entities };
  }

  async function add(tenant: Tenant, body: Record<string, unknown>): Promise<string[]> {
    const response = await request(source.http)
      .post('/v3/memories/add/')
      .set(as(tenant))
      .send({ infer: false, ...body })
      .expect(200);
    return response.body.results.map((item: { id: string }) => item.id);
  }

  beforeAll(async () => {
    source = await createTestApp();
    a = await source.newTenant('export-src');
    dir = mkdtempSync(join(tmpdir(), 'mem0-portability-'));
    file = join(dir, 'project.jsonl');

    const [paris] = await add(a, { messages: 'Lives in Paris', user_id: 'alice', metadata: { source: 'chat', n: 1 } });
    await add(a, { messages: 'Likes jazz', user_id: 'alice', agent_id: 'dj', expiration_date: '2031-01-31' });
    await add(a, { messages: 'Blood type is O+', user_id: 'alice', immutable: true });
    const [gone] = await add(a, { messages: 'Owns a red car', user_id: 'bob', run_id: 'trip-1' });
    await add(a, { messages: 'Prefers short answers', agent_id: 'helper', app_id: 'desk' });
    await request(source.http).put(`/v1/memories/${paris}/`).set(as(a)).send({ text: 'Lives in Berlin' }).expect(200);
    await request(source.http).delete(`/v1/memories/${gone}/`).set(as(a)).expect(200);
    await request(source.http)
      .post('/v1/users/')
      .set(as(a))
      .send({ user_id: 'carol', metadata: { tier: 'gold' } })
      .expect(201);
    await source.prisma.memory.updateMany({
      where: { projectId: a.projectId, userId: 'alice' },
      data: { categories: ['personal_details', 'music'] },
    });
    await source.prisma.memory.updateMany({
      where: { projectId: a.projectId, agentId: 'helper' },
      data: { lifecycleState: 'superseded', replacedBy: paris, synthesized: true },
    });
    // Created last: passport's strategy registry is per process, so HTTP calls now authenticate against the target.
    target = await createTestApp();
    b = await target.newTenant('import-dst');
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([source.close(), target.close()]);
  });

  it('round-trips memories, vectors, history, deleted memories and entities into another database', async () => {
    const exported = await cli(source, 'export', '--project', a.projectId, '--out', file, '--progress-every', '2');
    // Progress comes a page at a time (500 rows): every 2 rows here means after each page.
    expect(exported.err).toEqual([
      'exported 4/5 (80%)',
      'exported 5/5 (100%)',
      `exported 4 memories, 1 deleted memories' history and 7 entities of project ${a.projectId} to ${file}`,
    ]);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({
      format: 'mem0-export',
      version: 1,
      project_id: a.projectId,
      embedder: 'static-use-v1-256+hash-v1-384',
      dimensions: 640,
      exported_at: expect.stringMatching(/\+00:00$/),
      count: 4,
      deleted_count: 1,
    });
    const memory = JSON.parse(lines.find((line) => line.includes('"Lives in Berlin"'))!);
    expect(memory).toMatchObject({ kind: 'memory', user_id: 'alice', hash: expect.any(String) });
    expect(memory.history.map((entry: { event: string }) => entry.event)).toEqual(['ADD', 'UPDATE']);
    expect(memory.embedding).toHaveLength(640);
    expect(memory.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);

    const imported = await cli(target, 'import', '--project', b.projectId, '--in', file, '--batch-size', '2');
    expect(imported.err).toContain('imported 5/5 (100%)');
    expect(imported.out).toEqual([
      `imported into project ${b.projectId}: 4 memories written, 0 already present, 7 history entries, 7 entities`,
    ]);
    expect(await dump(target, b.projectId)).toEqual(await dump(source, a.projectId));

    // Served like any other memory on the target server.
    const listed = await request(target.http)
      .post('/v3/memories/')
      .set(as(b))
      .send({ filters: { user_id: 'alice' } })
      .expect(200);
    expect(listed.body.results.map((m: { memory: string }) => m.memory).sort()).toEqual(
      ['Blood type is O+', 'Likes jazz', 'Lives in Berlin'].sort(),
    );
  });

  it('is a no-op when run again', async () => {
    const before = await dump(target, b.projectId);
    const again = await cli(target, 'import', '--project', b.projectId, '--in', file);
    expect(again.out).toEqual([
      `imported into project ${b.projectId}: 0 memories written, 4 already present, 0 history entries, 0 entities`,
    ]);
    expect(await dump(target, b.projectId)).toEqual(before);
  });

  it('pages by id: small pages give the same lines, a filter exports only its memories', async () => {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
    await portability(source).export({ projectId: a.projectId, out: sink, pageSize: 1 });
    const paged = chunks.join('').trimEnd().split('\n');
    expect(paged.slice(1)).toEqual(readFileSync(file, 'utf8').trimEnd().split('\n').slice(1));

    const filtered = join(dir, 'alice.jsonl');
    await cli(source, 'export', '--project', a.projectId, '--filters', '{"user_id": "alice"}', '--out', filtered);
    const [header, ...rest] = readFileSync(filtered, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(header).toMatchObject({ count: 3, deleted_count: 0, entity_count: 0, filters: { user_id: 'alice' } });
    expect(rest.map((line) => [line.kind, line.user_id])).toEqual([
      ['memory', 'alice'],
      ['memory', 'alice'],
      ['memory', 'alice'],
    ]);
  });

  it('refuses ids that belong to another project of the same database, naming the id', async () => {
    const other = await source.newTenant('same-db');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const first = lines.findIndex((line) => line.startsWith('{"kind":"memory"'));
    const id = JSON.parse(lines[first]).id;
    await expect(cli(source, 'import', '--project', other.projectId, '--in', file)).rejects.toThrow(
      `line ${first + 1}: Memory ${id} already exists in another project (${a.projectId}) of this database`,
    );
    expect(await source.prisma.memory.count({ where: { projectId: other.projectId } })).toBe(0);
  });

  it('stops at a malformed line with its number, writing nothing of that batch', async () => {
    const target2 = await target.newTenant('malformed');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const memoryLines = lines.filter((line) => line.startsWith('{"kind":"memory"'));
    const broken = join(dir, 'broken.jsonl');
    const badTimestamp = JSON.stringify({ ...JSON.parse(memoryLines[2]), created_at: 'yesterday' });
    writeFileSync(broken, [lines[0], memoryLines[0], memoryLines[1], badTimestamp, '{"kind": "memory",'].join('\n'));
    await expect(cli(target, 'import', '--project', target2.projectId, '--in', broken)).rejects.toThrow(
      'line 4: "created_at" must be an ISO 8601 timestamp with a UTC offset',
    );
    writeFileSync(broken, [lines[0], memoryLines[0], '{"kind": "memory",'].join('\n'));
    await expect(cli(target, 'import', '--project', target2.projectId, '--in', broken)).rejects.toThrow(
      /^line 3: not valid JSON/,
    );
    expect(await target.prisma.memory.count({ where: { projectId: target2.projectId } })).toBe(0);
    expect(await target.prisma.memoryHistory.count({ where: { projectId: target2.projectId } })).toBe(0);

    writeFileSync(broken, '{"format": "something-else"}\n');
    await expect(cli(target, 'import', '--project', target2.projectId, '--in', broken)).rejects.toThrow(
      'line 1: not a mem0-export file',
    );
    await expect(
      cli(target, 'import', '--project', '00000000-0000-4000-8000-000000000000', '--in', file),
    ).rejects.toThrow('No project with id 00000000-0000-4000-8000-000000000000');
  });
});
