use actix_web::{get, web};

use super::current_user::CurrentUser;
use super::dto::UserResponse;
use crate::error::{ApiError, Problem};

/// The signed-in user.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The current user", body = UserResponse),
        (status = 401, description = "Missing, invalid or revoked token (`unauthenticated`), or expired (`token_expired`)",
            body = Problem, content_type = "application/problem+json", example = json!(ApiError::Unauthenticated.problem())),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json", example = json!(ApiError::Unavailable(String::new()).problem())),
    )
)]
#[get("/api/auth/me")]
pub async fn me(current: CurrentUser) -> web::Json<UserResponse> {
    web::Json(UserResponse::from(&current.0.user))
}
