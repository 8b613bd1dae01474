use std::collections::HashSet;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use yoshikosan_domain::ports::{TokenCodec, TokenError};
use yoshikosan_domain::{AccessClaims, SessionId, UserId};

use crate::verified_tokens::{self, CodecId};

/// HS256 keys shorter than the hash output weaken it; production refuses them.
pub const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    sid: Uuid,
    iat: i64,
    exp: i64,
}

/// Access tokens as HS256 JWTs. Only HS256 is accepted: `alg: none` and every other algorithm
/// are refused before the signature is even looked at.
pub struct JwtCodec {
    id: CodecId,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtCodec {
    pub fn new(secret: &SecretString) -> Self {
        let key = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is judged by the domain against its clock, so that an expired token is told
        // apart from a forged one; the claim must still be present.
        validation.validate_exp = false;
        validation.leeway = 0;
        validation.required_spec_claims = HashSet::from(["exp".to_owned(), "sub".to_owned()]);
        Self {
            id: CodecId::next(),
            encoding: EncodingKey::from_secret(key),
            decoding: DecodingKey::from_secret(key),
            validation,
        }
    }
}

impl std::fmt::Debug for JwtCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtCodec(HS256, <key redacted>)")
    }
}

impl TokenCodec for JwtCodec {
    fn encode(&self, claims: &AccessClaims) -> Result<String, TokenError> {
        let claims = Claims {
            sub: claims.user_id.as_uuid(),
            sid: claims.session_id.as_uuid(),
            iat: claims.issued_at.timestamp(),
            exp: claims.expires_at.timestamp(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| TokenError::Issue(e.to_string()))
    }

    fn decode(&self, token: &str) -> Result<AccessClaims, TokenError> {
        if let Some(claims) = verified_tokens::recall(self.id, token) {
            return Ok(claims);
        }
        let claims = self.verify(token)?;
        verified_tokens::remember(self.id, token, &claims);
        Ok(claims)
    }
}

impl JwtCodec {
    /// The whole check: the algorithm, the signature, the claims.
    fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let data =
            jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).map_err(|_| TokenError::Invalid)?;
        let at = |secs| DateTime::<Utc>::from_timestamp(secs, 0).ok_or(TokenError::Invalid);
        Ok(AccessClaims {
            user_id: UserId::from_uuid(data.claims.sub),
            session_id: SessionId::from_uuid(data.claims.sid),
            issued_at: at(data.claims.iat)?,
            expires_at: at(data.claims.exp)?,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    use serde_json::json;

    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    fn codec() -> JwtCodec {
        JwtCodec::new(&SecretString::from(SECRET))
    }

    pub(crate) fn claims() -> AccessClaims {
        let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
        AccessClaims {
            user_id: UserId::generate(),
            session_id: SessionId::generate(),
            issued_at: now,
            expires_at: now + chrono::Duration::hours(1),
        }
    }

    fn b64(value: serde_json::Value) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
    }

    #[test]
    fn round_trips_the_claims() {
        let claims = claims();
        let token = codec().encode(&claims).unwrap();
        assert_eq!(codec().decode(&token).unwrap(), claims);
    }

    #[test]
    fn an_expired_but_well_signed_token_still_decodes() {
        let mut claims = claims();
        claims.expires_at = claims.issued_at - chrono::Duration::hours(2);
        let token = codec().encode(&claims).unwrap();
        assert_eq!(codec().decode(&token).unwrap().expires_at, claims.expires_at);
    }

    #[test]
    fn a_token_once_accepted_is_accepted_again_by_its_key_alone() {
        let codec = codec();
        let claims = claims();
        let token = codec.encode(&claims).unwrap();
        assert_eq!(codec.decode(&token).unwrap(), claims);
        assert_eq!(codec.decode(&token).unwrap(), claims, "again, as remembered");
        let other = JwtCodec::new(&SecretString::from("another-secret-another-secret-xx"));
        assert_eq!(other.decode(&token), Err(TokenError::Invalid), "another key on the same thread");
        let parts: Vec<&str> = token.split('.').collect();
        let payload = b64(json!({"sub": Uuid::nil(), "sid": Uuid::nil(), "iat": 1, "exp": 4_000_000_000_i64}));
        let forged = format!("{}.{payload}.{}", parts[0], parts[2]);
        assert_eq!(codec.decode(&forged), Err(TokenError::Invalid), "its signature on another payload");
    }

    #[test]
    fn refuses_alg_none() {
        let token = codec().encode(&claims()).unwrap();
        let payload = token.split('.').nth(1).unwrap();
        let forged = format!("{}.{payload}.", b64(json!({"alg": "none", "typ": "JWT"})));
        assert_eq!(codec().decode(&forged), Err(TokenError::Invalid));
    }

    #[test]
    fn refuses_another_key_and_another_algorithm() {
        let claims = claims();
        let other = JwtCodec::new(&SecretString::from("another-secret-another-secret-xx"));
        assert_eq!(codec().decode(&other.encode(&claims).unwrap()), Err(TokenError::Invalid));

        let body = json!({"sub": claims.user_id.as_uuid(), "sid": claims.session_id.as_uuid(), "iat": 1, "exp": 4_000_000_000_i64});
        let hs512 =
            jsonwebtoken::encode(&Header::new(Algorithm::HS512), &body, &EncodingKey::from_secret(SECRET.as_bytes()))
                .unwrap();
        assert_eq!(codec().decode(&hs512), Err(TokenError::Invalid));
    }

    #[test]
    fn refuses_a_tampered_payload_and_missing_claims() {
        let token = codec().encode(&claims()).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let tampered = format!(
            "{}.{}.{}",
            parts[0],
            b64(json!({"sub": Uuid::nil(), "sid": Uuid::nil(), "iat": 1, "exp": 4_000_000_000_i64})),
            parts[2]
        );
        assert_eq!(codec().decode(&tampered), Err(TokenError::Invalid));

        let no_sid = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &json!({"sub": Uuid::nil(), "exp": 4_000_000_000_i64}),
            &EncodingKey::from_secret(SECRET.as_bytes()),
        )
        .unwrap();
        assert_eq!(codec().decode(&no_sid), Err(TokenError::Invalid));
        assert_eq!(codec().decode("not.a.jwt"), Err(TokenError::Invalid));
        assert_eq!(codec().decode(""), Err(TokenError::Invalid));
    }
}
