//! SeaORM entities, mirroring the tables the `migration` crate creates.

pub mod link_tokens;
pub mod mail_outbox;
pub mod oauth_accounts;
pub mod oauth_states;
pub mod passkeys;
pub mod sessions;
pub mod unlinked_identities;
pub mod users;
