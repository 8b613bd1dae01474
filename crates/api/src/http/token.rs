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
            // invalid token: it must not fall back to the cookie.
            let bearer = value
                .to_str()
                .ok()
                .and_then(|v| v.split_once(' '))
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, token)| token.trim().to_owned());
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
