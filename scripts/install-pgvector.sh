#!/usr/bin/env bash
# Builds and installs the pgvector extension into the local PostgreSQL server when it is missing.
# Debian 12 does not package pgvector, so it is built from Debian's source package of the next
# release, fetched through a private apt configuration that leaves the system's sources untouched.
# Idempotent: does nothing when the extension's control file already exists.
set -euo pipefail

PG_CONFIG="${PG_CONFIG:-$(command -v pg_config || true)}"
if [ -z "$PG_CONFIG" ]; then
  for candidate in /usr/lib/postgresql/*/bin/pg_config; do
    [ -x "$candidate" ] && PG_CONFIG="$candidate"
  done
fi
if [ -z "$PG_CONFIG" ] || [ ! -x "$PG_CONFIG" ]; then
  echo "install-pgvector: no local PostgreSQL server (pg_config) found; install pgvector on your database server." >&2
  exit 1
fi

SHAREDIR="$("$PG_CONFIG" --sharedir)"
if [ -f "$SHAREDIR/extension/vector.control" ]; then
  exit 0
fi

PG_MAJOR="$("$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')"
echo "install-pgvector: building pgvector for PostgreSQL $PG_MAJOR (one time, ~30 s)..."

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi

if [ ! -d "/usr/include/postgresql/$PG_MAJOR/server" ] || ! command -v make >/dev/null || ! command -v gcc >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "postgresql-server-dev-$PG_MAJOR" build-essential >/dev/null
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/lists/partial" "$WORK/archives/partial" "$WORK/parts" "$WORK/src"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" > "$WORK/sources.list"
APT_OPTS=(
  -o "Dir::Etc::SourceList=$WORK/sources.list"
  -o "Dir::Etc::SourceParts=$WORK/parts"
  -o "Dir::State::Lists=$WORK/lists"
  -o "Dir::Cache::Archives=$WORK/archives"
  -o "Dir::Cache::pkgcache="
  -o "Dir::Cache::srcpkgcache="
  -o "APT::Sandbox::User=root"
)
apt-get "${APT_OPTS[@]}" -qq update
(cd "$WORK/src" && apt-get "${APT_OPTS[@]}" -qq source --download-only pgvector)

TARBALL="$(ls "$WORK"/src/pgvector_*.orig.tar.* | head -n 1)"
tar -xf "$TARBALL" -C "$WORK/src"
SRC_DIR="$(find "$WORK/src" -maxdepth 1 -mindepth 1 -type d -name 'pgvector*' | head -n 1)"
make -s -C "$SRC_DIR" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" >/dev/null
$SUDO make -s -C "$SRC_DIR" PG_CONFIG="$PG_CONFIG" OPTFLAGS="" install >/dev/null
echo "install-pgvector: installed $(grep default_version "$SHAREDIR/extension/vector.control" | cut -d"'" -f2)"
