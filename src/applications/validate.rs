//! The checks an application passes before it is stored: required and well-formed fields,
//! answers that follow the posting's questions, consent, and the resume's type.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::intake::{ApplicationInput, IntakeError};
use super::resume::{self, ResumeError, ResumeKind};
use crate::catalog::projection::ApplicationForm;
use crate::error::FieldErrors;
use crate::postings::model::{Question, QuestionType};

/// Validated application data.
#[derive(Debug, Clone, PartialEq)]
pub struct Valid {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub cover_letter: Option<String>,
    pub linkedin_url: Option<String>,
    pub portfolio_url: Option<String>,
    pub answers: Map<String, Value>,
    pub resume: Option<(ResumeKind, String, Vec<u8>)>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_campaign: Option<String>,
}

fn opt_text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.replace('\0', ""))
}

/// A plausible email address: one `@`, a local part, a dotted domain, no spaces.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && email.len() <= 254
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && email
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, '<' | '>' | ',' | ';'))
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

fn is_http_url(s: &str) -> bool {
    url::Url::parse(s)
        .map(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        .unwrap_or(false)
}

fn truthy(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" => Some(true),
        "false" | "off" | "no" | "0" | "" => Some(false),
        _ => None,
    }
}

/// Checks `input` against the posting's form. Resume type errors are returned separately (they
/// are 413/415, not 400).
pub fn validate(input: &ApplicationInput, form: &ApplicationForm) -> Result<Valid, IntakeError> {
    let mut errs = FieldErrors::new();
    let mut name = |field: &str, raw: &str, label: &str| -> String {
        let v = raw.trim().replace('\0', "");
        if v.is_empty() {
            errs.add(field, format!("Enter your {label}."));
        } else if v.chars().count() > 100 {
            errs.add(field, "Use at most 100 characters.");
        }
        v
    };
    let first_name = name("first_name", &input.first_name, "first name");
    let last_name = name("last_name", &input.last_name, "last name");
    let email = input.email.trim().to_string();
    if email.is_empty() {
        errs.add("email", "Enter your email address.");
    } else if !is_valid_email(&email) {
        errs.add(
            "email",
            "Enter a valid email address, like name@example.com.",
        );
    }
    let phone = opt_text(&input.phone);
    if let Some(p) = &phone
        && (p.chars().count() > 40
            || !p
                .chars()
                .all(|c| c.is_ascii_digit() || " +-().".contains(c))
            || !p.chars().any(|c| c.is_ascii_digit()))
    {
        errs.add(
            "phone",
            "Enter a phone number using digits, spaces and + - ( ).",
        );
    }
    let cover_letter = opt_text(&input.cover_letter);
    match &cover_letter {
        None if form.require_cover_letter => errs.add("cover_letter", "Add a cover letter."),
        Some(c) if c.chars().count() > 20_000 => {
            errs.add("cover_letter", "Use at most 20,000 characters.")
        }
        _ => {}
    }
    let linkedin_url = opt_text(&input.linkedin_url);
    let portfolio_url = opt_text(&input.portfolio_url);
    for (field, v) in [
        ("linkedin_url", &linkedin_url),
        ("portfolio_url", &portfolio_url),
    ] {
        if let Some(u) = v
            && (u.len() > 500 || !is_http_url(u))
        {
            errs.add(field, "Enter a full web address starting with https://.");
        }
    }
    if !input.consent {
        errs.add(
            "consent",
            "You must agree to the processing of your data to apply.",
        );
    }
    let mut utm = Vec::new();
    for (field, v) in [
        ("utm_source", &input.utm_source),
        ("utm_medium", &input.utm_medium),
        ("utm_campaign", &input.utm_campaign),
    ] {
        let v = opt_text(v);
        if v.as_ref().is_some_and(|s| s.chars().count() > 200) {
            errs.add(field, "Use at most 200 characters.");
        }
        utm.push(v);
    }
    let answers = validate_answers(&input.answers, &form.questions, &mut errs);
    let resume = match &input.resume {
        Some(r) if !r.data.is_empty() => Some(r),
        _ => None,
    };
    if resume.is_none() && form.require_resume {
        errs.add("resume", "Attach your resume.");
    }
    if !errs.is_empty() {
        return Err(IntakeError::Invalid(errs));
    }
    let resume = match resume {
        None => None,
        Some(r) => match resume::sniff(&r.data) {
            Ok(kind) => Some((
                kind,
                resume::clean_filename(&r.filename, kind),
                r.data.clone(),
            )),
            Err(ResumeError::TooLarge) => return Err(IntakeError::ResumeTooLarge),
            Err(e) => return Err(IntakeError::UnsupportedResume(e.to_string())),
        },
    };
    let mut utm = utm.into_iter();
    Ok(Valid {
        first_name,
        last_name,
        email,
        phone,
        cover_letter,
        linkedin_url,
        portfolio_url,
        answers,
        resume,
        utm_source: utm.next().flatten(),
        utm_medium: utm.next().flatten(),
        utm_campaign: utm.next().flatten(),
    })
}

/// Validates custom answers against the posting's questions; unknown names are ignored.
fn validate_answers(
    given: &BTreeMap<String, String>,
    questions: &[Question],
    errs: &mut FieldErrors,
) -> Map<String, Value> {
    let mut out = Map::new();
    for q in questions {
        let raw = given
            .get(&q.name)
            .map(|v| v.trim().replace('\0', ""))
            .unwrap_or_default();
        match q.kind {
            QuestionType::Checkbox => match truthy(&raw) {
                Some(true) => {
                    out.insert(q.name.clone(), Value::Bool(true));
                }
                Some(false) if q.required => errs.add(&q.name, "Tick this box to continue."),
                Some(false) => {
                    out.insert(q.name.clone(), Value::Bool(false));
                }
                None => errs.add(&q.name, "Answer with true or false."),
            },
            _ if raw.is_empty() => {
                if q.required {
                    errs.add(&q.name, "Answer this question.");
                }
            }
            QuestionType::Select => {
                if q.options.contains(&raw) {
                    out.insert(q.name.clone(), Value::String(raw));
                } else {
                    errs.add(&q.name, "Choose one of the options.");
                }
            }
            QuestionType::Url => {
                if raw.len() <= 500 && is_http_url(&raw) {
                    out.insert(q.name.clone(), Value::String(raw));
                } else {
                    errs.add(&q.name, "Enter a full web address starting with https://.");
                }
            }
            QuestionType::Text | QuestionType::Textarea => {
                let max = if q.kind == QuestionType::Text {
                    500
                } else {
                    5_000
                };
                if raw.chars().count() > max {
                    errs.add(&q.name, format!("Use at most {max} characters."));
                } else {
                    out.insert(q.name.clone(), Value::String(raw));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ApplicationInput {
        ApplicationInput {
            first_name: " Jane ".into(),
            last_name: "Doe".into(),
            email: "Jane.Doe@Example.com".into(),
            consent: true,
            ..Default::default()
        }
    }

    fn q(name: &str, kind: QuestionType, required: bool) -> Question {
        Question {
            name: name.into(),
            label: name.into(),
            kind,
            required,
            options: vec!["a".into(), "b".into()],
        }
    }

    #[test]
    fn a_minimal_application_is_valid_and_trimmed() {
        let v = validate(&input(), &ApplicationForm::default()).unwrap();
        assert_eq!(v.first_name, "Jane");
        assert_eq!(v.email, "Jane.Doe@Example.com");
    }

    #[test]
    fn each_missing_or_bad_field_is_named() {
        let bad = ApplicationInput {
            first_name: "".into(),
            email: "not-an-email".into(),
            consent: false,
            phone: Some("call me".into()),
            linkedin_url: Some("javascript:alert(1)".into()),
            ..input()
        };
        let form = ApplicationForm {
            require_resume: true,
            require_cover_letter: true,
            questions: vec![],
        };
        let Err(IntakeError::Invalid(errs)) = validate(&bad, &form) else {
            panic!("expected validation errors");
        };
        for f in [
            "first_name",
            "email",
            "consent",
            "phone",
            "linkedin_url",
            "resume",
            "cover_letter",
        ] {
            assert!(errs.get(f).is_some(), "{f}: {errs:?}");
        }
    }

    #[test]
    fn custom_answers_follow_their_questions() {
        let qs = vec![
            q("q_pick", QuestionType::Select, true),
            q("q_ok", QuestionType::Checkbox, true),
            q("q_site", QuestionType::Url, false),
            q("q_more", QuestionType::Text, false),
        ];
        let mut errs = FieldErrors::new();
        let given: BTreeMap<String, String> = [
            ("q_pick", "c"),
            ("q_ok", "off"),
            ("q_site", "ftp://x"),
            ("q_unknown", "ignored"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        validate_answers(&given, &qs, &mut errs);
        assert!(errs.get("q_pick").is_some());
        assert!(errs.get("q_ok").is_some());
        assert!(errs.get("q_site").is_some());
        assert!(errs.get("q_more").is_none());
        let mut errs = FieldErrors::new();
        let given: BTreeMap<String, String> = [("q_pick", "a"), ("q_ok", "on")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let out = validate_answers(&given, &qs, &mut errs);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(out["q_pick"], "a");
        assert_eq!(out["q_ok"], true);
        assert!(!out.contains_key("q_more"));
    }

    #[test]
    fn emails_are_checked_for_shape() {
        for ok in ["a@b.co", "jane.doe+jobs@example.com", "x@sub.example.org"] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "a@b",
            "@b.com",
            "a@.com",
            "a@b..com",
            "a b@c.com",
            "a@b.com>",
            "a@@b.com",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn a_zip_renamed_pdf_is_an_unsupported_resume() {
        let zip = crate::applications::resume::tests::zip_with(&[("x.txt", "hi")]);
        let bad = ApplicationInput {
            resume: Some(crate::applications::intake::ResumeUpload {
                filename: "cv.pdf".into(),
                data: zip,
            }),
            ..input()
        };
        assert!(matches!(
            validate(&bad, &ApplicationForm::default()),
            Err(IntakeError::UnsupportedResume(_))
        ));
    }
}
