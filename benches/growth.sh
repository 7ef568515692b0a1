#!/usr/bin/env bash
# Cost growth: list, search and detail at 10k and 100k postings (the 1M point is the main run of
# benches/run.py). Each size gets a fresh data dir, the seeder's data and its own release server.
#
# Usage: benches/growth.sh [SIZES...]   (default: 10000 100000; each a multiple of 100)
# Needs: a release build (cargo build --release), wrk, psql. Data dirs: /var/tmp/careers-growth-N.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/../target/release/careers"
port=3901
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
for n in "${sizes[@]}"; do
  dir="/var/tmp/careers-growth-$n"
  rm -rf "$dir"
  export CAREERS_DATA_DIR="$dir"
  echo "== $n postings =="
  "$bin" seed --tenants $((n / 100)) --jobs-per-tenant 100 --seed 1 2>/dev/null | tail -1
  CAREERS_API_READS_PER_MINUTE=0 CAREERS_API_APPLIES_PER_MINUTE=0 CAREERS_RECONCILE_CRON=off \
    CAREERS_LOG_FORMAT=json "$bin" serve --addr 127.0.0.1:$port >"$dir.log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.5
  done
  "$here/run.py" --base "http://127.0.0.1:$port" --runs 3 --duration 8 \
    --only "json list page 1,json list q=broad,json list q=rare,json detail" | sed -n '/^| scenario/,$p'
  kill -INT $server
  wait $server || true
  rm -rf "$dir" "$dir.log"
done
