//! Where a request's access token comes from: the `Authorization: Bearer` header, else the
//! session cookie. A request with an `Authorization` header is judged by it alone.

use std::future::{Ready, ready};

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::state::AppState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessToken {
    None,
    /// A token was offered; it may still be malformed or forged.
    Offered(String),
}

impl AccessToken {
    pub fn as_deref(&self) -> Option<&str> {
        match self {
            Self::None => None,
            Self::Offered(token) => Some(token),
        }
    }

    pub fn of(req: &HttpRequest) -> Self {
        if let Some(value) = req.headers().get(header::AUTHORIZATION) {
            // An Authorization header that is not a Bearer token is offered as an empty,
            // invalid token: it must not fall back to the cookie. Read as bytes: a token that is
            // not text is no token, and checking every byte for printable ASCII first cost
            // more than the rest of finding it.
            let bytes = value.as_bytes();
            let bearer = bytes
                .iter()
                .position(|b| *b == b' ')
                .filter(|&space| bytes[..space].eq_ignore_ascii_case(b"bearer"))
                .and_then(|space| std::str::from_utf8(&bytes[space + 1..]).ok())
                .map(|token| token.trim().to_owned());
            return Self::Offered(bearer.unwrap_or_default());
        }
        let Some(state) = req.app_data::<web::Data<AppState>>() else { return Self::None };
        state.web.cookie.read_session(req).map_or(Self::None, Self::Offered)
    }
}

impl FromRequest for AccessToken {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self::of(req)))
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::HeaderValue;
    use actix_web::test::TestRequest;

    use super::*;

    fn offered(authorization: HeaderValue) -> AccessToken {
        AccessToken::of(&TestRequest::default().insert_header((header::AUTHORIZATION, authorization)).to_http_request())
    }

    #[test]
    fn only_a_bearer_token_is_taken_from_the_authorization_header() {
        let token = |t: &str| AccessToken::Offered(t.to_owned());
        assert_eq!(offered(HeaderValue::from_static("Bearer abc.def.ghi")), token("abc.def.ghi"));
        assert_eq!(offered(HeaderValue::from_static("bEaReR   abc ")), token("abc"));
        for refused in ["Basic YWRhOnB3", "Bearer", "Bearerabc", " Bearer abc"] {
            assert_eq!(offered(HeaderValue::from_static(refused)), token(""), "{refused}");
        }
        let not_text = HeaderValue::from_bytes(b"Bearer \xff\xfe").unwrap();
        assert_eq!(offered(not_text), token(""));
        assert_eq!(AccessToken::of(&TestRequest::default().to_http_request()), AccessToken::None);
    }
}
