//! HTTP plumbing shared by the routes: middleware, extractors and cookies.

pub mod body_deadline;
pub mod client_context;
pub mod client_ip;
pub mod cors;
pub mod csrf;
pub mod json;
pub mod json_reply;
pub mod oauth_flow;
pub mod request_envelope;
pub mod request_id;
pub mod request_metrics;
mod request_metrics_text;
pub mod security_headers;
pub mod token;
mod unique_keys;
