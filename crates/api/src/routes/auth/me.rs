use actix_web::{get, web};

use super::current_user::CurrentUser;
use super::dto::UserResponse;
use crate::http::json_reply::JsonReply;
use crate::routes::responses::{Unauthenticated, Unavailable};
use crate::state::AppState;

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
pub async fn me(app: web::Data<AppState>, current: CurrentUser) -> JsonReply<UserResponse> {
    JsonReply(UserResponse::new(&current.0.user, &app.oauth.providers))
}
