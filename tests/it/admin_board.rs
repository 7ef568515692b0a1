//! The pipeline board of a job: a column per stage with exact counts, a card per application
//! with a move form that comes back to the board; rejected cards cannot move; suspected spam is
//! not on it.

use crate::support::TestDb;
use crate::support::admin::*;
use axum::http::StatusCode;
use careers::postings::model::PostingStatus;

/// The HTML of the board column of `stage`.
fn column<'a>(body: &'a str, stage: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"stage-{stage}\""))
        .unwrap_or_else(|| panic!("no {stage} column: {body}"));
    let rest = &body[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_board_shows_each_stage_and_a_card_moves_from_it_and_back_to_it() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    let c = sign_in(&app, &t.email).await;
    let job = create_job(&db.pool, &t.tenant, "Backend Engineer", PostingStatus::Open).await;
    let other = create_job(&db.pool, &t.tenant, "Designer", PostingStatus::Open).await;
    apply(&db.pool, &t.tenant, job, "Ada", "Lovelace", "ada@x.example").await;
    let grace = apply(
        &db.pool,
        &t.tenant,
        job,
        "Grace",
        "Hopper",
        "grace@x.example",
    )
    .await;
    let hedy = apply(&db.pool, &t.tenant, job, "Hedy", "Lamarr", "hedy@x.example").await;
    apply(
        &db.pool,
        &t.tenant,
        other,
        "Olive",
        "Other",
        "olive@x.example",
    )
    .await;
    c.post(
        &format!("/admin/applications/{hedy}"),
        &[("action", "stage"), ("stage", "rejected")],
    )
    .await;

    let board = format!("/admin/jobs/{job}/board");
    let page = c.get(&board).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Pipeline: Backend Engineer"),
        "{}",
        page.body
    );
    assert!(page.body.contains("3 applications"), "{}", page.body);
    for stage in [
        "new",
        "screening",
        "interview",
        "offer",
        "hired",
        "rejected",
    ] {
        column(&page.body, stage);
    }
    let new = column(&page.body, "new");
    assert!(
        new.contains("Ada Lovelace") && new.contains("Grace Hopper"),
        "{new}"
    );
    assert!(new.contains(">2</span>"), "the count: {new}");
    assert!(
        !page.body.contains("Olive Other"),
        "another job's application is on the board"
    );
    let rejected = column(&page.body, "rejected");
    assert!(rejected.contains("Hedy Lamarr"), "{rejected}");
    assert!(
        !rejected.contains("<form"),
        "a rejected card offers a move: {rejected}"
    );
    assert!(
        page.body.contains("Move Grace Hopper to"),
        "each move form is labelled"
    );

    // A move from the board comes back to the board, to the card.
    let res = c
        .post(
            &format!("/admin/applications/{grace}"),
            &[
                ("action", "stage"),
                ("stage", "interview"),
                ("back", "board"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), format!("{board}#card-{grace}"));
    let page = c.get(&board).await;
    let interview = column(&page.body, "interview");
    assert!(interview.contains("Grace Hopper"), "{interview}");
    assert!(!column(&page.body, "new").contains("Grace Hopper"));
    // And the move is in the application's history like any other.
    let detail = c.get(&format!("/admin/applications/{grace}")).await;
    assert!(
        detail.body.contains("moved from New to Interview"),
        "{}",
        detail.body
    );

    // The job page links to its board; an unknown job has none.
    assert!(
        c.get(&format!("/admin/jobs/{job}"))
            .await
            .body
            .contains(&board)
    );
    let missing = c
        .get(&format!("/admin/jobs/{}/board", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn each_reviewer_keeps_one_scorecard_and_the_board_shows_the_average() {
    let db = TestDb::new().await;
    let app = router(db.state());
    let t = tenant_with_user(&db.pool, "acme").await;
    careers::auth::create_user(&db.pool, "acme", "lead@acme.example", PASSWORD)
        .await
        .unwrap();
    let hr = sign_in(&app, &t.email).await;
    let lead = sign_in(&app, "lead@acme.example").await;
    let job = create_job(&db.pool, &t.tenant, "Backend Engineer", PostingStatus::Open).await;
    let ada = apply(&db.pool, &t.tenant, job, "Ada", "Lovelace", "ada@x.example").await;
    let path = format!("/admin/applications/{ada}");

    let page = hr.get(&path).await;
    assert!(
        page.body.contains("you have not scored yet"),
        "{}",
        page.body
    );
    let res = hr
        .post(
            &path,
            &[
                ("action", "scorecard"),
                ("rating", "2"),
                ("notes", "Thin on Rust."),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // A second save replaces the first.
    hr.post(
        &path,
        &[
            ("action", "scorecard"),
            ("rating", "4"),
            ("notes", "Strong after all."),
        ],
    )
    .await;
    lead.post(
        &path,
        &[("action", "scorecard"), ("rating", "5"), ("notes", "")],
    )
    .await;
    // Refused: no rating, or one out of range; nothing saved.
    let res = lead
        .post(&path, &[("action", "scorecard"), ("rating", "")])
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    let res = lead
        .post(&path, &[("action", "scorecard"), ("rating", "9")])
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);

    let page = hr.get(&path).await;
    assert!(
        page.body.contains("Average 4.5 of 5 from 2 reviewers"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Strong after all.") && !page.body.contains("Thin on Rust."));
    assert!(
        page.body.contains("saved a scorecard"),
        "in the history: {}",
        page.body
    );
    assert!(
        page.body.contains("<option value=\"4\" selected"),
        "own rating preselected: {}",
        page.body
    );
    let board = hr.get(&format!("/admin/jobs/{job}/board")).await;
    assert!(board.body.contains("rated 4.5 of 5"), "{}", board.body);
    // The audit log has each save, with the rating and without the notes.
    let mut ttx = t.tenant.begin(&db.pool).await.unwrap();
    let details: Vec<String> = sqlx::query_scalar(
        "SELECT detail::text FROM audit_events WHERE action = 'application.scored' ORDER BY id",
    )
    .fetch_all(&mut *ttx)
    .await
    .unwrap();
    ttx.commit().await.unwrap();
    assert_eq!(details.len(), 3, "{details:?}");
    assert!(
        details
            .iter()
            .all(|d| d.contains("rating") && !d.contains("Strong"))
    );
}
