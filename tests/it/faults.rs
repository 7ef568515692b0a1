//! The fault suite: the real `careers serve` binary under the faults an operator meets — one
//! tenant's table locked, the database stopped and started again, clients that trickle headers or
//! sit idle, SIGTERM under load, SIGKILL under apply load, an embedded cluster whose owner died.
//! Each test bounds its waits (a deadline to fail by, never a sleep to wait for work).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use careers::db::embedded::EmbeddedPostgres;
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

use crate::support::TestDb;
use crate::support::api::{open_draft, posting, tenant};
use crate::support::browser::{Launch, gauge};

fn person(email: &str) -> serde_json::Value {
    json!({"first_name": "Ada", "last_name": "Lovelace", "email": email, "consent": true})
}

/// One apply through the API: (status, Retry-After, elapsed, application id when stored).
async fn apply(
    client: &reqwest::Client,
    base: &str,
    job: Uuid,
    email: &str,
) -> (StatusCode, Option<String>, Duration, Option<Uuid>) {
    let started = Instant::now();
    let res = client
        .post(format!("{base}/api/v1/careers/jobs/{job}/apply/"))
        .json(&person(email))
        .send()
        .await
        .expect("the server answers");
    let status = res.status();
    let retry = res
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let body: serde_json::Value = res.json().await.unwrap_or_default();
    let id = body["application_id"].as_str().and_then(|s| s.parse().ok());
    (status, retry, started.elapsed(), id)
}

/// Applications stored in `tenant`'s schema.
async fn stored(pool: &sqlx::PgPool, tenant: &careers::tenancy::Tenant) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {}.applications",
        tenant.schema().quoted()
    ))
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A job's apply form page as served.
async fn form_page(client: &reqwest::Client, base: &str, job: Uuid) -> String {
    client
        .get(format!("{base}/jobs/{job}/apply"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The `_token` of an apply form page.
fn form_token(html: &str) -> String {
    let re = regex::Regex::new(r#"name="_token" value="([^"]+)""#).unwrap();
    re.captures(html).expect("a form token")[1].to_string()
}

/// The apply form of the seeded designer job, filled in, as a browser sends it.
fn filled_form(token: String, email: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("_token", token)
        .text("first_name", "Ada")
        .text("last_name", "Lovelace")
        .text("email", email.to_string())
        .text("q_years", "2 to 5 years")
        .text("consent", "yes")
}

fn percentile(mut xs: Vec<Duration>, p: f64) -> Duration {
    xs.sort();
    xs[((xs.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_tenant_gets_quick_503s_while_every_other_tenant_keeps_working() {
    let db = TestDb::new().await;
    let locked = tenant(&db.pool, "locked", "Locked Co").await;
    let locked_job = posting(&db.pool, &locked, open_draft("Welder")).await;
    let mut jobs = Vec::new();
    for i in 0..4 {
        let t = tenant(&db.pool, &format!("other-{i}"), &format!("Other {i}")).await;
        jobs.push((t.clone(), posting(&db.pool, &t, open_draft("Baker")).await));
    }
    let server = Launch::over(&db)
        .env("CAREERS_DB_POOL_SIZE", "8")
        .env("CAREERS_DB_LOCK_TIMEOUT", "1s")
        .env("CAREERS_API_APPLIES_PER_MINUTE", "0")
        .start()
        .await;
    let client = reqwest::Client::new();
    // 16 applications to one tenant (twice the whole pool) and 40 to the others, all at once.
    let burst = |round: &'static str| {
        let (client, base, jobs) = (client.clone(), server.base.clone(), jobs.clone());
        async move {
            let mut set = tokio::task::JoinSet::new();
            for i in 0..56 {
                let (client, base) = (client.clone(), base.clone());
                let (to_locked, job) = if i % 7 < 2 {
                    (true, locked_job)
                } else {
                    (false, jobs[i % 4].1)
                };
                set.spawn(async move {
                    let r = apply(&client, &base, job, &format!("{round}{i}@example.com")).await;
                    (to_locked, r)
                });
            }
            let (mut locked, mut others) = (Vec::new(), Vec::new());
            while let Some(done) = set.join_next().await {
                let (to_locked, r) = done.unwrap();
                if to_locked {
                    locked.push(r)
                } else {
                    others.push(r)
                }
            }
            (locked, others)
        }
    };
    // The same burst with nothing locked: the other tenants' normal latency under this load.
    let (_, normal) = burst("normal").await;
    assert!(normal.iter().all(|a| a.0 == StatusCode::CREATED));
    let normal_p99 = percentile(normal.iter().map(|a| a.2).collect(), 0.99);

    // Someone holds the tenant's applications table (a migration, a hand-run statement, …).
    let mut locker = db.pool.begin().await.unwrap();
    sqlx::raw_sql(&format!(
        "LOCK TABLE {}.applications IN ACCESS EXCLUSIVE MODE",
        locked.schema().quoted()
    ))
    .execute(&mut *locker)
    .await
    .unwrap();
    let (locked_answers, other_answers) = burst("p").await;
    locker.rollback().await.unwrap();

    assert_eq!((locked_answers.len(), other_answers.len()), (16, 40));
    for (status, retry, elapsed, _) in &locked_answers {
        assert_eq!(*status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(retry.is_some(), "a 503 says when to retry");
        // The lock deadline (1 s) or the tenant's share of the pool (1.5 s), not the lock's end.
        assert!(*elapsed < Duration::from_secs(5), "{elapsed:?}");
    }
    let latencies: Vec<Duration> = other_answers.iter().map(|a| a.2).collect();
    for (status, ..) in &other_answers {
        assert_eq!(*status, StatusCode::CREATED, "another tenant was held up");
    }
    let (p50, p99) = (
        percentile(latencies.clone(), 0.5),
        percentile(latencies, 0.99),
    );
    eprintln!(
        "other tenants while one is locked: p50 {p50:?}, p99 {p99:?} (nothing locked: p99 {normal_p99:?})"
    );
    // Had they queued behind the lock they would have waited at least the 1 s lock deadline.
    assert!(p99 < Duration::from_secs(1), "p99 {p99:?}");
    for (t, job) in &jobs {
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {}.applications WHERE job_id = $1",
            t.schema().quoted()
        ))
        .bind(job)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert!(n > 0);
    }
    // Once the lock is gone the tenant works again.
    let (status, ..) = apply(&client, &server.base, locked_job, "after@example.com").await;
    assert_eq!(status, StatusCode::CREATED);
}

/// A cluster of the test's own under `root`, which the test stops and starts.
async fn own_cluster(root: &Path) -> (EmbeddedPostgres, String) {
    let pg = EmbeddedPostgres::start(root)
        .await
        .expect("cannot start a PostgreSQL cluster for the test");
    careers::db::ensure_database(&pg.connect_options("postgres"), "careers")
        .await
        .unwrap();
    let url = format!(
        "postgres://postgres@localhost/careers?host={}",
        std::fs::canonicalize(root).unwrap().join("run").display()
    );
    (pg, url)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("careers-{name}-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_stopping_is_a_quick_503_logged_once_and_the_server_heals_when_it_returns() {
    let root = scratch("outage");
    let (pg, url) = own_cluster(&root.join("pg")).await;
    let log = root.join("server.log");
    let server = Launch::url(
        url.clone(),
        &format!("outage-data-{}", Uuid::new_v4().simple()),
    )
    .env("CAREERS_API_APPLIES_PER_MINUTE", "0")
    .env("CAREERS_API_READS_PER_MINUTE", "0")
    .log(&log)
    .start()
    .await;
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let acme = tenant(&pool, "acme", "Acme").await;
    let job = posting(&pool, &acme, open_draft("Gardener")).await;
    pool.close().await;
    let client = reqwest::Client::new();
    let detail = format!("{}/api/v1/careers/jobs/{job}/", server.base);
    assert_eq!(client.get(&detail).send().await.unwrap().status(), 200);

    pg.stop().await.unwrap();
    // Every kind of request during the outage: a quick 503 that says when to retry, never a 500.
    let page = format!("{}/jobs/{job}", server.base);
    let list = format!("{}/api/v1/careers/jobs/?q=gardener", server.base);
    let outage_started = Instant::now();
    let mut answered = 0;
    while outage_started.elapsed() < Duration::from_secs(3) {
        for (url, html) in [(&detail, false), (&page, true), (&list, false)] {
            let started = Instant::now();
            let mut req = client.get(url.as_str());
            if html {
                req = req.header("accept", "text/html");
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 503, "{url}");
            assert!(res.headers().contains_key("retry-after"), "{url}");
            let ct = res.headers()["content-type"].to_str().unwrap().to_string();
            assert!(
                if html {
                    ct.starts_with("text/html")
                } else {
                    ct == "application/problem+json"
                },
                "{url}: {ct}"
            );
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "{url}: {:?}",
                started.elapsed()
            );
            answered += 1;
        }
        let (status, retry, elapsed, _) =
            apply(&client, &server.base, job, "wait@example.com").await;
        assert_eq!(status, 503);
        assert!(
            retry.is_some() && elapsed < Duration::from_secs(2),
            "{elapsed:?}"
        );
        let started = Instant::now();
        let ready = client
            .get(format!("{}/readyz", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(ready.status(), 503);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        answered += 2;
    }

    let (pg, _) = own_cluster(&root.join("pg")).await;
    let back = Instant::now();
    loop {
        if client.get(&detail).send().await.unwrap().status() == 200 {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(5),
            "not healed 5 s after the database returned"
        );
        // Polling interval of the probe (not a wait for work).
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "{answered} requests answered 503 during the outage; healed in {:?}",
        back.elapsed()
    );
    let (status, ..) = apply(&client, &server.base, job, "back@example.com").await;
    assert_eq!(status, 201);
    drop(server);
    pg.stop().await.unwrap();

    // The outage is logged once per burst, without backtraces: a few short lines, not one per
    // request.
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("answered 503"))
        .collect();
    assert!(!lines.is_empty(), "the outage is logged:\n{text}");
    assert!(
        lines.len() <= 2,
        "{} lines for {answered} requests:\n{text}",
        lines.len()
    );
    assert!(
        text.lines().count() <= 20,
        "{} log lines:\n{text}",
        text.lines().count()
    );
    assert!(text.lines().all(|l| l.len() < 2_000), "{text}");
    assert!(text.len() < 20_000, "{} bytes of log", text.len());
    let _ = std::fs::remove_dir_all(&root);
}

#[tokio::test]
async fn slow_header_and_idle_connections_are_closed_by_the_header_timeout() {
    let db = TestDb::new().await;
    let server = Launch::over(&db)
        .env("CAREERS_HEADER_READ_TIMEOUT", "1s")
        .start()
        .await;
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut conns = Vec::new();
    for i in 0..40 {
        let mut s = TcpStream::connect(&addr).await.unwrap();
        if i % 2 == 0 {
            // Slowloris: headers begun, never finished.
            s.write_all(b"GET /jobs HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .await
                .unwrap();
        }
        conns.push(s);
    }
    // A keep-alive connection that goes idle after its answer.
    let mut idle = TcpStream::connect(&addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = idle.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    conns.push(idle);

    let started = Instant::now();
    for mut s in conns {
        // The server closes each one (EOF or reset); 10 s is the bound to fail by.
        let read = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => continue, // a 408 written before the close
                }
            }
        })
        .await;
        assert!(read.is_ok(), "a connection stayed open");
    }
    eprintln!(
        "41 slow or idle connections closed after {:?}",
        started.elapsed()
    );
    // The server itself is fine.
    let res = reqwest::get(format!("{}/healthz", server.base))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn sigterm_finishes_the_request_in_flight_closes_the_rest_and_exits_within_the_deadline() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme").await;
    let job = posting(&db.pool, &acme, open_draft("Plumber")).await;
    let log = std::env::temp_dir().join(format!("careers-term-{}.log", db.name));
    let mut server = Launch::over(&db)
        .env("CAREERS_SHUTDOWN_TIMEOUT", "4s")
        .env("CAREERS_HEADER_READ_TIMEOUT", "60s")
        .env("RUST_LOG", "info")
        .log(&log)
        .start()
        .await;
    let addr = server.base.trim_start_matches("http://").to_string();
    // Idle keep-alive connections and half-sent headers, which a drain must not wait for.
    let mut others = Vec::new();
    for i in 0..10 {
        let mut s = TcpStream::connect(&addr).await.unwrap();
        if i % 2 == 0 {
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                .await
                .unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).await.unwrap();
        } else {
            s.write_all(b"GET /jobs HTTP/1.1\r\nHost: x\r\n")
                .await
                .unwrap();
        }
        others.push(s);
    }
    // An application in flight: headers and half the body sent when the signal arrives.
    let body = person("inflight@example.com").to_string();
    let (head, tail) = body.split_at(body.len() / 2);
    let mut inflight = TcpStream::connect(&addr).await.unwrap();
    inflight
        .write_all(
            format!(
                "POST /api/v1/careers/jobs/{job}/apply/ HTTP/1.1\r\nHost: x\r\n\
                 Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{head}",
                body.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    inflight.flush().await.unwrap();
    // Wait until the server is handling it (a request still unread in the socket when the signal
    // comes is closed like an idle connection: the client sees a reset, never an answer).
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while gauge(&client, &server.base, "careers_http_requests_in_flight").await < 2.0 {
        assert!(
            Instant::now() < deadline,
            "the upload never reached a handler"
        );
        // Polling interval of the probe (not a wait for work).
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(client);

    let signalled = Instant::now();
    server.terminate();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !std::fs::read_to_string(&log)
        .unwrap_or_default()
        .contains("shutting down")
    {
        assert!(Instant::now() < deadline, "no shutdown logged");
        // Polling interval of the log check (not a wait for work).
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The server stopped accepting: a new connection is refused.
    assert!(TcpStream::connect(&addr).await.is_err(), "still accepting");
    inflight.write_all(tail.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), inflight.read_to_end(&mut answer))
        .await
        .expect("the in-flight request is answered")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    let status = server
        .wait_exit(Duration::from_secs(8))
        .await
        .expect("the server exits within the shutdown deadline");
    assert!(status.success(), "{status}");
    let took = signalled.elapsed();
    eprintln!("SIGTERM to exit: {took:?}");
    // Idle and half-sent connections do not hold the exit: it follows the last answer, well
    // before the 4 s deadline.
    assert!(took < Duration::from_secs(3), "{took:?}");
    let stored = stored(&db.pool, &acme).await;
    assert_eq!(stored, 1);
    let _ = std::fs::remove_file(&log);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_application_survives_sigkill_and_restart_exactly_once() {
    let db = TestDb::new().await;
    let acme = tenant(&db.pool, "acme", "Acme").await;
    let job = posting(&db.pool, &acme, open_draft("Electrician")).await;
    let data_dir = std::env::temp_dir().join(format!("careers-kill-{}", db.name));
    let launch = || {
        Launch::over(&db)
            .data_dir(&data_dir)
            .env("CAREERS_API_APPLIES_PER_MINUTE", "0")
    };
    let mut acknowledged: HashMap<Uuid, String> = HashMap::new();
    let client = reqwest::Client::new();
    let mut n = 0;
    for round in 0..3 {
        let server = launch().start().await;
        let base = server.base.clone();
        let mut set = tokio::task::JoinSet::new();
        for w in 0..8 {
            let (client, base) = (client.clone(), base.clone());
            let first = n + w * 1000;
            set.spawn(async move {
                let mut acks = Vec::new();
                for k in 0.. {
                    let email = format!("r{round}-w{w}-{k}-{first}@example.com");
                    let res = client
                        .post(format!("{base}/api/v1/careers/jobs/{job}/apply/"))
                        .json(&person(&email))
                        .send()
                        .await;
                    // The server dies mid-load: a request without an answer is not acknowledged.
                    let Ok(res) = res else { break };
                    if res.status() != 201 {
                        continue;
                    }
                    let Ok(body) = res.json::<serde_json::Value>().await else {
                        break;
                    };
                    let id = body["application_id"].as_str().unwrap().parse().unwrap();
                    acks.push((id, email));
                }
                acks
            });
        }
        // Kill once the load has produced some acknowledgements.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let count = stored(&db.pool, &acme).await;
            if count as usize >= acknowledged.len() + 40 {
                break;
            }
            assert!(Instant::now() < deadline, "no progress under load");
            // Polling interval of the probe (not a wait for work).
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        server.kill();
        while let Some(done) = set.join_next().await {
            for (id, email) in done.unwrap() {
                acknowledged.insert(id, email);
            }
        }
        n += 10_000;
    }
    let stored: Vec<(Uuid, String)> = sqlx::query_as(&format!(
        "SELECT a.id, c.email FROM {s}.applications a JOIN {s}.candidates c ON c.id = a.candidate_id",
        s = acme.schema().quoted()
    ))
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let mut by_id: HashMap<Uuid, usize> = HashMap::new();
    for (id, _) in &stored {
        *by_id.entry(*id).or_default() += 1;
    }
    assert!(acknowledged.len() >= 120, "{}", acknowledged.len());
    for (id, email) in &acknowledged {
        assert_eq!(
            by_id.get(id),
            Some(&1),
            "{email}: acknowledged, stored once"
        );
    }
    // And the catalog's counter agrees with what is stored.
    let counter: i64 =
        sqlx::query_scalar("SELECT application_count FROM public.job_catalog WHERE job_id = $1")
            .bind(job)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(counter as usize, stored.len());
    eprintln!(
        "{} acknowledged, {} stored across 3 SIGKILLs",
        acknowledged.len(),
        stored.len()
    );
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[tokio::test]
async fn an_embedded_cluster_whose_owner_was_killed_is_adopted_and_stopped_by_the_last_process() {
    let dir = scratch("adopt");
    let first = Launch::embedded(&dir).start().await;
    let postmaster = dir.join("postgres/data/postmaster.pid");
    assert!(postmaster.exists());
    first.kill();
    // The cluster outlives its starter; the next server attaches to it.
    assert!(postmaster.exists());
    let mut second = Launch::embedded(&dir).start().await;
    second.terminate();
    let status = second
        .wait_exit(Duration::from_secs(60))
        .await
        .expect("the server exits");
    assert!(status.success(), "{status}");
    // The last process using the cluster stopped it, though another process had started it.
    assert!(
        !postmaster.exists(),
        "the embedded cluster is still running after the last careers process exited"
    );
    drop(second);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apply_form_served_by_one_instance_is_accepted_by_another() {
    let db = TestDb::new().await;
    let s = crate::support::site::seed(&db.pool).await;
    let a = Launch::over(&db).start().await;
    let b = Launch::over(&db)
        .data_dir(&std::env::temp_dir().join(format!("careers-b-{}", db.name)))
        .start()
        .await;
    let client = reqwest::Client::new();
    let form = |tok: String| filled_form(tok, "ada@example.com");
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = form_page(&client, &a.base, s.designer).await;
    // Sent at once to the other instance: the token verifies there (the key is shared through
    // the database); it was sent too fast, so B asks to confirm, keeping the values.
    let res = no_redirect
        .post(format!("{}/jobs/{}/apply", b.base, s.designer))
        .multipart(form(form_token(&page)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let confirm = res.text().await.unwrap();
    assert!(!confirm.contains("could not verify this form"), "{confirm}");
    // The confirmation goes to the first instance again (a load balancer may send it anywhere).
    let res = no_redirect
        .post(format!("{}/jobs/{}/apply", a.base, s.designer))
        .multipart(form(form_token(&confirm)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let stored = stored(&db.pool, &s.acme).await;
    assert_eq!(stored, 1);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_apply_budget_shared_by_api_and_form() {
    let db = TestDb::new().await;
    let s = crate::support::site::seed(&db.pool).await;
    let server = Launch::over(&db)
        .env("CAREERS_TRUSTED_PROXIES", "127.0.0.1/32, ::1")
        .env("CAREERS_API_APPLIES_PER_MINUTE", "2")
        .start()
        .await;
    let client = reqwest::Client::new();
    let apply_as = |ip: &'static str, email: String| {
        let client = client.clone();
        let url = format!("{}/api/v1/careers/jobs/{}/apply/", server.base, s.designer);
        async move {
            let body = json!({"first_name": "Ada", "last_name": "Lovelace", "email": email,
                              "consent": true});
            client
                .post(url)
                .header("x-forwarded-for", format!("6.6.6.6, {ip}"))
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // Client 1.1.1.1 (as the load balancer reports it): two applications, then the limit.
    assert_eq!(apply_as("1.1.1.1", "a1@example.com".into()).await, 201);
    assert_eq!(apply_as("1.1.1.1", "a2@example.com".into()).await, 201);
    assert_eq!(apply_as("1.1.1.1", "a3@example.com".into()).await, 429);
    // Another client behind the same proxy is not held up; the spoofed left-most hop is ignored.
    assert_eq!(apply_as("2.2.2.2", "b1@example.com".into()).await, 201);
    // The HTML form draws on the same budget: client 1.1.1.1 gets the form back with its values.
    let page = form_page(&client, &server.base, s.designer).await;
    let form = filled_form(form_token(&page), "form@example.com");
    let res = client
        .post(format!("{}/jobs/{}/apply", server.base, s.designer))
        .header("x-forwarded-for", "1.1.1.1")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    let body = res.text().await.unwrap();
    assert!(body.contains("form@example.com"), "what was typed is kept");
    let stored = stored(&db.pool, &s.acme).await;
    assert_eq!(stored, 3);
}

#[tokio::test]
async fn past_the_connection_cap_a_client_waits_for_a_free_slot_instead_of_being_served_late() {
    let db = TestDb::new().await;
    let server = Launch::over(&db)
        .env("CAREERS_MAX_CONNECTIONS", "3")
        .env("CAREERS_HEADER_READ_TIMEOUT", "30s")
        .no_wait()
        .start()
        .await;
    let addr = server.base.trim_start_matches("http://").to_string();
    // Ready, probed over connections the server itself closes (so none lingers in a slot).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(mut s) = TcpStream::connect(&addr).await {
            s.write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .await
                .unwrap();
            let mut answer = Vec::new();
            let _ = s.read_to_end(&mut answer).await;
            if answer.starts_with(b"HTTP/1.1 200") {
                break;
            }
        }
        assert!(Instant::now() < deadline, "not ready in 60 s");
        // Polling interval of the readiness probe (not a wait for work).
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Three connections take every slot.
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut s = TcpStream::connect(&addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 1024];
        let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf))
            .await
            .expect("a slot for each of the first three")
            .unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
        held.push(s);
    }
    // A fourth waits in the backlog: no answer while the three are open…
    let mut fourth = TcpStream::connect(&addr).await.unwrap();
    fourth
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 1024];
    let early = tokio::time::timeout(Duration::from_millis(500), fourth.read(&mut buf)).await;
    assert!(early.is_err(), "served past the cap");
    // …and is served as soon as one closes.
    drop(held.pop());
    let n = tokio::time::timeout(Duration::from_secs(10), fourth.read(&mut buf))
        .await
        .expect("served once a slot is free")
        .unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
}
