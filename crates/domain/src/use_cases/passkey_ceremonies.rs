//! What every passkey ceremony shares: the ports, and the sealed state that goes out with the
//! options and must come back, once, unchanged, in time, to the same purpose.

use std::sync::Arc;

use crate::clock::Clock;
use crate::passkey::{
    Ceremony, CeremonyPurpose, CeremonySealer, CeremonyState, CredentialResponse, Passkey, PasskeyRejection,
    PasskeyRepository, PublicKeyOptions, RelyingParty, RelyingPartyError,
};
use crate::ports::{OAuthStateStore, StoreError, UserRepository};

/// The ports of the passkey use cases.
#[derive(Clone)]
pub struct PasskeyPorts {
    pub users: Arc<dyn UserRepository>,
    pub passkeys: Arc<dyn PasskeyRepository>,
    pub relying_party: Arc<dyn RelyingParty>,
    pub sealer: Arc<dyn CeremonySealer>,
    /// Records each finished ceremony, as it does each OAuth state, until it expires.
    pub used: Arc<dyn OAuthStateStore>,
    pub clock: Arc<dyn Clock>,
}

opaque_debug!(PasskeyPorts);

/// A started ceremony: the options for the browser, and the sealed state it sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedCeremony {
    pub ceremony: String,
    pub options: PublicKeyOptions,
}

impl PasskeyPorts {
    /// Seals the relying party's state for `purpose`.
    pub(super) fn begin(
        &self,
        purpose: CeremonyPurpose,
        (options, state): (PublicKeyOptions, CeremonyState),
    ) -> Result<StartedCeremony, RelyingPartyError> {
        let ceremony = Ceremony::new(purpose, state, self.clock.now());
        let sealed =
            self.sealer.seal(&ceremony).ok_or_else(|| RelyingPartyError("the ceremony was not sealed".into()))?;
        Ok(StartedCeremony { ceremony: sealed, options })
    }

    /// The ceremony's state, the one time it is finished; None when the client's string is
    /// unknown, altered, expired, of another purpose or session, or already finished.
    pub(super) async fn finish(
        &self,
        sealed: &str,
        purpose: CeremonyPurpose,
    ) -> Result<Option<CeremonyState>, StoreError> {
        let Some(ceremony) = self.sealer.open(sealed) else { return Ok(None) };
        if ceremony.purpose != purpose || ceremony.expires_at <= self.clock.now() {
            return Ok(None);
        }
        Ok(self.used.consume(&ceremony.use_key(), ceremony.expires_at).await?.then_some(ceremony.state))
    }

    /// The stored passkey an answer names, only if it still exists and is the account's that
    /// the authenticator's user handle names and, when signed in, `user`'s. A sign-in needs the
    /// handle; a re-authentication, whose options named the account's passkeys, does not.
    pub(super) async fn named_passkey(
        &self,
        response: &CredentialResponse,
        user: Option<crate::user::UserId>,
    ) -> Result<Result<Passkey, PasskeyRejection>, StoreError> {
        let (handle, credential_id) = match self.relying_party.identify(response) {
            Ok(named) => named,
            Err(rejection) => return Ok(Err(rejection)),
        };
        if handle.is_none() && user.is_none() {
            return Ok(Err(PasskeyRejection::Invalid("no user handle".into())));
        }
        let found = self.passkeys.find_by_credential(&credential_id).await?;
        let owns = |owner: crate::user::UserId| {
            handle.is_none_or(|handle| handle == owner) && user.is_none_or(|user| user == owner)
        };
        Ok(match found {
            Some(passkey) if owns(passkey.user_id) => Ok(passkey),
            Some(_) => Err(PasskeyRejection::Invalid("the credential belongs to another account".into())),
            None => Err(PasskeyRejection::Invalid("unknown or removed credential".into())),
        })
    }
}
