//! Conversions between the tables' rows and the domain's types, shared by every repository
//! that reads or writes them.

use sea_orm::ActiveValue::Set;
use uuid::Uuid;
use yoshikosan_domain::passkey::{CredentialId, Passkey, PasskeyId, PasskeyName, StoredCredential};
use yoshikosan_domain::ports::StoreError;
use yoshikosan_domain::{
    DisplayName, Email, OAuthAccount, PasswordHash, ProviderId, Session, SessionId, SignInMethod, TokenHash, User,
    UserId,
};

use crate::entities::{oauth_accounts, passkeys, sessions, users};

pub(crate) fn user_row(user: &User) -> users::ActiveModel {
    users::ActiveModel {
        id: Set(user.id.as_uuid()),
        email: Set(user.email.as_str().to_owned()),
        name: Set(user.name.as_str().to_owned()),
        avatar_url: Set(user.avatar_url.clone()),
        password_hash: Set(user.password_hash.as_ref().map(|h| h.as_str().to_owned())),
        email_verified: Set(user.email_verified),
        created_at: Set(user.created_at),
        updated_at: Set(user.updated_at),
    }
}

/// Values are taken as stored: a rule that changed since applies to new input only, so a row an
/// older release wrote never locks its user out.
pub(crate) fn to_user(row: users::Model, linked_providers: Vec<ProviderId>, passkeys: u32) -> User {
    User {
        id: UserId::from_uuid(row.id),
        email: Email::from_stored(row.email),
        name: DisplayName::from_stored(row.name),
        avatar_url: row.avatar_url,
        password_hash: row.password_hash.map(PasswordHash::new),
        email_verified: row.email_verified,
        linked_providers,
        passkeys,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// The providers of a user's links whose names are provider ids. A link stored under any other
/// name (a rule this build does not share) is skipped and logged: it is no way in here, and it
/// must not make the account unreadable. Whether a provider is configured is the registry's
/// question, not the store's. `warn` for reads a person causes (a sign-in);
/// the per-request session lookup logs at debug level, or every request would repeat it.
pub(crate) fn known_providers<'a>(
    user: Uuid,
    stored: impl IntoIterator<Item = &'a str>,
    warn: bool,
) -> Vec<ProviderId> {
    stored
        .into_iter()
        .filter_map(|name| {
            let provider = ProviderId::parse(name).ok();
            match (&provider, warn) {
                (Some(_), _) => {}
                (None, true) => {
                    tracing::warn!(%user, provider = name, "skipped a link whose provider is not a provider id")
                }
                (None, false) => {
                    tracing::debug!(%user, provider = name, "skipped a link whose provider is not a provider id")
                }
            }
            provider
        })
        .collect()
}

pub(crate) fn session_row(session: &Session) -> sessions::ActiveModel {
    sessions::ActiveModel {
        id: Set(session.id.as_uuid()),
        user_id: Set(session.user_id.as_uuid()),
        token_hash: Set(session.token_hash.as_str().to_owned()),
        expires_at: Set(session.expires_at),
        created_at: Set(session.created_at),
        last_seen_at: Set(session.last_seen_at),
        user_agent: Set(session.user_agent.clone()),
        ip: Set(session.ip.clone()),
        authenticated_at: Set(Some(session.authenticated_at)),
        method: Set(session.method.stored().map(str::to_owned)),
        passkey_id: Set(session.method.passkey().map(|id| id.as_uuid())),
    }
}

pub(crate) fn to_session(row: sessions::Model) -> Session {
    Session {
        id: SessionId::from_uuid(row.id),
        user_id: UserId::from_uuid(row.user_id),
        token_hash: TokenHash::from_stored(row.token_hash),
        created_at: row.created_at,
        expires_at: row.expires_at,
        last_seen_at: row.last_seen_at,
        user_agent: row.user_agent,
        ip: row.ip,
        method: SignInMethod::from_stored(row.method.as_deref(), row.passkey_id.map(PasskeyId::from_uuid)),
        authenticated_at: row.authenticated_at.unwrap_or(row.created_at),
    }
}

pub(crate) fn link_row(link: &OAuthAccount) -> oauth_accounts::ActiveModel {
    oauth_accounts::ActiveModel {
        id: Set(link.id),
        user_id: Set(link.user_id.as_uuid()),
        provider: Set(link.provider.as_str().to_owned()),
        provider_user_id: Set(link.provider_user_id.clone()),
        issuer: Set(link.issuer.clone()),
        // The provider-token columns stay, written NULL: see the entity.
        access_token: Set(None),
        refresh_token: Set(None),
        expires_at: Set(None),
        created_at: Set(link.created_at),
        updated_at: Set(link.updated_at),
    }
}

/// Fails on a provider name that is not a provider id.
pub(crate) fn to_account(row: oauth_accounts::Model) -> Result<OAuthAccount, StoreError> {
    let provider = ProviderId::parse(&row.provider)
        .map_err(|_| StoreError::Unexpected(format!("oauth account {} has a malformed provider", row.id)))?;
    Ok(OAuthAccount {
        id: row.id,
        user_id: UserId::from_uuid(row.user_id),
        provider,
        provider_user_id: row.provider_user_id,
        issuer: row.issuer,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// A counter is a u32 in WebAuthn; the column is wider, so a stored one always fits.
pub(crate) fn to_passkey(row: passkeys::Model) -> Passkey {
    Passkey {
        id: PasskeyId::from_uuid(row.id),
        user_id: UserId::from_uuid(row.user_id),
        credential_id: CredentialId::from_base64url(row.credential_id),
        credential: StoredCredential::new(row.credential),
        name: PasskeyName::from_stored(row.name),
        sign_count: u32::try_from(row.sign_count).unwrap_or(u32::MAX),
        backed_up: row.backed_up,
        address_unproven: row.address_unproven,
        created_at: row.created_at,
        last_used_at: row.last_used_at,
    }
}

pub(crate) fn passkey_row(passkey: &Passkey) -> passkeys::ActiveModel {
    passkeys::ActiveModel {
        id: Set(passkey.id.as_uuid()),
        user_id: Set(passkey.user_id.as_uuid()),
        credential_id: Set(passkey.credential_id.as_str().to_owned()),
        credential: Set(passkey.credential.as_str().to_owned()),
        name: Set(passkey.name.as_str().to_owned()),
        sign_count: Set(i64::from(passkey.sign_count)),
        backed_up: Set(passkey.backed_up),
        address_unproven: Set(passkey.address_unproven),
        created_at: Set(passkey.created_at),
        last_used_at: Set(passkey.last_used_at),
    }
}
