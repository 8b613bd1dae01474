//! Local stand-ins for Google (an OpenID provider with discovery, JWKS and RS256-signed ID
//! tokens) and Discord (authorize, token and `/users/@me`), and a browser that walks the flow.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Client, StatusCode, header};
use rsa::pkcs8::DecodePrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

use crate::helpers::{TestApp, spawn_app_with};

const SIGNING_KEY: &str = include_str!("../fixtures/oidc-test-signing-key.pem");
pub const CLIENT_ID: &str = "yoshikosan-test-client";

/// Matches a token request whose PKCE `code_verifier` hashes to `challenge` (S256).
struct PkceVerifies {
    challenge: String,
}

impl Match for PkceVerifies {
    fn matches(&self, request: &Request) -> bool {
        let form: Vec<(String, String)> = url::form_urlencoded::parse(&request.body).into_owned().collect();
        let verifier = form.iter().find(|(k, _)| k == "code_verifier").map(|(_, v)| v.as_str()).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == self.challenge
    }
}

pub struct FakeGoogle {
    pub server: MockServer,
}

impl FakeGoogle {
    pub async fn start() -> Self {
        let google = Self::down().await;
        google.come_up().await;
        google
    }

    /// An issuer whose server answers nothing yet (404 to its discovery document).
    pub async fn down() -> Self {
        Self { server: MockServer::start().await }
    }

    /// The issuer starts answering: discovery and its keys.
    pub async fn come_up(&self) {
        let server = &self.server;
        let issuer = server.uri();
        let discovery = json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/o/oauth2/v2/auth"),
            "token_endpoint": format!("{issuer}/token"),
            "jwks_uri": format!("{issuer}/oauth2/v3/certs"),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        });
        Mock::given(method("GET"))
            .and(path("/.well-known/openid-configuration"))
            .respond_with(ResponseTemplate::new(200).set_body_json(discovery))
            .mount(server)
            .await;
        let key = rsa::RsaPrivateKey::from_pkcs8_pem(SIGNING_KEY).unwrap();
        let jwk = json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "test-key",
            "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()), "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be())});
        Mock::given(method("GET"))
            .and(path("/oauth2/v3/certs"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keys": [jwk]})))
            .mount(server)
            .await;
    }

    pub fn app_settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("GOOGLE_CLIENT_ID", CLIENT_ID.to_owned()),
            ("GOOGLE_CLIENT_SECRET", "google-secret".to_owned()),
            ("GOOGLE_ISSUER_URL", self.server.uri()),
        ]
    }

    /// A signed ID token for `sub`, with `claims` merged over the standard ones.
    pub fn id_token(&self, nonce: &str, sub: &str, claims: Value) -> String {
        let now = chrono::Utc::now().timestamp();
        let mut body = json!({"iss": self.server.uri(), "aud": CLIENT_ID, "sub": sub, "iat": now, "exp": now + 3600, "nonce": nonce});
        for (k, v) in claims.as_object().unwrap() {
            body[k] = v.clone();
        }
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some("test-key".into());
        jsonwebtoken::encode(&header, &body, &EncodingKey::from_rsa_pem(SIGNING_KEY.as_bytes()).unwrap()).unwrap()
    }

    /// The token endpoint answers this once, and only with the right PKCE verifier.
    pub async fn answer_once(&self, authorize: &Authorize, response: ResponseTemplate) {
        Mock::given(method("POST"))
            .and(path("/token"))
            .and(PkceVerifies { challenge: authorize.param("code_challenge") })
            .respond_with(response)
            .up_to_n_times(1)
            .mount(&self.server)
            .await;
    }

    /// Google's side of a flow started as `authorize`: signs `sub` in with `claims`, and sends the
    /// browser back; returns the callback's `Location`.
    pub async fn finish(
        &self,
        app: &TestApp,
        browser: &Browser,
        authorize: &Authorize,
        sub: &str,
        claims: Value,
    ) -> String {
        self.finish_as(app, browser, authorize, "google", sub, claims).await
    }

    /// As [`FakeGoogle::finish`], for the provider configured as `provider` at this issuer.
    pub async fn finish_as(
        &self,
        app: &TestApp,
        browser: &Browser,
        authorize: &Authorize,
        provider: &str,
        sub: &str,
        claims: Value,
    ) -> String {
        let id_token = self.id_token(&authorize.param("nonce"), sub, claims);
        self.answer_once(authorize, self.tokens(id_token)).await;
        browser.callback(app, provider, &[("code", "c"), ("state", &authorize.param("state"))]).await
    }

    /// The settings of a provider configured as `id` (in OIDC_PROVIDERS) at this issuer.
    pub fn issuer_settings(&self, id: &str, name: &str, extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let var = |suffix: &str| format!("OIDC_{}_{suffix}", id.to_ascii_uppercase());
        let mut settings = vec![
            (var("ISSUER"), self.server.uri()),
            (var("CLIENT_ID"), CLIENT_ID.to_owned()),
            (var("CLIENT_SECRET"), format!("{id}-secret")),
            (var("NAME"), name.to_owned()),
        ];
        settings.extend(extra.iter().map(|(suffix, value)| (var(suffix), (*value).to_owned())));
        settings
    }

    pub fn tokens(&self, id_token: String) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "google-access", "token_type": "Bearer", "expires_in": 3600, "id_token": id_token}),
        )
    }
}

pub struct FakeDiscord {
    pub server: MockServer,
}

impl FakeDiscord {
    pub async fn start() -> Self {
        Self { server: MockServer::start().await }
    }

    pub fn app_settings(&self) -> Vec<(&'static str, String)> {
        let uri = self.server.uri();
        vec![
            ("DISCORD_CLIENT_ID", "discord-client".to_owned()),
            ("DISCORD_CLIENT_SECRET", "discord-secret".to_owned()),
            ("DISCORD_AUTH_URL", format!("{uri}/oauth2/authorize")),
            ("DISCORD_TOKEN_URL", format!("{uri}/api/oauth2/token")),
            ("DISCORD_API_URL", format!("{uri}/api/v10")),
        ]
    }

    /// The token endpoint (PKCE checked) and then `/users/@me` answer with `profile`, once.
    pub async fn answer_once(&self, authorize: &Authorize, profile: Value) {
        Mock::given(method("POST"))
            .and(path("/api/oauth2/token"))
            .and(wiremock::matchers::header("content-type", "application/x-www-form-urlencoded"))
            .and(wiremock::matchers::body_string_contains("grant_type=authorization_code"))
            .and(wiremock::matchers::body_string_contains("client_id=discord-client"))
            .and(PkceVerifies { challenge: authorize.param("code_challenge") })
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "access_token": "discord-access", "token_type": "Bearer", "expires_in": 604800, "scope": "identify email"})))
            .up_to_n_times(1)
            .mount(&self.server)
            .await;
        Mock::given(method("GET"))
            .and(path("/api/v10/users/@me"))
            .and(wiremock::matchers::header("authorization", "Bearer discord-access"))
            .respond_with(ResponseTemplate::new(200).set_body_json(profile))
            .up_to_n_times(1)
            .mount(&self.server)
            .await;
    }
}

impl FakeDiscord {
    /// Discord's side of a flow started as `authorize`, answering with `profile`, and the browser
    /// sent back; returns the callback's `Location`.
    pub async fn finish(&self, app: &TestApp, browser: &Browser, authorize: &Authorize, profile: Value) -> String {
        self.answer_once(authorize, profile).await;
        browser.callback(app, "discord", &[("code", "c"), ("state", &authorize.param("state"))]).await
    }
}

/// The provider's authorization URL the service redirected to.
pub struct Authorize {
    pub url: url::Url,
    /// The sealed flow cookie, as an attacker who captured it would hold it.
    pub flow_cookie: String,
}

impl Authorize {
    pub fn param(&self, name: &str) -> String {
        self.url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()).unwrap_or_default()
    }
}

/// A browser: keeps cookies, does not follow redirects (each hop is checked).
pub struct Browser {
    pub client: Client,
}

impl Browser {
    pub fn new() -> Self {
        Self {
            client: Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap(),
        }
    }

    /// `GET /api/auth/{provider}` → the provider's authorize URL.
    pub async fn start(&self, app: &TestApp, provider: &str, redirect_to: Option<&str>) -> Authorize {
        let mut url = url::Url::parse(&app.url(&format!("/api/auth/{provider}"))).unwrap();
        if let Some(to) = redirect_to {
            url.query_pairs_mut().append_pair("redirect_to", to);
        }
        let response = self.client.get(url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FOUND);
        let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Max-Age=600"),
            "{cookie}"
        );
        let flow_cookie = cookie.split(';').next().unwrap().to_owned();
        Authorize { url: url::Url::parse(response.headers()[header::LOCATION].to_str().unwrap()).unwrap(), flow_cookie }
    }

    /// `POST /api/auth/{provider}/link` with the browser's session cookie → the provider's
    /// authorize URL (303, as a form post is answered).
    pub async fn start_link(&self, app: &TestApp, provider: &str) -> Authorize {
        self.post_flow(app, &format!("/api/auth/{provider}/link")).await
    }

    /// A form post to `path` that starts a flow of this browser's session (a link, a
    /// re-authentication) → the provider's authorize URL.
    pub async fn post_flow(&self, app: &TestApp, path: &str) -> Authorize {
        let response = self.client.post(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap().to_owned();
        let flow_cookie = cookie.split(';').next().unwrap().to_owned();
        Authorize { url: url::Url::parse(response.headers()[header::LOCATION].to_str().unwrap()).unwrap(), flow_cookie }
    }

    /// Registers a password account in this browser (which keeps its session cookie).
    pub async fn register(&self, app: &TestApp, email: &str) -> Value {
        let body = json!({"email": email, "password": crate::helpers::PASSWORD, "name": "Browser User"});
        let response = self.client.post(app.url("/api/auth/register")).json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// The provider sends the browser back with `query`; returns the final `Location`.
    pub async fn callback(&self, app: &TestApp, provider: &str, query: &[(&str, &str)]) -> String {
        let mut url = url::Url::parse(&app.url(&format!("/api/auth/callback/{provider}"))).unwrap();
        url.query_pairs_mut().extend_pairs(query);
        let response = self.client.get(url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FOUND);
        response.headers()[header::LOCATION].to_str().unwrap().to_owned()
    }

    pub async fn me(&self, app: &TestApp) -> (StatusCode, Value) {
        let response = self.client.get(app.url("/api/auth/me")).send().await.unwrap();
        (response.status(), response.json().await.unwrap())
    }
}

pub async fn app_with(settings: Vec<(&'static str, String)>) -> TestApp {
    let overrides: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    spawn_app_with(&overrides).await
}
