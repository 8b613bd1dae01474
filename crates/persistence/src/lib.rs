//! SeaORM adapters for the Yoshikosan domain ports, on SQLite and PostgreSQL alike.

mod account_lock;
mod cached_session_repository;
mod database;
pub mod entities;
mod errors;
mod invalidation;
mod link_uses;
mod mail_outbox;
mod oauth_account_repository;
mod oauth_sign_in_store;
mod oauth_state_store;
mod passkey_repository;
mod rows;
mod session_cache;
mod session_lookup;
mod session_repository;
mod sign_in_method_removal;
mod unit_of_work;
mod user_repository;

#[cfg(any(test, feature = "test-support"))]
pub mod testing;

pub use database::{Database, DatabaseOptions, PoolStats};
pub use link_uses::SeaLinkUses;
pub use mail_outbox::SeaMailOutbox;
pub use migration::DEFAULT_DATABASE_URL;
pub use oauth_account_repository::SeaOAuthAccountRepository;
pub use oauth_sign_in_store::SeaOAuthSignInStore;
pub use oauth_state_store::SeaOAuthStateStore;
pub use passkey_repository::SeaPasskeys;
pub use sea_orm::DbErr;
pub use session_repository::SeaSessionRepository;
pub use user_repository::SeaUserRepository;
