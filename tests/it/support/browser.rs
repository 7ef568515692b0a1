//! Shared by the browser tests: start the real `careers` binary on a free port over a test
//! database, wait until it is ready, and run a Playwright journey file under Node's test runner.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::TestDb;

pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The server process; killed when dropped, however the test ends.
pub struct Server {
    child: Child,
    pub base: String,
    data_dir: PathBuf,
    /// Whether the data directory outlives the server (a restart reuses it).
    keep_dir: bool,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !self.keep_dir {
            let _ = std::fs::remove_dir_all(&self.data_dir);
        }
    }
}

impl Server {
    /// Starts `careers serve` over `db` and waits until `/readyz` answers.
    pub async fn start(db: &TestDb) -> Server {
        let data_dir = std::env::temp_dir().join(format!("careers-e2e-{}", db.name));
        Self::start_in(db, &data_dir).await
    }

    /// Kills the server (SIGKILL: no shutdown of any kind), keeping its data directory.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.keep_dir = true;
    }

    /// Starts `careers serve` over `db` with `data_dir` (removed when the server is dropped).
    pub async fn start_in(db: &TestDb, data_dir: &Path) -> Server {
        Launch::over(db).data_dir(data_dir).start().await
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM (the orderly shutdown a process manager asks for).
    pub fn terminate(&self) {
        let ok = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("cannot run kill");
        assert!(ok.success());
    }

    /// Waits at most `limit` for the process to exit; its exit status, or `None` if it is still
    /// running.
    pub async fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            // Polling interval of the exit check (not a wait for work).
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn wait_ready(&mut self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = client.get(format!("{}/readyz", self.base)).send().await
                && r.status().is_success()
            {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
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
}

/// How to start a `careers serve`: its database (`DATABASE_URL`, or the embedded cluster under the
/// data dir when `None`), data dir, extra environment and where its log goes.
pub struct Launch {
    database_url: Option<String>,
    data_dir: PathBuf,
    env: Vec<(String, String)>,
    log: Option<PathBuf>,
    wait_ready: bool,
}

impl Launch {
    /// Over a test database, with a fresh data dir named after it.
    pub fn over(db: &TestDb) -> Launch {
        Launch::url(database_url(db), &format!("careers-e2e-{}", db.name))
    }

    /// Over any database URL, with a fresh data dir named `name` under the temp dir.
    pub fn url(url: String, name: &str) -> Launch {
        Launch {
            database_url: Some(url),
            data_dir: std::env::temp_dir().join(name),
            env: Vec::new(),
            log: None,
            wait_ready: true,
        }
    }

    /// On the embedded cluster the server runs itself under `data_dir`.
    pub fn embedded(data_dir: &Path) -> Launch {
        Launch {
            database_url: None,
            data_dir: data_dir.to_path_buf(),
            env: Vec::new(),
            log: None,
            wait_ready: true,
        }
    }

    pub fn data_dir(mut self, dir: &Path) -> Launch {
        self.data_dir = dir.to_path_buf();
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Launch {
        self.env.push((key.into(), value.into()));
        self
    }

    /// The server's stderr (its log) goes to `path` instead of the test's.
    pub fn log(mut self, path: &Path) -> Launch {
        self.log = Some(path.to_path_buf());
        self
    }

    /// Returns as soon as the process runs, without waiting for `/readyz`.
    pub fn no_wait(mut self) -> Launch {
        self.wait_ready = false;
        self
    }

    pub async fn start(self) -> Server {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_careers"));
        cmd.args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .env_remove("DATABASE_URL")
            .env("CAREERS_DATA_DIR", &self.data_dir)
            .env("CAREERS_RECONCILE_CRON", "off")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null());
        if let Some(url) = &self.database_url {
            cmd.env("DATABASE_URL", url);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        if let Some(log) = &self.log {
            cmd.stderr(std::fs::File::create(log).expect("cannot create the server log"));
        }
        let child = cmd.spawn().expect("cannot start the careers binary");
        let mut server = Server {
            child,
            base,
            data_dir: self.data_dir,
            keep_dir: false,
        };
        if self.wait_ready {
            server.wait_ready().await;
        }
        server
    }
}

/// A gauge of the server's `/metrics` (0 while it is not reported yet).
pub async fn gauge(client: &reqwest::Client, base: &str, name: &str) -> f64 {
    let metrics = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// A URL for the test database that another process can use.
pub fn database_url(db: &TestDb) -> String {
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

/// The `end2end/` directory, with its npm dependencies installed; fails with an install hint when
/// node or Chromium is missing.
pub fn prepare() -> PathBuf {
    let found = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "`node` is required by the end-to-end tests. Install it: apt-get install -y nodejs npm"
    );
    assert!(
        Path::new(CHROMIUM).exists(),
        "Chromium is required by the end-to-end tests but {CHROMIUM} is missing. Install it: apt-get install -y chromium"
    );
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("end2end");
    if !dir.join("node_modules/playwright-core").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .expect("cannot run npm (install Node.js and npm: apt-get install -y nodejs npm)");
        assert!(status.success(), "`npm ci` in end2end/ failed");
    }
    dir
}

/// Runs one journey file with Node's test runner; `env` adds variables for it.
pub fn run_journeys(dir: &Path, file: &str, base: &str, env: &[(&str, String)]) {
    let mut cmd = Command::new("node");
    cmd.args(["--test", file])
        .current_dir(dir)
        .env("BASE_URL", base)
        .env("CHROMIUM_PATH", CHROMIUM)
        .env("SCREENSHOT_DIR", dir.join("screenshots"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let status = cmd.status().expect("cannot run node");
    assert!(
        status.success(),
        "the browser journeys in {file} failed (see the output above)"
    );
}
