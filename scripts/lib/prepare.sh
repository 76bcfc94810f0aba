# Sourced by scripts/start.sh and scripts/test.sh: everything a fresh clone needs before it runs.
# Each step is skipped when its inputs have not changed since it last ran.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

export PRISMA_SCHEMA_ENGINE_BINARY="$PWD/scripts/prisma-engine-stub.sh"
export CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1 NPM_CONFIG_UPDATE_NOTIFIER=false
export PATH="$PWD/node_modules/.bin:$PATH"

step() { printf '\033[1m> %s\033[0m\n' "$*" >&2; }
fingerprint() { cat "$@" 2>/dev/null | sha256sum | cut -d' ' -f1; }

node scripts/preflight.mjs

lock_sum="$(fingerprint package-lock.json .npmrc)"
if [ "$(cat node_modules/.install-stamp 2>/dev/null)" != "$lock_sum" ]; then
  step "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.install-stamp
fi

db_host="$(node -e 'console.log(new URL(process.env.DATABASE_URL || "postgresql://127.0.0.1/x").hostname)')"
case "$db_host" in
  127.*|localhost|::1|"") bash scripts/install-pgvector.sh ;;
esac

schema_sum="$(fingerprint prisma/schema.prisma package-lock.json)"
if [ "$(cat libs/core/src/prisma/generated/.stamp 2>/dev/null)" != "$schema_sum" ]; then
  step "generating the Prisma client"
  prisma generate >/dev/null
  echo "$schema_sum" > libs/core/src/prisma/generated/.stamp
fi

# The default offline embedder's word table (file name = TABLE_ID in libs/ai/src/offline/embedder-table.ts).
if [ ! -f .cache/embedder/static-use-v1-256.bin ]; then
  step "building the offline embedder's word table (once, about 2 minutes)"
  tsx scripts/build-embedder-table.ts
fi

run_migrations() { tsx scripts/migrate.ts; }

build_if_stale() {
  if [ ! -f dist/.build-stamp ] || [ -n "$(find apps libs tsconfig.json tsconfig.build.json nest-cli.json -newer dist/.build-stamp -type f -print -quit)" ]; then
    step "building"
    nest build api
    touch dist/.build-stamp
  fi
}

# The admin dashboard (dashboard/, React + Vite) that the API serves at /dashboard.
build_dashboard_if_stale() {
  if [ ! -f dist/dashboard/index.html ] || [ -n "$(find dashboard package-lock.json -newer dist/dashboard/index.html -type f -print -quit)" ]; then
    step "building the dashboard"
    vite build --config dashboard/vite.config.mts --logLevel warn
  fi
}
