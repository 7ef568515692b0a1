//! The HTML apply form: the same intake as the JSON API behind a form that works without
//! JavaScript — 422 with every value kept, escaped textarea content, CSRF defences, honeypot and
//! minimum fill time, 303 to the confirmation, and a friendly duplicate page.

use crate::support::site::{
    PDF, application_emails, attr_of, count, get, post_apply, seed, send, text_of, token,
};
use axum::body::Body;
use axum::http::{Request, StatusCode};

fn valid_fields(tok: &str, email: &'static str) -> Vec<(&'static str, String)> {
    vec![
        ("_token", tok.to_string()),
        ("first_name", "Ada".into()),
        ("last_name", "Lovelace".into()),
        ("email", email.into()),
        ("q_years", "2 to 5 years".into()),
        ("consent", "yes".into()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn the_form_shows_every_field_labelled_with_the_consent_text_and_a_token() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let page = get(
        &db.state(),
        &format!("/jobs/{}/apply?utm_source=newsletter", s.rust_remote),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        attr_of(&page.body, "meta[name=robots]", "content").as_deref(),
        Some("noindex")
    );
    let form = "form#apply-form[method=post][enctype='multipart/form-data']";
    assert_eq!(count(&page.body, form), 1);
    for id in [
        "first_name",
        "last_name",
        "email",
        "phone",
        "linkedin_url",
        "portfolio_url",
        "resume",
        "cover_letter",
        "q_years",
        "q_why",
        "consent",
    ] {
        assert_eq!(
            count(&page.body, &format!("label[for={id}]")),
            1,
            "label for {id}"
        );
        assert_eq!(count(&page.body, &format!("#{id}")), 1, "input {id}");
    }
    assert_eq!(
        count(&page.body, "#resume[required][type=file]"),
        1,
        "this job requires a resume"
    );
    assert!(page.body.contains(careers::tenancy::DEFAULT_CONSENT_TEXT));
    let tok = attr_of(&page.body, "input[name=_token]", "value").unwrap();
    assert!(tok.contains('.'), "{tok}");
    assert_eq!(
        attr_of(&page.body, "input[name=utm_source]", "value").as_deref(),
        Some("newsletter")
    );
    assert_eq!(
        count(
            &page.body,
            ".hp-field input[name=referral_code][tabindex='-1']"
        ),
        1
    );
    assert_eq!(count(&page.body, ".error-summary"), 0);
}

#[tokio::test]
async fn a_valid_application_is_stored_and_answered_with_303_then_a_confirmation() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let state = db.state();
    let fields = valid_fields(&token(s.rust_remote, 30), "ada@example.com");
    let res = post_apply(
        &state,
        s.rust_remote,
        &refs(&fields),
        Some(("resume", "cv.pdf", "application/pdf", PDF)),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let location = res.headers["location"].to_str().unwrap().to_string();
    assert_eq!(location, format!("/jobs/{}/apply/sent", s.rust_remote));
    let done = get(&state, &location).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(
        text_of(&done.body, "h1")
            .unwrap()
            .contains("Senior Rust Engineer has been sent")
    );
    assert_eq!(
        application_emails(&db.pool, &s.acme).await,
        vec!["ada@example.com"]
    );
}

#[tokio::test]
async fn a_validation_error_returns_422_with_every_value_kept_and_messages_linked_from_a_summary() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let hostile = "I love Rust </textarea><script>alert(1)</script> & more";
    let tok = token(s.rust_remote, 30);
    let fields = [
        ("_token", tok.as_str()),
        ("first_name", "Ada\" autofocus onfocus=\"alert(2)"),
        ("last_name", ""),
        ("email", "not-an-email"),
        ("phone", "+49 30 1234"),
        ("cover_letter", hostile),
        ("q_why", "</textarea><b>why</b>"),
    ];
    let res = post_apply(&db.state(), s.rust_remote, &fields, None).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text_of(&res.body, "title").unwrap().starts_with("Error: "));
    // Values come back (attribute values escaped), the textarea content escaped by hand.
    assert_eq!(
        attr_of(&res.body, "#first_name", "value").unwrap(),
        "Ada\" autofocus onfocus=\"alert(2)"
    );
    assert_eq!(count(&res.body, "[onfocus]"), 0);
    assert_eq!(
        attr_of(&res.body, "#email", "value").as_deref(),
        Some("not-an-email")
    );
    assert_eq!(
        attr_of(&res.body, "#phone", "value").as_deref(),
        Some("+49 30 1234")
    );
    assert_eq!(text_of(&res.body, "#cover_letter").unwrap(), hostile);
    assert_eq!(
        text_of(&res.body, "#q_why").unwrap(),
        "</textarea><b>why</b>"
    );
    assert!(
        res.body
            .contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more")
    );
    assert_eq!(
        count(&res.body, "script:not([type='application/ld+json'])"),
        0
    );
    assert_eq!(
        res.body.matches("</textarea>").count(),
        2,
        "exactly the two real textareas close"
    );
    // Each error: a message beside the field, the field marked invalid, a link in the summary.
    for field in ["last_name", "email", "resume", "q_years", "consent"] {
        assert_eq!(
            count(&res.body, &format!(".error-summary a[href='#{field}']")),
            1,
            "{field}"
        );
        assert_eq!(count(&res.body, &format!("#{field}-error")), 1, "{field}");
        assert_eq!(
            count(&res.body, &format!("#{field}[aria-invalid=true]")),
            1,
            "{field}"
        );
        let described = attr_of(&res.body, &format!("#{field}"), "aria-describedby").unwrap();
        assert!(
            described.contains(&format!("{field}-error")),
            "{field}: {described}"
        );
    }
    assert_eq!(count(&res.body, "#first_name[aria-invalid]"), 0);
    // The next try keeps the time the form was first served: fixing a field and sending again
    // at once is not "too fast".
    assert_eq!(
        attr_of(&res.body, "input[name=_token]", "value").unwrap(),
        tok
    );
    assert!(application_emails(&db.pool, &s.acme).await.is_empty());
}

#[tokio::test]
async fn a_resume_that_is_not_a_document_is_refused_beside_the_file_field() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let fields = valid_fields(&token(s.rust_remote, 30), "exe@example.com");
    let res = post_apply(
        &db.state(),
        s.rust_remote,
        &refs(&fields),
        Some((
            "resume",
            "cv.pdf",
            "application/pdf",
            b"MZ\x90\x00not a pdf at all",
        )),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text_of(&res.body, "#resume-error")
            .unwrap()
            .contains("PDF, DOC, DOCX, RTF or TXT")
    );
    assert_eq!(
        attr_of(&res.body, "#email", "value").as_deref(),
        Some("exe@example.com")
    );
}

#[tokio::test]
async fn a_second_application_with_the_same_email_gets_a_friendly_explanation() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let state = db.state();
    let first = valid_fields(&token(s.designer, 30), "grace@example.com");
    assert_eq!(
        post_apply(&state, s.designer, &refs(&first), None)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let again = valid_fields(&token(s.designer, 30), "GRACE@Example.com");
    let res = post_apply(&state, s.designer, &refs(&again), None).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(
        text_of(&res.body, "h1").unwrap(),
        "You have already applied for this job"
    );
    assert_eq!(
        count(&res.body, ".site-header"),
        1,
        "a full page, not an error blob"
    );
    assert_eq!(application_emails(&db.pool, &s.acme).await.len(), 1);
}

#[tokio::test]
async fn a_cross_site_post_is_refused_and_stores_nothing() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let fields = valid_fields(&token(s.designer, 30), "csrf@example.com");
    let (ctype, body) = crate::support::site::multipart(&refs(&fields), None);
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let req = Request::post(format!("/jobs/{}/apply", s.designer))
            .header("content-type", ctype.clone())
            .header(header, value)
            .body(Body::from(body.clone()))
            .unwrap();
        let res = send(&db.state(), req).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{header}: {value}");
    }
    assert!(application_emails(&db.pool, &s.acme).await.is_empty());
}

#[tokio::test]
async fn a_missing_or_forged_token_brings_the_form_back_without_storing() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    for tok in ["", "123.deadbeef", &token(uuid::Uuid::new_v4(), 30)] {
        let fields = valid_fields(tok, "forged@example.com");
        let res = post_apply(&db.state(), s.designer, &refs(&fields), None).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "token {tok:?}"
        );
        assert_eq!(count(&res.body, "#form-notice"), 1);
        assert_eq!(
            attr_of(&res.body, "#email", "value").as_deref(),
            Some("forged@example.com")
        );
    }
    assert!(application_emails(&db.pool, &s.acme).await.is_empty());
}

#[tokio::test]
async fn a_honeypot_form_is_kept_aside_and_a_form_sent_at_once_is_confirmed_never_dropped() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let state = db.state();
    let mut honeypot = valid_fields(&token(s.designer, 30), "bot1@example.com");
    honeypot.push(("referral_code", "http://spam.example".into()));
    assert_eq!(
        post_apply(&state, s.designer, &refs(&honeypot), None)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // Stored, kept aside as suspected spam for HR to judge (not dropped behind a fake success).
    let aside: Vec<(String, Option<String>)> = sqlx::query_as(&format!(
        "SELECT c.email, a.suspected_spam FROM {s}.applications a
           JOIN {s}.candidates c ON c.id = a.candidate_id",
        s = s.acme.schema().quoted()
    ))
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        aside,
        vec![("bot1@example.com".to_string(), Some("honeypot".to_string()))]
    );
    // Sent the moment it was served (an autofill, a double click): not a fake success but a
    // confirm step that keeps every value; confirming stores it.
    let instant = valid_fields(&token(s.designer, 0), "quick@example.com");
    let confirm = post_apply(&state, s.designer, &refs(&instant), None).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert_eq!(count(&confirm.body, "#form-notice"), 1);
    assert_eq!(
        attr_of(&confirm.body, "#email", "value").as_deref(),
        Some("quick@example.com")
    );
    assert_eq!(application_emails(&db.pool, &s.acme).await.len(), 1);
    let fresh = attr_of(&confirm.body, "input[name=_token]", "value").unwrap();
    let confirmed = valid_fields(&fresh, "quick@example.com");
    assert_eq!(
        post_apply(&state, s.designer, &refs(&confirmed), None)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        application_emails(&db.pool, &s.acme)
            .await
            .contains(&"quick@example.com".to_string())
    );
    // A person who took their time is stored.
    let person = valid_fields(&token(s.designer, 45), "person@example.com");
    assert_eq!(
        post_apply(&state, s.designer, &refs(&person), None)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let mut stored = application_emails(&db.pool, &s.acme).await;
    stored.sort();
    assert_eq!(
        stored,
        vec![
            "bot1@example.com",
            "person@example.com",
            "quick@example.com"
        ]
    );
}

#[tokio::test]
async fn applying_to_a_closed_job_is_a_404_page() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    crate::support::site::set_status(
        &db.pool,
        &s.acme,
        s.designer,
        careers::postings::model::PostingStatus::Closed,
    )
    .await;
    let fields = valid_fields(&token(s.designer, 30), "late@example.com");
    let res = post_apply(&db.state(), s.designer, &refs(&fields), None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_resume_survives_an_error_round_trip_and_is_stored_with_the_next_try() {
    let db = crate::support::TestDb::new().await;
    let s = seed(&db.pool).await;
    let state = db.state();
    // Everything but the consent box: the form comes back, and the resume stays attached.
    let mut fields = valid_fields(&token(s.rust_remote, 30), "keeps@example.com");
    fields.retain(|(k, _)| *k != "consent");
    let res = post_apply(
        &state,
        s.rust_remote,
        &refs(&fields),
        Some(("resume", "Ada CV.pdf", "application/pdf", PDF)),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.body.contains("Attached from your last try: Ada CV.pdf"),
        "{}",
        res.body
    );
    assert_eq!(
        count(&res.body, "#resume[required]"),
        0,
        "no second upload required"
    );
    let kept = attr_of(&res.body, "input[name=resume_kept]", "value").unwrap();
    let tok = attr_of(&res.body, "input[name=_token]", "value").unwrap();

    // A reference forged for another job names nothing.
    let forged = format!(
        "{}.{}",
        uuid::Uuid::new_v4(),
        kept.split_once('.').unwrap().1
    );
    let mut again = valid_fields(&tok, "keeps@example.com");
    again.push(("resume_kept", forged));
    let res = post_apply(&state, s.rust_remote, &refs(&again), None).await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the resume is required"
    );
    assert!(application_emails(&db.pool, &s.acme).await.is_empty());

    // The box ticked, no file chosen: the kept resume goes with the application.
    let mut again = valid_fields(&tok, "keeps@example.com");
    again.push(("resume_kept", kept));
    let res = post_apply(&state, s.rust_remote, &refs(&again), None).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let stored: (String, i32) = sqlx::query_as(&format!(
        "SELECT r.filename, r.size_bytes FROM {s}.applications a JOIN {s}.resumes r ON r.id = a.resume_id",
        s = s.acme.schema().quoted()
    ))
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(stored, ("Ada CV.pdf".to_string(), PDF.len() as i32));
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM public.pending_resumes")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "forgotten once stored");
}
