//! Pagination links: previous/next plus a window of page numbers, as plain links.

use leptos::prelude::*;

/// The page numbers to show around `page` of `count` (`None` = a gap): always the first and the
/// last, and two on either side of the current one.
pub fn page_window(page: u32, count: u32) -> Vec<Option<u32>> {
    let mut out = Vec::new();
    let mut last = 0;
    for p in 1..=count {
        let near = p + 2 >= page && p <= page + 2;
        if p == 1 || p == count || near {
            if last != 0 && p > last + 1 {
                out.push(None);
            }
            out.push(Some(p));
            last = p;
        }
    }
    out
}

/// `<nav aria-label="Pagination">` for `page` of `count`; `href(n)` is the link to page `n`.
#[component]
pub fn Pagination(
    page: u32,
    count: u32,
    href: std::sync::Arc<dyn Fn(u32) -> String + Send + Sync>,
) -> impl IntoView {
    (count > 1).then(|| {
        let prev = (page > 1).then(|| href(page - 1));
        let next = (page < count).then(|| href(page + 1));
        let items = page_window(page, count)
            .into_iter()
            .map(|p| match p {
                Some(n) if n == page => view! {
                    <li>
                        <a href=href(n) aria-current="page" aria-label=format!("Page {n}, current page")>
                            {n}
                        </a>
                    </li>
                }
                .into_any(),
                Some(n) => view! {
                    <li>
                        <a href=href(n) aria-label=format!("Page {n}")>{n}</a>
                    </li>
                }
                .into_any(),
                None => view! { <li class="gap" aria-hidden="true">"…"</li> }.into_any(),
            })
            .collect_view();
        view! {
            <nav class="pagination" aria-label="Pagination">
                <ul>
                    <li class="prev">
                        {match prev {
                            Some(h) => view! { <a href=h rel="prev">"← Previous"</a> }.into_any(),
                            None => view! { <span aria-disabled="true">"← Previous"</span> }.into_any(),
                        }}
                    </li>
                    {items}
                    <li class="next">
                        {match next {
                            Some(h) => view! { <a href=h rel="next">"Next →"</a> }.into_any(),
                            None => view! { <span aria-disabled="true">"Next →"</span> }.into_any(),
                        }}
                    </li>
                </ul>
            </nav>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_keeps_ends_and_neighbours() {
        assert_eq!(page_window(1, 3), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(
            page_window(10, 20),
            vec![
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(20)
            ]
        );
        assert_eq!(page_window(1, 1), vec![Some(1)]);
    }
}
