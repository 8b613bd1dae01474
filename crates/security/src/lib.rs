//! Cryptographic adapters for the Yoshikosan domain ports: bcrypt password hashing off the async
//! workers shared fairly between client addresses, HS256-only JSON Web Tokens, and authenticated encryption of cookies and mail links.

mod bcrypt_hasher;
mod cookie_cipher;
mod fair_hashing_gate;
mod jwt_codec;
mod link_sealer;
mod verified_tokens;

pub use bcrypt_hasher::{BcryptHasher, HASH_QUEUE_WAIT_SECONDS, HASHES_IN_FLIGHT};
pub use cookie_cipher::CookieCipher;
pub use fair_hashing_gate::{FairHashingGate, QUEUE_PER_CLIENT};
pub use jwt_codec::{JwtCodec, MIN_SECRET_BYTES};
pub use link_sealer::LinkCipher;
