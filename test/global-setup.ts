import { dropDatabase, ensureDatabase, migrate } from '../scripts/lib/database';
import { templateDatabaseUrl } from './utils/databases';

/** Migrates a template database once; every test file then gets its own copy of it. */
export default async function globalSetup(): Promise<void> {
  const template = templateDatabaseUrl();
  await dropDatabase(template);
  await ensureDatabase(template);
  await migrate(template);
}
