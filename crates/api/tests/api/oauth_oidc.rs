//! OpenID Connect issuers from configuration (`OIDC_PROVIDERS`), end to end over HTTP: two at
//! once, each a local OpenID provider at its own issuer.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{FRONTEND, PASSWORD, TestApp, spawn_app_with, spawn_server};
use crate::oauth_support::*;

struct Setup {
    app: TestApp,
    /// `corp`, whose addresses in corp.example.com count as proven.
    corp: FakeGoogle,
    /// `partner`, with no email domains: none of its addresses counts as proven.
    partner: FakeGoogle,
}

fn settings(corp: &FakeGoogle, partner: &FakeGoogle, corp_extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut settings = vec![("OIDC_PROVIDERS".to_owned(), "corp,partner".to_owned())];
    let corp_extra = [&[("EMAIL_DOMAINS", "corp.example.com")], corp_extra].concat();
    settings.extend(corp.issuer_settings("corp", "Corp SSO", &corp_extra));
    settings.extend(partner.issuer_settings("partner", "Partner 🤝 パートナー", &[]));
    settings
}

fn overrides(settings: &[(String, String)]) -> Vec<(&str, &str)> {
    settings.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn setup_with(corp_extra: &[(&str, &str)]) -> Setup {
    let (corp, partner) = (FakeGoogle::start().await, FakeGoogle::start().await);
    let settings = settings(&corp, &partner, corp_extra);
    let app = spawn_app_with(&overrides(&settings)).await;
    Setup { app, corp, partner }
}

impl Setup {
    fn issuer(&self, provider: &str) -> &FakeGoogle {
        if provider == "corp" { &self.corp } else { &self.partner }
    }

    /// A sign-in with `provider` as `sub` with these claims; the final `Location`.
    async fn sign_in(&self, browser: &Browser, provider: &str, sub: &str, claims: Value) -> String {
        let authorize = browser.start(&self.app, provider, None).await;
        self.issuer(provider).finish_as(&self.app, browser, &authorize, provider, sub, claims).await
    }
}

fn person(email: &str, verified: Option<bool>) -> Value {
    let mut claims = json!({"email": email, "name": "Ann Example"});
    if let Some(verified) = verified {
        claims["email_verified"] = json!(verified);
    }
    claims
}

async fn me(browser: &Browser, app: &TestApp) -> Value {
    let (status, me) = browser.me(app).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    me
}

fn origin(issuer: &FakeGoogle) -> String {
    url::Url::parse(&issuer.server.uri()).unwrap().origin().ascii_serialization()
}

#[actix_web::test]
async fn each_configured_issuer_has_its_button_and_signs_in_at_its_own_issuer() {
    let s = setup_with(&[]).await;
    let providers: Value =
        s.app.client.get(s.app.url("/api/auth/providers")).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        providers["providers"],
        json!([
            {"id": "corp", "name": "Corp SSO", "authorize_url": "/api/auth/corp",
             "authorization_origin": origin(&s.corp), "avatar_sources": []},
            {"id": "partner", "name": "Partner 🤝 パートナー", "authorize_url": "/api/auth/partner",
             "authorization_origin": origin(&s.partner), "avatar_sources": []},
        ])
    );

    let ann = Browser::new();
    let authorize = ann.start(&s.app, "corp", None).await;
    assert_eq!(authorize.url.origin().ascii_serialization(), origin(&s.corp), "sent to corp's own issuer");
    assert_eq!(authorize.param("scope"), "openid email profile");
    assert_eq!(authorize.param("code_challenge_method"), "S256");
    assert_eq!(authorize.param("redirect_uri"), "http://localhost:8000/api/auth/callback/corp");
    assert!(!authorize.param("nonce").is_empty());
    assert!(authorize.url.query_pairs().all(|(k, _)| k != "prompt"), "a sign-in asks for no prompt");
    let claims = person("ann@corp.example.com", Some(true));
    assert_eq!(s.corp.finish_as(&s.app, &ann, &authorize, "corp", "sub-1", claims).await, format!("{FRONTEND}/"));
    let ann_at_corp = me(&ann, &s.app).await;
    assert_eq!((&ann_at_corp["providers"], &ann_at_corp["email_verified"]), (&json!(["corp"]), &json!(true)));

    // The same subject at the other issuer is someone else.
    let other = Browser::new();
    let location = s.sign_in(&other, "partner", "sub-1", person("someone@partner.example", Some(true))).await;
    assert_eq!(location, format!("{FRONTEND}/"));
    let someone = me(&other, &s.app).await;
    assert_ne!(someone["id"], ann_at_corp["id"]);
    assert_eq!((&someone["providers"], &someone["email_verified"]), (&json!(["partner"]), &json!(false)));
    // And corp's token is no good at partner's callback: the ID token names another issuer.
    let authorize = other.start(&s.app, "partner", None).await;
    let corp_token = s.corp.id_token(&authorize.param("nonce"), "sub-1", person("ann@corp.example.com", Some(true)));
    s.partner.answer_once(&authorize, s.partner.tokens(corp_token)).await;
    let location = other.callback(&s.app, "partner", &[("code", "c"), ("state", &authorize.param("state"))]).await;
    assert_eq!(location, format!("{FRONTEND}/login?error=provider_error"));
}

#[actix_web::test]
async fn an_address_links_to_or_claims_an_account_only_within_the_issuers_domains() {
    let s = setup_with(&[]).await;
    let squatter = Browser::new();
    squatter.register(&s.app, "bob@corp.example.com").await;
    let refused = format!("{FRONTEND}/login?error=email_not_verified");

    // partner names no domains: even a verified claim proves nothing here.
    let bob = Browser::new();
    assert_eq!(s.sign_in(&bob, "partner", "p-bob", person("bob@corp.example.com", Some(true))).await, refused);
    // corp answers for corp.example.com, but not without the claim, nor with a false one.
    for claim in [None, Some(false)] {
        assert_eq!(s.sign_in(&bob, "corp", "c-bob", person("bob@corp.example.com", claim)).await, refused);
    }
    assert_eq!(s.app.login("bob@corp.example.com", PASSWORD).await.status(), StatusCode::OK, "nothing changed");
    // corp, verified, inside its domain: the account is claimed from its squatter.
    let location = s.sign_in(&bob, "corp", "c-bob", person("bob@corp.example.com", Some(true))).await;
    assert_eq!(location, format!("{FRONTEND}/"));
    assert_eq!(me(&bob, &s.app).await["providers"], json!(["corp"]));
    assert_eq!(s.app.login("bob@corp.example.com", PASSWORD).await.status(), StatusCode::UNAUTHORIZED);

    // corp vouching for an address outside its domain: no link to the account of that address.
    Browser::new().register(&s.app, "eve@example.com").await;
    let eve = Browser::new();
    assert_eq!(s.sign_in(&eve, "corp", "c-eve", person("eve@example.com", Some(true))).await, refused);
    // ... and a new address outside it makes an account whose address is not proven.
    let new = Browser::new();
    let location = s.sign_in(&new, "corp", "c-new", person("new@elsewhere.example", Some(true))).await;
    assert_eq!(location, format!("{FRONTEND}/"));
    assert_eq!(me(&new, &s.app).await["email_verified"], json!(false));
}

#[actix_web::test]
async fn trust_email_covers_an_issuer_that_sends_no_claim_but_never_one_that_says_false() {
    let s = setup_with(&[("TRUST_EMAIL", "true")]).await;
    Browser::new().register(&s.app, "dan@corp.example.com").await;
    let dan = Browser::new();
    let refused = format!("{FRONTEND}/login?error=email_not_verified");
    assert_eq!(s.sign_in(&dan, "corp", "c-dan", person("dan@corp.example.com", Some(false))).await, refused);
    assert_eq!(s.sign_in(&dan, "corp", "c-dan", person("dan@corp.example.com", None)).await, format!("{FRONTEND}/"));
    assert_eq!(me(&dan, &s.app).await["email_verified"], json!(true), "claimed");
}

#[actix_web::test]
async fn a_configured_issuer_links_confirms_it_is_you_and_unlinks() {
    let s = setup_with(&[]).await;
    let ann = Browser::new();
    ann.register(&s.app, "ann@corp.example.com").await;
    let authorize = ann.start_link(&s.app, "corp").await;
    let claims = person("ann@corp.example.com", Some(true));
    let location = s.corp.finish_as(&s.app, &ann, &authorize, "corp", "c-ann", claims.clone()).await;
    assert_eq!(location, format!("{FRONTEND}/account"));
    let linked = me(&ann, &s.app).await;
    assert_eq!((&linked["providers"], &linked["email_verified"]), (&json!(["password", "corp"]), &json!(true)));

    let start = chrono::Utc::now().timestamp();
    let authorize = ann.post_flow(&s.app, "/api/auth/corp/reauthenticate").await;
    assert_eq!((authorize.param("prompt"), authorize.param("max_age")), ("login".to_owned(), "0".to_owned()));
    let mut stale = claims.clone();
    stale["auth_time"] = json!(start - 3600);
    let location = s.corp.finish_as(&s.app, &ann, &authorize, "corp", "c-ann", stale).await;
    assert_eq!(location, format!("{FRONTEND}/account?error=reauthentication_failed"));
    let authorize = ann.post_flow(&s.app, "/api/auth/corp/reauthenticate").await;
    let mut fresh = claims;
    fresh["auth_time"] = json!(chrono::Utc::now().timestamp());
    assert_eq!(s.corp.finish_as(&s.app, &ann, &authorize, "corp", "c-ann", fresh).await, format!("{FRONTEND}/account"));

    let unlink = ann.client.request(Method::DELETE, s.app.url("/api/auth/corp/link")).send().await.unwrap();
    assert_eq!(unlink.status(), StatusCode::NO_CONTENT);
    assert_eq!(me(&ann, &s.app).await["providers"], json!(["password"]));
}

#[actix_web::test]
async fn a_link_made_under_another_issuer_signs_no_one_in_and_check_config_counts_it() {
    let mut s = setup_with(&[]).await;
    let ann = Browser::new();
    let claims = person("ann@corp.example.com", Some(true));
    assert_eq!(s.sign_in(&ann, "corp", "sub-1", claims.clone()).await, format!("{FRONTEND}/"));

    // The operator points `corp` at another issuer, whose `sub-1` may be anyone.
    let moved = FakeGoogle::start().await;
    let settings = settings(&moved, &s.partner, &[]);
    let other = spawn_server(&s.app.db.url, &overrides(&settings)).await;
    // The same database, through the instance configured so.
    let first = std::mem::replace(&mut s.app.address, other);
    let stranger = Browser::new();
    let authorize = stranger.start(&s.app, "corp", None).await;
    let location = moved.finish_as(&s.app, &stranger, &authorize, "corp", "sub-1", claims.clone()).await;
    assert_eq!(location, format!("{FRONTEND}/login?error=issuer_changed"));
    assert_eq!(stranger.me(&s.app).await.0, StatusCode::UNAUTHORIZED, "no session");
    s.app.address = first;

    let mut vars = settings.clone();
    vars.push(("DATABASE_URL".into(), s.app.db.url.clone()));
    let report = yoshikosan_api::provider_checks::check_config_report(
        &yoshikosan_api::config::Settings::from_vars(vars).unwrap(),
    )
    .await;
    let expected = format!("OIDC_CORP_ISSUER: 1 `corp` link(s) were made under the issuer {}", s.corp.server.uri());
    assert!(report.contains(&expected), "{report}");
    assert!(report.contains(&format!("`corp`: {} answers", moved.server.uri())), "{report}");
    // A CSP origin that is not where the issuer sends browsers is named, with the value to set.
    let mut vars = self::settings(&moved, &s.partner, &[("AUTHORIZE_ORIGIN", "https://login.elsewhere.example")]);
    vars.push(("DATABASE_URL".into(), s.app.db.url.clone()));
    let elsewhere = yoshikosan_api::config::Settings::from_vars(vars).unwrap();
    let report = yoshikosan_api::provider_checks::check_config_report(&elsewhere).await;
    let expected = format!(
        "set OIDC_CORP_AUTHORIZE_ORIGIN={}",
        url::Url::parse(&moved.server.uri()).unwrap().origin().ascii_serialization()
    );
    assert!(report.contains(&expected), "{report}");

    // Under its own issuer the link still signs its owner in.
    assert_eq!(s.sign_in(&Browser::new(), "corp", "sub-1", claims).await, format!("{FRONTEND}/"));
}

#[actix_web::test]
async fn an_issuer_down_at_start_is_tried_again_at_the_next_sign_in() {
    let (corp, partner) = (FakeGoogle::down().await, FakeGoogle::start().await);
    let settings = settings(&corp, &partner, &[]);
    let app = spawn_app_with(&overrides(&settings)).await;
    let live = app.client.get(app.url("/health/live")).send().await.unwrap();
    assert_eq!(live.status(), StatusCode::OK, "the service starts without the issuer");
    let ann = Browser::new();
    let response = ann.client.get(app.url("/api/auth/corp")).send().await.unwrap();
    let location = response.headers()["location"].to_str().unwrap();
    assert_eq!(location, format!("{FRONTEND}/login?error=provider_error"));

    corp.come_up().await;
    let s = Setup { app, corp, partner };
    let location = s.sign_in(&ann, "corp", "sub-1", person("ann@corp.example.com", Some(true))).await;
    assert_eq!(location, format!("{FRONTEND}/"));
}
