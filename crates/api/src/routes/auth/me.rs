use actix_web::{get, web};

use super::current_user::CurrentUser;
use super::dto::UserResponse;
use crate::routes::responses::{Unauthenticated, Unavailable};

/// The signed-in user.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The current user", body = UserResponse),
        Unauthenticated, Unavailable,
    )
)]
#[get("/api/auth/me")]
pub async fn me(current: CurrentUser) -> web::Json<UserResponse> {
    web::Json(UserResponse::from(&current.0.user))
}
