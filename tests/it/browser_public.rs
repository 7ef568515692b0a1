//! End-to-end browser tests: starts the real `careers` binary on a free port over a fresh,
//! seeded database, then runs the Playwright journeys in `end2end/` (Node's test runner driving
//! Debian's Chromium). Fails with an install hint when node or chromium is missing.

use crate::support::browser::Server;

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
    let dir = crate::support::browser::prepare();
    let db = crate::support::TestDb::new().await;
    let seeded = crate::support::site::seed(&db.pool).await;
    let server = Server::start(&db).await;
    crate::support::browser::run_journeys(
        &dir,
        "tests/journeys.test.mjs",
        &server.base,
        &[
            ("RUST_JOB_ID", seeded.rust_remote.to_string()),
            ("DESIGNER_JOB_ID", seeded.designer.to_string()),
        ],
    );
    drop(server);

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
}
