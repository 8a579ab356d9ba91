#!/usr/bin/env bash
# Install time and size of @batch-uploader/server from its tarball in an empty app, as a
# host meets it: alone (express, its one required peer, comes with it), with
# better-sqlite3 (the SQLite store), with mongodb (the MongoDB store, a host's own
# processor), and with every optional peer (what every host installed before they were
# optional). Each install starts from an empty npm cache, so every package is downloaded
# from the registry; INSTALL_CACHE=warm uses npm's own cache instead (--prefer-offline).
#
#   bench/install-size.sh            # after npm run build; prints a table
#
# Figures are in docs/benchmarks.md ("Install time and size").
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
test -d "$root/packages/server/dist" || { echo "run npm run build first" >&2; exit 1; }

(cd "$root" && npm pack --silent --ignore-scripts --pack-destination "$work" -w packages/protocol -w packages/server >/dev/null)
tarballs=("$work"/batch-uploader-protocol-*.tgz "$work"/batch-uploader-server-*.tgz)

printf '%-34s %10s %10s %9s %s\n' 'install' 'seconds' 'MB' 'packages' 'built on install'
measure() {
  local label=$1; shift
  local app="$work/app-${label// /-}"
  mkdir -p "$app"
  echo '{ "name": "host-app", "private": true, "type": "module" }' > "$app/package.json"
  local cache=(--cache "$app/.npm-cache")
  [ "${INSTALL_CACHE:-cold}" = warm ] && cache=(--prefer-offline)
  local start end
  start=$(date +%s.%N)
  (cd "$app" && npm install --no-audit --no-fund --loglevel=error "${cache[@]}" "${tarballs[@]}" "$@" >/dev/null)
  end=$(date +%s.%N)
  local kb packages built
  kb=$(du -sk "$app/node_modules" | cut -f1)
  packages=$(cd "$app" && node -e 'const l=require("./package-lock.json");console.log(Object.keys(l.packages).filter(Boolean).length)')
  built=$(cd "$app" && node -e 'const l=require("./package-lock.json");console.log(Object.entries(l.packages).filter(([,p])=>p.hasInstallScript).map(([k])=>k.replace(/^.*node_modules\//,"")).join(" ")||"-")')
  printf '%-34s %10.1f %10.1f %9d %s\n' "$label" "$(echo "$end - $start" | bc)" "$(echo "scale=1; $kb / 1024" | bc)" "$packages" "$built"
}

measure 'server alone'
measure 'server + better-sqlite3' better-sqlite3
measure 'server + mongodb' mongodb
measure 'server + every optional peer' better-sqlite3 sharp pdfjs-dist mongodb nodemailer
