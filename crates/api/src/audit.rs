//! The audit trail: one structured event (target `audit`) per security-relevant action, with
//! who, which session, from where and in which request. Never a password, token or hash: only
//! ids, the client's address and user agent, and for failures the email that was tried.

use yoshikosan_domain::{SessionId, UserId};

use crate::http::client_context::ClientContext;

/// The actions that are audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditEvent {
    Registered,
    RegisterRefused,
    LoginSucceeded,
    LoginFailed,
    LoggedOut,
    SessionRevoked,
    AllSessionsRevoked,
    OAuthSignedIn,
    OAuthLinked,
    OAuthUserCreated,
    OAuthFailed,
    AccountClaimed,
    PasswordSet,
    PasswordChanged,
    PasswordRemoved,
    OAuthUnlinked,
    Reauthenticated,
    ReauthenticationFailed,
    PasswordResetRequested,
    PasswordReset,
    PasswordResetFailed,
    VerificationSent,
    EmailVerified,
    EmailVerificationFailed,
    EmailChangeRequested,
    EmailChanged,
    EmailChangeFailed,
    PasskeyAdded,
    PasskeyRemoved,
    PasskeySignIn,
    PasskeyRejected,
}

impl AuditEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "register",
            Self::RegisterRefused => "register_refused",
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::LoggedOut => "logout",
            Self::SessionRevoked => "session_revoked",
            Self::AllSessionsRevoked => "all_sessions_revoked",
            Self::OAuthSignedIn => "oauth_sign_in",
            Self::OAuthLinked => "oauth_linked",
            Self::OAuthUserCreated => "oauth_user_created",
            Self::OAuthFailed => "oauth_failed",
            Self::AccountClaimed => "account_claimed",
            Self::PasswordSet => "password_set",
            Self::PasswordChanged => "password_changed",
            Self::PasswordRemoved => "password_removed",
            Self::OAuthUnlinked => "oauth_unlinked",
            Self::Reauthenticated => "reauthenticated",
            Self::PasswordResetRequested => "password_reset_requested",
            Self::PasswordReset => "password_reset",
            Self::PasswordResetFailed => "password_reset_failed",
            Self::VerificationSent => "verification_sent",
            Self::EmailVerified => "email_verified",
            Self::EmailVerificationFailed => "email_verification_failed",
            Self::EmailChangeRequested => "email_change_requested",
            Self::EmailChanged => "email_changed",
            Self::EmailChangeFailed => "email_change_failed",
            Self::ReauthenticationFailed => "reauthentication_failed",
            Self::PasskeyAdded => "passkey_added",
            Self::PasskeyRemoved => "passkey_removed",
            Self::PasskeySignIn => "passkey_sign_in",
            Self::PasskeyRejected => "passkey_rejected",
        }
    }
}

/// One audit event, filled in by the handler and emitted with [`Audit::emit`].
#[derive(Debug)]
pub struct Audit<'a> {
    event: AuditEvent,
    client: &'a ClientContext,
    user_id: Option<UserId>,
    session_id: Option<SessionId>,
    email: Option<&'a str>,
    provider: Option<&'a str>,
    reason: Option<&'a str>,
    count: Option<u64>,
}

impl<'a> Audit<'a> {
    pub fn new(event: AuditEvent, client: &'a ClientContext) -> Self {
        Self { event, client, user_id: None, session_id: None, email: None, provider: None, reason: None, count: None }
    }

    pub fn user(mut self, id: UserId) -> Self {
        self.user_id = Some(id);
        self
    }

    pub fn session(mut self, id: SessionId) -> Self {
        self.session_id = Some(id);
        self
    }

    /// The email a failed attempt tried: the one thing an operator needs to spot guessing.
    pub fn email(mut self, email: &'a str) -> Self {
        self.email = Some(email);
        self
    }

    pub fn provider(mut self, provider: &'a str) -> Self {
        self.provider = Some(provider);
        self
    }

    pub fn reason(mut self, reason: &'a str) -> Self {
        self.reason = Some(reason);
        self
    }

    pub fn count(mut self, count: u64) -> Self {
        self.count = Some(count);
        self
    }

    pub fn emit(self) {
        let user_id = self.user_id.map(|id| id.to_string());
        let session_id = self.session_id.map(|id| id.to_string());
        tracing::info!(
            target: "audit",
            event = self.event.as_str(),
            user_id = user_id.as_deref(),
            session_id = session_id.as_deref(),
            ip = self.client.info.ip.as_deref(),
            user_agent = self.client.info.user_agent.as_deref(),
            request_id = %self.client.request_id,
            email = self.email,
            provider = self.provider,
            reason = self.reason,
            count = self.count,
            "audit"
        );
    }
}
