//! Acting on many applications at once: `GET /admin/applications/export` (the filtered list as
//! CSV) and `POST /admin/applications/bulk` (the selected ones: move to a stage, reject, or
//! export). A move that is not allowed for one of them (e.g. it is already rejected) skips that
//! one and says so; nothing is moved silently or lost.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::applications::ListQuery;
use crate::applications::pipeline::{
    self, Actor, EXPORT_MAX_ROWS, ExportRow, PipelineError, Stage,
};
use crate::audit;
use crate::auth::AdminUser;
use crate::error::{AppError, invalid};
use crate::state::AppState;

/// Most applications one bulk action takes.
pub const MAX_SELECTED: usize = 500;

pub async fn export(
    State(state): State<AppState>,
    admin: AdminUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let filter = query.filter()?;
    let mut ttx = admin.begin(&state.pool).await?;
    let rows = pipeline::export(&mut ttx, &filter, None).await?;
    if let Some(rows) = &rows {
        exported(&mut ttx, &admin, rows.len(), "filtered").await?;
    }
    ttx.commit().await?;
    let Some(rows) = rows else {
        return Err(AppError::Unprocessable(format!(
            "More than {EXPORT_MAX_ROWS} applications match: narrow the filters (job, stage or dates) and export again."
        )));
    };
    csv_response(&rows)
}

/// Records an export (`how`: `filtered` or `selected`) in the audit log and the server log.
async fn exported(
    ttx: &mut crate::tenancy::TenantTx,
    admin: &AdminUser,
    rows: usize,
    how: &str,
) -> sqlx::Result<()> {
    tracing::info!(user_id = %admin.user_id, rows, how, "applications exported");
    let mut detail = serde_json::json!({ "rows": rows });
    detail[how] = serde_json::Value::Bool(true);
    let subject = audit::Subject::Member(admin.user_id);
    audit::record(ttx, &admin.into(), "applications.exported", subject, detail).await
}

pub async fn act(
    State(state): State<AppState>,
    admin: AdminUser,
    body: Bytes,
) -> Result<Response, AppError> {
    let mut ids = Vec::new();
    let mut action = String::new();
    for (k, v) in url::form_urlencoded::parse(&body) {
        match k.as_ref() {
            "id" => match Uuid::parse_str(&v) {
                Ok(id) => ids.push(id),
                Err(_) => return Err(invalid("id", "not an application id")),
            },
            "bulk" => action = v.into_owned(),
            _ => {}
        }
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(invalid("id", "Select at least one application."));
    }
    if ids.len() > MAX_SELECTED {
        return Err(invalid(
            "id",
            format!("Select at most {MAX_SELECTED} applications at once."),
        ));
    }
    let mut ttx = admin.begin(&state.pool).await?;
    if action == "export" {
        let rows = pipeline::export(&mut ttx, &pipeline::Filter::default(), Some(&ids))
            .await?
            .unwrap_or_default();
        exported(&mut ttx, &admin, rows.len(), "selected").await?;
        ttx.commit().await?;
        return csv_response(&rows);
    }
    let Some(to) = action.strip_prefix("stage:").and_then(Stage::parse) else {
        return Err(invalid(
            "bulk",
            format!(
                "use export or stage:STAGE with STAGE one of {}",
                Stage::expected()
            ),
        ));
    };
    let actor = Actor {
        user_id: admin.user_id,
        email: admin.email.clone(),
    };
    let (mut moved, mut skipped) = (0, 0);
    for id in &ids {
        match pipeline::move_stage(&mut ttx, *id, to, &actor).await {
            Ok(from) => {
                moved += 1;
                let detail =
                    serde_json::json!({ "from": from.as_str(), "to": to.as_str(), "bulk": true });
                let subject = audit::Subject::Application(*id);
                let action = "application.stage_changed";
                audit::record(&mut ttx, &(&admin).into(), action, subject, detail).await?;
            }
            // Not this tenant's, or not a move this one may make: left as it is, and counted.
            Err(PipelineError::NotFound | PipelineError::InvalidMove { .. }) => skipped += 1,
            Err(e) => return Err(AppError::Internal(e.into())),
        }
    }
    ttx.commit().await?;
    Ok(Redirect::to(&format!(
        "/admin/applications?moved={moved}&skipped={skipped}&moved_to={}",
        to.as_str()
    ))
    .into_response())
}

/// A cell safe to open in a spreadsheet: a leading `= + - @` (a formula) gets a `'`.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

fn csv_response(rows: &[ExportRow]) -> Result<Response, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| AppError::Internal(e.into());
    w.write_record([
        "application_id",
        "applied_at",
        "job_id",
        "job_title",
        "first_name",
        "last_name",
        "email",
        "phone",
        "stage",
    ])
    .map_err(internal)?;
    for r in rows {
        w.write_record([
            r.id.to_string(),
            r.created_at.to_rfc3339(),
            r.job_id.to_string(),
            cell(&r.job_title),
            cell(&r.first_name),
            cell(&r.last_name),
            cell(&r.email),
            cell(r.phone.as_deref().unwrap_or("")),
            r.stage.as_str().to_string(),
        ])
        .map_err(internal)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("csv: {e}")))?;
    let name = format!(
        "attachment; filename=\"applications-{}.csv\"",
        chrono::Utc::now().format("%Y%m%d-%H%M")
    );
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_is_kept_as_text() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+49 30"), "'+49 30");
        assert_eq!(cell("Ada"), "Ada");
    }
}
