//! Session purge (hourly): deletes expired admin sessions (they are never honoured anyway).

use crate::scheduler::{RunReport, Task};
use crate::server::AppState;

pub const CRON: &str = "0 41 * * * *";

pub static TASK: Task = Task {
    name: "session_purge",
    run: |state| Box::pin(run(state)),
};

async fn run(state: AppState) -> anyhow::Result<RunReport> {
    let started = std::time::Instant::now();
    crate::auth::session::delete_expired(&state.pool).await?;
    Ok(RunReport {
        duration: started.elapsed(),
        ..Default::default()
    })
}
