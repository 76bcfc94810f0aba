import { randomBytes } from 'node:crypto';
import { databaseName, dropDatabase, ensureDatabase, withDatabase } from '../../scripts/lib/database';

export function baseDatabaseUrl(): string {
  return process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mem0_test';
}

export function templateDatabaseUrl(): string {
  const base = baseDatabaseUrl();
  return withDatabase(base, `${databaseName(base)}_tpl`);
}

/** A fresh, migrated database copied from the template (fast: a file copy, no migrations). */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = baseDatabaseUrl();
  const url = withDatabase(base, `${databaseName(base)}_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(url, databaseName(templateDatabaseUrl()));
  return { url, drop: () => dropDatabase(url) };
}
