//! The job form's values as typed: read from the posted pairs, shown again on a refusal, and
//! turned into a [`PostingDraft`] with one message per field that does not parse.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;

use crate::error::FieldErrors;
use crate::postings::model::{
    JobType, Posting, PostingDraft, PostingStatus, Question, QuestionType, RemotePolicy,
    SalaryPeriod,
};

/// The form's fields in the order they appear, for the error summary.
pub(super) const FIELD_ORDER: &[&str] = &[
    "title",
    "description",
    "location",
    "remote_policy",
    "job_type",
    "category",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "status",
    "published_at",
    "expires_at",
    "questions",
    "confirm",
];

/// Blank question rows offered below the existing ones.
pub(super) const BLANK_QUESTION_ROWS: usize = 2;

/// One custom-question row as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionRow {
    pub name: String,
    pub label: String,
    pub kind: String,
    pub required: bool,
    /// Choices of a select question, comma-separated.
    pub options: String,
}

/// The job form's values exactly as typed, so a refused form comes back unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFormValues {
    pub title: String,
    pub description: String,
    pub location: String,
    pub remote_policy: String,
    pub job_type: String,
    pub category: String,
    pub salary_min: String,
    pub salary_max: String,
    pub salary_currency: String,
    pub salary_period: String,
    pub show_salary: bool,
    pub status: String,
    pub published_on_career_page: bool,
    pub internal_only: bool,
    pub require_resume: bool,
    pub require_cover_letter: bool,
    pub published_at: String,
    pub expires_at: String,
    /// The stored times to the second (RFC 3339). The inputs show minutes; an unchanged input
    /// keeps the exact stored time instead of truncating it on every save.
    pub published_at_exact: String,
    pub expires_at_exact: String,
    pub questions: Vec<QuestionRow>,
    pub version: Option<i64>,
}

impl Default for JobFormValues {
    fn default() -> Self {
        JobFormValues::from_draft(&PostingDraft::default(), None)
    }
}

const DATETIME_FORMAT: &str = "%Y-%m-%dT%H:%M";

fn format_time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format(DATETIME_FORMAT).to_string())
        .unwrap_or_default()
}

impl JobFormValues {
    fn from_draft(d: &PostingDraft, version: Option<i64>) -> Self {
        JobFormValues {
            title: d.title.clone(),
            description: d.description.clone(),
            location: d.location.clone(),
            remote_policy: d.remote_policy.as_str().into(),
            job_type: d.job_type.as_str().into(),
            category: d.category.clone(),
            salary_min: d.salary_min.map(|v| v.to_string()).unwrap_or_default(),
            salary_max: d.salary_max.map(|v| v.to_string()).unwrap_or_default(),
            salary_currency: d.salary_currency.clone().unwrap_or_default(),
            salary_period: d.salary_period.as_str().into(),
            show_salary: d.show_salary,
            status: d.status.as_str().into(),
            published_on_career_page: d.published_on_career_page,
            internal_only: d.internal_only,
            require_resume: d.require_resume,
            require_cover_letter: d.require_cover_letter,
            published_at: format_time(d.published_at),
            expires_at: format_time(d.expires_at),
            published_at_exact: d.published_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            expires_at_exact: d.expires_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            questions: d
                .questions
                .iter()
                .map(|q| QuestionRow {
                    name: q.name.clone(),
                    label: q.label.clone(),
                    kind: q.kind.as_str().into(),
                    required: q.required,
                    options: q.options.join(", "),
                })
                .collect(),
            version,
        }
    }

    pub fn from_posting(p: &Posting) -> Self {
        Self::from_draft(&p.to_draft(), Some(p.version))
    }

    /// Reads a submitted form. Unchecked boxes are absent; question rows are `q{i}_*`, and rows
    /// marked "remove" or left blank are dropped.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let map: HashMap<&str, &str> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let text = |k: &str| map.get(k).map(|v| v.to_string()).unwrap_or_default();
        let checked = |k: &str| map.contains_key(k);
        let mut rows: BTreeMap<usize, HashMap<&str, &str>> = BTreeMap::new();
        for (k, v) in pairs {
            if let Some(rest) = k.strip_prefix('q')
                && let Some((idx, field)) = rest.split_once('_')
                && let Ok(i) = idx.parse::<usize>()
                && i < 100
            {
                rows.entry(i).or_default().insert(field, v.as_str());
            }
        }
        let questions = rows
            .into_values()
            .filter(|r| !r.contains_key("remove"))
            .map(|r| QuestionRow {
                name: r.get("name").unwrap_or(&"").to_string(),
                label: r.get("label").unwrap_or(&"").to_string(),
                kind: r.get("type").unwrap_or(&"text").to_string(),
                required: r.contains_key("required"),
                options: r.get("options").unwrap_or(&"").to_string(),
            })
            .filter(|q| !q.label.trim().is_empty() || !q.options.trim().is_empty())
            .collect();
        JobFormValues {
            title: text("title"),
            description: text("description"),
            location: text("location"),
            remote_policy: text("remote_policy"),
            job_type: text("job_type"),
            category: text("category"),
            salary_min: text("salary_min"),
            salary_max: text("salary_max"),
            salary_currency: text("salary_currency"),
            salary_period: text("salary_period"),
            show_salary: checked("show_salary"),
            status: text("status"),
            published_on_career_page: checked("published_on_career_page"),
            internal_only: checked("internal_only"),
            require_resume: checked("require_resume"),
            require_cover_letter: checked("require_cover_letter"),
            published_at: text("published_at"),
            expires_at: text("expires_at"),
            published_at_exact: text("published_at_exact"),
            expires_at_exact: text("expires_at_exact"),
            questions,
            version: map.get("version").and_then(|v| v.parse().ok()),
        }
    }

    /// Parses the typed values into a validated draft, or every problem keyed by field.
    pub fn to_draft(&self) -> Result<PostingDraft, FieldErrors> {
        let mut errs = FieldErrors::new();
        fn choice<T: Copy>(
            errs: &mut FieldErrors,
            field: &str,
            value: &str,
            parse: fn(&str) -> Option<T>,
            fallback: T,
        ) -> T {
            parse(value).unwrap_or_else(|| {
                errs.add(field, "Choose one of the options.");
                fallback
            })
        }
        let money = |errs: &mut FieldErrors, field: &str, v: &str| -> Option<Decimal> {
            let v = v.trim().replace([',', ' ', '_'], "");
            if v.is_empty() {
                return None;
            }
            Decimal::from_str(&v)
                .map_err(|_| errs.add(field, "Enter an amount such as 70000 or 70000.50."))
                .ok()
        };
        let time = |errs: &mut FieldErrors, field: &str, v: &str, exact: &str| {
            let v = v.trim();
            if v.is_empty() {
                return None;
            }
            if let Ok(exact) = DateTime::parse_from_rfc3339(exact)
                && format_time(Some(exact.to_utc())) == v
            {
                return Some(exact.to_utc());
            }
            NaiveDateTime::parse_from_str(v, DATETIME_FORMAT)
                .or_else(|_| NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
                .map(|t| t.and_utc())
                .map_err(|_| errs.add(field, "Enter a date and time (UTC) like 2026-12-31T17:00."))
                .ok()
        };
        let questions = self
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| Question {
                name: q.name.trim().to_string(),
                label: q.label.clone(),
                kind: choice(
                    &mut errs,
                    &format!("questions[{i}]"),
                    &q.kind,
                    QuestionType::parse,
                    QuestionType::Text,
                ),
                required: q.required,
                options: q.options.split(',').map(str::to_string).collect(),
            })
            .collect();
        let draft = PostingDraft {
            id: None,
            title: self.title.clone(),
            description: self.description.clone(),
            location: self.location.clone(),
            remote_policy: choice(
                &mut errs,
                "remote_policy",
                &self.remote_policy,
                RemotePolicy::parse,
                RemotePolicy::OnSite,
            ),
            job_type: choice(
                &mut errs,
                "job_type",
                &self.job_type,
                JobType::parse,
                JobType::FullTime,
            ),
            category: self.category.clone(),
            salary_min: money(&mut errs, "salary_min", &self.salary_min),
            salary_max: money(&mut errs, "salary_max", &self.salary_max),
            salary_currency: Some(self.salary_currency.clone()),
            salary_period: choice(
                &mut errs,
                "salary_period",
                &self.salary_period,
                SalaryPeriod::parse,
                SalaryPeriod::Year,
            ),
            show_salary: self.show_salary,
            status: choice(
                &mut errs,
                "status",
                &self.status,
                PostingStatus::parse,
                PostingStatus::Draft,
            ),
            published_on_career_page: self.published_on_career_page,
            internal_only: self.internal_only,
            require_resume: self.require_resume,
            require_cover_letter: self.require_cover_letter,
            questions,
            published_at: time(
                &mut errs,
                "published_at",
                &self.published_at,
                &self.published_at_exact,
            ),
            expires_at: time(
                &mut errs,
                "expires_at",
                &self.expires_at,
                &self.expires_at_exact,
            ),
        };
        match draft.validate() {
            Ok(d) if errs.is_empty() => Ok(d),
            Ok(_) => Err(errs),
            Err(more) => {
                for (field, msgs) in more.0 {
                    // A parse message already explains the field; skip the follow-on one.
                    if errs.get(&field).is_none() {
                        for m in msgs {
                            errs.add(field.clone(), m);
                        }
                    }
                }
                Err(errs)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn question_rows_are_read_kept_removed_and_blank_ones_skipped() {
        let v = JobFormValues::from_pairs(&pairs(&[
            ("title", "Dev"),
            ("remote_policy", "remote"),
            ("job_type", "full_time"),
            ("salary_period", "year"),
            ("status", "draft"),
            ("q0_name", "q_a"),
            ("q0_label", "Why us?"),
            ("q0_type", "textarea"),
            ("q0_required", "on"),
            ("q1_name", "q_b"),
            ("q1_label", "Old"),
            ("q1_remove", "on"),
            ("q2_label", ""),
            ("q2_type", "text"),
            ("q3_label", "Stack?"),
            ("q3_type", "select"),
            ("q3_options", "Rust, Go"),
        ]));
        assert_eq!(v.questions.len(), 2);
        assert!(v.questions[0].required);
        let d = v.to_draft().unwrap();
        assert_eq!(d.questions[1].options, vec!["Rust", "Go"]);
        assert!(d.questions[1].name.starts_with("q_"));
    }

    #[test]
    fn an_unchanged_time_keeps_its_seconds_and_a_changed_one_is_taken_as_typed() {
        let base = [
            ("title", "Dev"),
            ("remote_policy", "remote"),
            ("job_type", "full_time"),
            ("salary_period", "year"),
            ("status", "open"),
            ("published_at_exact", "2026-11-20T10:00:42+00:00"),
        ];
        let mut same = base.to_vec();
        same.push(("published_at", "2026-11-20T10:00"));
        let d = JobFormValues::from_pairs(&pairs(&same)).to_draft().unwrap();
        assert_eq!(
            d.published_at.unwrap().to_rfc3339(),
            "2026-11-20T10:00:42+00:00"
        );
        let mut changed = base.to_vec();
        changed.push(("published_at", "2026-11-21T09:30"));
        let d = JobFormValues::from_pairs(&pairs(&changed))
            .to_draft()
            .unwrap();
        assert_eq!(
            d.published_at.unwrap().to_rfc3339(),
            "2026-11-21T09:30:00+00:00"
        );
    }

    #[test]
    fn unparsable_values_are_reported_per_field() {
        let v = JobFormValues::from_pairs(&pairs(&[
            ("title", ""),
            ("salary_min", "lots"),
            ("expires_at", "tomorrow"),
            ("remote_policy", "moon"),
            ("job_type", "full_time"),
            ("salary_period", "year"),
            ("status", "draft"),
        ]));
        let errs = v.to_draft().unwrap_err();
        for f in ["title", "salary_min", "expires_at", "remote_policy"] {
            assert!(errs.get(f).is_some(), "{f}: {errs:?}");
        }
    }
}
