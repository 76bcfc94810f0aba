#!/usr/bin/env bash
# `npm run admin -- <command>`: the admin CLI (orgs, projects, users, API keys) on the built code.
source "$(dirname "$0")/lib/prepare.sh" >&2
run_migrations >&2
build_if_stale >&2
exec node dist/apps/admin/src/main.js "$@"
