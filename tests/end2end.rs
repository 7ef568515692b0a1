//! End-to-end browser tests: starts the real `careers` binary on a free port over a fresh,
//! seeded database, then runs the Playwright journeys in `end2end/` (Node's test runner driving
//! Debian's Chromium). Fails with an install hint when node or chromium is missing.
#![allow(clippy::unwrap_used)]

mod common;
mod site_support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn require_tool(cmd: &str, install: &str) {
    let found = Command::new(cmd)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "`{cmd}` is required by the end-to-end tests but was not found. Install it: {install}"
    );
}

/// A URL for `options` that another process can use.
fn database_url(db: &common::TestDb) -> String {
    if let Ok(url) = std::env::var("DATABASE_URL")
        && !url.trim().is_empty()
    {
        let mut u = url::Url::parse(&url).unwrap();
        u.set_path(&format!("/{}", db.name));
        return u.to_string();
    }
    let o = db.options();
    let mut url = format!(
        "postgres://{}@localhost:{}/{}",
        o.get_username(),
        o.get_port(),
        db.name
    );
    if let Some(socket) = o.get_socket() {
        url.push_str(&format!("?host={}", socket.display()));
    } else {
        url = url.replace("localhost", o.get_host());
    }
    url
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_ready(base: &str, server: &mut Server) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status().is_success()
        {
            return;
        }
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!("the server exited before it was ready: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "the server was not ready within 60 s"
        );
        // Polling interval of the readiness probe (not a wait for work).
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn npm_ci(dir: &Path) {
    if dir.join("node_modules/playwright-core").exists() {
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .status()
        .expect("cannot run npm (install Node.js and npm: apt-get install -y nodejs npm)");
    assert!(status.success(), "`npm ci` in end2end/ failed");
}

async fn applications_of(pool: &sqlx::PgPool, tenant: &careers::tenancy::Tenant) -> Vec<String> {
    let mut ttx = tenant.begin(pool).await.unwrap();
    let emails: Vec<String> = sqlx::query_scalar(
        "SELECT c.email FROM applications a JOIN candidates c ON c.id = a.candidate_id ORDER BY c.email",
    )
    .fetch_all(&mut *ttx)
    .await
    .unwrap();
    ttx.commit().await.unwrap();
    emails
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_can_search_filter_open_and_apply_in_a_real_browser() {
    require_tool("node", "apt-get install -y nodejs npm");
    assert!(
        Path::new(CHROMIUM).exists(),
        "Chromium is required by the end-to-end tests but {CHROMIUM} is missing. Install it: apt-get install -y chromium"
    );
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let e2e = root.join("end2end");
    npm_ci(&e2e);

    let db = common::TestDb::new().await;
    let seeded = site_support::seed(&db.pool).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let data_dir = std::env::temp_dir().join(format!("careers-e2e-{}", db.name));
    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_careers"))
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", database_url(&db))
            .env("CAREERS_DATA_DIR", &data_dir)
            .env("CAREERS_RECONCILE_CRON", "off")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("cannot start the careers binary"),
    );
    wait_ready(&base, &mut server).await;

    let status = Command::new("node")
        .args(["--test", "tests/journeys.test.mjs"])
        .current_dir(&e2e)
        .env("BASE_URL", &base)
        .env("CHROMIUM_PATH", CHROMIUM)
        .env("RUST_JOB_ID", seeded.rust_remote.to_string())
        .env("DESIGNER_JOB_ID", seeded.designer.to_string())
        .env("SCREENSHOT_DIR", e2e.join("screenshots"))
        .status()
        .expect("cannot run node");
    assert!(
        status.success(),
        "the browser journeys failed (see the output above)"
    );

    // The journeys' applications really arrived in Acme's schema (not dropped as bot traffic).
    let emails = applications_of(&db.pool, &seeded.acme).await;
    assert_eq!(
        emails,
        vec![
            "ada.keyboard@example.com".to_string(),
            "grace.nojs@example.com".to_string(),
            "linus.js@example.com".to_string(),
        ]
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&data_dir);
}
