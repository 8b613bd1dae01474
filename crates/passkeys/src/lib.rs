//! Passkeys for the Yoshikosan domain ports: the WebAuthn relying party (webauthn-rs), the
//! sealed state of a ceremony between its start and its finish, and which of the site's origins
//! can use passkeys at all.

mod ceremony_cipher;
mod origins;
mod relying_party;

pub use ceremony_cipher::CeremonyCipher;
pub use origins::{PasskeysOff, passkey_origins};
pub use relying_party::WebauthnRelyingParty;
pub use webauthn_rs::prelude::Url;
