#!/usr/bin/env bash
# Installs what Service Lane needs on this machine, then runs the given command with the tools on its
# environment. Usage: scripts/with-tools.sh run|test -- command...
# Heavy builds go to a cache outside the repo ($SERVICE_LANE_CACHE, default ~/.cache/service-lane)
# and are reused on the next run.
set -euo pipefail
mode=$1; shift
[ "${1:-}" = "--" ] && shift
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${SERVICE_LANE_CACHE:-$HOME/.cache/service-lane}
mkdir -p "$cache/bin"
cd "$root"
say() { printf '[setup] %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq >&2; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# npm packages, when the lock changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  # Not `npm ci`: npm 11 leaves other platforms' optional packages (@swc/core-darwin-…) out of the
  # lock it writes and then refuses that same lock. `install --no-save` installs the locked versions.
  npm install --no-audit --no-fund --no-save --loglevel=error >&2
fi

# Prisma client. Generation needs no schema engine, but Prisma insists on finding one: a stub satisfies it.
if [ ! -f generated/prisma/client.ts ] || [ prisma/schema.prisma -nt generated/prisma/client.ts ]; then
  say "generating the Prisma client"
  stub="$cache/bin/prisma-schema-engine-stub"
  [ -x "$stub" ] || { printf '#!/bin/sh\nexit 1\n' > "$stub"; chmod +x "$stub"; }
  PRISMA_SCHEMA_ENGINE_BINARY=$stub npx prisma generate >&2
  touch generated/prisma/client.ts
fi

# Temporal CLI (dev server): $TEMPORAL_CLI, else one on PATH, else built once from the Go module proxy.
if [ -z "${TEMPORAL_CLI:-}" ]; then
  if command -v temporal >/dev/null 2>&1; then
    TEMPORAL_CLI=$(command -v temporal)
  else
    TEMPORAL_CLI=$cache/bin/temporal
    if [ ! -x "$TEMPORAL_CLI" ]; then
      command -v go >/dev/null 2>&1 || apt_install golang-go
      say "building the Temporal CLI v1.5.1 from the Go module proxy (a few minutes, once)"
      # Later tags carry replace directives and cannot be go-installed.
      GOBIN=$cache/bin go install github.com/temporalio/cli/cmd/temporal@v1.5.1 >&2
    fi
  fi
fi
export TEMPORAL_CLI

if [ "$mode" = test ]; then
  # Java time-skipping test server, from Maven Central, with a class-data-sharing archive so the JVM
  # answers within the 5 s the SDK waits.
  ts=$cache/test-server
  if [ ! -f "$ts/lib/.complete" ]; then
    command -v mvn >/dev/null 2>&1 || apt_install maven openjdk-17-jre-headless
    say "fetching the Temporal time-skipping test server from Maven Central"
    rm -rf "$ts/lib"
    mvn -q -B -f scripts/test-server/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$ts/lib" >&2
    touch "$ts/lib/.complete"
    rm -f "$ts/app.jsa"
  fi
  if [ ! -f "$ts/app.jsa" ]; then
    port=$(node -e "const s=require('net').createServer().listen(0,()=>{console.log(s.address().port);s.close()})")
    java -XX:ArchiveClassesAtExit="$ts/app.jsa" -cp "$ts/lib/*" io.temporal.testserver.TestServer "$port" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
    kill -TERM "$pid"; wait "$pid" || true
  fi
  cat > "$ts/run" <<WRAP
#!/bin/sh
exec java -Xshare:auto -XX:SharedArchiveFile=$ts/app.jsa -cp '$ts/lib/*' io.temporal.testserver.TestServer "\$@"
WRAP
  chmod +x "$ts/run"
  export TEMPORAL_TEST_SERVER=$ts/run

  # The production Temporal server and its schema tool for tests/topology, at the version
  # docker-compose.yml runs, built once from the Go module proxy (15-20 minutes cold on 2 cores), with
  # the schema files the admin-tools image carries. TEMPORAL_SERVER_DIR names a ready-made directory.
  if [ -z "${TEMPORAL_SERVER_DIR:-}" ]; then
    server_version=$(sed -n 's|^ *image: *temporalio/server:\([0-9][0-9.]*\) *$|\1|p' docker-compose.yml)
    [ -n "$server_version" ] || { say "docker-compose.yml names no temporalio/server:<version>"; exit 1; }
    TEMPORAL_SERVER_DIR=$cache/temporal-server/v$server_version
    if [ ! -f "$TEMPORAL_SERVER_DIR/.complete" ]; then
      command -v go >/dev/null 2>&1 || apt_install golang-go
      say "building the Temporal server v$server_version and its sql tool from the Go module proxy (15-20 minutes, once)"
      mkdir -p "$TEMPORAL_SERVER_DIR"
      GOBIN=$TEMPORAL_SERVER_DIR go install "go.temporal.io/server/cmd/server@v$server_version" >&2
      GOBIN=$TEMPORAL_SERVER_DIR go install "go.temporal.io/server/cmd/tools/sql@v$server_version" >&2
      rm -rf "$TEMPORAL_SERVER_DIR/schema"
      cp -R "$(go env GOMODCACHE)/go.temporal.io/server@v$server_version/schema" "$TEMPORAL_SERVER_DIR/schema"
      chmod -R u+w "$TEMPORAL_SERVER_DIR/schema"
      touch "$TEMPORAL_SERVER_DIR/.complete"
    fi
  fi
  export TEMPORAL_SERVER_DIR

  # A real PostgreSQL for the integration tests.
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
    say "installing PostgreSQL from Debian"
    apt_install postgresql
  fi

  # Debian's faketime (libfaketime) for `npm run test:clock`: the time-sensitive suites under shifted clocks.
  if [ ! -f /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 ]; then
    say "installing faketime from Debian"
    # Waits for the dpkg lock when another install (e.g. a parallel setup) holds it.
    apt_install -o DPkg::Lock::Timeout=300 faketime
  fi

  # Debian's Chromium (and a CJK font for the zh-CN pages) for the browser tests, driven by playwright-core.
  if [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
    say "installing Chromium and fonts-wqy-microhei from Debian"
    apt_install chromium fonts-wqy-microhei
  fi
fi

exec "$@"
