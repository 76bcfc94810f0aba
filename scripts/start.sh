#!/usr/bin/env bash
# `npm start`: prepare a fresh clone (deps, pgvector, Prisma client, migrations, build), then run
# the API and the worker.
source "$(dirname "$0")/lib/prepare.sh"
run_migrations
build_if_stale
build_dashboard_if_stale
exec node scripts/launch.mjs
