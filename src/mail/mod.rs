//! Outgoing mail through the `public.mail_outbox` table: [`enqueue`] inside the caller's
//! transaction (so a mail exists exactly when the thing it announces does), [`run_sender`] in every
//! `serve` process. SMTP when `CAREERS_SMTP_URL` is set (a pool of reused connections, several
//! mails in flight), `.eml` files in `$CAREERS_DATA_DIR/outbox/` otherwise. A mail is never
//! deleted: it is marked sent, or retried with a backoff of its own.
//!
//! A sender claims a batch of due mails with a lease (committed at once, so nothing is held open
//! while it talks to the server), sends them concurrently and records each outcome. Several
//! instances never claim the same mail; a mail whose sender died mid-send is claimed again when
//! its lease ends (it may then arrive twice: its `Message-ID` is the outbox id, so a client can
//! tell).

use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::config::Settings;

/// Mails claimed per round.
pub const BATCH: i64 = 200;
/// Mails in flight at once (SMTP connections in the pool, or files being written).
pub const IN_FLIGHT: usize = 16;
/// How long a claim holds a mail before another sender may take it.
const LEASE_SECS: f64 = 120.0;
/// How often an idle sender looks for due mail.
const IDLE_POLL: std::time::Duration = std::time::Duration::from_secs(2);
/// Longest wait between two attempts.
const MAX_BACKOFF_SECS: i64 = 6 * 3600;

/// A mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub tenant_id: Option<Uuid>,
    pub to: String,
    pub subject: String,
    pub body_text: String,
}

/// Queues `mail` in the caller's transaction; returns its outbox id.
pub async fn enqueue(conn: &mut PgConnection, mail: &OutgoingMail) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    sqlx::query(
        "INSERT INTO public.mail_outbox (id, tenant_id, to_address, subject, body_text)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(mail.tenant_id)
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.body_text)
    .execute(conn)
    .await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct Pending {
    id: Uuid,
    to_address: String,
    subject: String,
    body_text: String,
    created_at: DateTime<Utc>,
    attempts: i32,
}

/// The sender address: `no-reply@` the public host.
fn from_address(settings: &Settings) -> String {
    let host = url::Url::parse(&settings.public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .filter(|h| h.contains('.') && h.parse::<std::net::IpAddr>().is_err())
        .unwrap_or_else(|| "careers.localhost".to_string());
    format!("no-reply@{host}")
}

fn build_message(settings: &Settings, m: &Pending) -> anyhow::Result<Message> {
    let from: Mailbox = format!("Careers <{}>", from_address(settings))
        .parse()
        .context("sender address")?;
    let to: Mailbox = m.to_address.parse().context("recipient address")?;
    let host = from_address(settings)
        .split_once('@')
        .map(|(_, h)| h.to_string())
        .unwrap_or_default();
    Message::builder()
        .from(from)
        .to(to)
        .subject(m.subject.clone())
        .date(m.created_at.into())
        .message_id(Some(format!("<{}@{host}>", m.id)))
        .header(ContentType::TEXT_PLAIN)
        .body(m.body_text.clone())
        .context("building the message")
}

/// Where mail goes.
enum Sink {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(std::path::PathBuf),
}

impl Sink {
    fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        match &settings.smtp_url {
            Some(url) => Ok(Sink::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("CAREERS_SMTP_URL is not a valid SMTP URL (smtp://user:pass@host:587?tls=required)")?
                    // Connections are reused across mails and rounds; one per mail in flight.
                    .pool_config(PoolConfig::new().max_size(IN_FLIGHT as u32))
                    .timeout(Some(std::time::Duration::from_secs(30)))
                    .build(),
            )),
            None => Ok(Sink::Files(settings.data_dir.join("outbox"))),
        }
    }

    async fn send(&self, id: Uuid, msg: Message) -> anyhow::Result<()> {
        match self {
            Sink::Smtp(t) => {
                t.send(msg).await.context("SMTP send")?;
            }
            Sink::Files(dir) => write_eml(dir, id, &msg.formatted()).await?,
        }
        Ok(())
    }
}

/// Writes `<dir>/<id>.eml` atomically (temporary file, then rename).
async fn write_eml(dir: &Path, id: Uuid, bytes: &[u8]) -> anyhow::Result<()> {
    tokio::fs::create_dir_all(dir)
        .await
        .with_context(|| format!("creating {}", dir.display()))?;
    let tmp = dir.join(format!(".{id}.eml.tmp"));
    let path = dir.join(format!("{id}.eml"));
    tokio::fs::write(&tmp, bytes)
        .await
        .with_context(|| format!("writing {}", tmp.display()))?;
    tokio::fs::rename(&tmp, &path)
        .await
        .with_context(|| format!("renaming to {}", path.display()))?;
    Ok(())
}

/// Seconds to wait after the `attempts`-th failure: 1, 2, 4, … minutes, at most 6 hours.
pub fn backoff_secs(attempts: i32) -> i64 {
    let exp = attempts.clamp(1, 20) - 1;
    (60_i64 << exp).min(MAX_BACKOFF_SECS)
}

/// Sends the mail of this process until the task is aborted: a round whenever mail is due, every
/// [`IDLE_POLL`] otherwise. Failures are logged once per burst.
pub async fn run_sender(pool: PgPool, settings: std::sync::Arc<Settings>) {
    static TROUBLE: crate::error::BurstLog =
        crate::error::BurstLog::new(std::time::Duration::from_secs(60));
    let sink = match Sink::from_settings(&settings) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %crate::error::loggable(e.as_ref()), "mail is not sent");
            return;
        }
    };
    loop {
        match send_round(&pool, &settings, &sink).await {
            // A full round: more may be due at once.
            Ok(r) if r.claimed as i64 == BATCH => continue,
            Ok(_) => {}
            Err(e) => TROUBLE.note(
                "the mail outbox cannot be read",
                &crate::error::loggable(e.as_ref()),
            ),
        }
        tokio::time::sleep(IDLE_POLL).await;
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub claimed: usize,
    pub sent: usize,
}

/// One round (up to [`BATCH`] due mails); returns how many were sent. For the commands and tests
/// that drain the outbox themselves.
pub async fn drain_outbox(pool: &PgPool, settings: &Settings) -> anyhow::Result<usize> {
    let sink = Sink::from_settings(settings)?;
    Ok(send_round(pool, settings, &sink).await?.sent)
}

async fn send_round(pool: &PgPool, settings: &Settings, sink: &Sink) -> anyhow::Result<Round> {
    let due: Vec<Pending> = sqlx::query_as(
        "UPDATE public.mail_outbox m
            SET lease_until = now() + make_interval(secs => $2), attempts = m.attempts + 1
          WHERE m.id IN (SELECT id FROM public.mail_outbox
                          WHERE sent_at IS NULL AND next_attempt_at <= now()
                            AND (lease_until IS NULL OR lease_until < now())
                          ORDER BY next_attempt_at
                          LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING m.id, m.to_address, m.subject, m.body_text, m.created_at, m.attempts",
    )
    .bind(BATCH)
    .bind(LEASE_SECS)
    .fetch_all(pool)
    .await
    .context("claiming due mail")?;
    let claimed = due.len();
    let sends = due.into_iter().map(|m| {
        let message = build_message(settings, &m);
        async move {
            let result = match message {
                Ok(msg) => sink.send(m.id, msg).await,
                Err(e) => Err(e),
            };
            (m.id, m.attempts, result)
        }
    });
    let outcomes: Vec<(Uuid, i32, anyhow::Result<()>)> = futures::stream::iter(sends)
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let mut sent = Vec::new();
    let mut failed: (Vec<Uuid>, Vec<String>, Vec<f64>) = Default::default();
    for (id, attempts, result) in outcomes {
        match result {
            Ok(()) => sent.push(id),
            Err(e) => {
                // The recipient address is personal data, and SMTP replies echo it: the outbox
                // id and the failure's class and code only, in the log and on the row.
                let error = crate::error::loggable(e.as_ref());
                tracing::warn!(mail_id = %id, attempts, %error, "mail not sent; will retry");
                failed.0.push(id);
                failed.1.push(error.chars().take(1000).collect());
                failed.2.push(backoff_secs(attempts) as f64);
            }
        }
    }
    sqlx::query(
        "UPDATE public.mail_outbox SET sent_at = now(), last_error = NULL, lease_until = NULL
          WHERE id = ANY($1)",
    )
    .bind(&sent)
    .execute(pool)
    .await
    .context("recording sent mail")?;
    sqlx::query(
        "UPDATE public.mail_outbox m
            SET last_error = f.error, lease_until = NULL,
                next_attempt_at = now() + make_interval(secs => f.backoff)
           FROM unnest($1::uuid[], $2::text[], $3::float8[]) AS f(id, error, backoff)
          WHERE m.id = f.id",
    )
    .bind(&failed.0)
    .bind(&failed.1)
    .bind(&failed.2)
    .execute(pool)
    .await
    .context("recording failed mail")?;
    Ok(Round {
        claimed,
        sent: sent.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        assert_eq!(backoff_secs(1), 60);
        assert_eq!(backoff_secs(2), 120);
        assert_eq!(backoff_secs(5), 960);
        assert_eq!(backoff_secs(30), MAX_BACKOFF_SECS);
    }

    #[test]
    fn the_sender_uses_the_public_host() {
        let mut s = Settings::from_lookup(None, |_| None).unwrap();
        assert_eq!(from_address(&s), "no-reply@careers.localhost");
        s.public_url = "https://jobs.example.com".into();
        assert_eq!(from_address(&s), "no-reply@jobs.example.com");
    }
}
