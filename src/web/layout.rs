//! The document shell shared by every page: head (title, description, canonical URL, Open Graph),
//! skip link, header, main landmark and footer.

use leptos::prelude::*;

/// What a page puts in `<head>`.
#[derive(Debug, Clone, Default)]
pub struct Head {
    pub title: String,
    pub description: String,
    /// Absolute canonical URL, without tracking parameters.
    pub canonical: Option<String>,
    /// `noindex` for pages search engines should skip (forms, admin, errors).
    pub noindex: bool,
}

/// A complete HTML document around `children`.
#[component]
pub fn Document(head: Head, children: Children) -> impl IntoView {
    let title = if head.title.is_empty() {
        "Careers".to_string()
    } else {
        format!("{} · Careers", head.title)
    };
    let og_title = title.clone();
    let og_description = head.description.clone();
    let canonical = head.canonical.clone();
    let og_url = head.canonical.clone();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <title>{title}</title>
                <meta name="description" content=head.description/>
                {canonical.map(|href| view! { <link rel="canonical" href=href/> })}
                {head.noindex.then(|| view! { <meta name="robots" content="noindex"/> })}
                {og_meta("og:type", "website".to_string())}
                {og_meta("og:title", og_title)}
                {og_meta("og:description", og_description)}
                {og_url.map(|u| og_meta("og:url", u))}
                <link rel="stylesheet" href="/style/main.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
            </head>
            <body>
                <a class="skip-link" href="#main">"Skip to content"</a>
                <header class="site-header">
                    <nav class="container nav" aria-label="Main">
                        <a class="brand" href="/">"Careers"</a>
                        <ul>
                            <li><a href="/jobs">"Jobs"</a></li>
                            <li><a href="/companies">"Companies"</a></li>
                        </ul>
                    </nav>
                </header>
                <main id="main" class="container">{children()}</main>
                <footer class="site-footer">
                    <div class="container">
                        <p>"Careers — every open job, one search."</p>
                    </div>
                </footer>
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
