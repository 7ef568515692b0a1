#!/usr/bin/env bash
# The OpenAPI check: `careers serve --demo` on a fresh embedded database, then schemathesis with
# every check over /api/v1/openapi.json, two fixed seeds, bounded (about a minute). Fails on any
# disagreement between the document and the API. Needs the debug binary (`cargo build`) and
# schemathesis (`pip install schemathesis==4.32.5`). One worker: with two, 4.32.5 sometimes fails on
# an internal cache error (a KeyError of its own), not on the API.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d /var/tmp/careers-schemathesis.XXXXXX)
# As root the embedded PostgreSQL runs as `postgres`, which must reach the directory.
chmod 755 "$data"
port=3977
CAREERS_DATA_DIR="$data" CAREERS_API_READS_PER_MINUTE=0 CAREERS_API_APPLIES_PER_MINUTE=0 \
  CAREERS_RECONCILE_CRON=off RUST_LOG=warn \
  ./target/debug/careers serve --demo --addr "127.0.0.1:$port" >"$data/server.log" 2>&1 &
server=$!
cleanup() {
  kill -TERM "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 1 600); do
  if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
    "http://127.0.0.1:$port/readyz" 2>/dev/null; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then cat "$data/server.log"; exit 1; fi
  sleep 0.1
done
for seed in 42 7; do
  st --config-file end2end/schemathesis.toml run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --checks all --max-examples 100 --seed "$seed" --workers 1 --no-color
done
