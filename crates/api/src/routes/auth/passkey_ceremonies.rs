//! The passkey ceremonies: adding a passkey, signing in with one, and proving with one who
//! holds a session. Each is a start, which answers the options and the sealed ceremony, and a
//! finish, which takes the browser's answer.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, post, web};
use yoshikosan_domain::FieldErrorCode;
use yoshikosan_domain::use_cases::{
    FinishPasskeyRegistrationCommand, PasskeyReauthenticationCommand, PasskeyReauthenticationError,
    PasskeySignInCommand, PasskeySignInError, RegisterPasskeyError,
};

use super::current_user::CurrentUser;
use super::dto::AuthResponse;
use super::passkey_dto::{
    CeremonyResponse, PasskeyFinishRequest, PasskeyResponse, RegisterPasskeyRequest, ceremony_and_credential,
};
use crate::audit::{Audit, AuditEvent};
use crate::error::{ApiError, Problem};
use crate::http::client_context::ClientContext;
use crate::http::json::JsonBody;
use crate::http::token::AccessToken;
use crate::prometheus::{self, SignInResult};
use crate::routes::responses::{
    BodyRejected, CsrfRejected, RateLimited, ReauthenticationRequired, SignedIn, Unauthenticated, Unavailable,
};
use crate::state::AppState;

/// Start adding a passkey to the signed-in account.
///
/// Needs a recent proof of identity (`REAUTH_WINDOW_SECS`). The options ask for a discoverable
/// credential with user verification and exclude the account's own passkeys.
#[utoipa::path(
    tag = "passkeys",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The options for `navigator.credentials.create`, and the ceremony", body = CeremonyResponse),
        (status = 404, description = "Passkeys are off on this site (`not_found`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::NotFound.problem())),
        Unauthenticated, ReauthenticationRequired, Unavailable,
    )
)]
#[post("/api/auth/passkeys/register/start")]
pub async fn register_start(
    state: web::Data<AppState>,
    CurrentUser(current): CurrentUser,
) -> Result<HttpResponse, ApiError> {
    let started = state.passkeys()?.register.start(current.user.id, current.session.id).await?;
    CeremonyResponse::respond(started)
}

/// Finish adding a passkey.
///
/// Checks the recent proof again, then the authenticator's answer. A credential the browser
/// reports as not discoverable is refused: a passkey must work without typing the address.
#[utoipa::path(
    tag = "passkeys",
    security(("bearer" = []), ("cookie" = [])),
    request_body = RegisterPasskeyRequest,
    responses(
        (status = 201, description = "Added", body = PasskeyResponse),
        (status = 400, description = "The ceremony is unknown, expired, finished or another session's (`invalid_ceremony`), or the authenticator's answer was refused (`passkey_rejected`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::InvalidCeremony.problem())),
        (status = 409, description = "That passkey is already registered (`passkey_exists`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::PasskeyExists.problem())),
        (status = 422, description = "A missing field, or a name refused", body = Problem, content_type = "application/problem+json"),
        Unauthenticated, ReauthenticationRequired, BodyRejected, Unavailable,
    )
)]
#[post("/api/auth/passkeys/register/finish")]
pub async fn register_finish(
    state: web::Data<AppState>,
    CurrentUser(current): CurrentUser,
    client: ClientContext,
    body: JsonBody<RegisterPasskeyRequest>,
) -> Result<HttpResponse, ApiError> {
    let flows = state.passkeys()?;
    let RegisterPasskeyRequest { ceremony, credential, name } = body.into_inner();
    let credential = ceremony_and_credential(&ceremony, credential)?;
    let command = FinishPasskeyRegistrationCommand {
        user_id: current.user.id,
        session_id: current.session.id,
        ceremony,
        credential,
        name,
        client: client.info.clone(),
    };
    let audit = |event| Audit::new(event, &client).user(current.user.id).session(current.session.id);
    match flows.register.finish(&command).await {
        Ok(passkey) => {
            audit(AuditEvent::PasskeyAdded).emit();
            Ok(HttpResponse::Created().json(PasskeyResponse::from(&passkey)))
        }
        Err(error) => {
            if let RegisterPasskeyError::Rejected(rejection) = &error {
                tracing::info!(%rejection, "a new passkey was refused");
            }
            Err(error.into())
        }
    }
}

/// Start signing in with a passkey.
///
/// Names no user: the browser offers the person's passkeys for this site, in the email field's
/// autofill (`mediation: "conditional"`) or in its own dialog. Writes nothing.
#[utoipa::path(
    tag = "passkeys",
    responses(
        (status = 200, description = "The options for `navigator.credentials.get`, and the ceremony", body = CeremonyResponse),
        (status = 404, description = "Passkeys are off on this site (`not_found`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::NotFound.problem())),
        CsrfRejected,
    )
)]
#[post("/api/auth/passkeys/login/start")]
pub async fn login_start(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    CeremonyResponse::respond(state.passkeys()?.sign_in.start()?)
}

/// Sign in with a passkey.
///
/// Opens a session whose `method` is `passkey`; the browser's previous session, if any, is
/// revoked. Every refusal is the same 401 `passkey_rejected` and spends the client address's
/// budget.
#[utoipa::path(
    tag = "passkeys",
    request_body = PasskeyFinishRequest,
    responses(
        SignedIn,
        (status = 400, description = "The ceremony is unknown, expired or already finished (`invalid_ceremony`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::InvalidCeremony.problem())),
        (status = 401, description = "The passkey was refused (`passkey_rejected`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::PasskeyRejected.problem())),
        (status = 422, description = "`ceremony` or `credential` missing (`required`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::invalid_field("credential", FieldErrorCode::Required, "credential is required").problem())),
        BodyRejected, CsrfRejected, RateLimited, Unavailable,
    )
)]
#[post("/api/auth/passkeys/login/finish")]
pub async fn login_finish(
    state: web::Data<AppState>,
    client: ClientContext,
    token: AccessToken,
    body: JsonBody<PasskeyFinishRequest>,
) -> Result<HttpResponse, ApiError> {
    let flows = state.passkeys()?;
    let PasskeyFinishRequest { ceremony, credential } = body.into_inner();
    let credential = ceremony_and_credential(&ceremony, credential)?;
    let command = PasskeySignInCommand {
        ceremony,
        credential,
        client: client.info.clone(),
        browser_token: token.as_deref().map(str::to_owned),
    };
    match flows.sign_in.finish(&command).await {
        Ok(signed_in) => {
            prometheus::record_sign_in("passkey", SignInResult::Success);
            Audit::new(AuditEvent::PasskeySignIn, &client).user(signed_in.user.id).session(signed_in.session_id).emit();
            Ok(AuthResponse::respond(signed_in, StatusCode::OK, &state))
        }
        Err(error) => {
            if let PasskeySignInError::Rejected { rejection, user } = &error {
                let mut audit = Audit::new(AuditEvent::PasskeyRejected, &client).reason(rejection.reason());
                if let Some(user) = user {
                    audit = audit.user(*user);
                }
                audit.emit();
            }
            let error = ApiError::from(error);
            prometheus::record_sign_in("passkey", SignInResult::from(&error));
            Err(error)
        }
    }
}

/// Start confirming it's you with a passkey.
///
/// The options allow only the signed-in account's passkeys.
#[utoipa::path(
    tag = "passkeys",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The options for `navigator.credentials.get`, and the ceremony", body = CeremonyResponse),
        (status = 404, description = "The account has no passkey, or passkeys are off (`not_found`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::NotFound.problem())),
        Unauthenticated, CsrfRejected, Unavailable,
    )
)]
#[post("/api/auth/passkeys/reauthenticate/start")]
pub async fn reauthenticate_start(
    state: web::Data<AppState>,
    CurrentUser(current): CurrentUser,
) -> Result<HttpResponse, ApiError> {
    let started = state.passkeys()?.reauthenticate.start(current.user.id, current.session.id).await?;
    CeremonyResponse::respond(started)
}

/// Confirm it's you with a passkey.
///
/// Records a fresh proof on this session, for the changes that need one; creates no session.
#[utoipa::path(
    tag = "passkeys",
    security(("bearer" = []), ("cookie" = [])),
    request_body = PasskeyFinishRequest,
    responses(
        (status = 204, description = "Proven: this session may change how the account signs in for the next `REAUTH_WINDOW_SECS`"),
        (status = 400, description = "The ceremony is unknown, expired, finished or another session's (`invalid_ceremony`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::InvalidCeremony.problem())),
        (status = 401, description = "The passkey was refused (`passkey_rejected`), or not signed in", body = Problem, content_type = "application/problem+json", example = json!(ApiError::PasskeyRejected.problem())),
        (status = 422, description = "`ceremony` or `credential` missing (`required`)", body = Problem, content_type = "application/problem+json", example = json!(ApiError::invalid_field("credential", FieldErrorCode::Required, "credential is required").problem())),
        BodyRejected, CsrfRejected, RateLimited, Unavailable,
    )
)]
#[post("/api/auth/passkeys/reauthenticate/finish")]
pub async fn reauthenticate_finish(
    state: web::Data<AppState>,
    CurrentUser(current): CurrentUser,
    client: ClientContext,
    body: JsonBody<PasskeyFinishRequest>,
) -> Result<HttpResponse, ApiError> {
    let flows = state.passkeys()?;
    let PasskeyFinishRequest { ceremony, credential } = body.into_inner();
    let credential = ceremony_and_credential(&ceremony, credential)?;
    let command = PasskeyReauthenticationCommand {
        user_id: current.user.id,
        session_id: current.session.id,
        ceremony,
        credential,
        client: client.info.clone(),
    };
    let audit = |event| Audit::new(event, &client).user(current.user.id).session(current.session.id);
    match flows.reauthenticate.finish(&command).await {
        Ok(()) => {
            audit(AuditEvent::Reauthenticated).provider("passkey").emit();
            Ok(HttpResponse::NoContent().finish())
        }
        Err(error) => {
            if let PasskeyReauthenticationError::Rejected(rejection) = &error {
                audit(AuditEvent::PasskeyRejected).reason(rejection.reason()).emit();
            }
            Err(error.into())
        }
    }
}
