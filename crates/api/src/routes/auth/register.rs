use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use yoshikosan_domain::FieldErrorCode;
use yoshikosan_domain::use_cases::RegisterCommand;

use super::dto::{AuthResponse, RegisterRequest};
use crate::audit::{Audit, AuditEvent};
use crate::error::{ApiError, Problem};
use crate::http::client_context::ClientContext;
use crate::http::json::JsonBody;
use crate::prometheus::{self, SignInResult};
use crate::routes::responses::{BodyRejected, CsrfRejected, RateLimited, Registered, Unavailable};
use crate::state::AppState;

/// Create an email/password account and sign it in.
///
/// The email is trimmed and stored lower-case. The password must satisfy the rules of
/// `GET /api/auth/password-policy`. The response sets the session cookie.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        Registered,
        (status = 409, description = "An account with this email exists (`email_taken`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::EmailTaken.problem())),
        (status = 422, description = "Invalid fields, all listed in `errors`", body = Problem, content_type = "application/problem+json",
            example = json!(ApiError::invalid_field("password", FieldErrorCode::TooCommon, "password is too common; choose one that is harder to guess").problem())),
        BodyRejected, CsrfRejected, RateLimited, Unavailable,
    )
)]
#[post("/api/auth/register")]
pub async fn register(
    state: web::Data<AppState>,
    client: ClientContext,
    body: JsonBody<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let RegisterRequest { email, password, name } = body.into_inner();
    let attempted = email.trim().to_owned();
    match state.accounts.register.execute(RegisterCommand { email, password, name, client: client.info.clone() }).await
    {
        Ok(signed_in) => {
            prometheus::record_registration(SignInResult::Success);
            Audit::new(AuditEvent::Registered, &client).user(signed_in.user.id).session(signed_in.session_id).emit();
            Ok(AuthResponse::respond(signed_in, StatusCode::CREATED, &state))
        }
        Err(error) => {
            let error = ApiError::from(error);
            prometheus::record_registration(SignInResult::from(&error));
            if let ApiError::EmailTaken | ApiError::RateLimited(_) = error {
                Audit::new(AuditEvent::RegisterRefused, &client)
                    .email(&attempted)
                    .reason(error.problem().code.as_str())
                    .emit();
            }
            Err(error)
        }
    }
}
