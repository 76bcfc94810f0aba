import { defineConfig } from 'prisma/config';

// Migrations are hand-written SQL applied by scripts/migrate.ts (Prisma's schema engine cannot be
// downloaded on offline machines); the layout stays compatible with `prisma migrate deploy`.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/mem0' },
});
