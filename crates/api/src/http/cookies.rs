//! The session cookie: `HttpOnly; Path=/; SameSite=Lax; Max-Age=<ttl>`, `Secure` when configured.

use actix_web::cookie::{Cookie, SameSite, time::Duration};

use crate::config::CookieSettings;

fn base<'a>(settings: &'a CookieSettings, value: String) -> actix_web::cookie::CookieBuilder<'a> {
    let builder = Cookie::build(settings.name.as_str(), value)
        .http_only(true)
        .path("/")
        .same_site(SameSite::Lax)
        .secure(settings.secure);
    match &settings.domain {
        Some(domain) => builder.domain(domain.as_str()),
        None => builder,
    }
}

pub fn session_cookie(settings: &CookieSettings, token: String, ttl_seconds: i64) -> Cookie<'_> {
    base(settings, token).max_age(Duration::seconds(ttl_seconds)).finish()
}

/// An expired cookie of the same name, path and domain, which makes the browser drop it.
pub fn removal_cookie(settings: &CookieSettings) -> Cookie<'_> {
    let mut cookie = base(settings, String::new()).finish();
    cookie.make_removal();
    cookie
}
