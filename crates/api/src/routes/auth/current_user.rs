use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use yoshikosan_domain::use_cases::Authenticated;

use crate::error::ApiError;
use crate::http::token::AccessToken;
use crate::state::AppState;

/// The signed-in user and session of a request; a handler taking it answers 401 without it.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Authenticated);

impl FromRequest for CurrentUser {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = AccessToken::of(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("application state is not registered".into()))?;
            Ok(Self(state.authenticate.execute(token.as_deref()).await?))
        })
    }
}
