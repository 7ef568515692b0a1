//! Conditional GETs: strong entity tags from a body's hash and `If-None-Match` matching, shared by
//! the JSON API and the embedded static assets.

use axum::http::HeaderValue;
use sha2::{Digest, Sha256};

/// A strong entity tag for `body`: the first 128 bits of its SHA-256, hex, quoted.
pub fn strong_etag(body: &[u8]) -> String {
    format!("\"{}\"", hex::encode(&Sha256::digest(body)[..16]))
}

/// Whether an `If-None-Match` value matches `etag` (`*`, or any listed tag by the weak comparison
/// RFC 9110 §13.1.2 prescribes for this header, so `W/"x"` matches `"x"`).
pub fn if_none_match(header: Option<&HeaderValue>, etag: &str) -> bool {
    header.and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == etag || t == "*")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_follow_the_body_and_match_by_weak_comparison() {
        let tag = strong_etag(b"hello");
        assert_eq!(tag, strong_etag(b"hello"));
        assert_ne!(tag, strong_etag(b"hello!"));
        assert!(tag.starts_with('"') && tag.ends_with('"') && tag.len() == 34);
        let h = |s: &'static str| HeaderValue::from_static(s);
        assert!(if_none_match(
            Some(&HeaderValue::from_str(&tag).unwrap()),
            &tag
        ));
        let weak = HeaderValue::from_str(&format!("\"other\", W/{tag}")).unwrap();
        assert!(if_none_match(Some(&weak), &tag));
        assert!(if_none_match(Some(&h("*")), &tag));
        assert!(!if_none_match(Some(&h("\"other\"")), &tag));
        assert!(!if_none_match(None, &tag));
    }
}
