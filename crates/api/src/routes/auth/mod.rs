//! `/api/auth`: accounts, sign-in and sessions.

mod current_user;
mod dto;
pub(super) mod email;
pub(super) mod email_change;
pub(super) mod log_in;
pub(super) mod log_out;
pub(super) mod me;
pub(super) mod oauth;
pub(super) mod passkey_ceremonies;
mod passkey_dto;
pub(super) mod passkey_list;
pub(super) mod password;
pub(super) mod password_policy;
pub(super) mod password_reset;
pub(super) mod providers;
pub(super) mod reauthenticate;
pub(super) mod register;
pub(super) mod sessions;
pub(super) mod unlink;

pub use current_user::CurrentUser;
pub use dto::{AuthResponse, LoginRequest, RegisterRequest, UserResponse};
pub use email::VerifyEmailRequest;
pub use email_change::ChangeEmailRequest;
pub use oauth::ProviderPathId;
pub use passkey_dto::{
    CeremonyResponse, PasskeyFinishRequest, PasskeyResponse, RegisterPasskeyRequest, RenamePasskeyRequest,
};
pub use password::SetPasswordRequest;
pub use password_policy::{PasswordPolicyResponse, PasswordRuleResponse};
pub use password_reset::{ForgotPasswordRequest, ResetPasswordRequest};
pub use providers::{ProviderResponse, ProvidersResponse};
pub use reauthenticate::ReauthenticateRequest;
pub use sessions::SessionResponse;
