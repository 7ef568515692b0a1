//! The job posting as a tenant authors it: enums, custom questions, and validation of a draft.
//! Pure: no database access here.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::FieldErrors;
use crate::text_enum;

text_enum! {
    /// Where the work happens.
    pub enum RemotePolicy { OnSite => "on_site", Hybrid => "hybrid", Remote => "remote" }
}

text_enum! {
    pub enum JobType {
        FullTime => "full_time",
        PartTime => "part_time",
        Contract => "contract",
        Internship => "internship",
        Temporary => "temporary",
    }
}

text_enum! {
    pub enum SalaryPeriod { Hour => "hour", Day => "day", Week => "week", Month => "month", Year => "year" }
}

text_enum! {
    pub enum PostingStatus { Draft => "draft", Open => "open", Closed => "closed", Archived => "archived" }
}

text_enum! {
    /// Input type of a custom application question.
    pub enum QuestionType {
        Text => "text",
        Textarea => "textarea",
        Select => "select",
        Checkbox => "checkbox",
        Url => "url",
    }
}

impl RemotePolicy {
    pub fn label(self) -> &'static str {
        match self {
            RemotePolicy::OnSite => "On-site",
            RemotePolicy::Hybrid => "Hybrid",
            RemotePolicy::Remote => "Remote",
        }
    }

    /// Accepts the CSV spelling `onsite` too.
    pub fn parse_lenient(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        match s.as_str() {
            "onsite" => Some(RemotePolicy::OnSite),
            other => RemotePolicy::parse(other),
        }
    }
}

impl JobType {
    pub fn label(self) -> &'static str {
        match self {
            JobType::FullTime => "Full-time",
            JobType::PartTime => "Part-time",
            JobType::Contract => "Contract",
            JobType::Internship => "Internship",
            JobType::Temporary => "Temporary",
        }
    }
}

impl SalaryPeriod {
    pub fn label(self) -> &'static str {
        match self {
            SalaryPeriod::Hour => "per hour",
            SalaryPeriod::Day => "per day",
            SalaryPeriod::Week => "per week",
            SalaryPeriod::Month => "per month",
            SalaryPeriod::Year => "per year",
        }
    }
}

impl PostingStatus {
    pub fn label(self) -> &'static str {
        match self {
            PostingStatus::Draft => "Draft",
            PostingStatus::Open => "Open",
            PostingStatus::Closed => "Closed",
            PostingStatus::Archived => "Archived",
        }
    }
}

/// A custom question on a posting's application form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Question {
    /// Stable field name used by the apply form and API (`q_` + short id).
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

/// A posting row in a tenant schema.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize)]
pub struct Posting {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub location: String,
    pub remote_policy: RemotePolicy,
    pub job_type: JobType,
    pub category: String,
    pub salary_min: Option<Decimal>,
    pub salary_max: Option<Decimal>,
    pub salary_currency: Option<String>,
    pub salary_period: SalaryPeriod,
    pub show_salary: bool,
    pub status: PostingStatus,
    pub published_on_career_page: bool,
    pub internal_only: bool,
    pub require_resume: bool,
    pub require_cover_letter: bool,
    pub questions: sqlx::types::Json<Vec<Question>>,
    pub published_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// Column list matching [`Posting`]; SELECTs name columns explicitly (never `*`).
pub const POSTING_COLUMNS: &str = "id, title, description, location, remote_policy, job_type, \
    category, salary_min, salary_max, salary_currency, salary_period, show_salary, status, \
    published_on_career_page, internal_only, require_resume, require_cover_letter, questions, \
    published_at, expires_at, deleted_at, created_at, updated_at, version";

impl Posting {
    /// Whether the posting may appear in the public catalog (expiry and publish time are decided
    /// at query time, not here). The tenant must also be active.
    pub fn is_publishable(&self) -> bool {
        self.deleted_at.is_none()
            && self.status == PostingStatus::Open
            && self.published_on_career_page
            && !self.internal_only
            && self.published_at.is_some()
    }

    /// The editable fields, e.g. to prefill an edit form.
    pub fn to_draft(&self) -> PostingDraft {
        PostingDraft {
            id: Some(self.id),
            title: self.title.clone(),
            description: self.description.clone(),
            location: self.location.clone(),
            remote_policy: self.remote_policy,
            job_type: self.job_type,
            category: self.category.clone(),
            salary_min: self.salary_min,
            salary_max: self.salary_max,
            salary_currency: self.salary_currency.clone(),
            salary_period: self.salary_period,
            show_salary: self.show_salary,
            status: self.status,
            published_on_career_page: self.published_on_career_page,
            internal_only: self.internal_only,
            require_resume: self.require_resume,
            require_cover_letter: self.require_cover_letter,
            questions: self.questions.0.clone(),
            published_at: self.published_at,
            expires_at: self.expires_at,
        }
    }
}

/// Everything an author sets on a posting. `id` and `published_at` are optional: a new posting
/// gets a fresh id, and `published_at` is set the first time the posting opens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostingDraft {
    pub id: Option<Uuid>,
    pub title: String,
    pub description: String,
    pub location: String,
    pub remote_policy: RemotePolicy,
    pub job_type: JobType,
    pub category: String,
    pub salary_min: Option<Decimal>,
    pub salary_max: Option<Decimal>,
    pub salary_currency: Option<String>,
    pub salary_period: SalaryPeriod,
    pub show_salary: bool,
    pub status: PostingStatus,
    pub published_on_career_page: bool,
    pub internal_only: bool,
    pub require_resume: bool,
    pub require_cover_letter: bool,
    pub questions: Vec<Question>,
    pub published_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl Default for PostingDraft {
    fn default() -> Self {
        PostingDraft {
            id: None,
            title: String::new(),
            description: String::new(),
            location: String::new(),
            remote_policy: RemotePolicy::OnSite,
            job_type: JobType::FullTime,
            category: String::new(),
            salary_min: None,
            salary_max: None,
            salary_currency: None,
            salary_period: SalaryPeriod::Year,
            show_salary: true,
            status: PostingStatus::Draft,
            published_on_career_page: true,
            internal_only: false,
            require_resume: false,
            require_cover_letter: false,
            questions: Vec::new(),
            published_at: None,
            expires_at: None,
        }
    }
}

/// Largest salary the NUMERIC(14,2) columns hold.
const SALARY_LIMIT: i64 = 999_999_999_999;

impl PostingDraft {
    /// Trims text fields and checks every rule the database also enforces, so a person gets a
    /// message per field instead of a constraint error.
    pub fn validate(mut self) -> Result<Self, FieldErrors> {
        let mut errs = FieldErrors::new();
        self.title = self.title.trim().to_string();
        self.location = self.location.trim().to_string();
        self.category = self.category.trim().to_string();
        self.salary_currency = self
            .salary_currency
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty());
        if self.title.is_empty() {
            errs.add("title", "Enter a job title.");
        } else if self.title.chars().count() > 200 {
            errs.add("title", "The title must be at most 200 characters.");
        }
        if self.description.len() > 100_000 {
            errs.add(
                "description",
                "The description must be at most 100,000 characters.",
            );
        }
        if self.location.chars().count() > 200 {
            errs.add("location", "The location must be at most 200 characters.");
        }
        if self.category.chars().count() > 100 {
            errs.add("category", "The category must be at most 100 characters.");
        }
        for (field, value) in [
            ("salary_min", self.salary_min),
            ("salary_max", self.salary_max),
        ] {
            if let Some(v) = value {
                if v.is_sign_negative() {
                    errs.add(field, "The salary cannot be negative.");
                } else if v > Decimal::from(SALARY_LIMIT) {
                    errs.add(field, "The salary is too large.");
                }
            }
        }
        self.salary_min = self.salary_min.map(|v| v.round_dp(2));
        self.salary_max = self.salary_max.map(|v| v.round_dp(2));
        if let (Some(min), Some(max)) = (self.salary_min, self.salary_max)
            && min > max
        {
            errs.add(
                "salary_max",
                "The maximum salary must not be below the minimum.",
            );
        }
        match &self.salary_currency {
            Some(c) if !(c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())) => {
                errs.add(
                    "salary_currency",
                    "Use a three-letter ISO 4217 code such as EUR or USD.",
                );
            }
            None if self.salary_min.is_some() || self.salary_max.is_some() => {
                errs.add(
                    "salary_currency",
                    "Give the currency of the salary (e.g. EUR).",
                );
            }
            _ => {}
        }
        if let (Some(p), Some(e)) = (self.published_at, self.expires_at)
            && e <= p
        {
            errs.add(
                "expires_at",
                "The expiry must be after the publication time.",
            );
        }
        let mut names = std::collections::HashSet::new();
        for (i, q) in self.questions.iter_mut().enumerate() {
            let field = format!("questions[{i}]");
            q.label = q.label.trim().to_string();
            q.options = q
                .options
                .iter()
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty())
                .collect();
            if q.name.is_empty() {
                q.name = format!("q_{}", &Uuid::new_v4().simple().to_string()[..8]);
            }
            if !q.name.starts_with("q_")
                || q.name.len() > 40
                || !q
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                errs.add(&field, "The question's field name is invalid.");
            }
            if !names.insert(q.name.clone()) {
                errs.add(&field, "Two questions share a field name.");
            }
            if q.label.is_empty() || q.label.chars().count() > 300 {
                errs.add(
                    &field,
                    "Each question needs a label of at most 300 characters.",
                );
            }
            if q.kind == QuestionType::Select && q.options.len() < 2 {
                errs.add(&field, "A choice question needs at least two options.");
            }
        }
        if self.questions.len() > 30 {
            errs.add("questions", "At most 30 questions.");
        }
        if errs.is_empty() { Ok(self) } else { Err(errs) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> PostingDraft {
        PostingDraft {
            title: "Backend Engineer".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_minimal_draft_is_valid() {
        assert!(draft().validate().is_ok());
    }

    #[test]
    fn salary_rules_are_checked_per_field() {
        let d = PostingDraft {
            salary_min: Some(Decimal::from(90_000)),
            salary_max: Some(Decimal::from(70_000)),
            salary_currency: Some("euro".into()),
            ..draft()
        };
        let errs = d.validate().unwrap_err();
        assert!(errs.get("salary_max").is_some());
        assert!(errs.get("salary_currency").is_some());
        let d = PostingDraft {
            salary_min: Some(Decimal::from(1)),
            ..draft()
        };
        assert!(d.validate().unwrap_err().get("salary_currency").is_some());
    }

    #[test]
    fn empty_title_and_bad_questions_are_reported() {
        let d = PostingDraft {
            title: "   ".into(),
            questions: vec![Question {
                name: String::new(),
                label: "Pick".into(),
                kind: QuestionType::Select,
                required: true,
                options: vec!["only".into()],
            }],
            ..Default::default()
        };
        let errs = d.validate().unwrap_err();
        assert!(errs.get("title").is_some());
        assert!(errs.get("questions[0]").is_some());
    }

    #[test]
    fn enums_round_trip_their_text() {
        for p in RemotePolicy::ALL {
            assert_eq!(RemotePolicy::parse(p.as_str()), Some(*p));
        }
        assert_eq!(
            RemotePolicy::parse_lenient("Onsite"),
            Some(RemotePolicy::OnSite)
        );
        assert_eq!(JobType::parse("bogus"), None);
    }
}
