//! `GET /admin/jobs/{id}/board`: a job's pipeline board. One column per stage (exact counts, the
//! newest cards), each card with the candidate's name, when they applied and a move form that
//! comes back here. Plain forms: it works without JavaScript, and the columns stack on a phone.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use leptos::prelude::*;
use uuid::Uuid;

use super::layout::{AdminPage, CsrfField, Nav, count_of, not_found, when};
use crate::applications::pipeline::{self, BOARD_COLUMN_CARDS, BoardColumn};
use crate::auth::AdminUser;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::render;

pub async fn show(
    State(state): State<AppState>,
    admin: AdminUser,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let nav = Nav::new(&admin, "jobs");
    let Ok(job_id) = Uuid::parse_str(&id) else {
        return Ok(not_found(&uri, Some(nav)).await);
    };
    let mut ttx = admin.begin(&state.pool).await?;
    let Some(posting) = crate::postings::db::get(&mut ttx, job_id).await? else {
        return Ok(not_found(&uri, Some(nav)).await);
    };
    let columns = pipeline::board(&mut ttx, job_id).await?;
    ttx.commit().await?;
    let title = posting.title.clone();
    Ok(render::page(&uri, StatusCode::OK, move || {
        board_view(nav.clone(), job_id, title.clone(), columns.clone())
    })
    .await)
}

fn board_view(nav: Nav, job_id: Uuid, title: String, columns: Vec<BoardColumn>) -> impl IntoView {
    let csrf = nav.csrf.clone();
    let total: i64 = columns.iter().map(|c| c.total).sum();
    let columns = columns
        .into_iter()
        .map(|col| {
            let heading_id = format!("stage-{}", col.stage.as_str());
            let shown = col.cards.len() as i64;
            let more = (col.total > shown).then(|| {
                let href = format!(
                    "/admin/applications?job={job_id}&stage={}",
                    col.stage.as_str()
                );
                view! { <a href=href>{format!("{} more in the list", col.total - shown)}</a> }
            });
            let cards = col
                .cards
                .into_iter()
                .map(|card| {
                    let href = format!("/admin/applications/{}", card.id);
                    let action = href.clone();
                    let select_id = format!("move-{}", card.id);
                    let name = format!("{} {}", card.first_name, card.last_name);
                    let label = format!("Move {name} to");
                    let options = card
                        .stage
                        .next_stages()
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str()>{s.label()}</option> })
                        .collect_view();
                    let can_move = !card.stage.next_stages().is_empty();
                    let csrf = csrf.clone();
                    view! {
                        <li class="board-card" id=format!("card-{}", card.id)>
                            <a href=href class="board-name">{name}</a>
                            <p class="meta">{format!("Applied {}", when(card.created_at))}
                                {card.rating.map(|r| format!(" · rated {r:.1} of 5"))}</p>
                            {can_move.then(|| view! {
                                <form method="post" action=action class="inline board-move">
                                    <CsrfField token=csrf.clone()/>
                                    <input type="hidden" name="action" value="stage"/>
                                    <input type="hidden" name="back" value="board"/>
                                    <label class="visually-hidden" for=select_id.clone()>{label.clone()}</label>
                                    <select id=select_id.clone() name="stage">{options}</select>
                                    <button type="submit" class="secondary">"Move"</button>
                                </form>
                            })}
                        </li>
                    }
                })
                .collect_view();
            let labelled_by = heading_id.clone();
            view! {
                <section class="board-column" aria-labelledby=labelled_by>
                    <h2 id=heading_id>{col.stage.label()}" "<span class="badge">{col.total}</span></h2>
                    <ol class="board-cards">{cards}</ol>
                    {more}
                </section>
            }
        })
        .collect_view();
    let job_href = format!("/admin/jobs/{job_id}");
    let list_href = format!("/admin/applications?job={job_id}");
    view! {
        <AdminPage title=format!("Pipeline: {title}") nav=Some(nav)>
            <p class="meta">
                <a href=job_href>"The job"</a>" · "
                <a href=list_href>{count_of(total, "application")}</a>
                {format!(" · up to {BOARD_COLUMN_CARDS} newest per stage")}
            </p>
            <div class="board">{columns}</div>
        </AdminPage>
    }
}
