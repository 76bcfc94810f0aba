#!/usr/bin/env bash
# Stands in for Prisma's schema engine, which cannot be downloaded on offline machines.
# `prisma generate` never calls it; migrations are hand-written SQL applied by scripts/migrate.ts.
echo "The Prisma schema engine is not installed here: write the migration SQL by hand in prisma/migrations and run 'npm run migrate'." >&2
exit 1
