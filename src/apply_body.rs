//! The one reader of an application's body, for both front doors: the site's HTML form and the
//! API (multipart or JSON). Same limits, same field names, same rules: a part is read chunk by
//! chunk and refused as soon as it passes its limit (the resume 10 MiB, a text field 64 KiB), a
//! text part must be UTF-8, a repeated field wins last (like a form post), consent counts when its
//! value says yes (`true`, `on`, `yes`, `1`: what a checkbox or a client sends), and custom
//! answers are the `q_…` names.

use std::collections::BTreeMap;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;

use crate::applications::intake::{ApplicationInput, ResumeUpload};
use crate::applications::resume::MAX_RESUME_BYTES;

/// Largest application body: the resume plus room for the other fields.
pub const BODY_LIMIT: usize = MAX_RESUME_BYTES + 512 * 1024;
/// Largest text field of an application.
pub const MAX_TEXT_FIELD: usize = 64 * 1024;
/// Longest custom answer name (`q_…`).
const MAX_ANSWER_NAME: usize = 40;

/// Text fields by name (never the file).
pub type Values = BTreeMap<String, String>;

/// An application body as read: its text fields and the resume, if one was attached.
#[derive(Debug, Default)]
pub struct Fields {
    pub values: Values,
    pub resume: Option<ResumeUpload>,
}

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// The resume, or the body as a whole, passed its limit.
    TooLarge,
    /// A text field passed [`MAX_TEXT_FIELD`].
    FieldTooLong(String),
    /// A text field is not UTF-8.
    NotText(String),
    /// Not a readable multipart body; the parser's reason.
    Malformed(String),
}

/// What the body said before it could not be read further, and why.
#[derive(Debug)]
pub struct Refused {
    pub error: ReadError,
    /// The text fields read before the problem (a form shows them again).
    pub values: Values,
}

fn part_error(e: MultipartError) -> ReadError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ReadError::TooLarge
    } else {
        ReadError::Malformed(e.body_text())
    }
}

/// Reads a multipart application body.
pub async fn read_multipart(mut mp: Multipart) -> Result<Fields, Refused> {
    let mut fields = Fields::default();
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(fields),
            Err(e) => return Err(fields.refused(part_error(e))),
        };
        let name = field.name().unwrap_or_default().to_string();
        let is_resume = name == "resume";
        let filename = field.file_name().unwrap_or_default().to_string();
        let limit = if is_resume {
            MAX_RESUME_BYTES
        } else {
            MAX_TEXT_FIELD
        };
        let mut data = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) if data.len() + chunk.len() > limit => {
                    let error = if is_resume {
                        ReadError::TooLarge
                    } else {
                        ReadError::FieldTooLong(name)
                    };
                    return Err(fields.refused(error));
                }
                Ok(Some(chunk)) => data.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) => return Err(fields.refused(part_error(e))),
            }
        }
        if is_resume {
            if !data.is_empty() {
                fields.resume = Some(ResumeUpload { filename, data });
            }
        } else {
            match String::from_utf8(data) {
                Ok(text) => {
                    fields.values.insert(name, text);
                }
                Err(_) => return Err(fields.refused(ReadError::NotText(name))),
            }
        }
    }
}

impl Fields {
    fn refused(self, error: ReadError) -> Refused {
        Refused {
            error,
            values: self.values,
        }
    }

    /// The application these fields make (unknown names are ignored).
    pub fn into_input(self) -> ApplicationInput {
        let mut input = ApplicationInput {
            resume: self.resume,
            ..Default::default()
        };
        for (name, value) in self.values {
            set_field(&mut input, &name, value);
        }
        input
    }
}

/// Whether a checkbox or flag value says yes.
pub fn truthy(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "true" | "on" | "yes" | "1"
    )
}

/// Sets one named text value on `input`; an optional field left blank stays unset.
fn set_field(input: &mut ApplicationInput, name: &str, value: String) {
    let optional = || Some(value.clone()).filter(|v| !v.trim().is_empty());
    match name {
        "first_name" => input.first_name = value,
        "last_name" => input.last_name = value,
        "email" => input.email = value,
        "phone" => input.phone = optional(),
        "cover_letter" => input.cover_letter = optional(),
        "linkedin_url" => input.linkedin_url = optional(),
        "portfolio_url" => input.portfolio_url = optional(),
        "consent" => input.consent = truthy(&value),
        "utm_source" => input.utm_source = optional(),
        "utm_medium" => input.utm_medium = optional(),
        "utm_campaign" => input.utm_campaign = optional(),
        n if n.starts_with("q_") && n.len() <= MAX_ANSWER_NAME => {
            input.answers.insert(n.to_string(), value);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_make_the_same_input_whichever_door_they_came_through() {
        let values: Values = [
            ("first_name", "Ada"),
            ("email", "ada@example.com"),
            ("phone", "  "),
            ("consent", "yes"),
            ("q_years", "7"),
            ("unknown", "x"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let input = Fields {
            values,
            resume: None,
        }
        .into_input();
        assert_eq!(input.first_name, "Ada");
        assert!(input.consent);
        assert_eq!(input.phone, None, "a blank optional field is unset");
        assert_eq!(input.answers.get("q_years").map(String::as_str), Some("7"));
        assert_eq!(input.answers.len(), 1);
    }

    #[test]
    fn consent_counts_only_when_it_says_yes() {
        for yes in ["true", "on", "yes", "1", " TRUE "] {
            assert!(truthy(yes), "{yes}");
        }
        for no in ["", "false", "off", "no", "0"] {
            assert!(!truthy(no), "{no}");
        }
    }
}
