//! Protection of the public apply form without sessions: a stateless token (HMAC-SHA256 over the
//! job id and the time the form was served, keyed by a secret every instance shares through the
//! database, [`load_shared_secret`]),
//! the same-origin check on `Origin` / `Sec-Fetch-Site`, and the minimum fill time that, with the
//! honeypot field, flags bots.

use std::path::Path;
use std::sync::OnceLock;

use axum::http::{HeaderMap, header};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

/// A form older than this is refused (the person is asked to send it again).
pub const MAX_AGE_SECS: i64 = 24 * 60 * 60;
/// A form sent sooner than this after it was served was not filled in by a person.
pub const MIN_FILL_SECS: i64 = 3;
/// Name of the honeypot field: hidden from people, irresistible to form-filling bots.
// Named so that browsers and password managers do not autofill it.
pub const HONEYPOT: &str = "referral_code";
/// Name of the token field.
pub const TOKEN: &str = "_token";

static SECRET: OnceLock<[u8; 32]> = OnceLock::new();

/// Loads the secret every instance shares from `public.app_secrets` (the first instance creates
/// it — from this data directory's older `form-secret` file when there is one, so forms served
/// before an upgrade stay valid). `serve` calls it before it listens; a form served by one instance
/// can then be sent to any other.
pub async fn load_shared_secret(pool: &sqlx::PgPool, data_dir: &Path) -> anyhow::Result<()> {
    let candidate = std::fs::read_to_string(data_dir.join("form-secret"))
        .ok()
        .and_then(|t| hex::decode(t.trim()).ok())
        .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
        .unwrap_or_else(rand::random);
    let stored = crate::db::shared_secret(pool, "apply_form", &candidate).await?;
    let key = <[u8; 32]>::try_from(stored.as_slice())
        .map_err(|_| anyhow::anyhow!("public.app_secrets holds a malformed apply_form secret"))?;
    if SECRET.set(key).is_err() && SECRET.get() != Some(&key) {
        anyhow::bail!("the apply form secret was already in use before it was loaded");
    }
    Ok(())
}

/// The secret: the shared one once [`load_shared_secret`] ran; otherwise (commands and
/// in-process tests) read from `data_dir/form-secret`, created there on first use. If the
/// directory is not writable, a per-process secret is used.
fn secret(data_dir: &Path) -> &'static [u8; 32] {
    SECRET.get_or_init(|| {
        let path = data_dir.join("form-secret");
        if let Ok(text) = std::fs::read_to_string(&path)
            && let Ok(bytes) = hex::decode(text.trim())
            && let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice())
        {
            return key;
        }
        let key: [u8; 32] = rand::random();
        let written = std::fs::create_dir_all(data_dir)
            .and_then(|_| std::fs::write(&path, hex::encode(key)));
        if let Err(e) = written {
            tracing::warn!(error = %e, path = %path.display(), "cannot persist the form secret; using a per-process one");
        }
        key
    })
}

/// HMAC-SHA256 of what a token vouches for: the job and the time its form was served.
fn mac(key: &[u8; 32], job_id: Uuid, issued: i64) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(format!("apply:{job_id}:{issued}").as_bytes());
    mac
}

/// A reference to resume `id` kept for the next try at `job_id`'s form: `<id>.<HMAC>`, so a form
/// can only name a file kept for its own job.
pub fn sign_kept_resume(data_dir: &Path, job_id: Uuid, id: Uuid) -> String {
    let tag = kept_mac(secret(data_dir), job_id, id)
        .finalize()
        .into_bytes();
    format!("{id}.{}", hex::encode(tag))
}

/// The kept resume a form's reference names, when the reference is genuine for `job_id`.
pub fn check_kept_resume(data_dir: &Path, job_id: Uuid, reference: &str) -> Option<Uuid> {
    let (id, tag) = reference.trim().split_once('.')?;
    let id = Uuid::parse_str(id).ok()?;
    let tag = hex::decode(tag).ok()?;
    kept_mac(secret(data_dir), job_id, id)
        .verify_slice(&tag)
        .ok()
        .map(|_| id)
}

fn kept_mac(key: &[u8; 32], job_id: Uuid, id: Uuid) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(format!("kept-resume:{job_id}:{id}").as_bytes());
    mac
}

/// Name of the field that carries a kept resume's reference.
pub const KEPT_RESUME: &str = "resume_kept";

/// A token for the apply form of `job_id`, served at `now` (unix seconds).
pub fn issue(data_dir: &Path, job_id: Uuid, now: i64) -> String {
    let tag = mac(secret(data_dir), job_id, now).finalize().into_bytes();
    format!("{now}.{}", hex::encode(tag))
}

/// What a sent token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCheck {
    /// Genuine; `seconds` since the form was served.
    Valid {
        seconds: i64,
    },
    Expired,
    Invalid,
}

/// Checks a token sent with the form of `job_id` at `now`.
pub fn check(data_dir: &Path, job_id: Uuid, token: &str, now: i64) -> TokenCheck {
    let Some((issued, sent_mac)) = token.split_once('.') else {
        return TokenCheck::Invalid;
    };
    let Ok(issued) = issued.parse::<i64>() else {
        return TokenCheck::Invalid;
    };
    let Ok(sent_mac) = hex::decode(sent_mac) else {
        return TokenCheck::Invalid;
    };
    // `verify_slice` compares in constant time.
    if mac(secret(data_dir), job_id, issued)
        .verify_slice(&sent_mac)
        .is_err()
    {
        return TokenCheck::Invalid;
    }
    let seconds = now - issued;
    if !(0..=MAX_AGE_SECS).contains(&seconds) {
        return TokenCheck::Expired;
    }
    TokenCheck::Valid { seconds }
}

/// Whether a POST came from a page of ours: `Sec-Fetch-Site` (when sent) is `same-origin` (or
/// `none`, typed by the person), and `Origin` (when sent) is the public URL's origin or the host the
/// request was addressed to (a tenant's own domain).
pub fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Some(origin) = origin.to_str().ok().and_then(|o| url::Url::parse(o).ok()) else {
        return false; // includes the opaque origin "null"
    };
    if url::Url::parse(public_url).is_ok_and(|p| p.origin() == origin.origin()) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (host, origin.host_str()) {
        (Some(host), Some(origin_host)) => {
            let with_port = match origin.port() {
                Some(p) => format!("{origin_host}:{p}"),
                None => origin_host.to_string(),
            };
            host.eq_ignore_ascii_case(&with_port)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn macs_depend_on_the_key_the_job_and_the_time() {
        let tag = |key: [u8; 32], job: Uuid, at: i64| mac(&key, job, at).finalize().into_bytes();
        let job = Uuid::new_v4();
        assert_eq!(tag([1; 32], job, 5), tag([1; 32], job, 5));
        assert_ne!(tag([1; 32], job, 5), tag([2; 32], job, 5));
        assert_ne!(tag([1; 32], job, 5), tag([1; 32], Uuid::new_v4(), 5));
        assert_ne!(tag([1; 32], job, 5), tag([1; 32], job, 6));
    }

    #[test]
    fn tokens_are_bound_to_the_job_and_expire() {
        let dir = std::env::temp_dir();
        let job = Uuid::new_v4();
        let t = issue(&dir, job, 1_000);
        assert_eq!(
            check(&dir, job, &t, 1_010),
            TokenCheck::Valid { seconds: 10 }
        );
        assert_eq!(check(&dir, Uuid::new_v4(), &t, 1_010), TokenCheck::Invalid);
        assert_eq!(
            check(&dir, job, &t, 1_000 + MAX_AGE_SECS + 1),
            TokenCheck::Expired
        );
        assert_eq!(
            check(&dir, job, "1000.deadbeef", 1_010),
            TokenCheck::Invalid
        );
        assert_eq!(check(&dir, job, "garbage", 1_010), TokenCheck::Invalid);
    }

    #[test]
    fn kept_resume_references_are_bound_to_their_job() {
        let dir = std::env::temp_dir();
        let (job, id) = (Uuid::new_v4(), Uuid::new_v4());
        let r = sign_kept_resume(&dir, job, id);
        assert_eq!(check_kept_resume(&dir, job, &r), Some(id));
        assert_eq!(check_kept_resume(&dir, Uuid::new_v4(), &r), None);
        let other = format!("{}.{}", Uuid::new_v4(), r.split_once('.').unwrap().1);
        assert_eq!(check_kept_resume(&dir, job, &other), None);
        assert_eq!(check_kept_resume(&dir, job, "garbage"), None);
    }

    #[test]
    fn cross_site_posts_are_recognised() {
        let base = "http://127.0.0.1:3000";
        let mut h = HeaderMap::new();
        assert!(same_origin(&h, base), "no headers: a non-browser client");
        h.insert("origin", HeaderValue::from_static("http://127.0.0.1:3000"));
        assert!(same_origin(&h, base));
        h.insert("origin", HeaderValue::from_static("https://evil.example"));
        assert!(!same_origin(&h, base));
        h.insert("origin", HeaderValue::from_static("null"));
        assert!(!same_origin(&h, base));
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h, base));
        let mut h = HeaderMap::new();
        h.insert("origin", HeaderValue::from_static("https://jobs.acme.com"));
        h.insert("host", HeaderValue::from_static("jobs.acme.com"));
        assert!(same_origin(&h, base), "a tenant's own domain");
    }
}
