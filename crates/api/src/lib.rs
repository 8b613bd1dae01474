//! The Yoshikosan auth service over HTTP: handlers, OpenAPI docs, configuration, and the
//! composition root that wires the domain to its adapters.

pub mod audit;
pub mod commands;
pub mod config;
pub mod cookies;
pub mod database_commands;
pub mod database_wait;
pub mod error;
pub mod http;
pub mod mail_sender;
pub mod prometheus;
pub mod provider_checks;
pub mod provider_registry;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod wiring;
