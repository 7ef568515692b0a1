//! A PostgreSQL cluster the program runs itself, from the server binaries installed on the machine.
//!
//! The cluster lives in `<root>/data` and listens only on a Unix socket in `<root>/run`, so it never
//! collides with another server's TCP port. As root the server runs as the `postgres` user (initdb
//! refuses root). A second process finds the running cluster and attaches to it. Every process
//! using the cluster registers under `<root>/clients/`; the last one to stop stops the cluster,
//! whoever started it — so a cluster whose starter was killed is adopted by the next process, and
//! none is left running after the last `careers` process exits.

use std::fs::{self, File};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use anyhow::{Context, bail};
use sqlx::postgres::PgConnectOptions;
use tokio::process::Command;

/// A running embedded cluster. Dropping it does nothing: call [`EmbeddedPostgres::stop`].
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bindir: PathBuf,
    data_dir: PathBuf,
    socket_dir: PathBuf,
    run_as: Option<String>,
    /// `<root>`: the launcher lock and the client registry live here.
    root: PathBuf,
    /// True when this process started the server.
    owned: bool,
}

const SERVER_USER: &str = "postgres";

impl EmbeddedPostgres {
    /// Initialises (first run) and starts the cluster under `root`, or attaches to the one that is
    /// already running there.
    pub async fn start(root: &Path) -> anyhow::Result<Self> {
        fs::create_dir_all(root)
            .with_context(|| format!("cannot create the data directory {}", root.display()))?;
        let root = fs::canonicalize(root)
            .with_context(|| format!("cannot resolve the data directory {}", root.display()))?;
        let bindir = find_bindir()?;
        let run_as = running_as_root().then(|| SERVER_USER.to_string());
        let pg = EmbeddedPostgres {
            bindir,
            data_dir: root.join("data"),
            socket_dir: root.join("run"),
            run_as,
            root: root.clone(),
            owned: false,
        };
        if pg.socket_dir.join(".s.PGSQL.5432").as_os_str().len() > 100 {
            bail!(
                "the data directory path {} is too long for a PostgreSQL Unix socket; \
                 set CAREERS_DATA_DIR to a shorter path",
                root.display()
            );
        }
        // One launcher at a time per cluster: parallel test processes or a CLI command racing
        // `serve` must not both run initdb or pg_ctl start.
        let lock = launcher_lock(&root).await?;
        let result = pg.start_locked(&root).await;
        if result.is_ok() {
            register_client(&root)?;
        }
        drop(lock);
        result
    }

    async fn start_locked(mut self, root: &Path) -> anyhow::Result<Self> {
        fs::create_dir_all(&self.socket_dir)?;
        if let Some(user) = &self.run_as {
            self.prepare_for_server_user(root, user).await?;
        }
        if !self.data_dir.join("PG_VERSION").exists() {
            self.initdb().await?;
        }
        if self.is_ready().await {
            tracing::info!(data_dir = %self.data_dir.display(), "attached to the running embedded PostgreSQL");
            return Ok(self);
        }
        if self.server_process_alive() {
            // Started by another process and still starting up (or busy): wait for it rather
            // than trying to start a second server on the same data directory.
            for _ in 0..120 {
                if self.is_ready().await {
                    tracing::info!(data_dir = %self.data_dir.display(), "attached to the running embedded PostgreSQL");
                    return Ok(self);
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            bail!(
                "a PostgreSQL server is running on {} but does not answer; see {}",
                self.data_dir.display(),
                root.join("server.log").display()
            );
        }
        self.clear_stale_pid_file();
        let log = root.join("server.log");
        // Sized for a catalog of a million postings on one machine: the catalog's indexes stay in
        // shared buffers, bulk loads do not checkpoint every gigabyte of WAL, and TOASTed text
        // (descriptions, search vectors) is compressed with lz4, several times cheaper than pglz.
        let opts = format!(
            "-k {} -c listen_addresses='' -c max_connections=500 -c shared_buffers=1GB \
             -c max_wal_size=8GB -c checkpoint_timeout=15min -c wal_compression=lz4 \
             -c default_toast_compression=lz4",
            self.socket_dir.display()
        );
        let out = self
            .pg_command("pg_ctl")
            .arg("-D")
            .arg(&self.data_dir)
            .args(["-w", "-t", "120", "-l"])
            .arg(&log)
            .args(["-o", &opts, "start"])
            .output()
            .await
            .context("cannot run pg_ctl")?;
        if !out.status.success() {
            bail!(
                "PostgreSQL did not start (pg_ctl: {}).\nLast lines of {}:\n{}",
                String::from_utf8_lossy(&out.stderr).trim(),
                log.display(),
                tail(&log, 15)
            );
        }
        self.owned = true;
        tracing::info!(data_dir = %self.data_dir.display(), "started embedded PostgreSQL");
        Ok(self)
    }

    async fn prepare_for_server_user(&self, root: &Path, user: &str) -> anyhow::Result<()> {
        let out = Command::new("chown")
            .args(["-R", &format!("{user}:")])
            .arg(root)
            .output()
            .await
            .context("cannot run chown")?;
        check(&out, "chown of the embedded database directory")?;
        let reach = Command::new("runuser")
            .args(["-u", user, "--", "test", "-w"])
            .arg(&self.socket_dir)
            .status()
            .await
            .context("cannot run runuser (util-linux) to start PostgreSQL as the postgres user")?;
        if !reach.success() {
            bail!(
                "running as root, PostgreSQL must run as the `{user}` user, but that user cannot reach {}.\n\
                 Set CAREERS_DATA_DIR to a directory it can reach (for example /var/tmp/careers), \
                 or set DATABASE_URL to an existing server.",
                root.display()
            );
        }
        Ok(())
    }

    async fn initdb(&self) -> anyhow::Result<()> {
        if self.data_dir.exists() {
            // A half-initialised directory from an interrupted first run: start again.
            fs::remove_dir_all(&self.data_dir)?;
        }
        let out = self
            .pg_command("initdb")
            .arg("-D")
            .arg(&self.data_dir)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ])
            .output()
            .await
            .context("cannot run initdb")?;
        check(&out, "initdb")
    }

    /// A server answers on our socket.
    async fn is_ready(&self) -> bool {
        if !self.data_dir.join("postmaster.pid").exists() {
            return false;
        }
        let out = self
            .pg_command("pg_isready")
            .arg("-h")
            .arg(&self.socket_dir)
            .args(["-U", "postgres", "-t", "5"])
            .output()
            .await;
        matches!(out, Ok(o) if o.status.success())
    }

    /// A `postmaster.pid` left by a killed server whose pid now belongs to another process (or to
    /// none) would make the new server refuse to start.
    fn clear_stale_pid_file(&self) {
        if !self.server_process_alive() {
            let pid_file = self.data_dir.join("postmaster.pid");
            if pid_file.exists() {
                tracing::warn!("removing a stale postmaster.pid left by a server that is gone");
                let _ = fs::remove_file(&pid_file);
            }
        }
    }

    /// The pid in `postmaster.pid` belongs to a running postgres process.
    fn server_process_alive(&self) -> bool {
        let Ok(text) = fs::read_to_string(self.data_dir.join("postmaster.pid")) else {
            return false;
        };
        let pid = text.lines().next().unwrap_or("").trim().to_string();
        fs::read_to_string(format!("/proc/{pid}/comm"))
            .map(|comm| comm.trim().starts_with("postgres"))
            .unwrap_or(false)
    }

    /// Connection options for the server's Unix socket.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .username("postgres")
            .database(database)
    }

    /// Whether this process started the server.
    pub fn owned(&self) -> bool {
        self.owned
    }

    /// This process is done with the cluster: stops it when no other live process uses it (fast
    /// shutdown: open sessions are ended), whoever started it.
    pub async fn stop(&self) -> anyhow::Result<()> {
        let lock = launcher_lock(&self.root).await?;
        let others = unregister_client(&self.root);
        if others > 0 {
            tracing::info!(
                others,
                "leaving embedded PostgreSQL running for the other processes using it"
            );
            drop(lock);
            return Ok(());
        }
        let out = self
            .pg_command("pg_ctl")
            .arg("-D")
            .arg(&self.data_dir)
            // A fast shutdown still writes a checkpoint that syncs every relation file; with
            // thousands of tenant schemas that takes minutes, not seconds.
            .args(["-m", "fast", "-w", "-t", "900", "stop"])
            .output()
            .await
            .context("cannot run pg_ctl stop")?;
        drop(lock);
        check(&out, "pg_ctl stop")?;
        tracing::info!("stopped embedded PostgreSQL");
        Ok(())
    }

    fn pg_command(&self, program: &str) -> Command {
        let path = self.bindir.join(program);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(path);
                c
            }
            None => Command::new(path),
        };
        // Children must not inherit our Ctrl-C: we stop the server ourselves, in order.
        cmd.process_group(0).kill_on_drop(false);
        cmd
    }
}

/// The launcher lock: one process at a time starts, attaches to or stops the cluster.
async fn launcher_lock(root: &Path) -> anyhow::Result<File> {
    let lock_path = root.join("launcher.lock");
    let lock = File::create(&lock_path)
        .with_context(|| format!("cannot create {}", lock_path.display()))?;
    tokio::task::spawn_blocking(move || lock.lock().map(|_| lock))
        .await?
        .context("cannot lock the embedded database launcher")
}

/// This process's entry in the client registry: `<root>/clients/<pid>` holding the process's
/// start time, so a reused pid is not mistaken for a live client.
fn register_client(root: &Path) -> anyhow::Result<()> {
    let dir = root.join("clients");
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let pid = std::process::id();
    let started = process_start_time(pid).unwrap_or_default();
    fs::write(dir.join(pid.to_string()), started)
        .with_context(|| format!("cannot register in {}", dir.display()))
}

/// Removes this process's entry and those of processes that are gone (killed without stopping);
/// returns how many live clients remain.
fn unregister_client(root: &Path) -> usize {
    let dir = root.join("clients");
    let me = std::process::id().to_string();
    let _ = fs::remove_file(dir.join(&me));
    let mut live = 0;
    for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let alive = name.parse::<u32>().ok().is_some_and(|pid| {
            let recorded = fs::read_to_string(entry.path()).unwrap_or_default();
            process_start_time(pid).is_some_and(|t| t == recorded)
        });
        if alive {
            live += 1;
        } else {
            let _ = fs::remove_file(entry.path());
        }
    }
    live
}

/// A process's start time (clock ticks since boot, `/proc/<pid>/stat` field 22), or `None` when
/// there is no such process.
fn process_start_time(pid: u32) -> Option<String> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may contain spaces: count after it.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19).map(str::to_string)
}

fn check(out: &Output, what: &str) -> anyhow::Result<()> {
    if out.status.success() {
        return Ok(());
    }
    bail!(
        "{what} failed ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim(),
        String::from_utf8_lossy(&out.stdout).trim()
    )
}

fn tail(path: &Path, lines: usize) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn running_as_root() -> bool {
    fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

/// Finds the directory holding `initdb`, `pg_ctl` and `postgres`: `PATH`, then
/// `pg_config --bindir`, then the newest `/usr/lib/postgresql/*/bin`.
pub fn find_bindir() -> anyhow::Result<PathBuf> {
    let has_server = |dir: &Path| {
        ["initdb", "pg_ctl", "postgres", "pg_isready"]
            .iter()
            .all(|b| dir.join(b).is_file())
    };
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if let Ok(real) = fs::canonicalize(dir.join("initdb"))
                && let Some(parent) = real.parent()
                && has_server(parent)
            {
                return Ok(parent.to_path_buf());
            }
        }
    }
    if let Ok(out) = std::process::Command::new("pg_config")
        .arg("--bindir")
        .output()
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if has_server(&dir) {
            return Ok(dir);
        }
    }
    let mut candidates: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, dir)| has_server(dir))
        .collect();
    candidates.sort();
    if let Some((_, dir)) = candidates.pop() {
        return Ok(dir);
    }
    bail!(
        "no PostgreSQL server binaries found (looked on PATH, in `pg_config --bindir` and under \
         /usr/lib/postgresql/*/bin).\nInstall them (Debian/Ubuntu: `apt-get install -y postgresql`) \
         or set DATABASE_URL to an existing PostgreSQL server."
    )
}
