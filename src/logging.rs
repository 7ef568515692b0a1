//! Logging setup: `RUST_LOG` filter (default `info`), text or JSON lines (`CAREERS_LOG_FORMAT`).

use tracing_subscriber::EnvFilter;

pub fn init() -> anyhow::Result<()> {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let json = match std::env::var("CAREERS_LOG_FORMAT").ok().as_deref() {
        None | Some("") | Some("text") => false,
        Some("json") => true,
        Some(other) => anyhow::bail!("CAREERS_LOG_FORMAT={other:?} must be `text` or `json`"),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .init();
    } else {
        builder.init();
    }
    Ok(())
}
