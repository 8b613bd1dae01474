//! The cookies this service sets: the session cookie (`HttpOnly; Path=/; SameSite=Lax;
//! Max-Age=<ttl>`) and the OAuth flow cookie, `Secure` when configured.
//!
//! Secure cookies without a `COOKIE_DOMAIN` are named `__Host-…`: a browser then takes them only
//! from this very host, over HTTPS, for the whole site, so a sibling subdomain or a plain-http
//! page cannot plant a session or a flow of its own (cookie tossing). The names an older release
//! issued are still read for one token lifetime after start-up, so nobody is signed out by the
//! upgrade, and never once both are present; an older flow cookie only for a flow's lifetime.
//! The window counts from this process's start, so a restart opens it again: a cookie planted
//! under the old name by a sibling subdomain is still read while it lasts.

use std::time::{Duration as StdDuration, Instant};

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::{HttpRequest, HttpResponseBuilder};

use crate::config::CookieSettings;

const HOST_PREFIX: &str = "__Host-";
const FLOW: &str = "yoshikosan_oauth";
/// Where an unprefixed flow cookie is sent: only to the callback that reads it.
const FLOW_PATH: &str = "/api/auth/callback";

/// The cookies' names and attributes, decided once at start-up.
#[derive(Debug, Clone)]
pub struct Cookies {
    settings: CookieSettings,
    session: String,
    flow: String,
    flow_path: &'static str,
    /// Until when the unprefixed names of an older release are read: a session's, a flow's.
    legacy_until: Option<(Instant, Instant)>,
}

impl Cookies {
    /// `session_lifetime`, `flow_lifetime`: how long such a cookie an older release issued may
    /// still be alive.
    pub fn new(settings: &CookieSettings, session_lifetime: StdDuration, flow_lifetime: StdDuration) -> Self {
        let prefixed = settings.secure && settings.domain.is_none();
        let prefix = if prefixed { HOST_PREFIX } else { "" };
        Self {
            settings: settings.clone(),
            session: format!("{prefix}{}", settings.name),
            flow: format!("{prefix}{FLOW}"),
            flow_path: if prefixed { "/" } else { FLOW_PATH },
            legacy_until: prefixed.then(|| (Instant::now() + session_lifetime, Instant::now() + flow_lifetime)),
        }
    }

    pub fn session(&self, token: String, ttl_seconds: i64) -> Cookie<'static> {
        self.build(self.session.clone(), "/", token).max_age(Duration::seconds(ttl_seconds)).finish()
    }

    /// Expired cookies that make the browser drop the session, under either name.
    fn session_removal(&self) -> Vec<Cookie<'static>> {
        let legacy = self.legacy_until.map(|_| self.settings.name.clone());
        [Some(self.session.clone()), legacy].into_iter().flatten().map(|name| self.removal(name, "/")).collect()
    }

    pub fn flow(&self, sealed: String, lifetime_seconds: i64) -> Cookie<'static> {
        self.build(self.flow.clone(), self.flow_path, sealed).max_age(Duration::seconds(lifetime_seconds)).finish()
    }

    pub fn flow_removal(&self) -> Cookie<'static> {
        self.removal(self.flow.clone(), self.flow_path)
    }

    /// The session cookie's value: the current name, else for a while the older one.
    pub fn read_session(&self, req: &HttpRequest) -> Option<String> {
        self.read(req, &self.session, &self.settings.name, self.legacy_until.map(|(session, _)| session))
    }

    pub fn read_flow(&self, req: &HttpRequest) -> Option<String> {
        self.read(req, &self.flow, FLOW, self.legacy_until.map(|(_, flow)| flow))
    }

    fn read(&self, req: &HttpRequest, name: &str, legacy: &str, until: Option<Instant>) -> Option<String> {
        let value = |name: &str| req.cookie(name).map(|c| c.value().to_owned()).filter(|v| !v.is_empty());
        value(name).or_else(|| until.filter(|until| Instant::now() < *until).and_then(|_| value(legacy)))
    }

    /// Adds the cookies that end the session in this browser.
    pub fn end_session(&self, response: &mut HttpResponseBuilder) {
        for cookie in self.session_removal() {
            response.cookie(cookie);
        }
    }

    /// SameSite=Lax: Strict would be withheld on the provider's cross-site redirect back to us.
    fn build(&self, name: String, path: &'static str, value: String) -> actix_web::cookie::CookieBuilder<'static> {
        let builder =
            Cookie::build(name, value).http_only(true).path(path).same_site(SameSite::Lax).secure(self.settings.secure);
        match &self.settings.domain {
            Some(domain) => builder.domain(domain.clone()),
            None => builder,
        }
    }

    fn removal(&self, name: String, path: &'static str) -> Cookie<'static> {
        let mut cookie = self.build(name, path, String::new()).finish();
        cookie.make_removal();
        cookie
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    const MINUTE: StdDuration = StdDuration::from_secs(60);

    fn settings(secure: bool, domain: Option<&str>) -> CookieSettings {
        CookieSettings { name: "access_token".into(), secure, domain: domain.map(str::to_owned) }
    }

    #[test]
    fn secure_cookies_without_a_domain_are_host_cookies_for_the_whole_site() {
        let cookies = Cookies::new(&settings(true, None), MINUTE, MINUTE);
        let session = cookies.session("t".into(), 60).to_string();
        assert!(
            session.starts_with("__Host-access_token=t;") && session.contains("Path=/") && session.contains("Secure")
        );
        assert!(!session.contains("Domain"), "{session}");
        let flow = cookies.flow("f".into(), 600).to_string();
        assert!(flow.starts_with("__Host-yoshikosan_oauth=f;") && flow.contains("Path=/;"), "{flow}");
        let removed: Vec<String> = cookies.session_removal().iter().map(|c| c.name().to_owned()).collect();
        assert_eq!(removed, ["__Host-access_token", "access_token"]);
    }

    #[test]
    fn plain_http_or_a_shared_domain_keeps_the_plain_names() {
        for settings in [settings(false, None), settings(true, Some("example.com"))] {
            let cookies = Cookies::new(&settings, MINUTE, MINUTE);
            assert!(cookies.session("t".into(), 60).to_string().starts_with("access_token=t;"));
            let flow = cookies.flow("f".into(), 600).to_string();
            assert!(flow.starts_with("yoshikosan_oauth=f;") && flow.contains("Path=/api/auth/callback"), "{flow}");
            assert_eq!(cookies.session_removal().len(), 1);
        }
    }

    #[test]
    fn the_older_name_is_read_for_one_token_lifetime_and_the_new_one_wins() {
        let fresh = Cookies::new(&settings(true, None), MINUTE, MINUTE);
        let both = TestRequest::default()
            .insert_header(("cookie", "access_token=old; __Host-access_token=new"))
            .to_http_request();
        assert_eq!(fresh.read_session(&both).as_deref(), Some("new"));
        let old = TestRequest::default().insert_header(("cookie", "access_token=old")).to_http_request();
        assert_eq!(fresh.read_session(&old).as_deref(), Some("old"));
        let expired = Cookies::new(&settings(true, None), StdDuration::ZERO, StdDuration::ZERO);
        assert_eq!(expired.read_session(&old), None, "after one token lifetime only the new name counts");
        let flow = TestRequest::default().insert_header(("cookie", "yoshikosan_oauth=sealed")).to_http_request();
        assert_eq!(fresh.read_flow(&flow).as_deref(), Some("sealed"));
        let flows_over = Cookies::new(&settings(true, None), MINUTE, StdDuration::ZERO);
        assert_eq!(flows_over.read_flow(&flow), None, "an older flow cookie is read for a flow's lifetime only");
        assert_eq!(flows_over.read_session(&old).as_deref(), Some("old"));
    }
}
