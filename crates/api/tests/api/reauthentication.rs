//! A stolen session cannot make itself permanent: changes to how an account signs in need a
//! recent proof, given by the password or a linked provider; unlinking, removing the password
//! and the last way in; and the sessions list saying how each signed in.

use chrono::Duration;
use reqwest::{StatusCode, header};
use serde_json::{Value, json};

use crate::helpers::{FRONTEND, ManualClock, PASSWORD, TestApp, assert_problem, spawn_app_on};
use crate::oauth_support::*;

struct Setup {
    app: TestApp,
    clock: ManualClock,
    google: FakeGoogle,
    discord: FakeDiscord,
}

/// Past the default window (600 s): what a token stolen a while ago holds.
const LATER: Duration = Duration::minutes(11);

async fn setup() -> Setup {
    let (google, discord) = (FakeGoogle::start().await, FakeDiscord::start().await);
    let mut settings = google.app_settings();
    settings.extend(discord.app_settings());
    let clock = ManualClock::starting_now();
    let overrides: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Setup { app: spawn_app_on(&clock, &overrides).await, clock, google, discord }
}

fn google_claims(email: &str) -> Value {
    json!({"email": email, "email_verified": true, "name": "Ada"})
}

impl Setup {
    async fn finish_google(&self, browser: &Browser, authorize: &Authorize, sub: &str, claims: Value) -> String {
        self.google.finish(&self.app, browser, authorize, sub, claims).await
    }

    async fn finish_discord(&self, browser: &Browser, authorize: &Authorize, profile: Value) -> String {
        self.discord.finish(&self.app, browser, authorize, profile).await
    }

    /// A browser signed in with Google as `sub`, whose account has no password.
    async fn google_user(&self, sub: &str) -> Browser {
        let browser = Browser::new();
        let authorize = browser.start(&self.app, "google", None).await;
        assert_eq!(
            self.finish_google(&browser, &authorize, sub, google_claims("ada@example.com")).await,
            format!("{FRONTEND}/")
        );
        browser
    }

    /// A password account with Google (as `google-sub`) linked, in one browser.
    async fn password_and_google(&self) -> Browser {
        let browser = Browser::new();
        browser.register(&self.app, "ada@example.com").await;
        let authorize = browser.start_link(&self.app, "google").await;
        let location = self.finish_google(&browser, &authorize, "google-sub", google_claims("ada@example.com")).await;
        assert_eq!(location, format!("{FRONTEND}/account"));
        browser
    }

    /// `POST /api/auth/{provider}/reauthenticate` from the browser → the provider's URL.
    async fn start_reauthentication(&self, browser: &Browser, provider: &str) -> Authorize {
        browser.post_flow(&self.app, &format!("/api/auth/{provider}/reauthenticate")).await
    }

    /// `auth_time` now, by the service's clock.
    fn logged_in_now(&self, email: &str) -> Value {
        let mut claims = google_claims(email);
        claims["auth_time"] = json!(self.clock_now().timestamp());
        claims
    }

    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use yoshikosan_domain::Clock;
        self.clock.now()
    }
}

async fn send(
    browser: &Browser,
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = browser.client.request(method, app.url(path));
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

async fn providers_of(browser: &Browser, app: &TestApp) -> Vec<String> {
    let (status, me) = browser.me(app).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    serde_json::from_value(me["providers"].clone()).unwrap()
}

#[actix_web::test]
async fn a_token_older_than_the_window_can_neither_add_nor_remove_a_way_in() {
    let s = setup().await;
    let browser = s.password_and_google().await;
    s.clock.advance(LATER);
    use reqwest::Method;
    let unlink = send(&browser, &s.app, Method::DELETE, "/api/auth/google/link", None).await;
    assert_problem(unlink, StatusCode::FORBIDDEN, "reauthentication_required").await;
    let remove = send(&browser, &s.app, Method::DELETE, "/api/auth/password", None).await;
    assert_problem(remove, StatusCode::FORBIDDEN, "reauthentication_required").await;
    let link = send(&browser, &s.app, Method::POST, "/api/auth/discord/link", None).await;
    assert_eq!(link.status(), StatusCode::SEE_OTHER);
    let location = link.headers()[header::LOCATION].to_str().unwrap();
    assert_eq!(location, format!("{FRONTEND}/account?error=reauthentication_required&provider=discord"));
    assert!(link.headers().get(header::SET_COOKIE).is_none(), "no flow was started");
    assert_eq!(providers_of(&browser, &s.app).await, ["password", "google"], "nothing changed");

    // The owner proves it is them: a wrong password proves nothing, the right one does.
    let wrong =
        send(&browser, &s.app, Method::POST, "/api/auth/reauthenticate", Some(json!({"password": "not-the-password"})))
            .await;
    let problem = assert_problem(wrong, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_eq!(problem["detail"], "The password is incorrect", "no email was given here");
    let right =
        send(&browser, &s.app, Method::POST, "/api/auth/reauthenticate", Some(json!({"password": PASSWORD}))).await;
    assert_eq!(right.status(), StatusCode::NO_CONTENT);
    let unlink = send(&browser, &s.app, Method::DELETE, "/api/auth/google/link", None).await;
    assert_eq!(unlink.status(), StatusCode::NO_CONTENT);
    assert_eq!(providers_of(&browser, &s.app).await, ["password"]);

    // And the proof ages like the sign-in did.
    s.clock.advance(LATER);
    let link = send(&browser, &s.app, Method::POST, "/api/auth/discord/link", None).await;
    assert!(link.headers()[header::LOCATION].to_str().unwrap().contains("error=reauthentication_required"));
}

#[actix_web::test]
async fn a_first_password_needs_a_recent_proof_which_google_gives_only_for_a_fresh_login_of_the_linked_identity() {
    let s = setup().await;
    let browser = s.google_user("ada-sub").await;
    s.clock.advance(LATER);
    let set = |b: &Browser| {
        let body = json!({"new_password": "amber-lantern-77"});
        let request = b.client.put(s.app.url("/api/auth/password")).json(&body);
        async move { request.send().await.unwrap() }
    };
    assert_problem(set(&browser).await, StatusCode::FORBIDDEN, "reauthentication_required").await;

    let authorize = s.start_reauthentication(&browser, "google").await;
    assert_eq!((authorize.param("prompt"), authorize.param("max_age")), ("login".into(), "0".into()));
    let failed = format!("{FRONTEND}/account?error=reauthentication_failed");
    // Another Google account: not this user's.
    let other = s.finish_google(&browser, &authorize, "someone-else", s.logged_in_now("eve@example.com")).await;
    assert_eq!(other, failed);
    // This user's, but a login from before the flow started (Google remembered it).
    let authorize = s.start_reauthentication(&browser, "google").await;
    let mut stale = s.logged_in_now("ada@example.com");
    stale["auth_time"] = json!((s.clock_now() - Duration::hours(1)).timestamp());
    assert_eq!(s.finish_google(&browser, &authorize, "ada-sub", stale).await, failed);
    assert_problem(set(&browser).await, StatusCode::FORBIDDEN, "reauthentication_required").await;

    let sessions_before = browser.client.get(s.app.url("/api/auth/sessions")).send().await.unwrap();
    let sessions_before: Vec<Value> = sessions_before.json().await.unwrap();
    let authorize = s.start_reauthentication(&browser, "google").await;
    let done = s.finish_google(&browser, &authorize, "ada-sub", s.logged_in_now("ada@example.com")).await;
    assert_eq!(done, format!("{FRONTEND}/account"));
    let sessions: Vec<Value> =
        browser.client.get(s.app.url("/api/auth/sessions")).send().await.unwrap().json().await.unwrap();
    assert_eq!(sessions.len(), sessions_before.len(), "no session was created");
    assert_eq!(sessions[0]["method"], "google");
    assert_ne!(sessions[0]["authenticated_at"], sessions_before[0]["authenticated_at"], "the proof moved");
    assert_eq!(set(&browser).await.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn discord_is_asked_to_show_its_approval_again_and_proves_a_linked_identity() {
    let s = setup().await;
    let browser = Browser::new();
    let authorize = browser.start(&s.app, "discord", None).await;
    let profile = json!({"id": "80351110224678912", "username": "ada", "email": "ada@example.com", "verified": true});
    s.finish_discord(&browser, &authorize, profile.clone()).await;
    s.clock.advance(LATER);
    let authorize = s.start_reauthentication(&browser, "discord").await;
    assert_eq!(authorize.param("prompt"), "consent");
    assert_eq!(s.finish_discord(&browser, &authorize, profile).await, format!("{FRONTEND}/account"));
    let body = json!({"new_password": "amber-lantern-77"});
    let set = browser.client.put(s.app.url("/api/auth/password")).json(&body).send().await.unwrap();
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn unlinking_ends_the_sessions_that_provider_opened_and_never_the_last_way_in() {
    let s = setup().await;
    let browser = s.password_and_google().await;
    // The same person, signed in with Google on another device.
    let phone = Browser::new();
    let authorize = phone.start(&s.app, "google", None).await;
    s.finish_google(&phone, &authorize, "google-sub", google_claims("ada@example.com")).await;
    assert_eq!(phone.me(&s.app).await.0, StatusCode::OK);

    use reqwest::Method;
    let unknown = send(&browser, &s.app, Method::DELETE, "/api/auth/discord/link", None).await;
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
    let unlink = send(&browser, &s.app, Method::DELETE, "/api/auth/google/link", None).await;
    assert_eq!(unlink.status(), StatusCode::NO_CONTENT);
    assert_eq!(phone.me(&s.app).await.0, StatusCode::UNAUTHORIZED, "the session Google opened ended");
    assert_eq!(browser.me(&s.app).await.0, StatusCode::OK, "this one stays");
    let last = send(&browser, &s.app, Method::DELETE, "/api/auth/password", None).await;
    assert_problem(last, StatusCode::CONFLICT, "last_sign_in_method").await;
    assert_eq!(providers_of(&browser, &s.app).await, ["password"]);
}

#[actix_web::test]
async fn two_unlinks_sent_together_leave_the_account_a_way_in() {
    let s = setup().await;
    let browser = s.google_user("ada-sub").await;
    let authorize = browser.start_link(&s.app, "discord").await;
    let profile = json!({"id": "80351110224678912", "username": "ada", "email": "ada@example.com", "verified": true});
    assert_eq!(s.finish_discord(&browser, &authorize, profile).await, format!("{FRONTEND}/account"));
    assert_eq!(providers_of(&browser, &s.app).await, ["google", "discord"]);
    let (google, discord) = tokio::join!(
        browser.client.delete(s.app.url("/api/auth/google/link")).send(),
        browser.client.delete(s.app.url("/api/auth/discord/link")).send(),
    );
    let mut statuses = [google.unwrap().status(), discord.unwrap().status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::NO_CONTENT, StatusCode::CONFLICT]);
    assert_eq!(providers_of(&browser, &s.app).await.len(), 1);
}

#[actix_web::test]
async fn an_identity_the_owner_unlinked_comes_back_only_through_a_link_flow() {
    let s = setup().await;
    // Linking Google with the account's own verified address verified the account.
    let browser = s.password_and_google().await;
    let unlink = browser.client.delete(s.app.url("/api/auth/google/link")).send().await.unwrap();
    assert_eq!(unlink.status(), StatusCode::NO_CONTENT);

    let elsewhere = Browser::new();
    let authorize = elsewhere.start(&s.app, "google", None).await;
    let location = s.finish_google(&elsewhere, &authorize, "google-sub", google_claims("ada@example.com")).await;
    assert_eq!(location, format!("{FRONTEND}/login?error=identity_unlinked"));
    assert_eq!(elsewhere.me(&s.app).await.0, StatusCode::UNAUTHORIZED);

    let authorize = browser.start_link(&s.app, "google").await;
    let location = s.finish_google(&browser, &authorize, "google-sub", google_claims("ada@example.com")).await;
    assert_eq!(location, format!("{FRONTEND}/account"));
    let authorize = elsewhere.start(&s.app, "google", None).await;
    let location = s.finish_google(&elsewhere, &authorize, "google-sub", google_claims("ada@example.com")).await;
    assert_eq!(location, format!("{FRONTEND}/"));
}

#[actix_web::test]
async fn sessions_say_how_they_signed_in_and_when_they_last_proved_it() {
    let s = setup().await;
    let browser = s.password_and_google().await;
    let sessions: Vec<Value> =
        browser.client.get(s.app.url("/api/auth/sessions")).send().await.unwrap().json().await.unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["method"], "password", "linking is no sign-in");
    assert_eq!(sessions[0]["authenticated_at"], sessions[0]["created_at"], "nor a proof");
    s.clock.advance(LATER);
    let body = json!({"password": PASSWORD});
    let proven = browser.client.post(s.app.url("/api/auth/reauthenticate")).json(&body).send().await.unwrap();
    assert_eq!(proven.status(), StatusCode::NO_CONTENT);
    let sessions: Vec<Value> =
        browser.client.get(s.app.url("/api/auth/sessions")).send().await.unwrap().json().await.unwrap();
    let proven_at: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(sessions[0]["authenticated_at"].clone()).unwrap();
    assert_eq!(proven_at, s.clock_now());
}

#[actix_web::test]
async fn wrong_passwords_to_confirm_spend_the_same_budgets_as_a_login() {
    let s = setup().await;
    let browser = Browser::new();
    browser.register(&s.app, "ada@example.com").await;
    let confirm = |password: &str| {
        let request = browser.client.post(s.app.url("/api/auth/reauthenticate")).json(&json!({"password": password}));
        async move { request.send().await.unwrap() }
    };
    // RATE_LIMIT_MAX_PER_EMAIL, as shipped: 10 failures in the window.
    for _ in 0..10 {
        assert_problem(confirm("not-the-password").await, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let refused = confirm(PASSWORD).await;
    assert!(refused.headers().contains_key(header::RETRY_AFTER));
    assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // The email's budget is the login's: a guesser holding a session cannot try more passwords
    // here than at the login form.
    let login = s.app.login("ada@example.com", PASSWORD).await;
    assert_problem(login, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}
