import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  databaseName,
  dropDatabase,
  ensureDatabase,
  listMigrations,
  migrate,
  withDatabase,
} from '../../scripts/lib/database';
import { baseDatabaseUrl } from '../utils/databases';

describe('migration runner', () => {
  const url = withDatabase(baseDatabaseUrl(), `${databaseName(baseDatabaseUrl())}_migrate_${process.pid}`);

  beforeEach(async () => {
    await dropDatabase(url);
    await ensureDatabase(url);
  });
  afterAll(() => dropDatabase(url));

  it('records migrations exactly as Prisma Migrate does and applies each once', async () => {
    const migrations = listMigrations();
    expect((await migrate(url)).applied).toEqual(migrations.map((migration) => migration.name));
    expect((await migrate(url)).applied).toEqual([]);

    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(
        'SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name',
      );
      expect(rows).toHaveLength(migrations.length);
      const first = migrations[0];
      const sql = readFileSync(join(__dirname, '..', '..', 'prisma', 'migrations', first.name, 'migration.sql'));
      expect(rows[0]).toMatchObject({
        migration_name: first.name,
        checksum: createHash('sha256').update(sql).digest('hex'),
        applied_steps_count: 1,
        rolled_back_at: null,
      });
      expect(rows[0].finished_at).toBeInstanceOf(Date);
      const extension = await client.query(`SELECT extversion FROM pg_extension WHERE extname = 'vector'`);
      expect(extension.rows[0].extversion).toMatch(/^0\.\d+\.\d+$/);
    } finally {
      await client.end();
    }
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    await migrate(url);
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(`UPDATE "_prisma_migrations" SET checksum = 'edited'`);
    await client.end();
    await expect(migrate(url)).rejects.toThrow(/changed after it was applied/);
  });

  it('lets only one runner migrate at a time', async () => {
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const applied = results.flatMap((result) => result.applied);
    expect(applied).toEqual(listMigrations().map((migration) => migration.name));
  });
});
