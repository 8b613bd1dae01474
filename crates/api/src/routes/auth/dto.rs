//! Request and response bodies of `/api/auth`.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use yoshikosan_domain::use_cases::SignedIn;
use yoshikosan_domain::{ProviderRegistry, TokenTtl, User};

use crate::cookies::Cookies;
use crate::state::AppState;

/// Fields default to empty so that a missing one is reported as `required` (422), with the
/// others, rather than as a parse error.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterRequest {
    #[serde(default)]
    #[schema(required = true, format = Email, example = "ada@example.com", max_length = 254)]
    pub email: String,
    /// 8 characters at least, 72 bytes (UTF-8) at most, not a common password, not the email.
    #[serde(default)]
    #[schema(required = true, format = Password, example = "violet-harbour-42", min_length = 8, max_length = 72)]
    pub password: String,
    #[serde(default)]
    #[schema(required = true, example = "Ada Lovelace", min_length = 1, max_length = 100)]
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    #[serde(default)]
    #[schema(required = true, format = Email, example = "ada@example.com", max_length = 254)]
    pub email: String,
    #[serde(default)]
    #[schema(required = true, format = Password, example = "violet-harbour-42", min_length = 1)]
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: Uuid,
    #[schema(example = "ada@example.com")]
    pub email: String,
    #[schema(example = "Ada Lovelace")]
    pub name: String,
    #[schema(example = json!(null))]
    pub avatar_url: Option<String>,
    #[schema(example = false)]
    pub email_verified: bool,
    /// How the user can sign in: `password` when the account has one, each linked provider that
    /// is configured (`google`, `discord`, an id of `OIDC_PROVIDERS`), and `passkey` when it has a passkey.
    #[schema(example = json!(["password"]))]
    pub providers: Vec<String>,
    #[serde(serialize_with = "utc")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "utc")]
    pub updated_at: DateTime<Utc>,
}

/// A time as chrono's own `Serialize` writes it (`2026-12-06T21:22:55.821247Z`, as many
/// fractional digits as it has), without the formatting machinery that goes through: `/me`,
/// the most frequent answer, has two.
fn utc<S: serde::Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

impl UserResponse {
    /// `providers` lists the ways in that work here: links to providers no longer configured
    /// are left out.
    pub fn new(user: &User, configured: &ProviderRegistry) -> Self {
        Self {
            id: user.id.as_uuid(),
            email: user.email.as_str().to_owned(),
            name: user.name.as_str().to_owned(),
            avatar_url: user.avatar_url.clone(),
            email_verified: user.email_verified,
            providers: user.sign_in_methods(|p| configured.contains(p)).into_iter().map(str::to_owned).collect(),
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthResponse {
    pub user: UserResponse,
    /// A JWT (HS256) to send as `Authorization: Bearer`; the same token is set as a cookie.
    #[schema(example = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...")]
    pub access_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    pub expires_at: DateTime<Utc>,
}

impl AuthResponse {
    /// The body and the session cookie of a successful sign-in.
    pub fn respond(signed_in: SignedIn, status: StatusCode, app: &AppState) -> HttpResponse {
        let session_cookie = Self::session_cookie(&signed_in, &app.web.cookie, app.web.access_token_ttl);
        let body = Self {
            user: UserResponse::new(&signed_in.user, &app.oauth.providers),
            access_token: signed_in.access_token,
            token_type: "Bearer",
            expires_at: signed_in.expires_at,
        };
        HttpResponse::build(status).cookie(session_cookie).json(body)
    }

    /// The session cookie carrying a sign-in's access token.
    pub fn session_cookie(signed_in: &SignedIn, cookie: &Cookies, ttl: TokenTtl) -> actix_web::cookie::Cookie<'static> {
        cookie.session(signed_in.access_token.clone(), ttl.as_seconds())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn times_are_written_as_chrono_writes_them() {
        let second = Utc.with_ymd_and_hms(2026, 12, 6, 21, 22, 55).unwrap();
        for nanos in [0, 5_000_000, 821_247_000, 821_247_123, 1] {
            let at = second + chrono::Duration::nanoseconds(nanos);
            let mut ours = serde_json::Serializer::new(Vec::new());
            utc(&at, &mut ours).unwrap();
            assert_eq!(String::from_utf8(ours.into_inner()).unwrap(), serde_json::to_string(&at).unwrap(), "{nanos}");
        }
    }
}
