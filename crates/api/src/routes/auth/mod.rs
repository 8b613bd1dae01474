//! `/api/auth`: accounts, sign-in and sessions.

mod current_user;
mod dto;
mod log_in;
mod log_out;
mod me;
mod oauth;
mod password;
mod password_policy;
mod providers;
mod register;
mod sessions;

use actix_web::web;

pub use current_user::CurrentUser;
pub use dto::{AuthResponse, LoginRequest, RegisterRequest, UserResponse};
pub use log_in::__path_log_in;
pub use log_out::__path_log_out;
pub use me::__path_me;
pub use oauth::{__path_callback, __path_start, __path_start_link, ProviderName};
pub use password::{__path_set_password, SetPasswordRequest};
pub use password_policy::{__path_password_policy, PasswordPolicyResponse, PasswordRuleResponse};
pub use providers::{__path_providers, ProviderResponse, ProvidersResponse};
pub use register::__path_register;
pub use sessions::{__path_list_sessions, __path_log_out_everywhere, __path_revoke_session, SessionResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(providers::providers)
        .service(password_policy::password_policy)
        .service(register::register)
        .service(log_in::log_in)
        .service(log_out::log_out)
        .service(me::me)
        .service(sessions::list_sessions)
        .service(sessions::revoke_session)
        .service(sessions::log_out_everywhere)
        .service(password::set_password)
        .service(oauth::callback)
        .service(oauth::start)
        .service(oauth::start_link);
}
