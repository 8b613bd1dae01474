//! What signing in and linking by a provider identity share: the error both end in, the attempt
//! that is decided again after a concurrent write, and the rules for what an identity writes.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::oauth::{OAuthAccount, ProviderIdentity};
use crate::ports::Infrastructure;
use crate::ports::{AccountChange, CommitError, ProviderError, StoreError};
use crate::user::{User, UserId};

#[derive(Debug, thiserror::Error)]
pub enum CompleteOAuthError {
    #[error("the user declined, or the provider refused")]
    AccessDenied,
    /// Missing, expired, reused or mismatched state, or a flow of another provider.
    #[error("invalid OAuth state")]
    InvalidState,
    #[error(transparent)]
    Provider(ProviderError),
    #[error("the provider gave no email address")]
    EmailMissing,
    /// The provider's email belongs to an account here, but the provider has not verified it:
    /// linking would let whoever controls the provider account take over ours.
    #[error("the provider has not verified this email")]
    EmailNotVerified,
    /// A link flow whose session was revoked or expired before the callback, or that came back
    /// to a browser not signed in with that session.
    #[error("the session that started the link has ended")]
    SessionExpired,
    /// A link flow for an identity that is linked to another user.
    #[error("this provider account is linked to another user")]
    AlreadyLinked,
    /// A sign-in whose identity the account's owner unlinked: the email rules do not link it back.
    #[error("this provider account was unlinked from the account with its email")]
    IdentityUnlinked,
    /// The identity's link was made under another issuer than the provider's current one: its
    /// subject may name someone else there.
    #[error("this provider account was linked under the issuer {stored}, not {current}")]
    IssuerChanged { stored: String, current: String },
    /// A re-authentication with an identity not linked to the user, or without a fresh login.
    #[error("the provider did not confirm the person who holds this session")]
    ReauthenticationFailed,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// What the browser is told of a failed flow (`?error=`), and what metrics and the audit log
/// record: one code per failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthErrorCode {
    AccessDenied,
    InvalidState,
    ProviderError,
    EmailNotVerified,
    SessionExpired,
    AlreadyLinked,
    IdentityUnlinked,
    IssuerChanged,
    ReauthenticationFailed,
    /// A link started without a recent proof (not a callback's failure: the start's).
    ReauthenticationRequired,
    Unavailable,
}

impl OAuthErrorCode {
    pub const ALL: [Self; 11] = [
        Self::AccessDenied,
        Self::InvalidState,
        Self::ProviderError,
        Self::EmailNotVerified,
        Self::SessionExpired,
        Self::AlreadyLinked,
        Self::IdentityUnlinked,
        Self::IssuerChanged,
        Self::ReauthenticationFailed,
        Self::ReauthenticationRequired,
        Self::Unavailable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccessDenied => "access_denied",
            Self::InvalidState => "invalid_state",
            Self::ProviderError => "provider_error",
            Self::EmailNotVerified => "email_not_verified",
            Self::SessionExpired => "session_expired",
            Self::AlreadyLinked => "already_linked",
            Self::IdentityUnlinked => "identity_unlinked",
            Self::IssuerChanged => "issuer_changed",
            Self::ReauthenticationFailed => "reauthentication_failed",
            Self::ReauthenticationRequired => "reauthentication_required",
            Self::Unavailable => "unavailable",
        }
    }
}

impl CompleteOAuthError {
    pub fn code(&self) -> OAuthErrorCode {
        match self {
            Self::AccessDenied => OAuthErrorCode::AccessDenied,
            Self::InvalidState => OAuthErrorCode::InvalidState,
            Self::Provider(_) | Self::EmailMissing => OAuthErrorCode::ProviderError,
            Self::EmailNotVerified => OAuthErrorCode::EmailNotVerified,
            Self::SessionExpired => OAuthErrorCode::SessionExpired,
            Self::AlreadyLinked => OAuthErrorCode::AlreadyLinked,
            Self::IdentityUnlinked => OAuthErrorCode::IdentityUnlinked,
            Self::IssuerChanged { .. } => OAuthErrorCode::IssuerChanged,
            Self::ReauthenticationFailed => OAuthErrorCode::ReauthenticationFailed,
            Self::Infrastructure(_) => OAuthErrorCode::Unavailable,
        }
    }

    /// A failure of this service rather than of the flow: logged as an error.
    pub fn is_internal(&self) -> bool {
        matches!(self, Self::Infrastructure(_))
    }
}

/// How often a decision is made again after a concurrent write changed what it read. Each
/// conflict means another request committed (a claim, a creation, a link), after which the
/// next decision finds a settled account.
pub(crate) const ATTEMPTS: usize = 3;

/// Why an OAuth decision did not commit: a conflict is decided again, anything else is final.
pub(crate) enum DecisionError {
    Conflict,
    Failed(CompleteOAuthError),
}

impl DecisionError {
    pub(crate) fn into_error(self) -> CompleteOAuthError {
        match self {
            Self::Conflict => StoreError::Unexpected("the account kept changing during an OAuth sign-in".into()).into(),
            Self::Failed(error) => error,
        }
    }
}

impl From<CompleteOAuthError> for DecisionError {
    fn from(error: CompleteOAuthError) -> Self {
        Self::Failed(error)
    }
}

impl From<StoreError> for DecisionError {
    fn from(error: StoreError) -> Self {
        Self::Failed(error.into())
    }
}

impl From<CommitError> for DecisionError {
    fn from(error: CommitError) -> Self {
        match error {
            CommitError::Conflict => Self::Conflict,
            CommitError::SessionEnded => Self::Failed(CompleteOAuthError::SessionExpired),
            CommitError::Store(e) => Self::Failed(e.into()),
        }
    }
}

/// An identity whose provider verified the account's own email verifies the account.
pub(crate) fn verifies(identity: &ProviderIdentity, user: &User) -> AccountChange {
    let same_email = identity.email.as_ref() == Some(&user.email);
    if identity.email_verified && same_email && !user.email_verified {
        AccountChange::MarkVerified
    } else {
        AccountChange::None
    }
}

/// A link is used only under the issuer it was made under; one stored before issuers were is
/// taken as the current issuer's.
pub(crate) fn same_issuer(link: &OAuthAccount, identity: &ProviderIdentity) -> Result<(), CompleteOAuthError> {
    match &link.issuer {
        Some(stored) if link.issuer != identity.issuer => {
            let current = identity.issuer.clone().unwrap_or_else(|| "none".to_owned());
            tracing::warn!(
                provider = %identity.provider, stored_issuer = %stored, current_issuer = %current,
                "a link made under another issuer was refused: the provider's issuer was changed"
            );
            Err(CompleteOAuthError::IssuerChanged { stored: stored.clone(), current })
        }
        _ => Ok(()),
    }
}

/// The issuer to record on `link` as it is used: where it has none yet.
pub(crate) fn issuer_to_record(link: &OAuthAccount, identity: &ProviderIdentity) -> Option<String> {
    if link.issuer.is_none() { identity.issuer.clone() } else { None }
}

/// The link row for `identity`.
pub(crate) fn link_for(identity: &ProviderIdentity, user_id: UserId, now: DateTime<Utc>) -> OAuthAccount {
    OAuthAccount {
        id: Uuid::now_v7(),
        user_id,
        provider: identity.provider.clone(),
        provider_user_id: identity.provider_user_id.clone(),
        issuer: identity.issuer.clone(),
        created_at: now,
        updated_at: now,
    }
}
