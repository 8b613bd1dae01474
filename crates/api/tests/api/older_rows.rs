//! Rows an earlier release wrote, under rules that have changed since: their users still sign
//! in, see themselves, list their sessions and can be claimed; a rule applies to new input only.
//! And names people really have, in every script and with emoji, are accepted as typed.

use chrono::Utc;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use uuid::Uuid;
use yoshikosan_persistence::entities::{oauth_accounts, users};

use crate::helpers::*;
use crate::oauth_support::*;

/// What the release before the last accepted, and characters today's rule refuses.
const OLDER_NAME: &str = "Ren\u{e9}e \u{1F469}\u{1F3FD}\u{200D}\u{1F4BB} O'Brien\u{200B}\u{202E}";

async fn store_older_row(app: &TestApp, email: &str, name: &str, stored_email: &str) -> Uuid {
    let conn = app.db.database.connection();
    let row = users::Entity::find().filter(users::Column::Email.eq(email)).one(conn).await.unwrap().unwrap();
    let id = row.id;
    let mut row: users::ActiveModel = row.into();
    row.name = Set(name.to_owned());
    row.email = Set(stored_email.to_owned());
    row.update(conn).await.unwrap();
    id
}

/// A link to a provider this build does not know (written before a rollback, say).
async fn store_unknown_link(app: &TestApp, user: Uuid) {
    let now = Utc::now();
    let link = oauth_accounts::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user),
        provider: Set("gitlab".into()),
        provider_user_id: Set("g-1".into()),
        issuer: Set(None),
        access_token: Set(None),
        refresh_token: Set(None),
        expires_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    link.insert(app.db.database.connection()).await.unwrap();
}

#[actix_web::test]
async fn a_user_stored_under_older_rules_signs_in_sees_themself_and_lists_sessions() {
    let app = spawn_app().await;
    app.signed_up("plain@example.com").await;
    let user = store_older_row(&app, "plain@example.com", OLDER_NAME, "plain@example.com").await;
    store_unknown_link(&app, user).await;

    let token = token_of(app.login("plain@example.com", PASSWORD).await).await;
    let me = app.me_with_bearer(&token).await;
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["name"], OLDER_NAME, "the stored name is shown as stored");
    assert_eq!(me["providers"], json!(["password"]), "an unknown provider is no way in");
    let sessions = app.get_with_bearer("/api/auth/sessions", &token).await;
    assert_eq!(sessions.status(), StatusCode::OK);

    // An address stored in a form today's rule refuses: the session still works.
    store_older_row(&app, "plain@example.com", "Plain", "Plain.Old@Example.COM").await;
    assert_eq!(app.me_with_bearer(&token).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn an_account_stored_under_older_rules_can_be_claimed() {
    let google = FakeGoogle::start().await;
    let app = app_with(google.app_settings()).await;
    let squatter = Browser::new();
    squatter.register(&app, "owner@example.com").await;
    let user = store_older_row(&app, "owner@example.com", OLDER_NAME, "owner@example.com").await;
    store_unknown_link(&app, user).await;

    let owner = Browser::new();
    let authorize = owner.start(&app, "google", None).await;
    let claims = json!({"email": "owner@example.com", "email_verified": true, "name": "Owner"});
    google
        .answer_once(&authorize, google.tokens(google.id_token(&authorize.param("nonce"), "owner-sub", claims)))
        .await;
    let location = owner.callback(&app, "google", &[("code", "c"), ("state", &authorize.param("state"))]).await;
    assert_eq!(location, format!("{FRONTEND}/"));
    let (status, me) = owner.me(&app).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((me["id"].as_str(), me["providers"].clone()), (Some(user.to_string().as_str()), json!(["google"])));
    assert_eq!(squatter.me(&app).await.0, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn names_people_have_are_accepted_as_typed() {
    let names: Value = serde_json::from_str(include_str!("../../../domain/tests/fixtures/names.json")).unwrap();
    let app = spawn_app().await;
    for (index, case) in names["accepted"].as_array().unwrap().iter().enumerate() {
        let (input, stored) = (case["input"].as_str().unwrap(), &case["stored"]);
        let response = app.register(&format!("name{index}@example.com"), PASSWORD, input).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{}: {input:?}", case["note"]);
        let body: Value = response.json().await.unwrap();
        assert_eq!(&body["user"]["name"], stored, "{}", case["note"]);
    }
    for case in names["refused"].as_array().unwrap().iter().filter(|c| c["code"] == "invalid_characters") {
        let response = app.register("refused@example.com", PASSWORD, case["input"].as_str().unwrap()).await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        let expected = [("name".to_owned(), "invalid_characters".to_owned())];
        assert_eq!(field_errors(&problem), expected, "{}", case["note"]);
    }
}
