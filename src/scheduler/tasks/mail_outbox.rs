//! Mail outbox (every 20 seconds): sends queued mail (SMTP, or `.eml` files without
//! `CAREERS_SMTP_URL`); failures stay queued with backoff.

use crate::scheduler::{RunReport, Task};
use crate::server::AppState;

pub const CRON: &str = "*/20 * * * * *";

pub static TASK: Task = Task {
    name: "mail_outbox",
    run: |state| Box::pin(run(state)),
};

async fn run(state: AppState) -> anyhow::Result<RunReport> {
    let started = std::time::Instant::now();
    let sent = crate::mail::drain_outbox(&state.pool, &state.settings).await?;
    Ok(RunReport {
        changed: sent as u64,
        duration: started.elapsed(),
        ..Default::default()
    })
}
