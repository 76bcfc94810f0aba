#!/usr/bin/env bash
# `npm test`: prepare a fresh clone, type-check and lint, then run every jest suite on its own database
# (TEST_DATABASE_URL, per-file copies of a migrated template) and Redis prefix, so a running
# server is never disturbed. Extra arguments go to jest (e.g. `npm test -- test/e2e/auth`).
source "$(dirname "$0")/lib/prepare.sh"

export DATABASE_URL="${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/mem0_test}"
export REDIS_PREFIX="${TEST_REDIS_PREFIX:-mem0test}"
export NODE_ENV=test

step "type-checking and linting"
tsc --noEmit -p tsconfig.json
tsc --noEmit -p dashboard/tsconfig.json
eslint apps libs test scripts prisma.config.ts
# The launcher and outage tests run the built processes, as `npm start` does.
build_if_stale
build_dashboard_if_stale

step "running tests"
jest --runInBand "$@"
