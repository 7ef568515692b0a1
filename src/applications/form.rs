//! The fields of a job's application form, as the JSON API publishes them and the HTML form
//! renders them: standard fields, the posting's custom questions, then consent.

use serde::Serialize;

use super::resume::{ACCEPT, MAX_RESUME_BYTES};
use crate::catalog::projection::ApplicationForm;
use crate::postings::model::QuestionType;

/// One input of the application form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FormField {
    /// The field name to submit.
    pub name: String,
    pub label: String,
    /// `text`, `email`, `tel`, `url`, `textarea`, `file`, `checkbox` or `select`.
    #[serde(rename = "type")]
    pub kind: String,
    pub required: bool,
    /// Accepted file types (`file` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept: Option<String>,
    /// Largest file in bytes (`file` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_bytes: Option<u64>,
    /// Choices (`select` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
}

fn field(name: &str, label: &str, kind: &str, required: bool) -> FormField {
    FormField {
        name: name.into(),
        label: label.into(),
        kind: kind.into(),
        required,
        accept: None,
        max_bytes: None,
        options: None,
    }
}

/// Every field of `form`, in display order; the consent checkbox is labelled with `consent_text`.
pub fn fields(form: &ApplicationForm, consent_text: &str) -> Vec<FormField> {
    let mut out = vec![
        field("first_name", "First name", "text", true),
        field("last_name", "Last name", "text", true),
        field("email", "Email", "email", true),
        field("phone", "Phone", "tel", false),
        field("linkedin_url", "LinkedIn profile", "url", false),
        field("portfolio_url", "Portfolio or website", "url", false),
        FormField {
            accept: Some(ACCEPT.to_string()),
            max_bytes: Some(MAX_RESUME_BYTES as u64),
            ..field(
                "resume",
                "Resume (PDF, DOC, DOCX, RTF or TXT, up to 10 MiB)",
                "file",
                form.require_resume,
            )
        },
        field(
            "cover_letter",
            "Cover letter",
            "textarea",
            form.require_cover_letter,
        ),
    ];
    for q in &form.questions {
        let kind = match q.kind {
            QuestionType::Text => "text",
            QuestionType::Textarea => "textarea",
            QuestionType::Select => "select",
            QuestionType::Checkbox => "checkbox",
            QuestionType::Url => "url",
        };
        out.push(FormField {
            options: (q.kind == QuestionType::Select).then(|| q.options.clone()),
            ..field(&q.name, &q.label, kind, q.required)
        });
    }
    out.push(field("consent", consent_text, "checkbox", true));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::postings::model::Question;

    #[test]
    fn custom_questions_sit_between_the_standard_fields_and_consent() {
        let form = ApplicationForm {
            require_resume: true,
            require_cover_letter: false,
            questions: vec![Question {
                name: "q_level".into(),
                label: "Level".into(),
                kind: QuestionType::Select,
                required: true,
                options: vec!["junior".into(), "senior".into()],
            }],
        };
        let f = fields(&form, "I agree");
        let resume = f.iter().find(|f| f.name == "resume").unwrap();
        assert!(resume.required && resume.max_bytes == Some(10 * 1024 * 1024));
        let q = &f[f.len() - 2];
        assert_eq!((q.name.as_str(), q.kind.as_str()), ("q_level", "select"));
        assert_eq!(f.last().unwrap().label, "I agree");
    }
}
