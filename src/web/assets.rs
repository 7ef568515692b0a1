//! Static assets compiled into the binary (stylesheet, favicon, embed script), so `careers` serves
//! them from any working directory. Each is served with its content type, a strong `ETag`, and —
//! when requested through its fingerprinted URL (`?v=<hash>`) — a year-long immutable cache.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Query;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::state::AppState;

/// One embedded file.
pub struct Asset {
    pub path: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
    /// First 16 hex digits of the SHA-256 of `body`.
    pub hash: String,
    pub etag: String,
}

impl Asset {
    fn new(path: &'static str, content_type: &'static str, body: &'static [u8]) -> Self {
        let digest = Sha256::digest(body);
        Asset {
            path,
            content_type,
            body,
            hash: hex::encode(&digest[..8]),
            etag: crate::http_cache::strong_etag(body),
        }
    }

    /// The URL pages link to: the path plus the content hash, so a new build busts caches.
    pub fn url(&self) -> String {
        format!("{}?v={}", self.path, self.hash)
    }
}

pub static STYLESHEET: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "/style/main.css",
        "text/css; charset=utf-8",
        include_bytes!("../../style/main.css"),
    )
});

pub static ADMIN_STYLESHEET: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "/style/admin.css",
        "text/css; charset=utf-8",
        include_bytes!("../../style/admin.css"),
    )
});

pub static FAVICON: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "/favicon.svg",
        "image/svg+xml",
        include_bytes!("../../public/favicon.svg"),
    )
});

pub static EMBED_JS: LazyLock<Asset> = LazyLock::new(|| {
    Asset::new(
        "/embed.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../public/embed.js"),
    )
});

/// Routes for every embedded asset.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(STYLESHEET.path, get(|q, h| serve(&STYLESHEET, q, h)))
        .route(
            ADMIN_STYLESHEET.path,
            get(|q, h| serve(&ADMIN_STYLESHEET, q, h)),
        )
        .route(FAVICON.path, get(|q, h| serve(&FAVICON, q, h)))
        .route(EMBED_JS.path, get(|q, h| serve(&EMBED_JS, q, h)))
}

#[derive(Debug, Deserialize)]
struct Version {
    v: Option<String>,
}

async fn serve(
    asset: &'static Asset,
    Query(version): Query<Version>,
    headers: HeaderMap,
) -> Response {
    // A fingerprinted URL never changes content; an unversioned one (e.g. embed.js pasted into a
    // partner's page) must pick up new builds within the hour.
    let cache = if version.v.as_deref() == Some(asset.hash.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    let mut res =
        if crate::http_cache::if_none_match(headers.get(header::IF_NONE_MATCH), &asset.etag) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(asset.content_type),
                )],
                asset.body,
            )
                .into_response()
        };
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&asset.etag) {
        h.insert(header::ETAG, v);
    }
    if asset.path == EMBED_JS.path {
        // Partner pages load this script cross-origin.
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        h.insert(
            header::HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("cross-origin"),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_urls_carry_the_content_hash() {
        assert_eq!(STYLESHEET.hash.len(), 16);
        assert!(STYLESHEET.url().starts_with("/style/main.css?v="));
        assert_ne!(STYLESHEET.hash, FAVICON.hash);
    }
}
