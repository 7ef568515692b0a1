//! No personal data in logs or in stored error texts: a candidate's name and address, an HR
//! user's client IP and the text an SMTP server sends back (which quotes the recipient) never
//! reach the log or the outbox's `last_error`, while the ids and failure codes an operator needs
//! do.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::ConnectInfo;
use axum::http::StatusCode;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::support::TestDb;
use crate::support::admin::{get_req, post_req, router, send, tenant_with_user};

const CANDIDATE_EMAIL: &str = "grace.hopper.7731@candidates.example";
const CANDIDATE_NAME: &str = "Gracehopperfamily";
const HR_IP: [u8; 4] = [203, 0, 113, 77];

/// Everything the test's tracing subscriber wrote.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

static LOGS: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();

/// The process-wide log from here on. A global subscriber, not a scoped one: tracing caches
/// per call site whether anyone listens, so a thread-local subscriber misses events whose call
/// site another test's thread reached first. Every test running meanwhile logs into it too, and
/// none of them may log the data checked below either.
fn logs() -> &'static Captured {
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other test installs a global subscriber");
        logs
    })
}

/// A real SMTP conversation up to `RCPT TO`, which it refuses the way Postfix does: quoting the
/// address back. Returns the port.
async fn smtp_refusing_recipients() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 sink.test ESMTP\r\n").await.unwrap();
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        "250 sink.test\r\n".to_string()
                    } else if upper.starts_with("RCPT TO:") {
                        let addr = line["RCPT TO:".len()..].trim();
                        format!("550 5.1.1 {addr}: Recipient address rejected: User unknown\r\n")
                    } else if upper.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        "250 ok\r\n".to_string()
                    };
                    if w.write_all(reply.as_bytes()).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    port
}

/// A login attempt from the HR user's IP address.
async fn sign_in_from_ip(app: &axum::Router, email: &str, password: &str) -> StatusCode {
    let form = send(app, get_req("/admin/login", None)).await;
    let cookie = form.session_cookie().unwrap();
    let mut req = post_req(
        "/admin/login",
        Some(&cookie),
        &[
            ("_csrf", &form.csrf()),
            ("email", email),
            ("password", password),
        ],
    );
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((HR_IP, 40_000))));
    send(app, req).await.status
}

#[tokio::test]
async fn candidate_data_client_ips_and_smtp_replies_stay_out_of_logs_and_stored_errors() {
    let logs = logs();

    let db = TestDb::new().await;
    let mut state = db.state();
    let port = smtp_refusing_recipients().await;
    let mut settings = (*state.settings).clone();
    settings.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    state.settings = Arc::new(settings);
    let app = router(state.clone());
    let t = tenant_with_user(&db.pool, "acme").await;
    let job = crate::support::admin::create_job(
        &db.pool,
        &t.tenant,
        "Backend Engineer",
        careers::postings::model::PostingStatus::Open,
    )
    .await;

    // A candidate applies: their confirmation is queued.
    let r = crate::support::api::apply_json(
        &app,
        job,
        serde_json::json!({
            "first_name": CANDIDATE_NAME,
            "last_name": CANDIDATE_NAME,
            "email": CANDIDATE_EMAIL,
            "phone": "+44 20 7946 0958",
            "consent": true,
        }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    // The SMTP server refuses the recipient, quoting the address.
    let sent = careers::mail::drain_outbox(&db.pool, &state.settings)
        .await
        .unwrap();
    assert_eq!(sent, 0);
    let (mail_id, last_error): (uuid::Uuid, Option<String>) = sqlx::query_as(
        "SELECT id, last_error FROM public.mail_outbox WHERE to_address = $1 AND sent_at IS NULL",
    )
    .bind(CANDIDATE_EMAIL)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let last_error = last_error.expect("the failure is recorded on the row");
    assert!(
        last_error.contains("permanent SMTP error 550"),
        "the class and code stay: {last_error}"
    );

    // Five wrong passwords from one IP lock the HR account.
    for _ in 0..5 {
        sign_in_from_ip(&app, &t.email, "wrong password!").await;
    }
    assert_eq!(
        sign_in_from_ip(&app, &t.email, crate::support::admin::PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );

    let log = logs.text();
    assert!(
        log.contains(&mail_id.to_string()) && log.contains("mail not sent"),
        "the failed mail is logged by id:\n{log}"
    );
    assert!(
        log.contains("admin account locked"),
        "the lockout is logged:\n{log}"
    );
    let ip = std::net::Ipv4Addr::from(HR_IP).to_string();
    for (what, text) in [("log", log.as_str()), ("last_error", last_error.as_str())] {
        for secret in [
            CANDIDATE_EMAIL,
            "grace.hopper",
            CANDIDATE_NAME,
            "7946",
            &t.email,
            &ip,
        ] {
            assert!(
                !text.contains(secret),
                "{what} contains {secret:?}:\n{text}"
            );
        }
    }
}
