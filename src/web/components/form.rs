//! Form building blocks: the error summary at the top of a form, the message beside a field, and a
//! `<textarea>` whose content is escaped (Leptos 0.8 does not escape textarea children).

use leptos::prelude::*;

/// Escapes text for the content of a `<textarea>` (or any raw-text position): `&`, `<`, `>`.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// One error in the summary: the input's id (the link target) and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryItem {
    pub input_id: String,
    pub message: String,
}

/// "There is a problem" box listing every error, each linking to its input. It takes the focus
/// when the page loads (`autofocus`, no script needed), so keyboard and screen-reader users start
/// at the list of problems.
#[component]
pub fn ErrorSummary(items: Vec<SummaryItem>) -> impl IntoView {
    (!items.is_empty()).then(|| {
        let n = items.len();
        view! {
            <div
                class="error-summary"
                id="error-summary"
                role="alert"
                aria-labelledby="error-summary-title"
                tabindex="-1"
                autofocus=true
            >
                <h2 id="error-summary-title">
                    {if n == 1 {
                        "There is a problem with your application".to_string()
                    } else {
                        format!("There are {n} problems with your application")
                    }}
                </h2>
                <ul>
                    {items
                        .into_iter()
                        .map(|i| {
                            view! {
                                <li>
                                    <a href=format!("#{}", i.input_id)>{i.message}</a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}

/// The message beside a field (`id` is referenced by the input's `aria-describedby`).
#[component]
pub fn FieldMessage(id: String, message: Option<String>) -> impl IntoView {
    message.map(|m| {
        view! {
            <p class="field-error" id=id>
                <span class="visually-hidden">"Error: "</span>
                {m}
            </p>
        }
    })
}

/// A `<textarea>` with its value escaped by hand (see [`escape_text`]).
#[component]
pub fn TextArea(
    id: String,
    name: String,
    value: String,
    #[prop(default = 6)] rows: u32,
    #[prop(default = false)] required: bool,
    #[prop(optional)] described_by: Option<String>,
    #[prop(default = false)] invalid: bool,
    #[prop(optional)] maxlength: Option<u32>,
) -> impl IntoView {
    view! {
        <textarea
            id=id
            name=name
            rows=rows
            required=required
            maxlength=maxlength
            aria-describedby=described_by
            aria-invalid=invalid.then_some("true")
            inner_html=escape_text(&value)
        ></textarea>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textarea_content_cannot_close_the_element() {
        assert_eq!(
            escape_text("</textarea><script>x</script> & more"),
            "&lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt; &amp; more"
        );
    }

    #[test]
    fn the_textarea_component_escapes_its_value() {
        let html = view! {
            <TextArea
                id="c".to_string()
                name="c".to_string()
                value="</textarea><b>hi</b> &amp;".to_string()
            />
        }
        .to_html();
        assert!(
            html.contains("&lt;/textarea&gt;&lt;b&gt;hi&lt;/b&gt; &amp;amp;"),
            "{html}"
        );
        assert_eq!(html.matches("</textarea>").count(), 1, "{html}");
    }
}
