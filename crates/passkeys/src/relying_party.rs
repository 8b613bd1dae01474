//! The relying party: webauthn-rs runs every check of a ceremony (challenge, origin, RP ID,
//! user verification, signature, counter). This adapter only turns its types into the
//! domain's and back, and asks for discoverable credentials.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::Uuid;
use webauthn_rs::prelude::{
    Credential, DiscoverableAuthentication, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, WebauthnError,
};
use webauthn_rs::{Webauthn, WebauthnBuilder};
use webauthn_rs_proto::ResidentKeyRequirement;
use yoshikosan_domain::passkey::{
    Assertion, CeremonyState, CredentialId, CredentialResponse, NewCredential, Passkey, PasskeyRejection,
    PublicKeyOptions, RelyingParty, RelyingPartyError, StoredCredential,
};
use yoshikosan_domain::{User, UserId};

/// A ceremony's state as it is sealed into the client's `ceremony` string.
#[derive(Serialize, Deserialize)]
enum WireState {
    Registration(PasskeyRegistration),
    SignIn(DiscoverableAuthentication),
    Reauthentication(PasskeyAuthentication),
}

pub struct WebauthnRelyingParty {
    webauthn: Webauthn,
}

impl WebauthnRelyingParty {
    /// `origins` are the pages' origins, each the RP ID or under it (checked by
    /// [`passkey_origins`](crate::passkey_origins)).
    pub fn new(rp_id: &str, rp_name: &str, origins: &[Url]) -> Result<Self, RelyingPartyError> {
        let (first, others) = origins.split_first().ok_or_else(|| RelyingPartyError("no origin".into()))?;
        let mut builder = WebauthnBuilder::new(rp_id, first).map_err(failed)?.rp_name(rp_name);
        for origin in others {
            builder = builder.append_allowed_origin(origin);
        }
        Ok(Self { webauthn: builder.build().map_err(failed)? })
    }
}

impl std::fmt::Debug for WebauthnRelyingParty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebauthnRelyingParty").field("origins", &self.webauthn.get_allowed_origins()).finish()
    }
}

fn failed(error: impl std::fmt::Display) -> RelyingPartyError {
    RelyingPartyError(error.to_string())
}

fn rejected(error: WebauthnError) -> PasskeyRejection {
    match error {
        WebauthnError::CredentialPossibleCompromise => PasskeyRejection::CounterWentBackwards,
        other => PasskeyRejection::Invalid(other.to_string()),
    }
}

fn invalid(what: &str) -> PasskeyRejection {
    PasskeyRejection::Invalid(what.to_owned())
}

fn to_json(value: &impl Serialize) -> Result<String, RelyingPartyError> {
    serde_json::to_string(value).map_err(failed)
}

fn state(wire: &WireState) -> Result<CeremonyState, RelyingPartyError> {
    to_json(wire).map(CeremonyState::new)
}

fn open_state(state: &CeremonyState) -> Result<WireState, PasskeyRejection> {
    serde_json::from_str(state.as_str()).map_err(|_| invalid("unreadable ceremony state"))
}

fn stored(credential: &Credential) -> Result<StoredCredential, PasskeyRejection> {
    serde_json::to_string(credential).map(StoredCredential::new).map_err(|e| invalid(&e.to_string()))
}

fn credential_of(passkey: &Passkey) -> Result<Credential, PasskeyRejection> {
    serde_json::from_str(passkey.credential.as_str()).map_err(|_| invalid("unreadable stored credential"))
}

fn answer(response: &CredentialResponse) -> Result<PublicKeyCredential, PasskeyRejection> {
    serde_json::from_str(response.as_str()).map_err(|e| invalid(&format!("malformed credential: {e}")))
}

impl RelyingParty for WebauthnRelyingParty {
    fn start_registration(
        &self,
        user: &User,
        exclude: &[CredentialId],
    ) -> Result<(PublicKeyOptions, CeremonyState), RelyingPartyError> {
        let exclude = exclude.iter().filter_map(|id| URL_SAFE_NO_PAD.decode(id.as_str()).ok()).collect();
        let (mut options, registration) = self
            .webauthn
            .start_passkey_registration(user.id.as_uuid(), user.email.as_str(), user.name.as_str(), Some(exclude))
            .map_err(failed)?;
        // A passkey must be offered without typing the address: a discoverable credential,
        // which webauthn-rs leaves optional for security keys' sake.
        if let Some(selection) = options.public_key.authenticator_selection.as_mut() {
            selection.resident_key = Some(ResidentKeyRequirement::Required);
            selection.require_resident_key = true;
        }
        let options = PublicKeyOptions::new(to_json(&options.public_key)?);
        Ok((options, state(&WireState::Registration(registration))?))
    }

    fn finish_registration(
        &self,
        state: &CeremonyState,
        response: &CredentialResponse,
    ) -> Result<NewCredential, PasskeyRejection> {
        let WireState::Registration(registration) = open_state(state)? else {
            return Err(invalid("not a registration"));
        };
        let credential: RegisterPublicKeyCredential =
            serde_json::from_str(response.as_str()).map_err(|e| invalid(&format!("malformed credential: {e}")))?;
        // Unsigned, but a browser that says the key is not discoverable means it.
        if credential.extensions.cred_props.as_ref().is_some_and(|props| props.rk == Some(false)) {
            return Err(PasskeyRejection::NotDiscoverable);
        }
        let passkey = self.webauthn.finish_passkey_registration(&credential, &registration).map_err(rejected)?;
        let credential: Credential = passkey.into();
        Ok(NewCredential {
            credential_id: CredentialId::from_base64url(URL_SAFE_NO_PAD.encode(&credential.cred_id)),
            sign_count: credential.counter,
            backed_up: credential.backup_state,
            credential: stored(&credential)?,
        })
    }

    fn start_sign_in(&self) -> Result<(PublicKeyOptions, CeremonyState), RelyingPartyError> {
        let (options, authentication) = self.webauthn.start_discoverable_authentication().map_err(failed)?;
        let options = PublicKeyOptions::new(to_json(&options.public_key)?);
        Ok((options, state(&WireState::SignIn(authentication))?))
    }

    fn start_reauthentication(
        &self,
        passkeys: &[Passkey],
    ) -> Result<(PublicKeyOptions, CeremonyState), RelyingPartyError> {
        let allowed: Vec<webauthn_rs::prelude::Passkey> = passkeys
            .iter()
            .filter_map(|passkey| credential_of(passkey).ok())
            .map(webauthn_rs::prelude::Passkey::from)
            .collect();
        let (options, authentication) = self.webauthn.start_passkey_authentication(&allowed).map_err(failed)?;
        let options = PublicKeyOptions::new(to_json(&options.public_key)?);
        Ok((options, state(&WireState::Reauthentication(authentication))?))
    }

    fn identify(&self, response: &CredentialResponse) -> Result<(Option<UserId>, CredentialId), PasskeyRejection> {
        let answer = answer(response)?;
        let credential = CredentialId::from_base64url(URL_SAFE_NO_PAD.encode(answer.get_credential_id()));
        let user = match answer.get_user_unique_id() {
            None => None,
            Some(handle) => Some(Uuid::from_slice(handle).map_err(|_| invalid("a user handle of another service"))?),
        };
        Ok((user.map(UserId::from_uuid), credential))
    }

    fn finish_authentication(
        &self,
        state: &CeremonyState,
        response: &CredentialResponse,
        passkey: &Passkey,
    ) -> Result<Assertion, PasskeyRejection> {
        let answer = answer(response)?;
        let mut credential = credential_of(passkey)?;
        let result = match open_state(state)? {
            WireState::SignIn(authentication) => self
                .webauthn
                .finish_discoverable_authentication_v2(&answer, authentication, &credential)
                .map_err(rejected)?,
            WireState::Reauthentication(authentication) => {
                self.webauthn.finish_passkey_authentication(&answer, &authentication).map_err(rejected)?
            }
            WireState::Registration(_) => return Err(invalid("not an authentication")),
        };
        if result.cred_id() != &credential.cred_id {
            return Err(invalid("another credential answered"));
        }
        let mut updated = webauthn_rs::prelude::Passkey::from(credential);
        updated.update_credential(&result);
        credential = updated.into();
        Ok(Assertion {
            sign_count: credential.counter,
            backed_up: credential.backup_state,
            credential: stored(&credential)?,
        })
    }
}
