import { ensureDatabase, migrate } from './lib/database';

// Creates the database when missing and applies the pending hand-written migrations.
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mem0';
  if (await ensureDatabase(url)) {
    console.log(`migrate: created database ${new URL(url).pathname.slice(1)}`);
  }
  const { applied } = await migrate(url);
  console.log(applied.length ? `migrate: applied ${applied.join(', ')}` : 'migrate: database is up to date');
}

main().catch((error: unknown) => {
  console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
