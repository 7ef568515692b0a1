//! A tenant's company as candidates see it: the career page (display name, branding, about text,
//! consent text) and its public projection `public.company_profiles`, written together.

pub mod overview;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use uuid::Uuid;

use crate::catalog::projection::sanitize_description;
use crate::error::FieldErrors;
use crate::tenancy::{Tenant, TenantTx};

/// The career page as stored in the tenant schema, plus the tenant's display name.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CareerPage {
    pub tagline: String,
    pub about: String,
    pub logo_url: Option<String>,
    pub website: Option<String>,
    pub brand_color: Option<String>,
    pub consent_text: String,
    pub consent_version: i32,
    pub updated_at: DateTime<Utc>,
}

/// What HR submits on the career page form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareerPageForm {
    pub name: String,
    pub tagline: String,
    pub about: String,
    pub logo_url: String,
    pub website: String,
    pub brand_color: String,
    pub consent_text: String,
}

impl CareerPageForm {
    /// The form prefilled from what is stored.
    pub fn from_page(name: &str, page: &CareerPage) -> Self {
        CareerPageForm {
            name: name.to_string(),
            tagline: page.tagline.clone(),
            about: page.about.clone(),
            logo_url: page.logo_url.clone().unwrap_or_default(),
            website: page.website.clone().unwrap_or_default(),
            brand_color: page.brand_color.clone().unwrap_or_default(),
            consent_text: page.consent_text.clone(),
        }
    }

    /// Trims and checks every field; one message per bad field.
    pub fn validate(mut self) -> Result<Self, FieldErrors> {
        let mut errs = FieldErrors::new();
        for f in [
            &mut self.name,
            &mut self.tagline,
            &mut self.logo_url,
            &mut self.website,
            &mut self.brand_color,
        ] {
            *f = f.trim().to_string();
        }
        self.consent_text = self.consent_text.trim().to_string();
        if self.name.is_empty() || self.name.chars().count() > 200 {
            errs.add("name", "Enter the company name (at most 200 characters).");
        }
        if self.tagline.chars().count() > 200 {
            errs.add("tagline", "The tagline must be at most 200 characters.");
        }
        if self.about.len() > 20_000 {
            errs.add("about", "The about text must be at most 20,000 characters.");
        }
        for (field, value) in [("logo_url", &self.logo_url), ("website", &self.website)] {
            if !value.is_empty() && !is_web_url(value) {
                errs.add(
                    field,
                    "Enter a full web address starting with https:// (or http://).",
                );
            }
        }
        if !self.brand_color.is_empty() {
            let c = self.brand_color.trim_start_matches('#');
            if c.len() == 6 && c.bytes().all(|b| b.is_ascii_hexdigit()) {
                self.brand_color = format!("#{}", c.to_ascii_lowercase());
            } else {
                errs.add(
                    "brand_color",
                    "Enter a colour as # and six hex digits, e.g. #1d4ed8.",
                );
            }
        }
        if self.consent_text.is_empty() {
            errs.add(
                "consent_text",
                "Candidates must be shown a consent text; enter one.",
            );
        } else if self.consent_text.chars().count() > 5000 {
            errs.add(
                "consent_text",
                "The consent text must be at most 5,000 characters.",
            );
        }
        if errs.is_empty() { Ok(self) } else { Err(errs) }
    }
}

fn is_web_url(s: &str) -> bool {
    s.len() <= 500
        && url::Url::parse(s)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
}

fn none_if_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

const PAGE_COLUMNS: &str = "tagline, about, logo_url, website, brand_color, consent_text, \
    consent_version, updated_at";

/// The tenant's career page.
pub async fn load(ttx: &mut TenantTx) -> sqlx::Result<CareerPage> {
    sqlx::query_as::<_, CareerPage>(&format!(
        "SELECT {PAGE_COLUMNS} FROM career_page WHERE id = 1"
    ))
    .fetch_one(&mut **ttx)
    .await
}

/// Saves a validated form: the tenant's name (and its catalog rows) when it changed, the career
/// page row, and its public projection — all in `ttx`, which the caller commits. The consent
/// version goes up whenever the consent text changes, so every application records exactly which
/// text the candidate agreed to.
pub async fn save(
    ttx: &mut TenantTx,
    tenant: &Tenant,
    form: &CareerPageForm,
) -> sqlx::Result<CareerPage> {
    if form.name != tenant.name {
        crate::tenants::rename(ttx, tenant.id, &form.name).await?;
    }
    let page = sqlx::query_as::<_, CareerPage>(&format!(
        "UPDATE career_page SET tagline = $1, about = $2, logo_url = $3, website = $4,
                brand_color = $5,
                consent_version = consent_version
                    + CASE WHEN consent_text IS DISTINCT FROM $6 THEN 1 ELSE 0 END,
                consent_text = $6, updated_at = now()
          WHERE id = 1
      RETURNING {PAGE_COLUMNS}"
    ))
    .bind(&form.tagline)
    .bind(&form.about)
    .bind(none_if_empty(&form.logo_url))
    .bind(none_if_empty(&form.website))
    .bind(none_if_empty(&form.brand_color))
    .bind(&form.consent_text)
    .fetch_one(&mut **ttx)
    .await?;
    publish_profile(ttx, tenant.id, &page).await?;
    Ok(page)
}

/// Writes the public projection of the career page (about text sanitized once, here).
async fn publish_profile(
    ttx: &mut TenantTx,
    tenant_id: Uuid,
    page: &CareerPage,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO public.company_profiles (tenant_id, tagline, description_html, logo_url,
                website, brand_color, consent_text, consent_version, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
         ON CONFLICT (tenant_id) DO UPDATE SET tagline = EXCLUDED.tagline,
                description_html = EXCLUDED.description_html, logo_url = EXCLUDED.logo_url,
                website = EXCLUDED.website, brand_color = EXCLUDED.brand_color,
                consent_text = EXCLUDED.consent_text, consent_version = EXCLUDED.consent_version,
                updated_at = now()",
    )
    .bind(tenant_id)
    .bind(&page.tagline)
    .bind(sanitize_description(&page.about))
    .bind(&page.logo_url)
    .bind(&page.website)
    .bind(&page.brand_color)
    .bind(&page.consent_text)
    .bind(page.consent_version)
    .execute(&mut **ttx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CareerPageForm {
        CareerPageForm {
            name: "Acme".into(),
            consent_text: "I agree.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn colours_are_normalised_and_bad_ones_named() {
        let ok = CareerPageForm {
            brand_color: "1D4ED8".into(),
            ..form()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.brand_color, "#1d4ed8");
        let errs = CareerPageForm {
            brand_color: "#12345".into(),
            website: "javascript:alert(1)".into(),
            logo_url: "ftp://x.example/logo.png".into(),
            name: " ".into(),
            ..form()
        }
        .validate()
        .unwrap_err();
        for f in ["brand_color", "website", "logo_url", "name"] {
            assert!(errs.get(f).is_some(), "{f}");
        }
    }
}
