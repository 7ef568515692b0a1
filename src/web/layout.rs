//! The document shell shared by every page: head (title, description, canonical URL, Open Graph,
//! structured data), skip link, header, main landmark and footer; plus the chrome-less shell of
//! the `/embed/*` pages.

use leptos::prelude::*;

use crate::web::assets;

/// The site's name in titles and Open Graph.
pub const SITE_NAME: &str = "Careers";

/// Which top-level section a page belongs to (marks the current nav link).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Section {
    #[default]
    None,
    Jobs,
    Companies,
}

/// What a page puts in `<head>`.
#[derive(Debug, Clone, Default)]
pub struct Head {
    pub title: String,
    pub description: String,
    /// Absolute canonical URL, without tracking parameters.
    pub canonical: Option<String>,
    /// `noindex` for pages search engines should skip (forms, errors, filtered lists).
    pub noindex: bool,
    /// Open Graph type; `website` when empty.
    pub og_type: &'static str,
    /// Absolute image URL for link previews (e.g. a company logo).
    pub og_image: Option<String>,
    /// A schema.org JSON-LD document, already serialized with [`json_for_script`].
    pub json_ld: Option<String>,
    /// An extra same-origin stylesheet (a company's brand colours).
    pub extra_stylesheet: Option<String>,
    /// An RSS feed to advertise with `<link rel="alternate">`.
    pub feed: Option<String>,
    pub section: Section,
}

impl Head {
    pub fn new(title: impl Into<String>, description: impl Into<String>) -> Self {
        Head {
            title: title.into(),
            description: description.into(),
            ..Default::default()
        }
    }

    pub fn canonical(mut self, url: impl Into<String>) -> Self {
        self.canonical = Some(url.into());
        self
    }

    pub fn noindex(mut self) -> Self {
        self.noindex = true;
        self
    }

    pub fn section(mut self, section: Section) -> Self {
        self.section = section;
        self
    }
}

/// Serializes `value` for a `<script type="application/ld+json">` element: `<`, `>` and `&`
/// become `\u003c`, `\u003e`, `\u0026`, so no string in it can close the element.
pub fn json_for_script(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn full_title(title: &str) -> String {
    if title.is_empty() {
        format!("{SITE_NAME} — find your next job")
    } else {
        format!("{title} · {SITE_NAME}")
    }
}

/// The `<head>` element both shells share.
fn head_view(head: Head) -> impl IntoView {
    let title = full_title(&head.title);
    let og_type = if head.og_type.is_empty() {
        "website"
    } else {
        head.og_type
    };
    let canonical = head.canonical.clone();
    view! {
        <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>{title.clone()}</title>
            <meta name="description" content=head.description.clone()/>
            {canonical.map(|href| view! { <link rel="canonical" href=href/> })}
            {head.noindex.then(|| view! { <meta name="robots" content="noindex"/> })}
            {og_meta("og:site_name", SITE_NAME.to_string())}
            {og_meta("og:type", og_type.to_string())}
            {og_meta("og:title", title)}
            {og_meta("og:description", head.description)}
            {head.canonical.map(|u| og_meta("og:url", u))}
            {head.og_image.map(|u| og_meta("og:image", u))}
            <meta name="theme-color" content="#1d4ed8"/>
            <link rel="stylesheet" href=assets::STYLESHEET.url()/>
            {head.extra_stylesheet.map(|href| view! { <link rel="stylesheet" href=href/> })}
            <link rel="icon" href=assets::FAVICON.url() type="image/svg+xml"/>
            {head
                .feed
                .map(|href| {
                    view! {
                        <link
                            rel="alternate"
                            type="application/rss+xml"
                            title="Jobs feed"
                            href=href
                        />
                    }
                })}
            {head
                .json_ld
                .map(|json| view! { <script type="application/ld+json" inner_html=json></script> })}
        </head>
    }
}

/// A complete HTML document around `children`.
#[component]
pub fn Document(head: Head, children: Children) -> impl IntoView {
    let section = head.section;
    let current = move |s: Section| (section == s).then_some("page");
    view! {
        <!DOCTYPE html>
        <html lang="en">
            {head_view(head)}
            <body>
                <a class="skip-link" href="#main">"Skip to content"</a>
                <header class="site-header">
                    <nav class="container nav" aria-label="Main">
                        <a class="brand" href="/">
                            <img src=assets::FAVICON.url() alt="" width="28" height="28"/>
                            <span>{SITE_NAME}</span>
                        </a>
                        <ul class="nav-links">
                            <li>
                                <a href="/jobs" aria-current=current(Section::Jobs)>
                                    "Jobs"
                                </a>
                            </li>
                            <li>
                                <a href="/companies" aria-current=current(Section::Companies)>
                                    "Companies"
                                </a>
                            </li>
                        </ul>
                    </nav>
                </header>
                <main id="main" tabindex="-1">{children()}</main>
                <footer class="site-footer">
                    <div class="container footer-grid">
                        <p class="footer-tagline">
                            <strong>{SITE_NAME}</strong>
                            " — every open job, one search."
                        </p>
                        <nav aria-label="Footer">
                            <ul class="footer-links">
                                <li><a href="/jobs">"All jobs"</a></li>
                                <li><a href="/companies">"Companies"</a></li>
                                <li><a href="/jobs/feed.xml">"RSS feed"</a></li>
                                <li><a href="/admin/login">"For employers"</a></li>
                            </ul>
                        </nav>
                    </div>
                </footer>
            </body>
        </html>
    }
}

/// The chrome-less document of the `/embed/*` pages: no header or footer, `data-careers-embed` so
/// `embed.js` (loaded here to report the height) knows it runs inside the iframe.
#[component]
pub fn EmbedDocument(head: Head, children: Children) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en" data-careers-embed="">
            {head_view(head)}
            <body class="embed">
                <main id="main">{children()}</main>
                <script src=assets::EMBED_JS.url() defer></script>
            </body>
        </html>
    }
}

/// An Open Graph `<meta property=.. content=..>` (`property` is not a standard HTML attribute, so
/// the view macro has no typed setter for it).
fn og_meta(property: &'static str, content: String) -> impl IntoView {
    leptos::html::meta()
        .attr("property", property)
        .attr("content", content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_for_scripts_cannot_close_the_element() {
        let v = serde_json::json!({"title": "</script><script>alert(1)</script> & co"});
        let s = json_for_script(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
