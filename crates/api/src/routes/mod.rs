//! HTTP handlers, each documented for OpenAPI where it is defined.

pub mod auth;
pub mod docs;
pub mod fallback;
pub mod health;
pub mod metrics;
