//! What a mail is about: the job an outbox row holds, and the changes its owner is told of. Apart
//! from the ports, so that the writes the ports carry can name a mail.

use crate::email::Email;
use crate::passkey::PasskeyName;
use crate::provider_id::ProviderId;
use crate::session::ClientInfo;
use crate::user::UserId;

/// What a row of the outbox asks for. Decided when the job is sent, not when it is enqueued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailJob {
    /// Someone asked for a password-reset link for this address; a mail goes out only if an
    /// account has it.
    PasswordResetRequested { email: Email },
    /// A link that proves the account's address, sent to it; none goes out once the address is
    /// verified or has changed.
    VerifyEmail { user_id: UserId, email: Email },
    /// A link that proves a new address, sent to it; the account takes the address once the
    /// link is used.
    ConfirmNewEmail { user_id: UserId, email: Email },
    /// A change the account's owner is told about; the row's creation is when it happened.
    Notice { user_id: UserId, email: Email, notice: Notice, client: ClientInfo },
}

impl MailJob {
    /// The address the job is about.
    pub fn recipient(&self) -> &Email {
        match self {
            Self::PasswordResetRequested { email }
            | Self::VerifyEmail { email, .. }
            | Self::ConfirmNewEmail { email, .. }
            | Self::Notice { email, .. } => email,
        }
    }
}

/// A change to an account that its owner is told about by mail, at the account's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    PasswordChanged,
    PasswordSet,
    PasswordRemoved,
    PasswordReset,
    ProviderLinked(ProviderId),
    ProviderUnlinked(ProviderId),
    /// Someone proved they own the address of this unverified account and took it over: what it
    /// lost.
    AccountClaimed {
        password: bool,
        providers: Vec<ProviderId>,
        passkeys: u32,
    },
    /// The passkey's name is told only to a proven address: on an unproven one, whoever
    /// registered it chose the words.
    PasskeyAdded(Option<PasskeyName>),
    PasskeyRemoved(Option<PasskeyName>),
    /// A sign-in with this passkey was refused because its counter went backwards: someone
    /// may hold a copy of it.
    PasskeyCloned(Option<PasskeyName>),
    /// The account moved to another address (told to the one it left).
    EmailChanged {
        to: Email,
    },
}

impl Notice {
    /// The notice as stored: a name, and for some a detail after a colon.
    pub fn stored(&self) -> String {
        let names = |providers: &[ProviderId]| providers.iter().map(ProviderId::as_str).collect::<Vec<_>>().join(",");
        match self {
            Self::PasswordChanged => "password_changed".into(),
            Self::PasswordSet => "password_set".into(),
            Self::PasswordRemoved => "password_removed".into(),
            Self::PasswordReset => "password_reset".into(),
            Self::ProviderLinked(p) => format!("provider_linked:{p}"),
            Self::ProviderUnlinked(p) => format!("provider_unlinked:{p}"),
            Self::AccountClaimed { password, providers, passkeys } => {
                let passkeys = if *passkeys > 0 { format!(",passkeys={passkeys}") } else { String::new() };
                format!("account_claimed:{}{}{passkeys}", if *password { "password," } else { "" }, names(providers))
            }
            Self::PasskeyAdded(name) => format!("passkey_added:{}", passkey_name(name)),
            Self::PasskeyRemoved(name) => format!("passkey_removed:{}", passkey_name(name)),
            Self::PasskeyCloned(name) => format!("passkey_cloned:{}", passkey_name(name)),
            Self::EmailChanged { to } => format!("email_changed:{}", to.as_str()),
        }
    }

    /// None for a notice this build does not know (a newer replica's row).
    pub fn from_stored(stored: &str) -> Option<Self> {
        let (name, detail) = stored.split_once(':').unwrap_or((stored, ""));
        let provider = || ProviderId::parse(detail).ok();
        Some(match name {
            "password_changed" => Self::PasswordChanged,
            "password_set" => Self::PasswordSet,
            "password_removed" => Self::PasswordRemoved,
            "password_reset" => Self::PasswordReset,
            "provider_linked" => Self::ProviderLinked(provider()?),
            "provider_unlinked" => Self::ProviderUnlinked(provider()?),
            "account_claimed" => {
                let items: Vec<&str> = detail.split(',').filter(|item| !item.is_empty()).collect();
                let password = items.contains(&"password");
                let providers = items.iter().filter(|i| **i != "password").filter_map(|i| ProviderId::parse(i).ok());
                let passkeys = items.iter().find_map(|i| i.strip_prefix("passkeys=")?.parse().ok()).unwrap_or(0);
                Self::AccountClaimed { password, providers: providers.collect(), passkeys }
            }
            "passkey_added" => Self::PasskeyAdded(stored_name(detail)),
            "passkey_removed" => Self::PasskeyRemoved(stored_name(detail)),
            "passkey_cloned" => Self::PasskeyCloned(stored_name(detail)),
            "email_changed" if !detail.is_empty() => Self::EmailChanged { to: Email::from_stored(detail.to_owned()) },
            _ => return None,
        })
    }

    /// A passkey's notice, naming it only to a proven address.
    pub fn about_passkey(
        notice: fn(Option<PasskeyName>) -> Self,
        name: &PasskeyName,
        user: &crate::user::User,
    ) -> Self {
        notice(user.email_verified.then(|| name.clone()))
    }

    /// The mail job telling `user` about this, from the browser and address in `client`.
    pub fn to(self, user: &crate::user::User, client: &ClientInfo) -> MailJob {
        MailJob::Notice { user_id: user.id, email: user.email.clone(), notice: self, client: client.clone() }
    }
}

fn passkey_name(name: &Option<PasskeyName>) -> &str {
    name.as_ref().map(PasskeyName::as_str).unwrap_or_default()
}

fn stored_name(detail: &str) -> Option<PasskeyName> {
    (!detail.is_empty()).then(|| PasskeyName::from_stored(detail.to_owned()))
}
