#!/usr/bin/env bash
# Installs what redline needs, idempotently; `npm start` and `npm test` call it first.
# Debian packages through apt when run as root; npm packages with the native modules built
# against Debian's GDAL (gdal-async's bundled GDAL takes an hour to build, see shared recipes).
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# libgdal-dev: headers and library for gdal-async; gdal-bin: ogr2ogr/ogrinfo (test oracles);
# postgis: the reference overlay in tests and the benchmark peer; chromium and a CJK font: the
# end-to-end test of the web app in a real headless browser; zip: the tests zip real shapefiles.
for p in libgdal-dev gdal-bin postgis postgresql-15-postgis-3 chromium fonts-wqy-microhei zip; do
  have "$p" || need_pkgs+=("$p")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "setup: installing Debian packages: ${need_pkgs[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >&2
  else
    echo "setup: missing Debian packages (${need_pkgs[*]}); run as root or install them" >&2
  fi
fi

stamp=node_modules/.redline-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ] \
   || ! node -e "require('gdal-async'); require('better-sqlite3')" >/dev/null 2>&1; then
  echo "setup: installing npm packages (native modules build against the system GDAL, ~2 min)" >&2
  npm_config_build_from_source=true npm_config_shared_gdal=true npm ci --no-audit --no-fund >&2
  node -e "require('gdal-async'); require('better-sqlite3')" || { echo "setup: a native module (gdal-async, better-sqlite3) did not build" >&2; exit 1; }
  touch "$stamp"
fi

# Compile to dist/ so the CLI and its worker processes start without a TypeScript loader
# (bin/redline.js falls back to the sources when dist/ is older than them).
npx --no-install tsc -p tsconfig.build.json

# Build the web app (Vite) when its sources are newer than the build: the service serves web/dist.
if [ -f web/vite.config.ts ]; then
  if [ ! -f web/dist/index.html ] || [ -n "$(find web -path web/dist -prune -o -newer web/dist/index.html -type f -print -quit)" ]; then
    echo "setup: building the web app" >&2
    npx --no-install vite build --config web/vite.config.ts --logLevel warn >&2
  fi
fi
