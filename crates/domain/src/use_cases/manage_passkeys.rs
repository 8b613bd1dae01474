//! The account page's list of passkeys, and their names. Removing one is removing a way in
//! ([`RemoveSignInMethod`](super::RemoveSignInMethod)).

use std::sync::Arc;

use crate::passkey::{Passkey, PasskeyId, PasskeyName, PasskeyRepository};
use crate::user::UserId;
use crate::validation::ValidationErrors;

#[derive(Debug, thiserror::Error)]
pub enum ManagePasskeysError {
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// Not one of the asking account's passkeys.
    #[error("no such passkey")]
    NotFound,
    #[error(transparent)]
    Infrastructure(#[from] crate::ports::Infrastructure),
}

#[derive(Clone)]
pub struct ManagePasskeys {
    passkeys: Arc<dyn PasskeyRepository>,
}

impl ManagePasskeys {
    pub fn new(passkeys: Arc<dyn PasskeyRepository>) -> Self {
        Self { passkeys }
    }

    /// The account's passkeys, oldest first.
    pub async fn list(&self, user_id: UserId) -> Result<Vec<Passkey>, ManagePasskeysError> {
        Ok(self.passkeys.list(user_id).await?)
    }

    /// A name is a label for the owner alone: renaming needs no recent proof and tells no one.
    pub async fn rename(&self, user_id: UserId, id: PasskeyId, name: &str) -> Result<Passkey, ManagePasskeysError> {
        let name = PasskeyName::parse(name).map_err(ValidationErrors::from)?;
        self.passkeys.rename(user_id, id, &name).await?.ok_or(ManagePasskeysError::NotFound)
    }
}

opaque_debug!(ManagePasskeys);
