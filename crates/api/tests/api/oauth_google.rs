//! Google sign-in, end to end over HTTP against a local OpenID provider.

use reqwest::StatusCode;
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::helpers::{FRONTEND, PASSWORD, TestApp};
use crate::oauth_support::*;

struct Setup {
    app: TestApp,
    google: FakeGoogle,
    browser: Browser,
}

async fn setup() -> Setup {
    let google = FakeGoogle::start().await;
    let app = app_with(google.app_settings()).await;
    Setup { app, google, browser: Browser::new() }
}

impl Setup {
    /// The whole round trip for `sub` with these ID-token claims; returns the final Location.
    async fn sign_in(&self, sub: &str, claims: serde_json::Value, redirect_to: Option<&str>) -> String {
        let authorize = self.browser.start(&self.app, "google", redirect_to).await;
        let id_token = self.google.id_token(&authorize.param("nonce"), sub, claims);
        self.google.answer_once(&authorize, self.google.tokens(id_token)).await;
        self.browser.callback(&self.app, "google", &[("code", "the-code"), ("state", &authorize.param("state"))]).await
    }
}

fn ada(verified: bool) -> serde_json::Value {
    json!({"email": "Ada@Example.com", "email_verified": verified, "name": "Ada Lovelace", "picture": "https://example.com/ada.png"})
}

#[actix_web::test]
async fn the_authorization_request_uses_pkce_state_nonce_and_the_registered_redirect() {
    let s = setup().await;
    let authorize = s.browser.start(&s.app, "google", None).await;
    assert!(authorize.url.as_str().starts_with(&format!("{}/o/oauth2/v2/auth", s.google.server.uri())));
    assert_eq!(authorize.param("response_type"), "code");
    assert_eq!(authorize.param("client_id"), CLIENT_ID);
    assert_eq!(authorize.param("redirect_uri"), "http://localhost:8000/api/auth/callback/google");
    assert_eq!(authorize.param("code_challenge_method"), "S256");
    let scopes = authorize.param("scope");
    for scope in ["openid", "email", "profile"] {
        assert!(scopes.split(' ').any(|s| s == scope), "{scopes}");
    }
    assert!(authorize.param("state").len() >= 16 && authorize.param("nonce").len() >= 16);
    assert_eq!(authorize.param("prompt"), "select_account", "a person picks the Google account");
}

#[actix_web::test]
async fn a_sign_in_started_from_another_site_bounces_to_the_login_page() {
    let s = setup().await;
    let start = |site: Option<&'static str>| {
        let mut request = s.app.client.get(s.app.url("/api/auth/google?redirect_to=/account%3Ftab%3D1"));
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        request.send()
    };
    let bounced = start(Some("cross-site")).await.unwrap();
    assert_eq!(bounced.status(), StatusCode::SEE_OTHER);
    assert!(bounced.headers().get("set-cookie").is_none(), "no flow was started");
    assert_eq!(
        bounced.headers()["location"],
        format!("{FRONTEND}/login?provider=google&redirect_to=%2Faccount%3Ftab%3D1").as_str()
    );
    for site in [Some("same-origin"), Some("same-site"), Some("none"), None] {
        let response = start(site).await.unwrap();
        assert_eq!(response.status(), StatusCode::FOUND, "{site:?}");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(&s.google.server.uri()), "{site:?}: {location}");
    }
}

#[actix_web::test]
async fn the_return_path_is_percent_encoded_into_the_location() {
    let s = setup().await;
    let location = s.sign_in("google-sub-9", ada(true), Some("/\u{3002}evil")).await;
    assert_eq!(location, format!("{FRONTEND}/%E3%80%82evil"));
}

#[actix_web::test]
async fn a_new_user_signs_in_and_lands_on_the_frontend_with_a_session() {
    let s = setup().await;
    let location = s.sign_in("google-sub-1", ada(true), Some("/dashboard?tab=1")).await;
    assert_eq!(location, format!("{FRONTEND}/dashboard?tab=1"));
    let (status, me) = s.browser.me(&s.app).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], "ada@example.com");
    assert_eq!(me["name"], "Ada Lovelace");
    assert_eq!(me["avatar_url"], "https://example.com/ada.png");
    assert_eq!(me["email_verified"], true);
    assert_eq!(me["providers"], json!(["google"]));
}

#[actix_web::test]
async fn a_returning_user_is_the_same_user() {
    let s = setup().await;
    s.sign_in("google-sub-1", ada(true), None).await;
    let first = s.browser.me(&s.app).await.1["id"].clone();
    let other_browser = Setup { browser: Browser::new(), ..s };
    // Even with a changed email at Google, the `sub` decides.
    other_browser
        .sign_in("google-sub-1", json!({"email": "new.address@example.com", "email_verified": true}), None)
        .await;
    assert_eq!(other_browser.browser.me(&other_browser.app).await.1["id"], first);
}

#[actix_web::test]
async fn signing_in_while_signed_in_replaces_the_session_and_links_nothing() {
    let s = setup().await;
    let registered = s.browser.register(&s.app, "linker@example.com").await;
    let before = registered["access_token"].as_str().unwrap().to_owned();
    s.sign_in("google-sub-9", json!({"email": "someone.else@gmail.com", "email_verified": true}), None).await;
    let me = s.browser.me(&s.app).await.1;
    assert_eq!(me["email"], "someone.else@gmail.com", "signed in as the Google account");
    assert_eq!(me["providers"], json!(["google"]));
    assert_eq!(s.app.me_with_bearer(&before).await.status(), StatusCode::UNAUTHORIZED, "the old session is revoked");
    let password_account = s.app.login("linker@example.com", PASSWORD).await.json::<serde_json::Value>().await.unwrap();
    assert_eq!(password_account["user"]["providers"], json!(["password"]), "nothing was linked to it");
}

#[actix_web::test]
async fn an_unverified_email_never_takes_over_an_account() {
    let s = setup().await;
    s.app.signed_up("ada@example.com").await;
    let location = s.sign_in("google-attacker", ada(false), None).await;
    assert_eq!(location, format!("{FRONTEND}/login?error=email_not_verified"));
    assert_eq!(s.browser.me(&s.app).await.0, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn a_tampered_missing_or_replayed_state_is_refused() {
    let s = setup().await;
    let invalid = format!("{FRONTEND}/login?error=invalid_state");

    let authorize = s.browser.start(&s.app, "google", None).await;
    let wrong = s.browser.callback(&s.app, "google", &[("code", "c"), ("state", "not-the-state")]).await;
    assert_eq!(wrong, invalid);
    // The failed attempt spent the flow cookie: the right state no longer helps either.
    let state = authorize.param("state");
    assert_eq!(s.browser.callback(&s.app, "google", &[("code", "c"), ("state", &state)]).await, invalid);

    // Without the flow cookie (another browser).
    let authorize = s.browser.start(&s.app, "google", None).await;
    let stranger = Browser::new();
    assert_eq!(
        stranger.callback(&s.app, "google", &[("code", "c"), ("state", &authorize.param("state"))]).await,
        invalid
    );

    // Replaying a captured cookie with its state after a successful sign-in.
    let authorize = s.browser.start(&s.app, "google", None).await;
    let state = authorize.param("state");
    for _ in 0..2 {
        let id_token = s.google.id_token(&authorize.param("nonce"), "google-sub-1", ada(true));
        s.google.answer_once(&authorize, s.google.tokens(id_token)).await;
    }
    let ok = s.browser.callback(&s.app, "google", &[("code", "c"), ("state", &state)]).await;
    assert_eq!(ok, format!("{FRONTEND}/"));
    let replay = s
        .app
        .client
        .get(s.app.url("/api/auth/callback/google"))
        .query(&[("code", "c"), ("state", state.as_str())])
        .header("cookie", &authorize.flow_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.headers()["location"], invalid.as_str());
    assert!(replay.headers().get_all("set-cookie").iter().all(|c| !c.to_str().unwrap().starts_with("access_token=e")));
}

#[actix_web::test]
async fn a_wrong_nonce_is_a_provider_error() {
    let s = setup().await;
    let authorize = s.browser.start(&s.app, "google", None).await;
    let forged = s.google.id_token("a-nonce-from-another-flow", "google-sub-1", ada(true));
    s.google.answer_once(&authorize, s.google.tokens(forged)).await;
    let location = s.browser.callback(&s.app, "google", &[("code", "c"), ("state", &authorize.param("state"))]).await;
    assert_eq!(location, format!("{FRONTEND}/login?error=provider_error"));
    assert_eq!(s.browser.me(&s.app).await.0, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn a_refusal_at_the_provider_is_access_denied() {
    let s = setup().await;
    let authorize = s.browser.start(&s.app, "google", None).await;
    let location =
        s.browser.callback(&s.app, "google", &[("error", "access_denied"), ("state", &authorize.param("state"))]).await;
    assert_eq!(location, format!("{FRONTEND}/login?error=access_denied"));
}

#[actix_web::test]
async fn a_failing_token_endpoint_is_a_provider_error() {
    let s = setup().await;
    let authorize = s.browser.start(&s.app, "google", None).await;
    s.google.answer_once(&authorize, ResponseTemplate::new(500).set_body_string("boom")).await;
    let location = s.browser.callback(&s.app, "google", &[("code", "c"), ("state", &authorize.param("state"))]).await;
    assert_eq!(location, format!("{FRONTEND}/login?error=provider_error"));
}

#[actix_web::test]
async fn open_redirect_attempts_land_on_the_frontend_root() {
    for attempt in ["//evil.com", "https://evil.com", "/\\evil.com", "/%2F%2Fevil.com"] {
        let s = setup().await;
        let location = s.sign_in("google-sub-1", ada(true), Some(attempt)).await;
        assert!(
            location == format!("{FRONTEND}/") || location == format!("{FRONTEND}{attempt}"),
            "{attempt}: {location}"
        );
        assert!(location.starts_with(&format!("{FRONTEND}/")) && !location.contains("//evil"), "{attempt}: {location}");
    }
}

#[actix_web::test]
async fn providers_lists_google_once_configured() {
    let s = setup().await;
    let body: serde_json::Value =
        s.app.client.get(s.app.url("/api/auth/providers")).send().await.unwrap().json().await.unwrap();
    // The origin a page's CSP must let a sign-in form's redirect go to: the issuer's.
    let origin = s.google.server.uri();
    assert_eq!(
        body,
        json!({"password": true, "email_links": true, "passkeys": true, "providers": [
            {"id": "google", "name": "Google", "authorize_url": "/api/auth/google", "authorization_origin": origin,
             "avatar_sources": ["https://*.googleusercontent.com"]}
        ]})
    );
    let discord = s.app.client.get(s.app.url("/api/auth/discord")).send().await.unwrap();
    crate::helpers::assert_problem(discord, StatusCode::NOT_FOUND, "provider_not_configured").await;
}

#[actix_web::test]
async fn a_name_no_provider_is_configured_under_is_a_path_nothing_serves() {
    let s = setup().await;
    for path in ["/api/auth/gitlab", "/api/auth/callback/gitlab", "/api/auth/callback/me"] {
        let response = s.app.client.get(s.app.url(path)).send().await.unwrap();
        crate::helpers::assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    }
    let link = s.app.client.post(s.app.url("/api/auth/gitlab/link")).send().await.unwrap();
    crate::helpers::assert_problem(link, StatusCode::NOT_FOUND, "not_found").await;
    // The API's own routes are never taken for provider names, whatever the method.
    let me = s.app.client.get(s.app.url("/api/auth/me")).send().await.unwrap();
    crate::helpers::assert_problem(me, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let logout = s.app.client.get(s.app.url("/api/auth/logout")).send().await.unwrap();
    crate::helpers::assert_problem(logout, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    let policy = s.app.client.get(s.app.url("/api/auth/password-policy")).send().await.unwrap();
    assert_eq!(policy.status(), StatusCode::OK);
    // The path is judged before the query: a query no handler could read changes nothing.
    let login = s.app.client.get(s.app.url("/api/auth/login?redirect_to=/a&redirect_to=/b")).send().await.unwrap();
    crate::helpers::assert_problem(login, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    let twice = s.app.client.get(s.app.url("/api/auth/google?redirect_to=/a&redirect_to=/b")).send().await.unwrap();
    crate::helpers::assert_problem(twice, StatusCode::BAD_REQUEST, "bad_request").await;
}

#[actix_web::test]
async fn an_id_token_for_another_client_or_with_a_bad_signature_is_refused() {
    let s = setup().await;
    let authorize = s.browser.start(&s.app, "google", None).await;
    let other_audience = s.google.id_token(&authorize.param("nonce"), "google-sub-1", json!({"aud": "someone-else"}));
    s.google.answer_once(&authorize, s.google.tokens(other_audience)).await;
    let location = s.browser.callback(&s.app, "google", &[("code", "c"), ("state", &authorize.param("state"))]).await;
    assert_eq!(location, format!("{FRONTEND}/login?error=provider_error"));

    let authorize = s.browser.start(&s.app, "google", None).await;
    let genuine = s.google.id_token(&authorize.param("nonce"), "google-sub-1", ada(true));
    let parts: Vec<&str> = genuine.split('.').collect();
    let signed_for_other = s.google.id_token(&authorize.param("nonce"), "google-sub-victim", ada(true));
    let tampered = format!("{}.{}.{}", parts[0], signed_for_other.split('.').nth(1).unwrap(), parts[2]);
    s.google.answer_once(&authorize, s.google.tokens(tampered)).await;
    let location = s.browser.callback(&s.app, "google", &[("code", "c"), ("state", &authorize.param("state"))]).await;
    assert_eq!(location, format!("{FRONTEND}/login?error=provider_error"));
    assert_eq!(s.browser.me(&s.app).await.0, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn an_expired_flow_is_an_invalid_state() {
    use yoshikosan_api::http::oauth_flow::{CIPHER_PURPOSE, seal};
    use yoshikosan_domain::{FlowPurpose, PendingFlow, ProviderId};
    let s = setup().await;
    let cipher = yoshikosan_security::CookieCipher::new(&crate::helpers::SECRET_KEY.to_owned().into(), CIPHER_PURPOSE);
    let flow = PendingFlow {
        provider: ProviderId::parse("google").unwrap(),
        state: "old-state".into(),
        pkce_verifier: "v".into(),
        nonce: Some("n".into()),
        redirect_to: "/".into(),
        purpose: FlowPurpose::SignIn,
        expires_at: chrono::Utc::now() - chrono::Duration::seconds(1),
    };
    let response = s
        .app
        .client
        .get(s.app.url("/api/auth/callback/google"))
        .query(&[("code", "c"), ("state", "old-state")])
        .header("cookie", format!("yoshikosan_oauth={}", seal(&flow, &cipher).unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], format!("{FRONTEND}/login?error=invalid_state").as_str());
}
