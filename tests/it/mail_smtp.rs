//! The outbox against a real SMTP server (mailin-embedded, on a loopback port the test picks):
//! a backlog drains concurrently over reused connections, every mail arrives exactly once with its
//! outbox id as `Message-ID`, and a temporary refusal is retried with that mail's own backoff.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use careers::mail::{self, OutgoingMail};
use mailin_embedded::{Handler, Response, Server, response};
use uuid::Uuid;

use crate::support::TestDb;

/// What the server received: one entry per accepted message (its raw text), plus how many
/// connections were opened.
#[derive(Default)]
struct Inbox {
    messages: Vec<String>,
    sessions: usize,
    refused_once: std::collections::HashSet<String>,
}

#[derive(Clone)]
struct Sink {
    inbox: Arc<Mutex<Inbox>>,
    current: Vec<u8>,
}

impl Handler for Sink {
    fn helo(&mut self, _ip: std::net::IpAddr, _domain: &str) -> Response {
        self.inbox.lock().unwrap().sessions += 1;
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        // A mailbox that is busy the first time (a greylisting server does this).
        if to.contains("busy")
            && self
                .inbox
                .lock()
                .unwrap()
                .refused_once
                .insert(to.to_string())
        {
            return Response::custom(451, "Try again later".to_string());
        }
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let text = String::from_utf8_lossy(&std::mem::take(&mut self.current)).to_string();
        self.inbox.lock().unwrap().messages.push(text);
        response::OK
    }
}

fn start_smtp() -> (u16, Arc<Mutex<Inbox>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = Arc::new(Mutex::new(Inbox::default()));
    let mut server = Server::new(Sink {
        inbox: inbox.clone(),
        current: Vec::new(),
    });
    server
        .with_name("sink.test")
        .with_num_threads(32)
        .with_tcp_listener(listener);
    // The server runs until the test process ends.
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (port, inbox)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backlog_drains_concurrently_over_reused_connections_each_mail_once() {
    let db = TestDb::new().await;
    let (port, inbox) = start_smtp();
    let mut state = db.state();
    let mut settings = (*state.settings).clone();
    settings.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    state.settings = Arc::new(settings);

    const N: usize = 1_000;
    let mut tx = db.pool.begin().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..N {
        let to = if i % 100 == 7 {
            format!("busy{i}@example.com")
        } else {
            format!("person{i}@example.com")
        };
        let id = mail::enqueue(
            &mut tx,
            &OutgoingMail {
                tenant_id: None,
                to,
                subject: format!("Mail {i}"),
                body_text: format!("Hello number {i}."),
            },
        )
        .await
        .unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();

    let started = Instant::now();
    let sender = tokio::spawn(mail::run_sender(db.pool.clone(), state.settings.clone()));
    let pending = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM public.mail_outbox WHERE sent_at IS NULL AND attempts = 0",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap()
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let sent: i64 =
            sqlx::query_scalar("SELECT count(*) FROM public.mail_outbox WHERE sent_at IS NOT NULL")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        if sent as usize == N - 10 && pending().await == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{sent} of {} sent in 120 s",
            N - 10
        );
        // Polling interval of the probe (not a wait for work).
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let took = started.elapsed();
    eprintln!(
        "{} mails in {took:?}: {:.0} mails/s over {} SMTP sessions",
        N - 10,
        (N - 10) as f64 / took.as_secs_f64(),
        inbox.lock().unwrap().sessions
    );

    // The ten busy mailboxes: refused once, waiting out their own backoff with the reason kept.
    let waiting: Vec<(String, i32, Option<String>, bool)> = sqlx::query_as(
        "SELECT to_address, attempts, last_error, next_attempt_at > now() + interval '50 seconds'
           FROM public.mail_outbox WHERE sent_at IS NULL ORDER BY to_address",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(waiting.len(), 10);
    for (to, attempts, error, backed_off) in &waiting {
        assert!(to.starts_with("busy"), "{to}");
        assert_eq!(*attempts, 1);
        assert_eq!(
            error.as_deref(),
            Some("SMTP send: transient SMTP error 451")
        );
        assert!(backed_off);
    }
    // Their retry is due: they go out on the sender's next round.
    sqlx::query("UPDATE public.mail_outbox SET next_attempt_at = now() WHERE sent_at IS NULL")
        .execute(&db.pool)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let unsent: i64 =
            sqlx::query_scalar("SELECT count(*) FROM public.mail_outbox WHERE sent_at IS NULL")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        if unsent == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{unsent} retries not sent");
        // Polling interval of the probe (not a wait for work).
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    sender.abort();

    // Every mail arrived exactly once, named by its outbox id; connections were reused.
    let inbox = inbox.lock().unwrap();
    assert_eq!(inbox.messages.len(), N);
    let mut by_id: HashMap<Uuid, usize> = HashMap::new();
    for m in &inbox.messages {
        let id = m
            .lines()
            .find_map(|l| l.strip_prefix("Message-ID: <"))
            .and_then(|l| l.split('@').next())
            .and_then(|id| id.parse::<Uuid>().ok())
            .expect("a Message-ID naming the outbox row");
        *by_id.entry(id).or_default() += 1;
    }
    assert!(ids.iter().all(|id| by_id.get(id) == Some(&1)));
    assert!(
        inbox.sessions < N / 5,
        "{} sessions for {N} mails: connections are not reused",
        inbox.sessions
    );
}
