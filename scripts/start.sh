#!/usr/bin/env bash
# `npm start`: prepare a fresh clone (deps, pgvector, Prisma client, migrations, build), then run
# the API and the worker.
source "$(dirname "$0")/lib/prepare.sh"

npx tsx scripts/migrate.ts

if [ ! -f dist/.build-stamp ] || [ -n "$(find apps libs tsconfig.json tsconfig.build.json nest-cli.json -newer dist/.build-stamp -type f -print -quit)" ]; then
  step "building"
  npx nest build api
  touch dist/.build-stamp
fi

exec node scripts/launch.mjs
