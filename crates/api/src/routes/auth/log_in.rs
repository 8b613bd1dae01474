use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use yoshikosan_domain::FieldErrorCode;
use yoshikosan_domain::use_cases::LogInCommand;

use super::dto::{AuthResponse, LoginRequest};
use crate::audit::{Audit, AuditEvent};
use crate::error::{ApiError, Problem};
use crate::http::client_context::ClientContext;
use crate::http::json::JsonBody;
use crate::prometheus::{self, SignInResult};
use crate::routes::responses::{BodyRejected, CsrfRejected, RateLimited, SignedIn, Unavailable};
use crate::state::AppState;

/// Sign in with email and password.
///
/// The email matches case-insensitively. An unknown email, a wrong password and an account
/// without a password all get the same 401 `invalid_credentials`, in about the same time.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        SignedIn,
        (status = 401, description = "Email or password is incorrect (`invalid_credentials`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::InvalidCredentials.problem())),
        (status = 422, description = "Missing fields or an email that is not an address", body = Problem, content_type = "application/problem+json", example = json!(ApiError::invalid_field("password", FieldErrorCode::Required, "password is required").problem())),
        BodyRejected, CsrfRejected, RateLimited, Unavailable,
    )
)]
#[post("/api/auth/login")]
pub async fn log_in(
    state: web::Data<AppState>,
    client: ClientContext,
    body: JsonBody<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { email, password } = body.into_inner();
    let attempted = email.trim().to_owned();
    match state.accounts.log_in.execute(LogInCommand { email, password, client: client.info.clone() }).await {
        Ok(signed_in) => {
            prometheus::record_sign_in("password", SignInResult::Success);
            Audit::new(AuditEvent::LoginSucceeded, &client)
                .user(signed_in.user.id)
                .session(signed_in.session_id)
                .emit();
            Ok(AuthResponse::respond(signed_in, StatusCode::OK, &state))
        }
        Err(error) => {
            let error = ApiError::from(error);
            prometheus::record_sign_in("password", SignInResult::from(&error));
            if let ApiError::InvalidCredentials | ApiError::RateLimited(_) = error {
                Audit::new(AuditEvent::LoginFailed, &client)
                    .email(&attempted)
                    .reason(error.problem().code.as_str())
                    .emit();
            }
            Err(error)
        }
    }
}
