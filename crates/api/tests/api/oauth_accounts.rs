//! What a provider identity may do to accounts: a verified sign-in claims an unverified account
//! (pre-hijacking defence), linking is a separate flow started by POST, and both hold when
//! requests race.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{FRONTEND, PASSWORD, TestApp, token_of};
use crate::oauth_support::*;

struct Setup {
    app: TestApp,
    google: FakeGoogle,
    discord: FakeDiscord,
}

async fn setup() -> Setup {
    let (google, discord) = (FakeGoogle::start().await, FakeDiscord::start().await);
    let mut settings = google.app_settings();
    settings.extend(discord.app_settings());
    Setup { app: app_with(settings).await, google, discord }
}

fn verified_google(email: &str) -> Value {
    json!({"email": email, "email_verified": true, "name": "Victim"})
}

fn discord_profile(id: &str, email: &str, verified: bool) -> Value {
    json!({"id": id, "username": "someone", "email": email, "verified": verified})
}

impl Setup {
    /// The provider's side of a flow started as `authorize`; returns the callback's Location.
    async fn finish_google(&self, browser: &Browser, authorize: &Authorize, sub: &str, claims: Value) -> String {
        self.google.finish(&self.app, browser, authorize, sub, claims).await
    }

    async fn google_sign_in(&self, browser: &Browser, sub: &str, claims: Value) -> String {
        let authorize = browser.start(&self.app, "google", None).await;
        self.finish_google(browser, &authorize, sub, claims).await
    }

    async fn finish_discord(&self, browser: &Browser, authorize: &Authorize, profile: Value) -> String {
        self.discord.finish(&self.app, browser, authorize, profile).await
    }

    async fn discord_sign_in(&self, browser: &Browser, profile: Value) -> String {
        let authorize = browser.start(&self.app, "discord", None).await;
        self.finish_discord(browser, &authorize, profile).await
    }
}

#[actix_web::test]
async fn a_verified_sign_in_claims_an_account_registered_by_someone_else() {
    let s = setup().await;
    let attacker = Browser::new();
    let registered = attacker.register(&s.app, "victim@example.com").await;
    let attacker_token = registered["access_token"].as_str().unwrap().to_owned();
    // Looked up once, so that on PostgreSQL the squatter's session sits in the session cache.
    assert_eq!(attacker.me(&s.app).await.0, StatusCode::OK);

    let victim = Browser::new();
    assert_eq!(
        s.google_sign_in(&victim, "victim-sub", verified_google("victim@example.com")).await,
        format!("{FRONTEND}/")
    );
    let (status, me) = victim.me(&s.app).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["id"], registered["user"]["id"], "the account keeps its id");
    assert_eq!((me["email_verified"].clone(), me["providers"].clone()), (json!(true), json!(["google"])));
    // The squatter is out: session revoked, password gone.
    assert_eq!(attacker.me(&s.app).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(s.app.me_with_bearer(&attacker_token).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(s.app.login("victim@example.com", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn an_account_squatted_through_an_unverified_discord_email_is_claimed_by_a_verified_google() {
    let s = setup().await;
    let squatter = Browser::new();
    s.discord_sign_in(&squatter, discord_profile("80351110224678912", "victim@example.com", false)).await;
    assert_eq!(squatter.me(&s.app).await.1["email_verified"], false);
    assert_eq!(s.app.register("victim@example.com", PASSWORD, "Victim").await.status(), StatusCode::CONFLICT);

    let victim = Browser::new();
    s.google_sign_in(&victim, "victim-sub", verified_google("victim@example.com")).await;
    assert_eq!(victim.me(&s.app).await.1["providers"], json!(["google"]), "the Discord link is removed");
    assert_eq!(squatter.me(&s.app).await.0, StatusCode::UNAUTHORIZED);
    // Signing in through Discord again finds a verified account it may not enter.
    let again = Browser::new();
    let location = s.discord_sign_in(&again, discord_profile("80351110224678912", "victim@example.com", false)).await;
    assert_eq!(location, format!("{FRONTEND}/login?error=email_not_verified"));
}

#[actix_web::test]
async fn a_verified_account_is_linked_to_not_claimed() {
    let s = setup().await;
    let owner = Browser::new();
    s.google_sign_in(&owner, "owner-sub", verified_google("owner@example.com")).await;
    let other_device = Browser::new();
    s.discord_sign_in(&other_device, discord_profile("80351110224678913", "owner@example.com", true)).await;
    assert_eq!(other_device.me(&s.app).await.1["providers"], json!(["google", "discord"]));
    assert_eq!(owner.me(&s.app).await.0, StatusCode::OK, "a link revokes nothing");
}

#[actix_web::test]
async fn a_password_user_links_google_by_post_and_keeps_the_password() {
    let s = setup().await;
    let browser = Browser::new();
    browser.register(&s.app, "ada@example.com").await;
    let authorize = browser.start_link(&s.app, "google").await;
    let location = s.finish_google(&browser, &authorize, "ada-sub", verified_google("ada@example.com")).await;
    assert_eq!(location, format!("{FRONTEND}/account"));
    let me = browser.me(&s.app).await.1;
    assert_eq!((me["providers"].clone(), me["email_verified"].clone()), (json!(["password", "google"]), json!(true)));
    // Verified by the link, so a later verified sign-in elsewhere links instead of claiming.
    let discord = Browser::new();
    s.discord_sign_in(&discord, discord_profile("80351110224678914", "ada@example.com", true)).await;
    assert_eq!(s.app.login("ada@example.com", PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(browser.me(&s.app).await.0, StatusCode::OK);
}

#[actix_web::test]
async fn linking_needs_a_session_and_the_sites_own_origin() {
    let s = setup().await;
    let anonymous = s.app.client.post(s.app.url("/api/auth/google/link")).send().await.unwrap();
    crate::helpers::assert_problem(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let token = s.app.signed_up("ada@example.com").await;
    let cross_site = s
        .app
        .client
        .post(s.app.url("/api/auth/google/link"))
        .header("cookie", format!("access_token={token}"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    crate::helpers::assert_problem(cross_site, StatusCode::FORBIDDEN, "csrf_rejected").await;
    let with_bearer = s.app.client.post(s.app.url("/api/auth/discord/link")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(with_bearer.status(), StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn a_link_started_before_sign_out_everywhere_links_nothing() {
    let s = setup().await;
    let browser = Browser::new();
    let registered = browser.register(&s.app, "ada@example.com").await;
    let authorize = browser.start_link(&s.app, "google").await;
    let token = registered["access_token"].as_str().unwrap();
    let out = s.app.client.post(s.app.url("/api/auth/logout-all")).bearer_auth(token).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let location = s.finish_google(&browser, &authorize, "attacker-sub", verified_google("x@example.com")).await;
    assert_eq!(location, format!("{FRONTEND}/account?error=session_expired"));
    let me = s.app.login("ada@example.com", PASSWORD).await.json::<Value>().await.unwrap();
    assert_eq!(me["user"]["providers"], json!(["password"]));
}

#[actix_web::test]
async fn a_link_flow_cookie_completes_nothing_in_another_browser() {
    let s = setup().await;
    let squatter = Browser::new();
    squatter.register(&s.app, "victim@example.com").await;
    let authorize = squatter.start_link(&s.app, "google").await;
    // The squatter's flow cookie, planted in the victim's browser, which signs in at Google.
    let id_token = s.google.id_token(&authorize.param("nonce"), "victim-sub", verified_google("victim@example.com"));
    s.google.answer_once(&authorize, s.google.tokens(id_token)).await;
    let planted = s
        .app
        .client
        .get(s.app.url("/api/auth/callback/google"))
        .query(&[("code", "c"), ("state", authorize.param("state").as_str())])
        .header("cookie", &authorize.flow_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(planted.headers()["location"], format!("{FRONTEND}/account?error=session_expired").as_str());
    let me = squatter.me(&s.app).await.1;
    assert_eq!((me["providers"].clone(), me["email_verified"].clone()), (json!(["password"]), json!(false)));
}

#[actix_web::test]
async fn an_unconfigured_provider_is_not_found_before_anything_else() {
    let google = FakeGoogle::start().await;
    let app = app_with(google.app_settings()).await;
    let response = app.client.post(app.url("/api/auth/discord/link")).send().await.unwrap();
    crate::helpers::assert_problem(response, StatusCode::NOT_FOUND, "provider_not_configured").await;
}

#[actix_web::test]
async fn an_identity_linked_to_someone_else_is_not_moved() {
    let s = setup().await;
    let owner = Browser::new();
    s.google_sign_in(&owner, "shared-sub", verified_google("owner@example.com")).await;
    let other = Browser::new();
    other.register(&s.app, "other@example.com").await;
    let authorize = other.start_link(&s.app, "google").await;
    let location = s.finish_google(&other, &authorize, "shared-sub", verified_google("owner@example.com")).await;
    assert_eq!(location, format!("{FRONTEND}/account?error=already_linked"));
    let (status, me) = other.me(&s.app).await;
    assert_eq!((status, me["providers"].clone()), (StatusCode::OK, json!(["password"])), "session kept");
    assert_eq!(owner.me(&s.app).await.1["providers"], json!(["google"]));
}

#[actix_web::test]
async fn a_password_checked_before_a_claim_opens_no_session_after_it() {
    let s = setup().await;
    s.app.signed_up("victim@example.com").await;
    let victim = Browser::new();
    let authorize = victim.start(&s.app, "google", None).await;
    let id_token = s.google.id_token(&authorize.param("nonce"), "victim-sub", verified_google("victim@example.com"));
    s.google.answer_once(&authorize, s.google.tokens(id_token)).await;
    let state = authorize.param("state");
    let query = [("code", "c"), ("state", state.as_str())];
    let claim = victim.callback(&s.app, "google", &query);
    let logins = futures_util::future::join_all((0..8).map(|_| s.app.login("victim@example.com", PASSWORD)));
    let (location, logins) = futures_util::join!(claim, logins);
    assert_eq!(location, format!("{FRONTEND}/"));
    for login in logins {
        if login.status() == StatusCode::OK {
            let token = token_of(login).await;
            assert_eq!(
                s.app.me_with_bearer(&token).await.status(),
                StatusCode::UNAUTHORIZED,
                "a login outlived the claim"
            );
        } else {
            assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
        }
    }
    assert_eq!(victim.me(&s.app).await.1["providers"], json!(["google"]));
}

#[actix_web::test]
async fn two_verified_sign_ins_at_once_end_with_one_account_holding_both() {
    for squatted in [false, true] {
        let s = setup().await;
        if squatted {
            s.app.signed_up("both@example.com").await;
        }
        let (by_google, by_discord) = (Browser::new(), Browser::new());
        let google = by_google.start(&s.app, "google", None).await;
        let discord = by_discord.start(&s.app, "discord", None).await;
        let id_token = s.google.id_token(&google.param("nonce"), "both-sub", verified_google("both@example.com"));
        s.google.answer_once(&google, s.google.tokens(id_token)).await;
        s.discord.answer_once(&discord, discord_profile("80351110224678915", "both@example.com", true)).await;
        let (google_state, discord_state) = (google.param("state"), discord.param("state"));
        let (google_query, discord_query) =
            ([("code", "c"), ("state", google_state.as_str())], [("code", "c"), ("state", discord_state.as_str())]);
        let (g, d) = futures_util::join!(
            by_google.callback(&s.app, "google", &google_query),
            by_discord.callback(&s.app, "discord", &discord_query),
        );
        assert_eq!((g.as_str(), d.as_str()), (format!("{FRONTEND}/").as_str(), format!("{FRONTEND}/").as_str()));
        let (a, b) = (by_google.me(&s.app).await.1, by_discord.me(&s.app).await.1);
        assert_eq!(a["id"], b["id"], "one account (squatted: {squatted})");
        let mut providers: Vec<String> = serde_json::from_value(b["providers"].clone()).unwrap();
        providers.sort();
        assert_eq!(providers, ["discord", "google"], "squatted: {squatted}");
    }
}

#[actix_web::test]
async fn a_claimed_account_sets_a_password_again() {
    let s = setup().await;
    s.app.signed_up("victim@example.com").await;
    let victim = Browser::new();
    s.google_sign_in(&victim, "victim-sub", verified_google("victim@example.com")).await;
    let set = victim
        .client
        .put(s.app.url("/api/auth/password"))
        .json(&json!({"new_password": "amber-lantern-77"}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    let me = s.app.login("victim@example.com", "amber-lantern-77").await.json::<Value>().await.unwrap();
    assert_eq!(me["user"]["providers"], json!(["password", "google"]));
    assert_eq!(victim.me(&s.app).await.0, StatusCode::OK);
}
