//! Discord sign-in, end to end over HTTP against local stand-ins of its three endpoints.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{FRONTEND, TestApp};
use crate::oauth_support::*;

struct Setup {
    app: TestApp,
    discord: FakeDiscord,
    browser: Browser,
}

async fn setup() -> Setup {
    let discord = FakeDiscord::start().await;
    let app = app_with(discord.app_settings()).await;
    Setup { app, discord, browser: Browser::new() }
}

impl Setup {
    async fn sign_in(&self, profile: Value) -> String {
        let authorize = self.browser.start(&self.app, "discord", None).await;
        assert!(authorize.url.as_str().starts_with(&format!("{}/oauth2/authorize", self.discord.server.uri())));
        assert_eq!(authorize.param("scope"), "identify email");
        assert_eq!(authorize.param("code_challenge_method"), "S256");
        assert_eq!(authorize.param("redirect_uri"), "http://localhost:8000/api/auth/callback/discord");
        self.discord.answer_once(&authorize, profile).await;
        self.browser
            .callback(&self.app, "discord", &[("code", "discord-code"), ("state", &authorize.param("state"))])
            .await
    }
}

fn profile(avatar: Option<&str>, global_name: Option<&str>, verified: bool) -> Value {
    json!({"id": "80351110224678912", "username": "nelly", "global_name": global_name, "avatar": avatar,
        "email": "nelly@discord.com", "verified": verified, "discriminator": "0"})
}

#[actix_web::test]
async fn a_new_discord_user_gets_their_name_and_animated_avatar() {
    let s = setup().await;
    let location = s.sign_in(profile(Some("a_d5efa99b3eeaa7dd43acca82f5692432"), Some("Nelly"), true)).await;
    assert_eq!(location, format!("{FRONTEND}/"));
    let (status, me) = s.browser.me(&s.app).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["name"], "Nelly");
    assert_eq!(me["email"], "nelly@discord.com");
    assert_eq!(me["email_verified"], true);
    assert_eq!(me["providers"], json!(["discord"]));
    assert_eq!(
        me["avatar_url"],
        "https://cdn.discordapp.com/avatars/80351110224678912/a_d5efa99b3eeaa7dd43acca82f5692432.gif"
    );
}

#[actix_web::test]
async fn without_an_avatar_or_global_name_the_defaults_apply() {
    let s = setup().await;
    s.sign_in(profile(None, None, true)).await;
    let me = s.browser.me(&s.app).await.1;
    assert_eq!(me["name"], "nelly");
    assert_eq!(me["avatar_url"], "https://cdn.discordapp.com/embed/avatars/5.png");
}

#[actix_web::test]
async fn an_unverified_discord_email_creates_an_unverified_account_but_never_links() {
    let s = setup().await;
    s.sign_in(profile(None, Some("Nelly"), false)).await;
    let me = s.browser.me(&s.app).await.1;
    assert_eq!(me["email_verified"], false);

    let other = setup().await;
    other.app.signed_up("nelly@discord.com").await;
    let location = other.sign_in(profile(None, Some("Nelly"), false)).await;
    assert_eq!(location, format!("{FRONTEND}/login?error=email_not_verified"));
}

#[actix_web::test]
async fn a_failing_profile_request_is_a_provider_error() {
    let s = setup().await;
    let authorize = s.browser.start(&s.app, "discord", None).await;
    // Token endpoint answers; /users/@me is not there (404).
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path("/api/oauth2/token"))
        .respond_with(
            wiremock::ResponseTemplate::new(200).set_body_json(json!({"access_token": "t", "token_type": "Bearer"})),
        )
        .mount(&s.discord.server)
        .await;
    let location = s.browser.callback(&s.app, "discord", &[("code", "c"), ("state", &authorize.param("state"))]).await;
    assert_eq!(location, format!("{FRONTEND}/login?error=provider_error"));
}
