use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hkdf::Hkdf;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

const NONCE_BYTES: usize = 12;

/// Authenticated encryption of small values carried by the browser (the OAuth flow cookie):
/// AES-256-GCM under a key derived from `SECRET_KEY` for this purpose alone (HKDF-SHA256), so
/// the JWT key and this one can never be confused. A cookie that was altered, or sealed under
/// another key or for another purpose, does not open.
pub struct CookieCipher {
    cipher: Aes256Gcm,
}

impl CookieCipher {
    pub fn new(secret: &SecretString, purpose: &str) -> Self {
        let mut key = [0u8; 32];
        let hkdf = Hkdf::<Sha256>::new(Some(b"yoshikosan cookie cipher"), secret.expose_secret().as_bytes());
        // 32 bytes is far below HKDF-SHA256's 8160-byte limit, so expansion cannot fail.
        let _ = hkdf.expand(purpose.as_bytes(), &mut key);
        Self { cipher: Aes256Gcm::new(&key.into()) }
    }

    /// URL-safe base64 of nonce ‖ ciphertext ‖ tag.
    pub fn seal(&self, plaintext: &[u8]) -> Option<String> {
        let nonce_bytes: [u8; NONCE_BYTES] = rand::random();
        let ciphertext = self.cipher.encrypt(&Nonce::from(nonce_bytes), plaintext).ok()?;
        let mut sealed = nonce_bytes.to_vec();
        sealed.extend_from_slice(&ciphertext);
        Some(URL_SAFE_NO_PAD.encode(sealed))
    }

    pub fn open(&self, sealed: &str) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if bytes.len() <= NONCE_BYTES {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().ok()?;
        self.cipher.decrypt(&Nonce::from(nonce), ciphertext).ok()
    }
}

impl std::fmt::Debug for CookieCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CookieCipher(AES-256-GCM, <key redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher(secret: &str, purpose: &str) -> CookieCipher {
        CookieCipher::new(&SecretString::from(secret), purpose)
    }

    #[test]
    fn opens_what_it_sealed_and_hides_it() {
        let c = cipher("0123456789abcdef0123456789abcdef", "oauth-flow");
        let sealed = c.seal(b"state=abc").unwrap();
        assert!(!sealed.contains("abc"));
        assert_eq!(c.open(&sealed).unwrap(), b"state=abc");
        assert_ne!(c.seal(b"state=abc").unwrap(), sealed, "a nonce was reused");
    }

    #[test]
    fn refuses_tampering_other_keys_and_other_purposes() {
        let c = cipher("0123456789abcdef0123456789abcdef", "oauth-flow");
        let sealed = c.seal(b"payload").unwrap();
        let mut bytes = URL_SAFE_NO_PAD.decode(&sealed).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        assert!(c.open(&URL_SAFE_NO_PAD.encode(bytes)).is_none());
        assert!(cipher("another-secret-another-secret-xx", "oauth-flow").open(&sealed).is_none());
        assert!(cipher("0123456789abcdef0123456789abcdef", "other").open(&sealed).is_none());
        assert!(c.open("").is_none() && c.open("!!").is_none() && c.open("AAAA").is_none());
    }
}
