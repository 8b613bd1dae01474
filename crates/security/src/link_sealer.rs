use secrecy::SecretString;
use yoshikosan_domain::mail::{LinkSealer, LinkToken};

use crate::cookie_cipher::CookieCipher;

/// Seals mail link tokens while they wait in the outbox, under a key of their own derived from
/// `SECRET_KEY`: a copy of the database alone holds no usable link.
#[derive(Debug)]
pub struct LinkCipher(CookieCipher);

impl LinkCipher {
    pub fn new(secret: &SecretString) -> Self {
        Self(CookieCipher::new(secret, "mail link token"))
    }
}

impl LinkSealer for LinkCipher {
    fn seal(&self, token: &LinkToken) -> Option<String> {
        self.0.seal(token.expose().as_bytes())
    }

    fn open(&self, sealed: &str) -> Option<LinkToken> {
        let bytes = self.0.open(sealed)?;
        LinkToken::parse(std::str::from_utf8(&bytes).ok()?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn a_sealed_token_opens_under_the_same_key_only() {
        let key = SecretString::from("a-secret-key-that-is-long-enough-0123456789");
        let other = SecretString::from("another-secret-key-long-enough-0123456789ab");
        let token = LinkToken::generate();
        let sealed = LinkCipher::new(&key).seal(&token).unwrap();
        assert!(!sealed.contains(token.expose()));
        assert_eq!(LinkCipher::new(&key).open(&sealed), Some(token));
        assert_eq!(LinkCipher::new(&other).open(&sealed), None);
        assert_eq!(CookieCipher::new(&key, "oauth flow").open(&sealed), None, "a key of its own");
    }
}
