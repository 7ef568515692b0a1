//! Typed settings from the environment and command-line flags, built once and passed in state.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};

/// Log output format (`CAREERS_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Everything the process reads from its environment (DESIGN §4).
#[derive(Debug, Clone)]
pub struct Settings {
    /// `DATABASE_URL`; `None` runs the embedded PostgreSQL cluster.
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub addr: SocketAddr,
    /// Absolute base URL for links, without a trailing slash.
    pub public_url: String,
    /// Reconcile schedule; `None` when set to `off`.
    pub reconcile_cron: Option<String>,
    pub smtp_url: Option<String>,
    pub log_format: LogFormat,
    /// Public API reads per minute per client IP (`CAREERS_API_READS_PER_MINUTE`, 0 = unlimited).
    pub api_reads_per_minute: u32,
    /// Applications per minute per client IP (`CAREERS_API_APPLIES_PER_MINUTE`, 0 = unlimited).
    pub api_applies_per_minute: u32,
    /// Connections in the pool (`CAREERS_DB_POOL_SIZE`).
    pub db_pool_size: u32,
    /// The currency salary filters and orderings compare in when a request names none
    /// (`CAREERS_DEFAULT_CURRENCY`, ISO 4217).
    pub default_currency: String,
    /// Who this process is in scheduler claims and logs: host, pid and a random suffix.
    pub instance: String,
    /// `CAREERS_TRUSTED_PROXIES`: the proxies (CIDRs) whose `Forwarded` / `X-Forwarded-For`
    /// name the client; empty = the socket peer is the client.
    pub trusted_proxies: Vec<crate::server::client_ip::Cidr>,
    /// Deadlines and caps that keep one slow tenant, client or outage from taking the server down.
    pub limits: Limits,
}

/// Deadlines and caps of request work (DESIGN §4, `CAREERS_*_TIMEOUT`): every request's database
/// work runs under a statement and lock timeout, waits at most `db_acquire` for a connection, and
/// one tenant holds at most `tenant_connections` of the request pool at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// `CAREERS_DB_STATEMENT_TIMEOUT` (default 5 s): longest statement a request may run.
    pub db_statement: Duration,
    /// `CAREERS_DB_LOCK_TIMEOUT` (default 2 s): longest wait for a row or table lock.
    pub db_lock: Duration,
    /// `CAREERS_DB_ACQUIRE_TIMEOUT` (default 1.5 s): longest wait for a pooled connection (or for a
    /// tenant's share of them) before the request is answered 503.
    pub db_acquire: Duration,
    /// `CAREERS_DB_TENANT_CONNECTIONS` (default a quarter of the pool, at least 2): request
    /// connections one tenant may hold at once.
    pub tenant_connections: u32,
    /// `CAREERS_REQUEST_TIMEOUT` (default 30 s): a request still running after this is answered
    /// 503 and its work dropped.
    pub request: Duration,
    /// `CAREERS_HEADER_READ_TIMEOUT` (default 10 s): how long a connection may take to send a
    /// request's headers, and how long an idle keep-alive connection stays open.
    pub header_read: Duration,
    /// `CAREERS_MAX_CONNECTIONS` (default 4096): open client connections; more wait in the
    /// listen backlog.
    pub max_connections: u32,
    /// `CAREERS_SHUTDOWN_TIMEOUT` (default 10 s): on SIGTERM, how long in-flight requests have to
    /// finish before the remaining connections are cut.
    pub shutdown: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            db_statement: Duration::from_secs(5),
            db_lock: Duration::from_secs(2),
            db_acquire: Duration::from_millis(1500),
            tenant_connections: 4,
            request: Duration::from_secs(30),
            header_read: Duration::from_secs(10),
            max_connections: 4096,
            shutdown: Duration::from_secs(10),
        }
    }
}

/// Parses a duration written `250ms`, `5s`, `2m` or a bare number of seconds (`1.5`).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim();
    let (number, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (t[..i].trim(), t[i..].trim()),
        None => (t, "s"),
    };
    let n: f64 = number.parse().ok()?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" | "min" => n * 60.0,
        _ => return None,
    };
    (0.0..86_400.0)
        .contains(&secs)
        .then(|| Duration::from_secs_f64(secs))
}

impl LogFormat {
    fn parse(value: Option<&str>) -> anyhow::Result<Self> {
        match value {
            None | Some("text") => Ok(LogFormat::Text),
            Some("json") => Ok(LogFormat::Json),
            Some(other) => bail!("CAREERS_LOG_FORMAT={other:?} must be `text` or `json`"),
        }
    }

    /// The format from `CAREERS_LOG_FORMAT`: logging starts before the other settings are read,
    /// so that their errors are logged too.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::parse(
            std::env::var("CAREERS_LOG_FORMAT")
                .ok()
                .as_deref()
                .filter(|v| !v.trim().is_empty()),
        )
    }
}

impl Settings {
    /// Reads settings from the process environment; `addr` (from `--addr`) wins over `CAREERS_ADDR`.
    pub fn from_env(addr: Option<SocketAddr>) -> anyhow::Result<Self> {
        Self::from_lookup(addr, |k| std::env::var(k).ok())
    }

    /// Same as [`Settings::from_env`] with an injectable lookup, for tests.
    pub fn from_lookup(
        addr: Option<SocketAddr>,
        get: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Self> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let addr = match addr {
            Some(a) => a,
            None => match get("CAREERS_ADDR") {
                Some(v) => v.parse().with_context(|| {
                    format!("CAREERS_ADDR={v:?} is not a HOST:PORT address such as 127.0.0.1:3000")
                })?,
                None => SocketAddr::from(([127, 0, 0, 1], 3000)),
            },
        };
        let data_dir = PathBuf::from(get("CAREERS_DATA_DIR").unwrap_or_else(|| ".careers".into()));
        let public_url = match get("CAREERS_PUBLIC_URL") {
            Some(v) => {
                let parsed = url::Url::parse(&v).with_context(|| {
                    format!("CAREERS_PUBLIC_URL={v:?} is not an absolute URL such as https://jobs.example.com")
                })?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    bail!("CAREERS_PUBLIC_URL={v:?} must start with http:// or https://");
                }
                v.trim_end_matches('/').to_string()
            }
            None => format!("http://{addr}"),
        };
        let reconcile_cron = match get("CAREERS_RECONCILE_CRON") {
            Some(v) if v.eq_ignore_ascii_case("off") => None,
            Some(v) => Some(v),
            None => Some("0 */10 * * * *".to_string()),
        };
        let log_format = LogFormat::parse(get("CAREERS_LOG_FORMAT").as_deref())?;
        let number = |key: &str, default: u32, what: &str| -> anyhow::Result<u32> {
            match get(key) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse()
                    .with_context(|| format!("{key}={v:?} must be a whole number of {what}")),
            }
        };
        let per_minute = "requests per minute (0 = unlimited)";
        let api_reads_per_minute = number("CAREERS_API_READS_PER_MINUTE", 600, per_minute)?;
        let api_applies_per_minute = number("CAREERS_API_APPLIES_PER_MINUTE", 5, per_minute)?;
        let db_pool_size = number("CAREERS_DB_POOL_SIZE", 16, "connections")?;
        if db_pool_size == 0 {
            bail!("CAREERS_DB_POOL_SIZE=0: the pool needs at least one connection");
        }
        let duration = |key: &str, default: Duration| -> anyhow::Result<Duration> {
            match get(key) {
                None => Ok(default),
                Some(v) => match parse_duration(&v) {
                    Some(d) if !d.is_zero() => Ok(d),
                    _ => bail!("{key}={v:?} must be a duration such as 500ms, 5s or 2m"),
                },
            }
        };
        let d = Limits::default();
        let limits = Limits {
            db_statement: duration("CAREERS_DB_STATEMENT_TIMEOUT", d.db_statement)?,
            db_lock: duration("CAREERS_DB_LOCK_TIMEOUT", d.db_lock)?,
            db_acquire: duration("CAREERS_DB_ACQUIRE_TIMEOUT", d.db_acquire)?,
            tenant_connections: number(
                "CAREERS_DB_TENANT_CONNECTIONS",
                (db_pool_size / 4).max(2).min(db_pool_size),
                "connections",
            )?
            .max(1),
            request: duration("CAREERS_REQUEST_TIMEOUT", d.request)?,
            header_read: duration("CAREERS_HEADER_READ_TIMEOUT", d.header_read)?,
            max_connections: number("CAREERS_MAX_CONNECTIONS", d.max_connections, "connections")?
                .max(1),
            shutdown: duration("CAREERS_SHUTDOWN_TIMEOUT", d.shutdown)?,
        };
        let trusted_proxies = match get("CAREERS_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(v) => crate::server::client_ip::parse_list(&v)
                .map_err(|e| anyhow::anyhow!("CAREERS_TRUSTED_PROXIES: {e}"))?,
        };
        let default_currency = get("CAREERS_DEFAULT_CURRENCY")
            .map(|v| v.trim().to_uppercase())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "EUR".into());
        if !crate::catalog::salary::is_currency_code(&default_currency) {
            bail!(
                "CAREERS_DEFAULT_CURRENCY={default_currency:?} must be a currency code such as EUR or USD"
            );
        }
        let instance = format!(
            "{}:{}:{}",
            get("HOSTNAME").unwrap_or_else(|| "host".into()),
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        Ok(Settings {
            api_reads_per_minute,
            api_applies_per_minute,
            db_pool_size,
            default_currency,
            instance,
            limits,
            trusted_proxies,
            database_url: get("DATABASE_URL"),
            data_dir,
            addr,
            public_url,
            reconcile_cron,
            smtp_url: get("CAREERS_SMTP_URL"),
            log_format,
        })
    }

    /// Whether cookies must be `Secure` (the public URL is https).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(None, |k| map.get(k).cloned())
    }

    #[test]
    fn defaults_match_the_design() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(s.public_url, "http://127.0.0.1:3000");
        assert_eq!(s.data_dir, PathBuf::from(".careers"));
        assert_eq!(s.reconcile_cron.as_deref(), Some("0 */10 * * * *"));
        assert!(s.database_url.is_none());
        assert_eq!(s.log_format, LogFormat::Text);
        assert_eq!(s.db_pool_size, 16);
        assert_eq!(s.default_currency, "EUR");
        assert_eq!(s.limits.tenant_connections, 4);
        assert_eq!(s.limits.db_statement, Duration::from_secs(5));
    }

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("5s"), Some(Duration::from_secs(5)));
        assert_eq!(parse_duration("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration(" 2m "), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("5 parsecs"), None);
        let err = settings(&[("CAREERS_DB_LOCK_TIMEOUT", "0")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("CAREERS_DB_LOCK_TIMEOUT"), "{err}");
        let s = settings(&[("CAREERS_DB_POOL_SIZE", "4")]).unwrap();
        assert_eq!(s.limits.tenant_connections, 2);
    }

    #[test]
    fn reconcile_can_be_switched_off_and_bad_values_are_named() {
        assert!(
            settings(&[("CAREERS_RECONCILE_CRON", "off")])
                .unwrap()
                .reconcile_cron
                .is_none()
        );
        let err = settings(&[("CAREERS_ADDR", "nope")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("CAREERS_ADDR"), "{err}");
        let err = settings(&[("CAREERS_LOG_FORMAT", "xml")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("CAREERS_LOG_FORMAT"), "{err}");
        let err = settings(&[("CAREERS_PUBLIC_URL", "ftp://x")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("CAREERS_PUBLIC_URL"), "{err}");
        assert!(settings(&[("CAREERS_DEFAULT_CURRENCY", "euro")]).is_err());
        let err = settings(&[("CAREERS_TRUSTED_PROXIES", "10.0.0.0/8, lb.local")])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("CAREERS_TRUSTED_PROXIES") && err.contains("lb.local"),
            "{err}"
        );
        let err = settings(&[("CAREERS_DB_POOL_SIZE", "many")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("CAREERS_DB_POOL_SIZE"), "{err}");
        let err = settings(&[("CAREERS_DB_POOL_SIZE", "0")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("at least one"), "{err}");
    }
}
