//! Outgoing mail through the `public.mail_outbox` table: [`enqueue`] inside the caller's
//! transaction (so a mail exists exactly when the thing it announces does), [`drain_outbox`] from
//! the scheduler. SMTP when `CAREERS_SMTP_URL` is set, `.eml` files in
//! `$CAREERS_DATA_DIR/outbox/` otherwise. A mail is never deleted: it is marked sent, or retried
//! with backoff.

use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::config::Settings;

/// Mails sent per drain run.
pub const BATCH: i64 = 50;
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

/// Sends due mails (up to [`BATCH`]); returns how many were sent. Failures are recorded on the
/// row and retried later; rows are claimed with `SKIP LOCKED` so two instances never send the
/// same mail at once.
pub async fn drain_outbox(pool: &PgPool, settings: &Settings) -> anyhow::Result<usize> {
    let sink = Sink::from_settings(settings)?;
    let mut tx = pool.begin().await?;
    let due: Vec<Pending> = sqlx::query_as(
        "SELECT id, to_address, subject, body_text, created_at, attempts
           FROM public.mail_outbox
          WHERE sent_at IS NULL AND next_attempt_at <= now()
          ORDER BY next_attempt_at
          LIMIT $1 FOR UPDATE SKIP LOCKED",
    )
    .bind(BATCH)
    .fetch_all(&mut *tx)
    .await
    .context("reading the mail outbox")?;
    let mut sent = 0;
    for m in &due {
        let result = match build_message(settings, m) {
            Ok(msg) => sink.send(m.id, msg).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => {
                sqlx::query(
                    "UPDATE public.mail_outbox SET sent_at = now(), attempts = attempts + 1,
                            last_error = NULL WHERE id = $1",
                )
                .bind(m.id)
                .execute(&mut *tx)
                .await?;
                sent += 1;
            }
            Err(e) => {
                // The recipient address is personal data, and SMTP replies echo it: the outbox
                // id and the failure's class and code only, in the log and on the row.
                let error = crate::error::loggable(e.as_ref());
                tracing::warn!(mail_id = %m.id, attempts = m.attempts + 1, %error, "mail not sent; will retry");
                sqlx::query(
                    "UPDATE public.mail_outbox SET attempts = attempts + 1, last_error = $2,
                            next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1",
                )
                .bind(m.id)
                .bind(error.chars().take(1000).collect::<String>())
                .bind(backoff_secs(m.attempts + 1) as f64)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await.context("recording sent mail")?;
    Ok(sent)
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
