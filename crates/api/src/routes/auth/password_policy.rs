use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordPolicyResponse {
    #[schema(example = 8)]
    pub min_length: usize,
    #[schema(example = 72)]
    pub max_bytes: usize,
    pub rules: Vec<PasswordRuleResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordRuleResponse {
    #[schema(example = "min_length")]
    pub id: String,
    #[schema(example = "At least 8 characters.")]
    pub description: String,
}

/// The password rules, for a form to check as the user types (the server checks them again).
#[utoipa::path(tag = "auth", responses((status = 200, description = "The password rules", body = PasswordPolicyResponse)))]
#[get("/api/auth/password-policy")]
pub async fn password_policy(state: web::Data<AppState>) -> web::Json<PasswordPolicyResponse> {
    let policy = state.accounts.password_policy;
    let rules = policy
        .rules()
        .into_iter()
        .map(|rule| PasswordRuleResponse { id: rule.id.to_owned(), description: rule.description })
        .collect();
    web::Json(PasswordPolicyResponse { min_length: policy.min_length, max_bytes: policy.max_bytes, rules })
}
