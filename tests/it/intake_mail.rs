//! The mail outbox: a mail that cannot be delivered stays queued with a backoff and is sent on a
//! later drain; nothing is lost.

use crate::support::TestDb;
use careers::mail::{self, OutgoingMail};

#[tokio::test]
async fn a_failed_delivery_is_retried_later_and_never_lost() {
    let db = TestDb::new().await;
    let mut conn = db.pool.acquire().await.unwrap();
    let id = mail::enqueue(
        &mut conn,
        &OutgoingMail {
            tenant_id: None,
            to: "jane@example.com".into(),
            subject: "Hello".into(),
            body_text: "Body".into(),
        },
    )
    .await
    .unwrap();
    drop(conn);

    // The outbox directory cannot be created: a file stands where it should be.
    let mut settings = db.state().settings.as_ref().clone();
    let base = std::env::temp_dir().join(format!("careers-mail-test-{}", db.name));
    std::fs::create_dir_all(&base).unwrap();
    std::fs::write(base.join("outbox"), b"not a directory").unwrap();
    settings.data_dir = base.clone();
    assert_eq!(mail::drain_outbox(&db.pool, &settings).await.unwrap(), 0);
    let (attempts, sent, error, later): (i32, bool, Option<String>, bool) = sqlx::query_as(
        "SELECT attempts, sent_at IS NOT NULL, last_error, next_attempt_at > now()
           FROM public.mail_outbox WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((attempts, sent, later), (1, false, true));
    assert!(error.is_some());
    // Not due yet: a second drain leaves it alone.
    assert_eq!(mail::drain_outbox(&db.pool, &settings).await.unwrap(), 0);

    // Once the problem is fixed and the retry is due, it is delivered exactly once.
    std::fs::remove_file(base.join("outbox")).unwrap();
    sqlx::query("UPDATE public.mail_outbox SET next_attempt_at = now() WHERE id = $1")
        .bind(id)
        .execute(&db.pool)
        .await
        .unwrap();
    assert_eq!(mail::drain_outbox(&db.pool, &settings).await.unwrap(), 1);
    let eml = std::fs::read_to_string(base.join("outbox").join(format!("{id}.eml"))).unwrap();
    assert!(eml.contains("To: jane@example.com"), "{eml}");
    assert!(eml.contains("Subject: Hello"));
    assert_eq!(mail::drain_outbox(&db.pool, &settings).await.unwrap(), 0);
    std::fs::remove_dir_all(&base).ok();
}
