//! Cryptographic adapters for the Yoshikosan domain ports: bcrypt password hashing off the async
//! workers, and HS256-only JSON Web Tokens.
#![forbid(unsafe_code)]

mod bcrypt_hasher;
mod jwt_codec;

pub use bcrypt_hasher::BcryptHasher;
pub use jwt_codec::{JwtCodec, MIN_SECRET_BYTES};
