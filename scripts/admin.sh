#!/usr/bin/env bash
# `npm run admin -- <command>`: the admin CLI (orgs, projects, users, API keys) on the built code.
source "$(dirname "$0")/lib/prepare.sh" >&2

npx tsx scripts/migrate.ts >/dev/null
if [ ! -f dist/.build-stamp ] || [ -n "$(find apps libs tsconfig.json tsconfig.build.json nest-cli.json -newer dist/.build-stamp -type f -print -quit)" ]; then
  npx nest build api >&2
  touch dist/.build-stamp
fi

exec node dist/apps/admin/src/main.js "$@"
