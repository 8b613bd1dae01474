//! Which budgets each throttled route spends, stated once. docs/reliability.md shows this table
//! (a test keeps the two equal), and the use cases build their attempt's keys from it.

use super::keys::AttemptKeys;
use crate::email::Email;

/// Every action that hashes or checks a password or a passkey, and so is throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottledAction {
    LogIn,
    Register,
    /// A password change, checked against the current password.
    ChangePassword,
    /// A first password on an account that has none (after a provider sign-in or a claim).
    SetFirstPassword,
    /// A signed-in person's password, checked again before an account change.
    Reauthenticate,
    /// A request for a password-reset link: it costs a mail, never the email's login budget.
    ForgotPassword,
    /// A new password through a mail link: every refused link and every new password hashed.
    ResetPassword,
    /// A new verification mail, asked for by a signed-in person.
    SendVerification,
    /// An address proven by a link: a refused link spends.
    VerifyEmail,
    /// A link asked for to move the account to another address.
    ChangeEmail,
    /// A new address confirmed by its link: a refused link spends.
    ConfirmEmailChange,
    /// A passkey sign-in: a refused answer spends; no email is named, so none is charged.
    PasskeySignIn,
    /// A signed-in person's passkey, checked again before an account change.
    PasskeyReauthenticate,
}

/// When a unit of a budget stays spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spend {
    Never,
    /// Reserved before the check, given back (or the failures cleared) when it succeeds.
    OnFailure,
    /// Reserved before the check, given back when the email turns out to be free.
    WhenEmailTaken,
    /// Every attempt that passes validation: each costs hashing time.
    Always,
}

impl ThrottledAction {
    pub const ALL: [Self; 13] = [
        Self::LogIn,
        Self::Register,
        Self::ChangePassword,
        Self::SetFirstPassword,
        Self::Reauthenticate,
        Self::ForgotPassword,
        Self::ResetPassword,
        Self::SendVerification,
        Self::VerifyEmail,
        Self::ChangeEmail,
        Self::ConfirmEmailChange,
        Self::PasskeySignIn,
        Self::PasskeyReauthenticate,
    ];

    pub fn route(self) -> &'static str {
        match self {
            Self::LogIn => "POST /api/auth/login",
            Self::Register => "POST /api/auth/register",
            Self::ChangePassword => "PUT /api/auth/password (with current_password)",
            Self::SetFirstPassword => "PUT /api/auth/password (first password)",
            Self::Reauthenticate => "POST /api/auth/reauthenticate",
            Self::ForgotPassword => "POST /api/auth/password/forgot",
            Self::ResetPassword => "POST /api/auth/password/reset",
            Self::SendVerification => "POST /api/auth/email/verification",
            Self::VerifyEmail => "POST /api/auth/email/verify",
            Self::ChangeEmail => "PUT /api/auth/email",
            Self::ConfirmEmailChange => "POST /api/auth/email/confirm",
            Self::PasskeySignIn => "POST /api/auth/passkeys/login/finish",
            Self::PasskeyReauthenticate => "POST /api/auth/passkeys/reauthenticate/finish",
        }
    }

    /// The email's budget (`RATE_LIMIT_MAX_PER_EMAIL`).
    pub fn email(self) -> Spend {
        match self {
            Self::LogIn | Self::ChangePassword | Self::Reauthenticate => Spend::OnFailure,
            Self::Register => Spend::WhenEmailTaken,
            Self::SetFirstPassword
            | Self::ForgotPassword
            | Self::ResetPassword
            | Self::SendVerification
            | Self::VerifyEmail
            | Self::ChangeEmail
            | Self::ConfirmEmailChange
            | Self::PasskeySignIn
            | Self::PasskeyReauthenticate => Spend::Never,
        }
    }

    /// The client address's budget (`RATE_LIMIT_MAX_PER_IP`).
    pub fn address(self) -> Spend {
        match self {
            Self::LogIn
            | Self::Reauthenticate
            | Self::VerifyEmail
            | Self::ConfirmEmailChange
            | Self::PasskeySignIn
            | Self::PasskeyReauthenticate => Spend::OnFailure,
            Self::Register
            | Self::ChangePassword
            | Self::SetFirstPassword
            | Self::ForgotPassword
            | Self::ResetPassword
            | Self::SendVerification
            | Self::ChangeEmail => Spend::Always,
        }
    }

    /// The keys an attempt of this action is counted against.
    pub fn keys(self, email: &Email, ip: Option<&str>) -> AttemptKeys {
        let email = (self.email() != Spend::Never).then_some(email);
        AttemptKeys::new(email, ip)
    }

    /// The keys of an action that spends the address's budget only.
    pub fn address_keys(self, ip: Option<&str>) -> AttemptKeys {
        debug_assert_eq!(self.email(), Spend::Never);
        AttemptKeys::new(None, ip)
    }

    /// This action's row of the table in docs/reliability.md.
    pub fn table_row(self) -> String {
        let spend = |spend: Spend| match spend {
            Spend::Never => "never",
            Spend::OnFailure => "when it fails (given back on success)",
            Spend::WhenEmailTaken => "when the email is taken",
            Spend::Always => "always",
        };
        format!("| `{}` | {} | {} |", self.route(), spend(self.email()), spend(self.address()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_table_is_this_one() {
        let docs = include_str!("../../../../docs/reliability.md");
        for action in ThrottledAction::ALL {
            assert!(docs.contains(&action.table_row()), "docs/reliability.md lacks the row\n{}", action.table_row());
        }
    }

    #[test]
    fn a_first_password_is_counted_against_the_address_only() {
        let email = Email::parse("ada@example.com").unwrap();
        let keys = ThrottledAction::SetFirstPassword.keys(&email, Some("203.0.113.9"));
        assert_eq!(keys, AttemptKeys::new(None, Some("203.0.113.9")));
        let keys = ThrottledAction::ChangePassword.keys(&email, Some("203.0.113.9"));
        assert_eq!(keys, AttemptKeys::new(Some(&email), Some("203.0.113.9")));
    }
}
