//! Formatting of money, salary ranges, dates and locations for people (not machines).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::postings::model::{RemotePolicy, SalaryPeriod};

/// `85000.00` → `85,000`; `12.50` → `12.50`.
pub fn group_thousands(amount: Decimal) -> String {
    let rounded = amount.round_dp(2);
    let whole = rounded.trunc();
    let frac = rounded - whole;
    let digits = whole.abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.insert(0, '-');
    }
    if !frac.is_zero() {
        out.push_str(&format!(
            ".{:02}",
            (frac.abs() * Decimal::from(100)).trunc()
        ));
    }
    out
}

/// An amount with its currency: `€85,000`, `$40`, `CHF 90,000`.
pub fn money(amount: Decimal, currency: &str) -> String {
    let n = group_thousands(amount);
    match currency {
        "EUR" => format!("€{n}"),
        "USD" => format!("${n}"),
        "GBP" => format!("£{n}"),
        "JPY" => format!("¥{n}"),
        "INR" => format!("₹{n}"),
        other => format!("{other} {n}"),
    }
}

/// `€70,000 – €90,000 per year`, `From €70,000 per year`, `Up to €90,000 per year`; `None` when
/// there is no amount.
pub fn salary_range(
    min: Option<Decimal>,
    max: Option<Decimal>,
    currency: &str,
    period: SalaryPeriod,
) -> Option<String> {
    let range = match (min, max) {
        (Some(a), Some(b)) if a == b => money(a, currency),
        (Some(a), Some(b)) => format!("{} – {}", money(a, currency), money(b, currency)),
        (Some(a), None) => format!("From {}", money(a, currency)),
        (None, Some(b)) => format!("Up to {}", money(b, currency)),
        (None, None) => return None,
    };
    Some(format!("{range} {}", period.label()))
}

/// How long ago something was posted: `Today`, `Yesterday`, `3 days ago`, `2 weeks ago`, else a
/// date like `12 Nov 2026`.
pub fn posted_ago(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let days = (now.date_naive() - at.date_naive()).num_days();
    match days {
        i64::MIN..=0 => "Today".to_string(),
        1 => "Yesterday".to_string(),
        2..=13 => format!("{days} days ago"),
        14..=41 => format!("{} weeks ago", days / 7),
        _ => long_date(at),
    }
}

/// `12 Nov 2026`.
pub fn long_date(at: DateTime<Utc>) -> String {
    at.format("%-d %b %Y").to_string()
}

/// Location and remote policy in one line: `Berlin, Germany · Hybrid`, or just `Remote`.
pub fn location_line(location: &str, remote: RemotePolicy) -> String {
    let location = location.trim();
    match (location.is_empty(), remote) {
        (true, RemotePolicy::OnSite) => "On-site".to_string(),
        (true, r) => r.label().to_string(),
        (false, RemotePolicy::OnSite) => location.to_string(),
        (false, r) => format!("{location} · {}", r.label()),
    }
}

/// First `max` characters of `text` on a word boundary, with an ellipsis when cut.
pub fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == '.')
    )
}

/// `url` when it is an absolute http(s) URL — the only links a tenant's profile may put on a page
/// (`javascript:` and friends are dropped).
pub fn http_url(url: Option<&str>) -> Option<String> {
    let url = url?.trim();
    let parsed = url::Url::parse(url).ok()?;
    (matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some())
        .then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn amounts_are_grouped_by_thousands() {
        assert_eq!(group_thousands(Decimal::new(8_500_000, 2)), "85,000");
        assert_eq!(group_thousands(Decimal::new(1_250, 2)), "12.50");
        assert_eq!(group_thousands(Decimal::new(123_456_789, 0)), "123,456,789");
        assert_eq!(group_thousands(Decimal::new(999, 0)), "999");
    }

    #[test]
    fn salary_ranges_read_naturally() {
        let y = SalaryPeriod::Year;
        let (a, b) = (Some(Decimal::from(70_000)), Some(Decimal::from(90_000)));
        assert_eq!(
            salary_range(a, b, "EUR", y).unwrap(),
            "€70,000 – €90,000 per year"
        );
        assert_eq!(
            salary_range(a, None, "CHF", y).unwrap(),
            "From CHF 70,000 per year"
        );
        assert_eq!(
            salary_range(None, b, "USD", SalaryPeriod::Hour).unwrap(),
            "Up to $90,000 per hour"
        );
        assert!(salary_range(None, None, "EUR", y).is_none());
    }

    #[test]
    fn posting_age_is_relative_then_absolute() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap();
        let ago = |d: i64| posted_ago(now - chrono::Duration::days(d), now);
        assert_eq!(ago(0), "Today");
        assert_eq!(ago(1), "Yesterday");
        assert_eq!(ago(5), "5 days ago");
        assert_eq!(ago(20), "2 weeks ago");
        assert_eq!(ago(60), "30 Sep 2026");
    }

    #[test]
    fn locations_include_the_remote_policy() {
        assert_eq!(
            location_line("Berlin", RemotePolicy::Hybrid),
            "Berlin · Hybrid"
        );
        assert_eq!(location_line(" ", RemotePolicy::Remote), "Remote");
        assert_eq!(location_line("Paris", RemotePolicy::OnSite), "Paris");
    }

    #[test]
    fn only_web_links_are_kept() {
        assert_eq!(
            http_url(Some("https://acme.example")).as_deref(),
            Some("https://acme.example")
        );
        assert_eq!(http_url(Some("javascript:alert(1)")), None);
        assert_eq!(http_url(Some("data:text/html,x")), None);
        assert_eq!(http_url(Some("/relative")), None);
        assert_eq!(http_url(None), None);
    }

    #[test]
    fn long_text_is_cut_on_a_word() {
        assert_eq!(truncate_words("short", 10), "short");
        assert_eq!(truncate_words("one two three four", 12), "one two…");
    }
}
