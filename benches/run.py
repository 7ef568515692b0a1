#!/usr/bin/env python3
"""Load benchmark of a running `careers serve --release` on loopback (see docs/BENCHMARKS.md).

Usage: benches/run.py [--base URL] [--runs 3] [--duration 15] [--connections 32] [--only NAME,...]
                      [--pgbench] [--apply-duration 10]

Needs: wrk (Debian `wrk`), psql/pgbench (PostgreSQL client), a server started with the API rate
limits off (CAREERS_API_READS_PER_MINUTE=0 CAREERS_API_APPLIES_PER_MINUTE=0) and its database
reachable by --db (a libpq connection string;
default: the embedded cluster under $CAREERS_DATA_DIR). Prints one Markdown table of medians.
"""

import argparse
import os
import random
import re
import statistics
import string
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BROAD = ["engineer", "manager", "developer", "sales", "analyst", "designer", "senior", "support"]
# Misspellings (one or two edits, first letter right) and prefixes of words the catalog uses.
TYPOS = ["enginer", "managr", "develper", "analsyt", "desinger", "acountant", "recruter", "suport"]
PREFIXES = ["engi", "mana", "develo", "anal", "desig", "accou", "recru", "supp"]
FILTER_CITIES = ["berlin", "london", "paris", "new york", "toronto", "madrid", "amsterdam", "remote"]


def psql(db, sql):
    out = subprocess.run(["psql", db, "-Atqc", sql], check=True, capture_output=True, text=True)
    return [l for l in out.stdout.splitlines() if l]


def server_pid(port):
    out = subprocess.run(["ss", "-ltnpH", f"sport = :{port}"], capture_output=True, text=True).stdout
    m = re.search(r"pid=(\d+)", out)
    return int(m.group(1)) if m else None


def rss_kb(pid):
    """(current RSS, peak RSS) in kB from /proc."""
    cur = peak = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            cur = int(line.split()[1])
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1])
    return cur, peak


def wrk(base, script, paths, duration, conns, extra_env=None):
    with tempfile.NamedTemporaryFile("w", delete=False, suffix=".txt") as f:
        f.write("\n".join(paths))
        name = f.name
    env = dict(os.environ, PATHS=name, **(extra_env or {}))
    out = subprocess.run(
        ["wrk", "-t2", f"-c{conns}", f"-d{duration}s", "--timeout", "5s", "-s", str(HERE / script), base],
        capture_output=True, text=True, env=env,
    )
    os.unlink(name)
    m = re.search(r"RESULT (.*)", out.stdout)
    if not m:
        sys.exit(f"wrk failed:\n{out.stdout}\n{out.stderr}")
    return {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())}


def rare_terms(db):
    # Words that occur in few titles: sample titles and keep their least common word.
    rows = psql(db, "SELECT title FROM public.job_catalog TABLESAMPLE SYSTEM (1) LIMIT 2000")
    words = [w.lower() for t in rows for w in re.findall(r"[A-Za-z]{6,}", t)]
    counts = {w: words.count(w) for w in set(words)}
    rare = sorted(counts, key=lambda w: counts[w])[:50]
    return rare or ["kubernetes"]


def scenarios(db):
    ids = psql(db, "SELECT job_id FROM public.job_catalog TABLESAMPLE SYSTEM (2) "
                   "WHERE published_at <= now() AND (expires_at IS NULL OR expires_at > now()) LIMIT 5000")
    apply_ids = psql(db, "SELECT job_id FROM public.job_catalog TABLESAMPLE SYSTEM (2) "
                         "WHERE published_at <= now() AND (expires_at IS NULL OR expires_at > now()) "
                         "AND NOT coalesce((application_form->>'require_cover_letter')::boolean, false) "
                         "AND NOT jsonb_path_exists(application_form, '$.questions[*] ? (@.required == true)') "
                         "LIMIT 5000")
    rare = rare_terms(db)
    rnd = random.Random(7)
    nomatch = ["".join(rnd.choices(string.ascii_lowercase, k=9)) for _ in range(200)]
    api = "/api/v1/careers"
    return [
        ("json list page 1", "paths.lua", [f"{api}/jobs/"]),
        ("json list q=broad", "paths.lua", [f"{api}/jobs/?q={t}" for t in BROAD]),
        ("json list q=rare", "paths.lua", [f"{api}/jobs/?q={t}" for t in rare]),
        ("json list q=no match", "paths.lua", [f"{api}/jobs/?q={t}" for t in nomatch]),
        ("json list q=typo", "paths.lua", [f"{api}/jobs/?q={t}" for t in TYPOS]),
        ("json list q=prefix", "paths.lua", [f"{api}/jobs/?q={t}" for t in PREFIXES]),
        ("json list 3 filters", "paths.lua",
         [f"{api}/jobs/?job_type=full_time&remote_policy=hybrid&location={c.replace(' ', '+')}" for c in FILTER_CITIES]),
        ("json list q + 3 filters", "paths.lua",
         [f"{api}/jobs/?q={t}&job_type=full_time&remote_policy=hybrid&location={c.replace(' ', '+')}"
          for t in BROAD for c in FILTER_CITIES]),
        ("json list salary filter", "paths.lua",
         [f"{api}/jobs/?salary_min={m}&ordering=-salary_max" for m in range(40000, 160000, 10000)]),
        ("json facets", "paths.lua", [f"{api}/facets/"]),
        ("json facets q=broad", "paths.lua", [f"{api}/facets/?q={t}" for t in BROAD]),
        ("json facets q=rare", "paths.lua", [f"{api}/facets/?q={t}" for t in rare]),
        ("json facets q + 3 filters", "paths.lua",
         [f"{api}/facets/?q={t}&job_type=full_time&remote_policy=hybrid&location={c.replace(' ', '+')}"
          for t in BROAD for c in FILTER_CITIES]),
        ("json detail", "paths.lua", [f"{api}/jobs/{i}/" for i in ids]),
        ("json list page 481-500", "paths.lua", [f"{api}/jobs/?page={p}" for p in range(481, 501)]),
        ("ssr /jobs", "paths.lua", ["/jobs"]),
        ("ssr /jobs?q=engineer&remote", "paths.lua", [f"/jobs?q={t}&remote_policy=remote" for t in BROAD]),
        ("ssr /jobs/{id}", "paths.lua", [f"/jobs/{i}" for i in ids]),
        ("apply (200 KB PDF)", "apply.lua", [f"{api}/jobs/{i}/apply/" for i in apply_ids]),
    ]


def count_applications(db):
    return int(psql(db, """
        CREATE TEMP TABLE IF NOT EXISTS _n (n bigint);
        DO $$ DECLARE s text; n bigint; t bigint := 0; BEGIN
          FOR s IN SELECT schema_name FROM public.tenants LOOP
            EXECUTE format('SELECT count(*) FROM %I.applications', s) INTO n; t := t + n;
          END LOOP;
          DELETE FROM _n; INSERT INTO _n VALUES (t); END $$;
        SELECT n FROM _n;""")[-1])


def pgbench_floor(db, duration, conns, ids):
    """Requests/s of the list and detail SQL alone, at the same concurrency."""
    results = {}
    # The statements the app runs for these two requests (src/catalog/query.rs), with the
    # visible job id drawn at random like the app's detail scenario.
    summary = ("c.job_id, c.title, c.company_slug, c.company_name, c.location, c.remote_policy, c.job_type, "
               "c.category, c.salary_min, c.salary_max, c.salary_currency, c.salary_period, c.published_at, "
               "c.expires_at, c.posting_updated_at, c.snippet")
    visible = "c.published_at <= now() AND (c.expires_at IS NULL OR c.expires_at > now())"
    list_sql = (f"SELECT {summary} FROM public.job_catalog c WHERE {visible} "
                "ORDER BY c.published_at DESC, c.job_id DESC LIMIT 20 OFFSET 0;\n")
    detail_sql = ("\\set i random(1, {n})\n"
                  f"SELECT {summary}, c.tenant_id, c.description_html, c.application_form, p.logo_url, "
                  "p.website, p.brand_color, p.consent_text, p.consent_version "
                  "FROM public.job_catalog c LEFT JOIN public.company_profiles p ON p.tenant_id = c.tenant_id "
                  "WHERE c.job_id = (SELECT job_id FROM _bench_ids WHERE n = :i) "
                  f"AND {visible};\n")
    psql(db, "DROP TABLE IF EXISTS _bench_ids; CREATE TABLE _bench_ids (n int PRIMARY KEY, job_id uuid);")
    values = ",".join(f"({n + 1},'{i}')" for n, i in enumerate(ids))
    with tempfile.NamedTemporaryFile("w", delete=False, suffix=".sql") as f:
        f.write(f"INSERT INTO _bench_ids VALUES {values};\n")
        insert = f.name
    subprocess.run(["psql", db, "-q", "-f", insert], check=True, capture_output=True)
    os.unlink(insert)
    for name, sql in [("list page 1", list_sql), ("detail", detail_sql.format(n=len(ids)))]:
        with tempfile.NamedTemporaryFile("w", delete=False, suffix=".sql") as f:
            f.write(sql)
            script = f.name
        out = subprocess.run(["pgbench", "-n", "-M", "prepared", "-c", str(conns), "-j", "2", "-T", str(duration),
                              "-f", script, db], capture_output=True, text=True)
        os.unlink(script)
        m = re.search(r"tps = ([\d.]+)", out.stdout)
        results[name] = float(m.group(1)) if m else 0.0
    psql(db, "DROP TABLE IF EXISTS _bench_ids")
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="http://127.0.0.1:3900")
    ap.add_argument("--db", default=None)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--apply-duration", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--only", default="")
    ap.add_argument("--pgbench", action="store_true")
    args = ap.parse_args()
    db = args.db or os.environ.get("DATABASE_URL") or \
        f"host={Path(os.environ.get('CAREERS_DATA_DIR', '.careers')).resolve()}/postgres/run user=postgres dbname=careers"
    port = int(args.base.rsplit(":", 1)[1].split("/")[0])
    pid = server_pid(port)
    if not pid:
        sys.exit(f"no server listens on port {port}; start `careers serve --addr 127.0.0.1:{port}` first")
    rows = int(psql(db, "SELECT count(*) FROM public.job_catalog")[0])
    print(f"catalog rows: {rows}; server pid {pid}; {args.connections} connections; "
          f"{args.runs} runs x {args.duration}s per scenario\n", flush=True)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    table = []
    before_apps = None
    for name, script, paths in scenarios(db):
        if only and not any(o in name for o in only):
            continue
        runs = []
        is_apply = script == "apply.lua"
        if is_apply:
            before_apps = count_applications(db)
        for _ in range(args.runs):
            runs.append(wrk(args.base, script, paths, args.apply_duration if is_apply else args.duration,
                            args.connections))
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        note = ""
        if is_apply:
            acked = int(sum(r["ok"] for r in runs))
            stored = count_applications(db) - before_apps
            note = f"acked {acked}, stored {stored}"
        cur, peak = rss_kb(pid)
        table.append((name, med, int(sum(r["bad"] + r["errors"] for r in runs)), peak // 1024, note))
        print(f"{name:32s} {med['rps']:9.0f} req/s  p50 {med['p50_ms']:7.2f} ms  p99 {med['p99_ms']:7.2f} ms  "
              f"errors {table[-1][2]}  peak RSS {peak // 1024} MB {note}", flush=True)
    print("\n| scenario | req/s | p50 ms | p99 ms | errors | peak RSS MB | notes |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, med, errs, peak, note in table:
        print(f"| {name} | {med['rps']:.0f} | {med['p50_ms']:.2f} | {med['p99_ms']:.2f} | {errs} | {peak} | {note} |")
    if args.pgbench:
        ids = psql(db, "SELECT job_id FROM public.job_catalog TABLESAMPLE SYSTEM (2) "
                       "WHERE published_at <= now() AND (expires_at IS NULL OR expires_at > now()) LIMIT 5000")
        floor = pgbench_floor(db, args.duration, args.connections, ids)
        print("\n| database floor (pgbench, same SQL) | tps |")
        print("|---|---:|")
        for k, v in floor.items():
            print(f"| {k} | {v:.0f} |")


if __name__ == "__main__":
    main()
