//! `x-request-id` on every response: the client's own when it sent a sane one, else a new
//! UUID. The same id is on every log line of the request and on its access-log line, so they
//! can all be found from the id a user reports.

use actix_web::http::header::HeaderName;
use actix_web::http::header::{HeaderMap, HeaderValue};
use actix_web::web::Bytes;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const MAX_LENGTH: usize = 128;

/// A request's id, kept as the header value it is sent back as: a client's is reused as it
/// came, with no copy.
#[derive(Debug, Clone)]
pub struct RequestId(HeaderValue);

impl RequestId {
    /// The client's id when it is short, printable, and shell- and log-safe; else a new v4 UUID.
    pub fn of_request(headers: &HeaderMap) -> Self {
        match headers.get(&REQUEST_ID) {
            Some(value) if accept(value.as_bytes()) => Self(value.clone()),
            _ => Self::new(),
        }
    }

    fn new() -> Self {
        let mut text = [0; uuid::fmt::Hyphenated::LENGTH];
        uuid::Uuid::new_v4().hyphenated().encode_lower(&mut text);
        // Owned by the bytes themselves: one allocation, and its copies (the response header,
        // the request's extensions) share it. A hyphenated UUID is always a valid header value.
        let shared = Bytes::from_owner(UuidText(text));
        Self(HeaderValue::from_maybe_shared(shared).unwrap_or_else(|_| HeaderValue::from_static("invalid")))
    }

    /// Only the characters [`accept`] lets through, so it needs no escaping anywhere.
    pub fn as_str(&self) -> &str {
        // Not `HeaderValue::to_str`, which checks every byte for a visible character again:
        // the bytes were checked when the id was made, and UTF-8's ASCII check is a word at a time.
        std::str::from_utf8(self.0.as_bytes()).unwrap_or_default()
    }

    pub fn header_value(&self) -> HeaderValue {
        self.0.clone()
    }
}

struct UuidText([u8; uuid::fmt::Hyphenated::LENGTH]);

impl AsRef<[u8]> for UuidText {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn accept(value: &[u8]) -> bool {
    let safe = |c: &u8| c.is_ascii_alphanumeric() || b"-_.:".contains(c);
    !value.is_empty() && value.len() <= MAX_LENGTH && value.iter().all(safe)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn a_clients_sane_id_is_kept_and_anything_else_replaced_by_a_uuid() {
        assert_eq!(RequestId::of_request(&with("abc-123_x.y:z")).as_str(), "abc-123_x.y:z");
        for unsafe_id in ["", "a b", "a\"b", "$(reboot)", "ä"] {
            let mut headers = HeaderMap::new();
            if let Ok(value) = HeaderValue::from_str(unsafe_id) {
                headers.insert(REQUEST_ID, value);
            }
            let id = RequestId::of_request(&headers);
            assert!(uuid::Uuid::parse_str(id.as_str()).is_ok(), "{unsafe_id:?} gave {}", id.as_str());
        }
        let long = "a".repeat(MAX_LENGTH + 1);
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID, HeaderValue::from_str(&long).unwrap());
        assert_ne!(RequestId::of_request(&headers).as_str(), long);
    }

    #[test]
    fn new_ids_differ() {
        let empty = HeaderMap::new();
        assert_ne!(RequestId::of_request(&empty).as_str(), RequestId::of_request(&empty).as_str());
    }
}
