//! End-to-end HR journey in a real browser (issue: HR admin): sign in, create and publish a job,
//! see it public at once, a candidate applies, HR works the application; a second company's HR
//! sees none of it.

use crate::support::browser::Server;
use careers::{auth, tenancy};

const PASSWORD: &str = "correct horse battery staple";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_hr_user_publishes_a_job_and_works_its_application_in_a_real_browser() {
    let dir = crate::support::browser::prepare();
    let db = crate::support::TestDb::new().await;
    let acme = tenancy::create(&db.pool, "acme", "Acme Robotics", &[])
        .await
        .unwrap();
    tenancy::create(&db.pool, "globex", "Globex", &[])
        .await
        .unwrap();
    auth::create_user(&db.pool, "acme", "hr@acme.example", PASSWORD)
        .await
        .unwrap();
    auth::create_user(&db.pool, "globex", "hr@globex.example", PASSWORD)
        .await
        .unwrap();

    let server = Server::start(&db).await;
    crate::support::browser::run_journeys(
        &dir,
        "tests/admin.test.mjs",
        &server.base,
        &[
            ("HR_PASSWORD", PASSWORD.to_string()),
            ("HR_A_EMAIL", "hr@acme.example".to_string()),
            ("HR_B_EMAIL", "hr@globex.example".to_string()),
        ],
    );
    drop(server);

    // What the browser did is in Acme's schema: one application, at interview, with the note.
    let mut ttx = acme.begin(&db.pool).await.unwrap();
    let (stage, email): (String, String) = sqlx::query_as(
        "SELECT a.stage, c.email FROM applications a JOIN candidates c ON c.id = a.candidate_id",
    )
    .fetch_one(&mut *ttx)
    .await
    .unwrap();
    assert_eq!(
        (stage.as_str(), email.as_str()),
        ("interview", "hedy.journey@example.com")
    );
    let notes: i64 =
        sqlx::query_scalar("SELECT count(*) FROM application_events WHERE kind = 'note'")
            .fetch_one(&mut *ttx)
            .await
            .unwrap();
    assert_eq!(notes, 1);
    ttx.commit().await.unwrap();
}
